// Goal: disk time (raft.fsync, slowDisk) and the nemeses aimed at it have teeth, and land
// where they aim: a Ready's sends wait for its fsync; crashOn persist crashes a server the
// instant an fsync completed, before the messages waiting for it left; crashOn write the
// instant writes were issued, before their fsync; slowDisk with `down` restarts the node on
// a disk whose fsyncs take that much longer; crashOn truncate the instant a durable append
// replaced entries (no disk time needed). With a built-in bug (skipFsync,
// forgetVoteOnRestart, sendBeforePersist) seed 1 fails under the check that guards the
// rule; the correct Raft passes the same seed.
// Method: fixtures in test/fixtures/disktime run in-process with runScenario.
import { describe, expect, it } from 'vitest';
import { materialize, sampleSwarm } from '../sim/faults/swarm.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import { faultSchema, type Scenario } from '../sim/scenario/schema.ts';
import type { RaftSpec } from '../sim/workloads/kvSections.ts';
import { raftFixture, violatedChecks } from './support/raftFixture.ts';
import { loadScenarioFile } from '../cli/catalog.ts';

const fixture = (name: string, bug: RaftSpec['bugs'][number] | null): Scenario => raftFixture(`test/fixtures/disktime/${name}.yaml`, bug);
const checksOf = violatedChecks;

type Tel = { t: number; node: number; name: string; f: Record<string, unknown> };

function observed(s: Scenario, seed: number): { tel: Tel[]; faults: { t: number; tag: string }[] } {
  const tel: Tel[] = [];
  const { world } = runScenario(materialize(s, seed), seed, {
    retainTrace: true,
    observe: (w) => w.onTelemetry((t, node, name, f) => {
      if (name.startsWith('raft.sync') || name === 'raft.hardstate' || name === 'raft.append' || name === 'raft.recovered') tel.push({ t, node, name, f: { ...f } });
    }),
  });
  return { tel, faults: world.trace.events().filter((e) => e.kind === 'fault').map((e) => ({ t: e.t, tag: e.tag })) };
}

