// Help texts. Kept beside the commands they describe; every flag a command accepts is here.

export const MAIN_HELP = `faultline — a deterministic simulator and chaos testbed for distributed systems

Usage:
  faultline start [--no-ui]
  faultline run [--workload FILE] [--scenario NAME|FILE] [--seed N] [--workers N] [--json] [--out DIR] [--quiet]
                [--metrics-out FILE] [--traces-out FILE] [--logs-out FILE [--log-level L]] [--history-out FILE]
                [--scrape-interval D] [--allow-inconclusive] [--events-max N] [--timeout T]
  faultline serve [--workload FILE] [--scenario NAME|FILE] [--seed N] [--speed K] [--port N] [--host HOST]
  faultline list [--json]
  faultline sweep [--workload FILE] [--scenario NAME|FILE] [--seeds A..B] [--jobs N] [--shard i/n] [--out DIR] [--json]
                  [--allow-inconclusive] [--events-max N] [--fail-fast]
  faultline merge DIR... [--out DIR] [--json] [--allow-inconclusive]
  faultline replay FILE | --scenario NAME|FILE --seed N [--workload FILE] [--expect HASH] [--trace-out FILE] [--timeout T]
  faultline shrink [--workload FILE] --scenario NAME|FILE --seed N [--out FILE] [--timeout T]
  faultline explore [--workload FILE] --scenario NAME|FILE [--runs N] [--initial N] [--out DIR] [--json] [--quiet] [--timeout T]
  faultline bless [--check] [--add NAME --seeds A..B]
  faultline check FILE... [--model register|kv|set|queue|mutex|multi-register] [--format edn|jepsen-log|json] [--initial JSON] [--json]
  faultline ui [--workload FILE] [--port N] [--scenario NAME|FILE] [--seed N]
  faultline --help | faultline <command> --help

Commands:
  start   What \`npm start\` does: run the default scenario, then (on a terminal) serve the UI.
  run     Run one scenario with one seed and check it. Same scenario + seed + version
          gives the same trace hash, bit for bit.
  serve   Run a scenario paced to wall time and serve /metrics (Prometheus) and the
          /health, /health/ready and /health/detailed endpoints.
  list    List the scenario catalogue (scenarios/*.yaml).
  sweep   Run many seeds of one scenario in parallel; summary, sweep.json, junit.xml.
  merge   Combine the outputs of sweep shards into one summary, sweep.json and junit.xml.
  replay  Re-run a recorded run (report.json, sweep.json#seed=N) and check its trace hash.
  shrink  Minimise the fault schedule of a failing seed; writes a scenario file.
  explore Coverage-guided search: mutate the fault schedules of runs that reach new
          abstract protocol states; failing runs are written out as scenario files.
  bless   Re-record the regression triples (test/regression/triples.json).
  check   Check histories recorded elsewhere for linearizability: Jepsen's history.edn or
          log lines, Porcupine's data sets, or JSON (docs/checks.md).
  ui      Serve the browser UI (watch, pause, rewind and break a cluster) and print its address.

--workload FILE loads a TypeScript module that defines a workload of your own (an ES
module whose default export is defineWorkload({...}); see docs/workloads.md).

Exit codes: 0 every check held, 1 a check failed, 2 bad input or usage (a malformed
workload module, or an exception from its code, included), 3 inconclusive: no check
failed but one could not decide (a linearizability search out of budget, a history over
its recorder's cap, a liveness bound after the run's end, a run stopped by a scale limit);
--allow-inconclusive makes that 0.
Run \`faultline run\` with no arguments for the default scenario.`;

