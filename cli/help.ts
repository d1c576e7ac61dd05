// Help texts. Kept beside the commands they describe; every flag a command accepts is here.

export const MAIN_HELP = `faultline — a deterministic simulator and chaos testbed for distributed systems

Usage:
  faultline run [--scenario NAME|FILE] [--seed N] [--json] [--out DIR] [--quiet]
  faultline list [--json]
  faultline --help | faultline <command> --help

Commands:
  run     Run one scenario with one seed and check it. Same scenario + seed + version
          gives the same trace hash, bit for bit.
  list    List the scenario catalogue (scenarios/*.yaml).

Exit codes: 0 every check held, 1 a check failed, 2 bad input or usage.
Run \`faultline run\` with no arguments for the default scenario.`;

export const RUN_HELP = `faultline run — run one scenario with one seed

Usage: faultline run [--scenario NAME|FILE] [--seed N] [--json] [--out DIR] [--quiet]

  -s, --scenario NAME|FILE  a catalogue name (see \`faultline list\`) or a YAML/JSON file
                            (default: heartbeat-crash)
      --seed N              the run seed, a non-negative integer (default: 1)
      --json                print one JSON report on stdout and nothing else
  -o, --out DIR             write report.json and trace.jsonl (every event) into DIR
  -q, --quiet               no progress display
  -h, --help                this text

The report carries scenario, seed, traceHash, events, simulatedMs, wallMs, violations
and replay (the exact command that reproduces the run). Progress is shown on stderr only
when it is a terminal and --json is not given.`;

export const LIST_HELP = `faultline list — list the scenario catalogue

Usage: faultline list [--json]`;
