#!/usr/bin/env bash
# Measures how long one one-page letter takes through an idle pipeline: starts `zpe run`
# (not --until-idle), warms it up with one letter, then drops N one-page letters into the
# inbox one at a time, the way the README says (copy under a hidden .part name, then
# rename), each after the previous one reached a terminal state (FILED, CLEARING,
# QUARANTINED, ...), and reports p50/p95/max of
#   rename -> ingested        the intake's wait (audit "ingested")
#   rename -> terminal        the whole pipeline (audit "filed" / "to_clearing" / ...)
#   rename -> case file       the case-file sink acknowledged the FILED event (events.acked_ms)
# and splits ingested -> terminal into the time in stage runs and the time between them
# (queued, handed over, results recorded: what the dispatcher adds).
# The rename time is the script's clock (date +%s%3N) just before `mv`; the other times
# are the job store's (the same host clock). Usage:
#   bench/latency.sh [N]        (default 20)
# Needs a build (scripts/build.sh); ZPE_BIN=/path/to/zpe measures another binary (an older
# build, for a before/after figure). Uses a fresh home under bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
count="${1:-20}"
zpe="${ZPE_BIN:-$PWD/build/zpe}"
[ -x "$zpe" ] || { echo "latency: $zpe is missing — build first (scripts/build.sh)" >&2; exit 2; }
home="$PWD/bench/results/latency-$(date +%Y%m%d-%H%M%S)"
letters="$home/letters"
mkdir -p "$home/inbox/default" "$home/registry" "$letters"

# Letters: the evaluation style, bilevel G4 as production scanners write; the registry
# from the same run so the case numbers exist. Some letters have 2-3 pages: generate five
# times as many as needed (about a third have one page), keep the ones with truth "pages": 1.
/usr/bin/python3 samples/generate_letters.py --out "$letters" --count $((count * 5 + 10)) --seed 77 --style eval \
  --formats tiff-g4 --registry "$home/registry/cases.csv" >/dev/null
mapfile -t picked < <(/usr/bin/python3 - "$letters" "$((count + 1))" <<'PY'
import json, pathlib, sys
out = [p.name[:-len(".truth.json")] for p in sorted(pathlib.Path(sys.argv[1]).glob("*.truth.json"))
       if json.loads(p.read_text()).get("pages") == 1]
print("\n".join(out[: int(sys.argv[2])]))
PY
)
if [ "${#picked[@]}" -lt $((count + 1)) ]; then
  echo "latency: only ${#picked[@]} single-page letters generated, need $((count + 1))" >&2
  exit 1
fi

# A TEST signing key (B-B, no timestamp authority), as in the demo; no web server.
bench_home "$home"

ZPE_LOG_LEVEL=info "$zpe" --home "$home" --config "$home/bench.toml" run >"$home/run.log" 2>&1 &
run_pid=$!
trap 'kill -TERM "$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true' EXIT