export const RUN_HELP = `faultline run — run one scenario with one seed

Usage: faultline run [--workload FILE] [--scenario NAME|FILE] [--seed N] [--json] [--out DIR] [--quiet]
                    [--workers N [--kernel-hosts-first]]
                    [--metrics-out FILE] [--traces-out FILE] [--logs-out FILE [--log-level L]]
                    [--scrape-interval D] [--allow-inconclusive] [--events-max N]
                    [--knowledge FILE] [--save-knowledge FILE] [--timeout T]

  -s, --scenario NAME|FILE  a catalogue name (see \`faultline list\`) or a YAML/JSON file
                            (default: raft-kv-basic)
      --workload FILE       load a workload module of your own first (repeatable; see
                            docs/workloads.md); the replay command names it too
      --seed N              the run seed, a non-negative integer (default: 1)
      --json                print one JSON report on stdout and nothing else
  -o, --out DIR             write report.json, trace.jsonl (every event) and, when a check
                            failed, violations.txt (every violation in full) into DIR
                            (a passing run removes one an earlier run left there);
                            DIR is checked (and created) before the run
  -q, --quiet               no progress display
  -w, --workers N           run the nodes in N worker threads under deterministic lockstep
                            (same trace hash as in one thread; reports the batching factor).
                            Faster only when nodes do much work per event (heartbeat-cpu-heavy:
                            1.5-1.8x on two cores); light nodes such as raft-kv-basic's run
                            2-3x slower than in one thread (docs/workers.md). Refused for
                            faults that act the instant a server reports something (crashOn,
                            deafenOn, figure8, staleWrite): they could not keep the hash
      --kernel-hosts-first  with --workers N (N >= 2): this thread runs the first group of
                            nodes itself and N - 1 worker threads the rest, so the run takes
                            N threads instead of N + 1: faster when there are no more cores
                            than N (then the threads also poll instead of sleeping between
                            windows); same trace hash
      --metrics-out FILE    write the run's metrics as OpenMetrics text: one sample per series
                            every --scrape-interval of virtual time, timestamped at a fixed
                            epoch (2023-11-14T22:13:20Z) plus virtual time; for
                            \`promtool tsdb create-blocks-from openmetrics\`
      --traces-out FILE     write the run's OpenTelemetry spans as OTLP/JSON
      --logs-out FILE       write JSON logs (one record per line, secret-looking fields redacted)
      --log-level L         the lowest level logged: debug (every request, log entry and
                            stats event), info (default), warn or error
      --history-out FILE    write the clients' key-value history as JSON Lines of operations
                            (clientId, input, call and return in µs, output; return null when
                            the outcome is unknown): \`faultline check FILE --model kv\` checks
                            it, and other tools can read it; refused for a run with no
                            key-value clients
      --scrape-interval D   virtual time between two scrapes, at least 1ms (default 1s), and
                            at most 50,000 node scrapes (scrapes times nodes) in the run
      --allow-inconclusive  exit 0 rather than 3 when no check failed but one could not decide
      --events-max N        stop the run after N events (default 200,000,000); a run that
                            reaches it (or an origin's 536,870,912-event tie-key limit) stops
                            with a clear message and is inconclusive
      --knowledge FILE      mapek scenarios: start the manager from a knowledge file that
                            an earlier run saved (the replay command names it)
      --save-knowledge FILE mapek scenarios: save what the manager learned in this run
      --timeout T           wall time the run may take, from the loading of the scenario:
                            seconds (600) or a duration (90s, 10m), 1s to a day (default
                            none). A run still going then (a workload hook in a loop that
                            never ends) exits 2 saying where it was, and writes nothing;
                            the run itself never sees the limit (same trace hash)
  -h, --help                this text

Telemetry files are the same bytes for the same scenario and seed, and observing never
changes the run (same trace hash). Each file is written whole at the end, or not at all.

The report carries scenario, seed, traceHash, events, simulatedMs, wallMs, verdict (pass,
fail or inconclusive), violations, inconclusive (each check that could not decide, and why)
and replay (the exact command that reproduces the run). Progress is shown on stderr only
when it is a terminal and --json is not given.
Exit 0 pass, 1 a check failed, 2 bad input, 3 inconclusive (0 with --allow-inconclusive).`;

export const LIST_HELP = `faultline list — list the scenario catalogue

Usage: faultline list [--json]`;

