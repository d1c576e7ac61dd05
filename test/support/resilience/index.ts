// Test doubles for the resilience ports, shared by the resilience unit tests.
export { ManualClock } from './manualClock.ts';
export { SequenceRandom } from './sequenceRandom.ts';
