#!/usr/bin/env bash
# Measures `zpe run --until-idle` on a set of letters: wall time, pages/s, and the mean
# time per stage run (from the job store's stage_runs). Usage:
#   bench/run_samples.sh [letters-dir]     (default: samples/letters)
# and the time of each step inside prepare, split, quality and ocr (the records' step_ms).
# Needs a build (scripts/build.sh). Uses a fresh home under bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-samples/letters}"
source bench/lib.sh
home="$PWD/bench/results/home-$(date +%Y%m%d-%H%M%S)"
# A TEST signing key (B-B, no timestamp authority), as in the demo.
bench_home "$home"
cp samples/case_registry.csv "$home/registry/cases.csv"
n=0
for f in "$src"/*; do
  case "$f" in *.truth.json|*.json) continue ;; esac
  drop_into_inbox "$home" "$f"
  n=$((n + 1))
done
echo "bench: $n files from $src, $(nproc) cores"
ZPE_LOG_LEVEL=warn build/zpe --home "$home" --config "$home/bench.toml" run --until-idle --max-seconds 3600
echo
echo "per-stage time (stage, runs, mean ms, total ms):"
sqlite3 "$home/var/jobs.sqlite" \
  "SELECT stage, COUNT(*), CAST(AVG(finished_ms - started_ms) AS INT), SUM(finished_ms - started_ms) FROM stage_runs WHERE outcome = 'done' GROUP BY stage ORDER BY MIN(id);" 2>/dev/null \
  || build/zpe --home "$home" --config "$home/bench.toml" status --json
echo
echo "per-step time inside the stages, mean ms per page (record.step_ms; a split batch's parts repeat its prepare steps):"
sqlite3 -column -header "$home/var/jobs.sqlite" \
  "SELECT s.key AS stage, t.key AS step, ROUND(SUM(t.value) / SUM(json_extract(d.record, '$.page_count')), 1) AS ms_per_page
     FROM documents d, json_each(d.record, '$.step_ms') s, json_each(s.value) t
    WHERE json_extract(d.record, '$.page_count') > 0
    GROUP BY s.key, t.key ORDER BY CASE s.key WHEN 'prepare' THEN 1 WHEN 'split' THEN 2 WHEN 'quality' THEN 3 ELSE 4 END, 3 DESC;"