export const SWEEP_HELP = `faultline sweep — run many seeds of one scenario in parallel

Usage: faultline sweep [--workload FILE] [--scenario NAME|FILE] [--seeds A..B] [--jobs N]
                       [--shard i/n] [--out DIR] [--json] [--quiet] [--timeout T]
                       [--allow-inconclusive] [--events-max N] [--fail-fast]

  -s, --scenario NAME|FILE  a catalogue name or a scenario file (default: raft-kv-basic)
      --workload FILE       load a workload module of your own first (every worker loads
                            it too; sweep.json records it for replay)
      --seeds A..B          the inclusive seed range, or one seed (default: 1..100)
  -j, --jobs N              threads (default: the CPU count): this one plus N - 1 workers;
                            1 runs every seed in this thread
      --shard i/n           run only shard i of n: the seeds whose position in the range
                            (from 0) is i-1 modulo n, round-robin. Shards 1/n..n/n
                            partition the range; combine their outputs with \`merge\`
  -o, --out DIR             write DIR/results.jsonl as seeds finish (a header line, then
                            one result per seed), then DIR/sweep.json (per seed: seed,
                            traceHash, events, simulatedMs, wallMs, verdict, violations,
                            inconclusive) and DIR/junit.xml. DIR is checked (and created)
                            before any seed runs
      --json                print one JSON object (results, summary, failures) and nothing else
  -q, --quiet               no progress display
      --timeout T           wall time one seed may take before the sweep gives up (exit 1,
                            naming the seed; on a worker thread or on the sweep's own):
                            seconds (600) or a duration (90s, 10m), 1s to a day (default 600)
      --allow-inconclusive  exit 0 rather than 3 when no seed failed but some were inconclusive
                or missing
                            (junit.xml then marks them skipped instead of error)
      --events-max N        each seed's event limit (default 200,000,000; see run --help)
      --fail-fast           stop at the first failing seed: seeds go out in order, one at a
                            time, and once one fails only those already running finish, so
                            the lowest failing seed of the range is always reported

Per-seed results do not depend on --jobs or --shard. Prints passed/failed/inconclusive,
the slowest seeds, events/s and seeds/min, and every failing or inconclusive seed with its
replay command. In junit.xml a failing seed has a <failure>, an inconclusive one an <error>.
Exit 0 every seed passed, 1 a seed failed or a worker crashed (the seed is named), 2 bad
input, 3 no seed failed but some were inconclusive (0 with --allow-inconclusive).`;

export const MERGE_HELP = `faultline merge — combine sweep shard outputs

Usage: faultline merge DIR... [--out DIR] [--json] [--allow-inconclusive]

  DIR...        sweep output directories (or their sweep.json files) of one scenario; a
                directory of a sweep that did not finish is read from its results.jsonl
                when that holds more seeds than its sweep.json (docs/performance.md)
  -o, --out DIR write the merged sweep.json and junit.xml into DIR
      --json    print one JSON object (results, summary, failures, inconclusive)
      --allow-inconclusive  exit 0 rather than 3 when no seed failed but some were inconclusive

A seed present in two inputs must have the same result there (the same trace hash,
verdict, counts and stats), and is counted once, with a warning naming both inputs; the
inputs must come from one scenario text and one --events-max. One input named twice (a
directory twice, or a directory and its sweep.json) is refused. Every input is read and checked field by field before anything is written:
a damaged or hand-edited file, inputs that disagree, or inputs that hold no seed are
refused (exit 2, naming the file and the field) and leave no --out directory behind.
Seeds of the inputs' --seeds range that no input holds (a shard not merged, a sweep that
did not finish) are listed, and make the merge inconclusive: nothing says they pass.
Exit 0 all passed, 1 a seed failed, 2 bad input, 3 none failed but some were
inconclusive or missing.`;

export const REPLAY_HELP = `faultline replay — run a recorded run again and check it is the same run

Usage: faultline replay FILE [--workload FILE] [--trace-out FILE] [--json] [--allow-inconclusive] [--timeout T]
       faultline replay --scenario NAME|FILE --seed N [--workload FILE] [--expect HASH] [--trace-out FILE] [--json]

  FILE                a report.json written by \`run --out\`, a sweep entry such as
                      sweep-out/sweep.json#seed=17, or a scenario file (with --seed)
      --seed N        the seed, for a scenario file or --scenario (default 1 for a file);
                      a report or a sweep entry carries its own, so not with those
      --expect HASH   the trace hash the run must reproduce (16 hex digits), for a
                      scenario file or --scenario; a report or sweep entry has its own
      --workload FILE a workload module of your own to load first; by default the ones
                      the report's replay command or the sweep file recorded
      --trace-out F   write the full trace (every event) as JSONL to F
      --events-max N  the run's event limit (default: the recorded run's, else 200,000,000)
      --timeout T     wall time the replay may take (as run --timeout: exit 2 saying where
                      the run was, nothing written; the run never sees it)
      --json          print one JSON report with recordedHash and reproduced

A report or sweep file is checked field by field first, its values held to the flags'
own rules (a seed as --seed takes it, the replay command as \`run\` parses it). Of a
report, replay reads scenario, seed, traceHash and replay, and each must be there and
valid; the other fields are what the run printed. A report written with --knowledge FILE
replays with that file.

Exit 0 the hash matches (or there was none to compare) and every check held, 1 the hash
differs or a check failed, 2 bad input, 3 the run is inconclusive (0 with
--allow-inconclusive).`;

