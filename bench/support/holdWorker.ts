// A benchmark worker thread that runs the kernel's hold model (hold.ts) on each 'hold'
// message and posts its rate back. Its heap is its own, so the garbage of a million-event
// queue does not land on the main thread's next measured run. The process's CPU clock
// counts this thread's time while the main thread waits for the answer.
import { parentPort } from 'node:worker_threads';
import { kernelHold } from './hold.ts';

if (parentPort === null) throw new Error('holdWorker must run in a worker thread');
const port = parentPort;
port.on('message', () => port.postMessage(kernelHold()));
