// faultline/evented: run ordinary evented JavaScript (timers, promises, event emitters)
// deterministically on a virtual node. Node only (it uses node:vm); docs/evented.md.
export { CALLBACKS_PER_EVENT_MAX_DEFAULT, EPOCH_MS, eventedProcess, unhandledRejections } from './eventedProcess.ts';
export type { EventedOptions, Host } from './eventedProcess.ts';
export { ALLOWED_BUILTINS, RealmLoadError } from './realm.ts';
