// Rules for a fault timeline a person wrote, which a timeline recorded from a run is not
// held to.
//
// Contract: writtenFaultProblems(s, doc) lists, by path, faults that would not do what
// they say: two faults that take one node down or pause it at overlapping times (the
// node has one state at a time, so the first heal ends the other early: a crash of 3s
// became one of 2s), a clock or drift fault that sets a drift of 0 where no other drift
// runs (or steps the clock by 0), and a byzantine field its mode never reads (flood with
// a `fraction`, corrupt with a `rate`). A swarm draws such faults freely, explore mutates
// them and the UI records what a user clicked; the files they write say `recorded: true`
// (materialize and the UI's session set it), and their faults are run as recorded, so
// those files still read back to the run they came from. A hand-written file is refused.
import { formatDuration } from './duration.ts';
import type { FaultSpec, Problem, Scenario } from './schema.ts';

/** How a refused file can still ask for what it wrote. */
const RECORDED_HINT = 'a file written by shrink, explore or the UI says recorded: true and runs its faults as recorded';

interface Hold {
  index: number;
  node: number;
  fromUs: number;
  toUs: number;
  what: string;
}

/** The span over which a fault holds its node down or paused; null for any other fault. */
function holdOf(f: FaultSpec, index: number, faults: readonly FaultSpec[]): Hold | null {
  const hold = (toUs: number, what: string): Hold => ({ index, node: (f as { node: number }).node, fromUs: f.at, toUs, what });
  switch (f.kind) {
    case 'crash':
    case 'shutdown': {
      if (f.duration !== undefined) return hold(f.at + f.duration, `${f.kind} ${spanText(f.at, f.at + f.duration)}`);
      // Down for good, or until a restart fault brings it back.
      const restart = faults.find((g) => g.kind === 'restart' && g.node === f.node && g.at >= f.at);
      return hold(restart?.at ?? Infinity, restart === undefined ? `${f.kind} from ${formatDuration(f.at)} on` : `${f.kind} ${spanText(f.at, restart.at)} (its restart)`);
    }
    case 'pause':
    case 'slowStart':
      return hold(f.at + f.duration, `${f.kind} ${spanText(f.at, f.at + f.duration)}`);
    case 'slowDisk':
      return f.down === undefined ? null : hold(f.at + f.down, `slowDisk down ${spanText(f.at, f.at + f.down)}`);
    default:
      return null;
  }
}

function spanText(fromUs: number, toUs: number): string {
  return `${formatDuration(fromUs)}..${formatDuration(toUs)}`;
}

/**
 * Holds on one node that overlap. Touching spans are fine when the earlier is listed
 * first (its heal is scheduled before the later fault starts at the same instant); listed
 * the other way round, the start comes first and the heal undoes it.
 */
function overlapProblems(faults: readonly FaultSpec[]): Problem[] {
  const holds = faults.map((f, i) => holdOf(f, i, faults)).filter((h): h is Hold => h !== null);
  const out: Problem[] = [];
  for (const b of holds) {
    const a = holds.find((x) => x.index !== b.index && x.node === b.node && overlaps(x, b));
    if (a === undefined || a.index > b.index) continue;
    const heal = Math.min(a.toUs, b.toUs);
    out.push({
      path: `faults[${b.index}]`,
      message: `overlaps faults[${a.index}] on node ${b.node} (${a.what}, and this ${b.what}): a node is down or paused by one fault at a time, so the first heal (at ${formatDuration(heal)}) brings it back and the other fault ends early or does nothing; give the two faults times that do not overlap, or make them one fault (${RECORDED_HINT})`,
    });
  }
  return out;
}

function overlaps(a: Hold, b: Hold): boolean {
  if (a.fromUs === b.fromUs) return true;
  const [first, second] = a.fromUs < b.fromUs ? [a, b] : [b, a];
  if (second.fromUs < first.toUs) return true;
  return second.fromUs === first.toUs && second.index < first.index;
}

/** Whether some other fault sets node `node`'s drift at time `t` (a drift of 0 then resets it). */
function otherDriftAt(faults: readonly FaultSpec[], self: number, node: number, t: number): boolean {
  return faults.some((g, j) => {
    if (j === self || g.at > t) return false;
    if (g.kind === 'leaseEdge') return g.at + g.duration > t;
    if (g.kind === 'drift') return g.node === node && g.ppm !== 0 && (g.duration === undefined || g.at + g.duration > t);
    return g.kind === 'clock' && g.node === node && g.driftPpm !== undefined && g.driftPpm !== 0;
  });
}

function clockProblems(faults: readonly FaultSpec[]): Problem[] {
  const out: Problem[] = [];
  faults.forEach((f, i) => {
    if (f.kind === 'clock' && f.step === 0) out.push({ path: `faults[${i}].step`, message: `is 0: the clock moves by nothing, so this part of the fault changes nothing; give the µs to step by (e.g. 5000000 for 5s), or remove step (${RECORDED_HINT})` });
    const ppm = f.kind === 'drift' ? f.ppm : f.kind === 'clock' ? f.driftPpm : undefined;
    if (ppm === 0 && !otherDriftAt(faults, i, (f as { node: number }).node, f.at)) {
      out.push({ path: `faults[${i}].${f.kind === 'drift' ? 'ppm' : 'driftPpm'}`, message: `is 0, and no other fault makes node ${(f as { node: number }).node}'s clock drift at ${formatDuration(f.at)}: its clock already runs at the true rate, so the fault changes nothing and a run would pass as if it had been tested; give a drift in ppm (e.g. 200 or -200), or remove the fault (${RECORDED_HINT})` });
    }
  });
  return out;
}

/** A byzantine field the fault's mode never reads, as the file wrote it (the schema fills both in). */
function byzantineProblems(faults: readonly FaultSpec[], doc: Record<string, unknown>): Problem[] {
  const written = Array.isArray(doc.faults) ? doc.faults : [];
  const out: Problem[] = [];
  faults.forEach((f, i) => {
    if (f.kind !== 'byzantine') return;
    const raw = written[i] as Record<string, unknown> | undefined;
    if (raw === undefined || raw === null || typeof raw !== 'object') return;
    if (f.mode !== 'corrupt' && Object.hasOwn(raw, 'fraction')) out.push({ path: `faults[${i}].fraction`, message: `the ${f.mode} mode does not read fraction (only mode corrupt does: the share of the node's messages corrupted); ${f.mode} injects rate messages per second: remove fraction, or set mode: corrupt (${RECORDED_HINT})` });
    if (f.mode === 'corrupt' && Object.hasOwn(raw, 'rate')) out.push({ path: `faults[${i}].rate`, message: `the corrupt mode does not read rate (only forge, replay, flood and malformed do: messages injected per second); corrupt garbles a fraction of the node's own messages: remove rate, or give fraction (${RECORDED_HINT})` });
  });
  return out;
}

/** Every problem of a hand-written timeline (none for one recorded from a run). */
export function writtenFaultProblems(s: Scenario, doc: Record<string, unknown>): Problem[] {
  if (s.recorded === true) return [];
  return [...overlapProblems(s.faults), ...clockProblems(s.faults), ...byzantineProblems(s.faults, doc)];
}
