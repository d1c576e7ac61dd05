// Types for what Vite adds to modules under ui/ (import.meta.glob, ?raw, worker URLs).
/// <reference types="vite/client" />

// What `faultline ui` hands the page (ui/lib/userBundlePlugin.ts): users' workload modules and scenario files.
declare module 'virtual:faultline-user' {
  const bundle: import('./lib/userBundle.ts').UserBundle;
  export default bundle;
}
