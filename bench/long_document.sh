#!/usr/bin/env bash
# Does one long document use every core (issue 12 item 2)? `zpe run --until-idle` on the
# bench corpus's letters alone, then on its long document alone, each in a fresh home, one
# after the other on the same cores; pages/s of each (pages / wall time of the run, start-up
# included, as bench/throughput.sh counts it), the cores the run kept busy (CPU seconds of
# the run and its workers / wall seconds, both from /usr/bin/time), the documents' end states, and
# the ratio. Target: the long document at no less than 90 % of the letters' pages/s.
#
#   bench/long_document.sh            at least 100 pages of letters + one 200-page document
#   bench/long_document.sh --quick    at least 20 pages of letters + one 30-page document
#
# The corpus is bench/throughput.sh's (bench_corpus in bench/lib.sh). Results:
# bench/results/long-document-<date>/ (results.txt, and each run's home and log).
# Needs a build of zpe (scripts/build.sh; ZPE_BIN=/path/to/zpe measures another binary).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
if [ "${1:-}" = "--quick" ]; then letter_pages=20; long_pages=30; else letter_pages=100; long_pages=200; fi
for tool in tiffcp sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "long_document: $tool is missing — run scripts/setup.sh" >&2; exit 2; }
done
zpe="${ZPE_BIN:-$PWD/build/zpe}"
[ -x "$zpe" ] || { echo "long_document: $zpe is missing — build first (scripts/build.sh)" >&2; exit 2; }
out="$PWD/bench/results/long-document-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
echo "long_document: results in $out ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
bench_corpus "$out" "$letter_pages" "$long_pages"

pages_of() {  # the pages of the truth files in a folder
  /usr/bin/python3 -c 'import json, pathlib, sys
print(sum(json.loads(p.read_text())["pages"] for p in pathlib.Path(sys.argv[1]).glob("*.truth.json")))' "$1"
}

# run NAME FOLDER: one `zpe run --until-idle` on the folder's files in a fresh home; prints
# "NAME PAGES SECONDS CPU_SECONDS STATES".
run() {
  local name=$1 folder=$2 home="$out/$1-home"
  local files
  mapfile -t files < <(find "$folder" -type f ! -name '*.truth.json' | sort)
  bench_home "$home"
  { cat "$out/generated/letters-registry.csv"; tail -n +2 "$out/generated/long-registry.csv"; } >"$home/registry/cases.csv"
  drop_into_inbox "$home" "${files[@]}"
  ZPE_LOG_LEVEL=warn /usr/bin/time -f '%e %U %S' -o "$out/$name.time" timeout 3700 "$zpe" --home "$home" \
    --config "$home/bench.toml" run --until-idle --max-seconds 3600 >"$out/$name-run.log" 2>&1 \
    || { echo "long_document: zpe run failed on the $name; see $out/$name-run.log" >&2; exit 1; }
  local states
  states=$(sqlite3 -cmd '.timeout 2000' "$home/var/jobs.sqlite" \
    "SELECT group_concat(state || ' ' || n, ', ') FROM (SELECT state, COUNT(*) AS n FROM documents GROUP BY state)")
  echo "$name $(pages_of "$folder") $(awk '{print $1, $2 + $3}' "$out/$name.time") $states"
}

echo "long_document: the letters alone"
letters=$(run letters "$out/corpus/letters")
echo "long_document: the long document alone"
long=$(run long "$out/corpus/long")

/usr/bin/python3 - "$letters" "$long" "$(nproc)" <<'PY' | tee "$out/results.txt"
import sys
cores = int(sys.argv[3])
rows = []
for line in sys.argv[1:3]:
    name, pages, seconds, cpu, states = line.split(" ", 4)
    pages, seconds, cpu = int(pages), float(seconds), float(cpu)
    rows.append((name, pages, seconds, pages / seconds, cpu / seconds, states))
print("| run | pages | wall s | pages/s | cores busy (of %d) | end states |" % cores)
print("|---|---:|---:|---:|---:|---|")
for name, pages, seconds, rate, busy, states in rows:
    print(f"| {name} alone | {pages} | {seconds:.1f} | {rate:.2f} | {busy:.2f} | {states} |")
ratio = rows[1][3] / rows[0][3]
print()
print(f"long document / letters, pages/s: {ratio:.0%} (target >= 90 %: {'PASS' if ratio >= 0.9 else 'MISS'})")
PY
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo)"