db="$home/var/jobs.sqlite"
terminal="'FILED','CLEARING','QUARANTINED','SPLIT','REJECTED','RESCAN_REQUESTED','REPLACED'"
# Waits until the document made from inbox file $1 is in a terminal state (at most 300 s).
wait_terminal() {
  local deadline=$(($(date +%s) + 300))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if [ -f "$db" ] && [ -n "$(sqlite3 -cmd '.timeout 2000' "$db" \
        "SELECT 1 FROM documents WHERE source_file = '$1' AND state IN ($terminal) LIMIT 1;" 2>/dev/null)" ]; then
      return 0
    fi
    kill -0 "$run_pid" 2>/dev/null || { echo "latency: zpe run stopped; see $home/run.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "latency: $1 did not reach a terminal state within 300 s; see $home/run.log" >&2
  exit 1
}
# Drops letter $1 into the inbox by rename and prints the rename time (ms).
drop() {
  cp "$letters/$1" "$home/inbox/default/.$1.part"
  local t
  t=$(date +%s%3N)
  mv "$home/inbox/default/.$1.part" "$home/inbox/default/$1"
  echo "$t"
}

# Idle: the first letter loads every stage's models; afterwards wait until the workers
# have been asking for work for a while.
drop "${picked[0]}" >/dev/null
wait_terminal "${picked[0]}"
sleep 3
echo "latency: pipeline idle; dropping $count one-page letters one at a time ($(nproc) cores)"
: >"$home/renames.tsv"
for name in "${picked[@]:1}"; do
  t=$(drop "$name")
  printf '%s\t%s\n' "$name" "$t" >>"$home/renames.tsv"
  wait_terminal "$name"
  sleep 1  # the archiver and the case-file sink finish their share: each letter meets an idle pipeline
done

echo "mean stage run (ms):" $(sqlite3 -cmd '.timeout 2000' "$db" \
  "SELECT stage || '=' || CAST(AVG(finished_ms - started_ms) AS INT) FROM stage_runs WHERE outcome = 'done'
   GROUP BY stage ORDER BY MIN(id);")

# Idle cost: CPU time of `zpe run` and its children over 10 s with nothing to do.
cpu_ms() {
  local total=0 pid
  for pid in "$run_pid" $(pgrep -P "$run_pid"); do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo $((total * 1000 / $(getconf CLK_TCK)))
}
sleep 2
idle_before=$(cpu_ms)
sleep 10
idle_cpu_ms=$(($(cpu_ms) - idle_before))

# Times from the job store: the audit trail's "ingested" and terminal records, the event ack.
sqlite3 -cmd '.timeout 2000' -separator $'\t' "$db" "
  SELECT d.source_file, d.state,
         (SELECT MIN(at_ms) FROM audit a WHERE a.document_id = d.id AND a.action = 'ingested'),
         (SELECT MAX(at_ms) FROM audit a WHERE a.document_id = d.id
            AND a.action IN ('filed','to_clearing','quarantined','split','rejected')),
         IFNULL((SELECT MAX(acked_ms) FROM events e WHERE e.document_id = d.id), ''),
         (SELECT IFNULL(SUM(finished_ms - started_ms), 0) FROM stage_runs r WHERE r.document_id = d.id)
  FROM documents d;" >"$home/store.tsv"
/usr/bin/python3 - "$home/renames.tsv" "$home/store.tsv" <<'PY'
import collections, sys
renamed = dict(line.rstrip("\n").split("\t") for line in open(sys.argv[1]))
rows = {}
for line in open(sys.argv[2]):
    name, state, ingested, done, acked, in_stages = line.rstrip("\n").split("\t")
    rows[name] = (state, ingested, done, acked, in_stages)
series = collections.OrderedDict((k, []) for k in (
    "rename -> ingested", "rename -> terminal", "rename -> case file",
    "  in stages", "  between stages"))  # ingested -> terminal = in stages + between stages
states = collections.Counter()
for name, t in renamed.items():
    state, ingested, done, acked, in_stages = rows[name]
    states[state] += 1
    t = int(t)
    series["rename -> ingested"].append(int(ingested) - t)
    series["rename -> terminal"].append(int(done) - t)
    series["  in stages"].append(int(in_stages))
    series["  between stages"].append(int(done) - int(ingested) - int(in_stages))
    if acked:
        series["rename -> case file"].append(int(acked) - t)
def pct(values, p):  # nearest rank
    s = sorted(values)
    return s[max(0, min(len(s) - 1, -(-p * len(s) // 100) - 1))]
print("documents: %d (%s)" % (len(renamed), ", ".join("%s %d" % kv for kv in sorted(states.items()))))
print("%-22s %5s %8s %8s %8s" % ("latency (ms)", "n", "p50", "p95", "max"))
for label, values in series.items():
    if values:
        print("%-22s %5d %8d %8d %8d" % (label, len(values), pct(values, 50), pct(values, 95), max(values)))
PY
echo "idle: ${idle_cpu_ms} ms CPU in 10 s, all zpe processes together"
echo "home: $home"