export const SHRINK_HELP = `faultline shrink — minimise the fault schedule of a failing run

Usage: faultline shrink [--workload FILE] --scenario NAME|FILE --seed N [--out FILE] [--tests-max N] [--json] [--timeout T]

  -s, --scenario NAME|FILE  the scenario (swarm faults are materialized for the seed first)
      --seed N              the failing seed; it stays the same throughout
      --workload FILE       load a workload module of your own first (repeatable; see
                            docs/workloads.md); the replay command names it too
  -o, --out FILE            where to write the minimal scenario (default NAME-seedN-shrunk.yaml)
      --tests-max N         runs allowed per shrinking pass (default 500)
      --json                print one JSON object
      --timeout T           wall time the whole shrink may take: seconds (600) or a
                            duration (90s, 10m), 1s to a day (default none). A shrink still
                            going then exits 2 saying how many runs it made, and writes
                            nothing (a run in a loop that never ends is stopped too)

Removes faults by delta debugging (ddmin), then halves durations, keeping a candidate only
if it still fails the same check. Exit 0 shrunk, 2 bad input, the seed does not fail, or
--timeout reached.`;

export const EXPLORE_HELP = `faultline explore — coverage-guided search for failing fault schedules

Usage: faultline explore [--workload FILE] --scenario NAME|FILE [--runs N] [--initial N] [--out DIR] [--json] [--quiet] [--timeout T]

  -s, --scenario NAME|FILE  a scenario with a swarm section (its kinds, window and duration
                            bound every schedule explore tries)
  -n, --runs N              runs in all (default 100)
      --initial N           plain swarm seeds 1..N run first (default a fifth of --runs)
  -o, --out DIR             write each failing run there as a scenario file
                            (explore-runK-seedS.yaml) that \`faultline run --scenario FILE
                            --seed S\` replays exactly
      --workload FILE       load a workload module of your own first (repeatable)
      --json                print one JSON object
  -q, --quiet               no progress lines on stderr
      --timeout T           wall time the whole exploration may take: seconds (600) or a
                            duration (90s, 10m), 1s to a day (default none). Explore still
                            going then exits 2 saying how many runs it made, and takes back
                            the files it wrote to --out

An observer abstracts every moment of a run to a cluster state (each node's role, its term
gap to the highest term, commit lag, log length and last-term gap, uncommitted tail). Runs
that reach a state or transition no earlier run reached are kept; later runs are mutants
of kept runs: a fault moved, stretched, dropped, repeated or retargeted, one drawn fresh,
two schedules spliced, another seed's protocol settings. The same invocation explores the
same runs. Exit 0 no failing run, 1 at least one, 2 bad input or --timeout reached.`;

export const BLESS_HELP = `faultline bless — re-record the scenario regression triples

Usage: faultline bless [--check | --add NAME [--seeds A..B]] [--file FILE]

      --check        compare only (never writes, so not with --add); exit 1 if any
                     triple's hash differs
      --add NAME     add triples for scenario NAME (a catalogue name or a path from the
                     package root) with the seeds of --seeds (default 1)
      --file FILE    the triples file (default test/regression/triples.json)

Rewrites each (scenario, seed, traceHash) with the hash this version produces and lists
the ones that changed. Review that list: a changed hash means a changed run.`;


export const UI_HELP = `faultline ui — serve the browser UI

Usage: faultline ui [--workload FILE] [--port N] [--host HOST] [--scenario NAME|FILE] [--seed N] [--dev]

  -p, --port N        the port to listen on (default: 5173, or the next free one; 0 picks any free port)
      --host HOST     the interface to bind (default: localhost)
  -s, --scenario NAME|FILE  open this catalogue scenario, or this file (added to the
                      page's catalogue)
      --seed N        with this seed
      --workload FILE load a workload module of your own (repeatable): the page and its
                      workers run it, and replay commands name it
      --dev           serve Vite's dev server (hot reload) instead of the production build

Serves the production build in dist/ui (\`npm install\` builds it; it is rebuilt first when
the sources changed since). With --workload it serves the dev server, which bundles the
modules into the page.

Prints the address to open. The page runs the same simulator in a Web Worker and shows the
same trace hash as \`faultline run\` for the same scenario and seed. Ctrl-C stops it.`;

export const START_HELP = `faultline start — what \`npm start\` runs

Usage: faultline start [--no-ui]

Runs the default scenario with seed 1 and prints its report; then, when the terminal is
interactive, serves the UI on it (like \`faultline ui\`). Piped, in CI, or with --no-ui it
stops after the report.`;

