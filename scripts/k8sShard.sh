#!/bin/sh
# One shard of a sweep, as a pod of a Kubernetes Indexed Job runs it (docs/k8s/sweep-job.yaml):
# Kubernetes numbers the pods 0..completions-1 in JOB_COMPLETION_INDEX; --shard counts from 1.
# Environment: JOB_COMPLETION_INDEX (set by Kubernetes), SHARDS (the Job's completions),
# SCENARIO, SEEDS (A..B) and RESULTS (a directory on a volume every pod and the merge share).
# Writes RESULTS/shard-<index>/ (sweep.json, results.jsonl, junit.xml); exits as the sweep
# does: 0 all passed, 1 a seed failed, 2 bad input, 3 inconclusive.
set -eu
for v in JOB_COMPLETION_INDEX SHARDS SCENARIO SEEDS RESULTS; do
  eval "val=\${$v:-}"
  if [ -z "$val" ]; then
    echo "k8sShard: $v is not set (see docs/performance.md, Kubernetes Indexed Job)" >&2
    exit 2
  fi
done
root=$(cd "$(dirname "$0")/.." && pwd)
exec node "$root/bin/faultline.mjs" sweep --scenario "$SCENARIO" --seeds "$SEEDS" \
  --shard "$((JOB_COMPLETION_INDEX + 1))/$SHARDS" --out "$RESULTS/shard-$JOB_COMPLETION_INDEX" --quiet
