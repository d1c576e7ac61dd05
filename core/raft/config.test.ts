// validateConfig: every field it checks is refused outside its range and accepted at the edge,
// with a message naming the field.
import { describe, expect, it } from 'vitest';
import { seededRandom, testConfig } from '../../test/support/raft/testNetwork.ts';
import { type RaftConfig, validateConfig } from './config.ts';

const base = (): RaftConfig => testConfig(1, {}, seededRandom(1));
const withField = (patch: Record<string, unknown>): RaftConfig => ({ ...base(), ...patch }) as RaftConfig;

describe('validateConfig', () => {
  it('accepts the test configuration and the edges of every range', () => {
    expect(() => validateConfig(base())).not.toThrow();
    expect(() => validateConfig(withField({ id: 0 }))).not.toThrow();
    expect(() => validateConfig(withField({ clockDriftMax: 0 }))).not.toThrow();
    expect(() => validateConfig(withField({ clockDriftMax: 10 }))).not.toThrow();
    expect(() => validateConfig(withField({ readOnly: 'lease', checkQuorum: true }))).not.toThrow();
  });

  it.each([
    [{ id: -1 }, /id must be a non-negative integer/],
    [{ id: 1.5 }, /id must be a non-negative integer/],
    [{ electionTicks: 0 }, /electionTicks must be a positive integer/],
    [{ heartbeatTicks: 0 }, /heartbeatTicks must be a positive integer/],
    [{ maxInflight: -2 }, /maxInflight must be a positive integer/],
    [{ maxEntriesPerMsg: 0.5 }, /maxEntriesPerMsg must be a positive integer/],
    [{ readOnly: 'fast' }, /readOnly must be 'safe' or 'lease', got fast/],
    [{ clockDriftMax: -0.01 }, /clockDriftMax must be a number in \[0, 10\]/],
    [{ clockDriftMax: 10.5 }, /clockDriftMax must be a number in \[0, 10\]/],
    [{ clockDriftMax: Number.NaN }, /clockDriftMax must be a number in \[0, 10\]/],
    [{ readOnly: 'lease', checkQuorum: false }, /readOnly 'lease' requires checkQuorum/],
  ])('refuses %o', (patch, message) => {
    expect(() => validateConfig(withField(patch))).toThrow(message);
  });
});