export const SERVE_HELP = `faultline serve — run a scenario paced to wall time and serve its telemetry

Usage: faultline serve [--workload FILE] [--scenario NAME|FILE] [--seed N] [--speed K] [--port N] [--host HOST]

      --workload FILE       load a workload module first (see \`faultline run --help\`)
  -s, --scenario NAME|FILE  a catalogue name or a scenario file (default: raft-kv-basic)
      --seed N              the run seed (default: 1)
      --speed K             virtual seconds per wall second (default 1; 20 runs 20x faster)
  -p, --port N              the port (default 9464; 0 picks a free one and prints it)
      --host HOST           the address to bind (default 127.0.0.1, this machine only)

Endpoints (GET):
  /metrics           every node's metrics (label node="nK") and the simulator's, in the
                     Prometheus text format, or OpenMetrics when the scraper asks for it
  /health            liveness: 200 while the server runs
  /health/ready      readiness: 200 when a leader exists and the servers are caught up,
                     else 503; ?node=nK asks about one node
  /health/detailed   JSON: each node's role, term, commit index, last contact, the active
                     faults and the violations so far

The run is the same as \`faultline run\` with the same scenario and seed; when it ends the
server keeps serving its final state. Ctrl-C stops it. A port in use exits with code 2.`;

export const CHECK_HELP = `faultline check — linearizability of histories recorded elsewhere

Usage: faultline check FILE... [--model register|kv|set|queue|mutex|multi-register]
                       [--format edn|jepsen-log|json] [--initial JSON]
                       [--cas-fail mismatch|refused] [--nil-reads value|unseen] [--independent]
                       [--steps N] [--timeout D]
                       [--json] [--quiet] [--allow-inconclusive]

  FILE...            history files. Formats (detected, or --format):
                       edn         Jepsen's history.edn: one map per operation event,
                                   {:process 0, :type :invoke, :f :read, :value nil}
                                   (or one vector of them); :key names a key
                       jepsen-log  Jepsen's log: "INFO jepsen.util - 3 :invoke :write 2";
                                   other lines are counted and skipped
                       json        the same events as JSON objects ("process", "type", "f",
                                   "value", "key"), or faultline's own operations
                                   ({"clientId", "input", "call", "return", "output"});
                                   one array, {"history": [...]}, or one value per line
  -m, --model M      register (read, write, cas), kv (get/read, put/write, append, cas,
                     delete, with a key), set (add, remove, contains, read), queue
                     (enqueue, dequeue), mutex (acquire, release: Knossos's lock) or
                     multi-register (txn: a list of [:r k v] / [:w k v] micro-ops, also
                     :read/:write, applied atomically); default: inferred from the
                     functions used
      --initial JSON what every register or key holds before its first write (register,
                     kv and multi-register; default null). Porcupine's kv data reads ""
                     for a missing key: --initial '""'; Knossos's multi-register data
                     starts at 0: --initial 0
      --cas-fail W   what a failed cas means: mismatch (default: the value was not the
                     expected one, as etcd's Jepsen client means it) or refused (no effect)
      --nil-reads W  what a read that returned nil means: value (it held nil; the default
                     for register and kv) or unseen (it observed nothing, as Knossos's
                     models take it; the default for multi-register)
      --independent  values are jepsen.independent tuples [key value] (Jepsen's
                     multi-key tests): each key is checked as its own register
      --steps N      search steps one search may spend before INCONCLUSIVE (default
                     50,000,000); each key's history is cut where it goes quiet and
                     each stretch searched on its own, so memory follows the busiest
                     stretch, not the length
      --timeout D    wall time per file before INCONCLUSIVE (default 60s)
      --json         print one JSON object: the verdict and, per file, counts and result
  -q, --quiet        print only the histories that are not linearizable or inconclusive
      --allow-inconclusive  exit 0 rather than 3 when none failed but some were inconclusive

Events pair by process: an invoke opens an operation, the process's next :ok (it took
effect, with that value), :info (unknown outcome: it may take effect later, or never) or
:fail (it did not take effect: left out; a failed cas says the value differed, unless
--cas-fail refused) closes it; an operation never closed is unknown. Processes that are
not numbers (:nemesis) are skipped and counted. The file's order is the order of time.
Every file is read before any is checked: a malformed one is exit 2 naming the line.
Exit 0 all linearizable, 1 one is not (with the smallest failing part explained),
2 bad input, 3 none failed but one could not be decided.`;
