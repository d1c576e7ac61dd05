// `faultline explore`: coverage-guided schedule search (sim/explore/explore.ts) over a
// swarm scenario. Prints the runs, the distinct abstract protocol states reached and the
// failing runs, each written out (with --out) as a concrete scenario file with the exact
// replay command. Progress goes to stderr, one line per run.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { explore, type ExploreRun } from '../sim/explore/explore.ts';
import { parseCount, parseFlags, parseWallLimit, UsageError } from './args.ts';
import type { Io } from './main.ts';
import { prepareOutDir } from './outPath.ts';
import { watchCommand } from './runDeadline.ts';
import { loadScenarioRef, runCommand } from './scenarioRef.ts';
import { WORKLOAD_FLAG, withWorkloads, workloadArgs, workloadPaths } from './workloadFlag.ts';

/** Runs one explore invocation allows at most. */
const RUNS_MAX = 1_000_000;

export function cmdExplore(argv: string[], io: Io): number | Promise<number> {
  const { values: v } = parseFlags(argv, 'explore', {
    ...WORKLOAD_FLAG,
    scenario: { type: 'string', short: 's' },
    runs: { type: 'string', short: 'n' },
    initial: { type: 'string' },
    out: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    timeout: { type: 'string' },
  });
  if (typeof v.scenario !== 'string') throw new UsageError('explore: --scenario is required. See `faultline explore --help`.');
  const runs = typeof v.runs === 'string' ? parseCount(v.runs, '--runs', RUNS_MAX) : 100;
  const initial = typeof v.initial === 'string' ? parseCount(v.initial, '--initial', RUNS_MAX) : undefined;
  // The plain swarm seeds run first are some of the runs: more of them than --runs is not a bound to guess.
  if (initial !== undefined && initial > runs) throw new UsageError(`--initial: ${initial} plain swarm seeds are more than the ${runs} runs in all (--runs${typeof v.runs === 'string' ? ` ${runs}` : `, default ${runs}`}); they are part of the runs, so give --initial at most ${runs} or raise --runs`);
  const timeoutMs = typeof v.timeout === 'string' ? parseWallLimit(v.timeout, '--timeout', 'the exploration\'s wall-time limit') : undefined;
  const workloads = workloadPaths(v.workload);
  return withWorkloads(workloads, io.cwd, () => {
    const loaded = loadScenarioRef(v.scenario as string, workloads);
    if (loaded.scenario.swarm === undefined) throw new UsageError(`explore: scenario ${loaded.ref} has no swarm section; explore mutates swarm-drawn fault schedules, so give it a scenario with \`swarm:\` (e.g. swarm-raft-mixed)`);
    const out = typeof v.out === 'string' ? v.out : undefined;
    const undoDir = out === undefined ? () => {} : prepareOutDir(out, '--out');
    const written: { run: ExploreRun; file: string | null; replay: string | null }[] = [];
    // What this invocation wrote, taken back when it cannot finish (no partial output).
    const undo = (): void => {
      for (const w of written) if (w.file !== null) rmSync(w.file, { force: true });
      undoDir();
    };
    let done = 0;
    const watch = timeoutMs === undefined ? null : watchCommand(timeoutMs, 'explore', {
      progress: () => `after ${done} of ${runs} runs`,
      bound: `--runs (now ${runs})`,
      undo,
    });
    let result: ReturnType<typeof explore>;
    try {
      result = explore(loaded.scenario, {
        runs,
        initial,
        onRun: (r) => {
          done = r.index + 1;
          if (r.report.verdict === 'fail') {
            const file = out === undefined ? null : join(out, `explore-run${r.index + 1}-seed${r.seed}.yaml`);
            const replay = file === null ? null : runCommand({ ref: file, workloads }, r.seed);
            if (file !== null && replay !== null) writeFileSync(file, r.text.replace('faultline run --scenario FILE', replay.replace(/^npx /, '')));
            written.push({ run: r, file, replay });
          }
          if (v.quiet !== true) {
            const checks = [...new Set(r.report.violations.map((x) => x.check))].join(',');
            io.err(`explore ${r.index + 1}/${runs} ${r.origin === 'swarm' ? `swarm seed ${r.seed}` : `mutant of ${(r.parent ?? 0) + 1} (${r.mutations.join('+') || '-'}) seed ${r.seed}`}: ${r.report.verdict.toUpperCase()}${checks === '' ? '' : ` [${checks}]`}, +${r.newStates} states (${r.statesSoFar})\n`);
          }
        },
      });
    } catch (e) {
      watch?.stop();
      undo();
      throw e;
    }
    watch?.stop();
    const failures = written.map(({ run: r, file, replay }) => ({
      run: r.index + 1, seed: r.seed, origin: r.origin, mutations: r.mutations, checks: [...new Set(r.report.violations.map((x) => x.check))], traceHash: r.report.traceHash, file, replay,
    }));
    if (v.json === true) {
      io.out(JSON.stringify({ scenario: loaded.scenario.name, runs: result.runs, failing: failures.length, per1000: Math.round((1000 * failures.length) / result.runs), states: result.states, transitions: result.transitions, corpus: result.corpus, failures }) + '\n');
    } else {
      const lines = [
        `faultline explore ${loaded.ref} · ${result.runs} runs`,
        `  ${result.states} distinct abstract states, ${result.transitions} transitions; ${result.corpus} runs kept for reaching new ones`,
        `  ${failures.length} failing run${failures.length === 1 ? '' : 's'}${failures.length === 0 ? '' : ':'}`,
        ...failures.map((f) => `    run ${f.run} (${f.origin === 'swarm' ? 'swarm' : f.mutations.join('+')}) seed ${f.seed} [${f.checks.join(', ')}]${f.replay === null ? ' (give --out DIR to write it out)' : `\n      replay: ${f.replay}`}`),
      ];
      io.out(lines.join('\n') + '\n');
    }
    return failures.length > 0 ? 1 : 0;
  });
}