describe('disk time and the nemeses aimed at it', () => {
  const cases: [string, RaftSpec['bugs'][number], string][] = [
    ['crash-on-persist', 'skipFsync', 'durability'],
    ['crash-on-persist', 'forgetVoteOnRestart', 'durability'],
    ['crash-on-write', 'sendBeforePersist', 'match-sound'],
    ['slow-restart', 'forgetVoteOnRestart', 'durability'],
  ];
  for (const [name, bug, check] of cases) {
    it(`${name}: ${bug} fails ${check} at seed 1`, () => {
      expect(checksOf(fixture(name, bug), 1)).toContain(check);
    });
  }
  for (const name of ['crash-on-persist', 'crash-on-write', 'slow-restart']) {
    it(`${name}: the correct Raft passes seed 1`, () => {
      expect(checksOf(fixture(name, null), 1)).toEqual([]);
    });
  }

  it('a Ready is reported durable only after its fsync: every synced follows its syncing by the disk time drawn', () => {
    const { tel } = observed(fixture('crash-on-persist', null), 1);
    const open = new Map<number, number>();
    let synced = 0;
    for (const e of tel) {
      if (e.name === 'raft.recovered') open.delete(e.node);
      if (e.name === 'raft.syncing') {
        expect(open.has(e.node)).toBe(false); // one fsync in flight per server
        expect(e.f.delayUs).toBeGreaterThanOrEqual(500);
        expect(e.f.delayUs).toBeLessThanOrEqual(8000);
        open.set(e.node, e.t + (e.f.delayUs as number));
      }
      if (e.name === 'raft.synced') {
        expect(e.t).toBeGreaterThanOrEqual(open.get(e.node) ?? Infinity);
        open.delete(e.node);
        synced++;
      }
      // The checks learn of a write only once it is durable: never while its fsync runs.
      if (e.name === 'raft.hardstate' || e.name === 'raft.append') expect(open.has(e.node)).toBe(false);
    }
    expect(synced).toBeGreaterThan(100);
  });

  it('crashOn persist crashes a server the instant its fsync completed, before the messages waiting for it left', () => {
    const { tel, faults } = observed(fixture('crash-on-persist', null), 1);
    const crashes = faults.filter((f) => /^crash \d+: it synced/.test(f.tag));
    expect(crashes.length).toBeGreaterThan(1);
    for (const c of crashes) {
      const node = Number(/^crash (\d+)/.exec(c.tag)?.[1]);
      expect(tel.some((e) => e.name === 'raft.synced' && e.node === node && e.t === c.t && (e.f.messages as number) > 0)).toBe(true);
      // What the fsync made durable was never reported: the Ready's report and sends were still to come.
      const next = tel.find((e) => e.node === node && e.t >= c.t && e.name !== 'raft.synced');
      expect(next?.name).toBe('raft.recovered');
    }
  });

  it('crashOn write crashes a server the instant it issued writes, before their fsync completed', () => {
    const { tel, faults } = observed(fixture('crash-on-write', null), 1);
    const crashes = faults.filter((f) => /^crash \d+: it wrote/.test(f.tag));
    expect(crashes.length).toBeGreaterThan(1);
    for (const c of crashes) {
      const node = Number(/^crash (\d+)/.exec(c.tag)?.[1]);
      expect(tel.some((e) => e.name === 'raft.syncing' && e.node === node && e.t === c.t)).toBe(true);
      const next = tel.find((e) => e.node === node && e.t >= c.t && e.name !== 'raft.syncing');
      expect(next?.name).toBe('raft.recovered');
    }
  });

  it('crashOn truncate crashes a server the instant an append it made durable replaced entries; the restart keeps the replacement and not the replaced tail', () => {
    const truncate = (bug: RaftSpec['bugs'][number] | null, seed: number): { overwrote: number; longer: number } => {
      const { tel, faults } = observed(raftFixture('scenarios/node-crash-truncate.yaml', bug), seed);
      const crashes = faults.filter((f) => /^crash \d+: it overwrote/.test(f.tag));
      let longer = 0;
      for (const c of crashes) {
        const [, node, lo] = (/^crash (\d+): it overwrote entr(?:y|ies) (\d+)/.exec(c.tag) ?? []).map(Number);
        const before = tel.filter((e) => e.node === node && e.t <= c.t && (e.name === 'raft.append' || e.name === 'raft.recovered'));
        const append = before[before.length - 1];
        // The crash follows the append that replaced entries, at the same instant.
        expect(append.name).toBe('raft.append');
        expect(append.t).toBe(c.t);
        expect(append.f.lo).toBe(lo);
        // It replaced entries: the log (as the last append or restart before it left it) reached its first index.
        const prior = before[before.length - 2];
        expect(prior.name === 'raft.append' ? prior.f.hi : prior.f.lastIndex).toBeGreaterThanOrEqual(lo);
        const restart = tel.find((e) => e.node === node && e.t > c.t && e.name === 'raft.recovered');
        if (restart !== undefined && (restart.f.lastIndex as number) > (append.f.hi as number)) longer++;
      }
      return { overwrote: crashes.length, longer };
    };
    const correct = truncate(null, 2);
    expect(correct.overwrote).toBeGreaterThan(0);
    // Nothing appended between the crash and the restart: the log ends where the replacing append did.
    expect(correct.longer).toBe(0);
    // Replayed wrongly, a restart comes back with the old tail behind the new entries.
    expect(truncate('replayKeepsTail', 2).longer).toBeGreaterThan(0);
  });

  it('slowDisk with down restarts the node on a disk whose fsyncs take that much longer, until it heals', () => {
    const { tel } = observed(fixture('slow-restart', null), 1);
    const node0 = tel.filter((e) => e.node === 0 && e.name === 'raft.syncing');
    const during = node0.filter((e) => e.t >= 1_200_000 && e.t < 3_000_000);
    const after = node0.filter((e) => e.t >= 3_000_000);
    expect(during.length).toBeGreaterThan(5);
    for (const e of during) expect(e.f.delayUs).toBe(30_000);
    // The fixture has no raft.fsync: once healed, persisting takes no disk time again.
    expect(after).toEqual([]);
    expect(tel.some((e) => e.node === 0 && e.name === 'raft.recovered' && e.t === 1_200_000)).toBe(true);
  });

  it('the swarm kinds draw faults the schema accepts, and node-crash-persist draws them', () => {
    const p = loadScenarioFile('scenarios/node-crash-persist.yaml');
    if (!p.ok) throw new Error(JSON.stringify(p.problems));
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) {
      for (const f of sampleSwarm(p.scenario, seed)) {
        expect(faultSchema.safeParse(f).success).toBe(true);
        kinds.add(f.kind === 'crashOn' ? `crashOn-${f.on}` : f.kind === 'slowDisk' ? (f.down === undefined ? 'slowDisk' : 'slow-restart') : f.kind);
      }
    }
    for (const k of ['crashOn-persist', 'crashOn-write', 'crashOn-vote', 'slowDisk', 'slow-restart']) expect(kinds).toContain(k);
  });

  it('the swarm kind crashOn-truncate draws a crashOn fault on truncate that the schema accepts', () => {
    const p = loadScenarioFile('scenarios/node-crash-persist.yaml');
    if (!p.ok) throw new Error(JSON.stringify(p.problems));
    const s = { ...p.scenario, swarm: { ...p.scenario.swarm!, kinds: ['crashOn-truncate' as const] } };
    const drawn = sampleSwarm(s, 1);
    expect(drawn.length).toBeGreaterThan(0);
    for (const f of drawn) {
      expect(faultSchema.safeParse(f).success).toBe(true);
      expect(f.kind === 'crashOn' && f.on).toBe('truncate');
    }
  });
});
