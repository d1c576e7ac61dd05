// Test doubles for the resilience ports, reusable by the simulator and by tests.
export { ManualClock } from './manualClock.ts';
export { SequenceRandom } from './sequenceRandom.ts';
