#!/usr/bin/env bash
# Peak RSS per process across one large batch (issue 12 item 5: "at most 300 MB per worker
# and flat across a 500-page batch"): LETTER_PAGES pages of held-out letters plus one
# LONG_PAGES-page case file (defaults 300 + 200 = 500 pages, generated as bench/throughput.sh
# does, seeds 8082/8083 so the batch is not the throughput corpus) through
# `zpe run --until-idle`, all stages. bench/throughput.py samples VmRSS and VmHWM of every
# process each second with the number of pages finished, and prints one row per process:
# RSS / peak RSS after every 100 finished pages and the peak over the run. Flat means the
# peak stops growing once every kind of page has been seen; a leak shows as a rising RSS.
#
#   bench/rss_flatness.sh [LETTER_PAGES [LONG_PAGES]]
#
# Results: bench/results/rss-<date>/ (series.json, table.md, the home). Needs a build of zpe
# (ZPE_BIN=/path/to/zpe measures another); builds nothing: run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
letter_pages=${1:-300}
long_pages=${2:-200}
zpe="${ZPE_BIN:-$PWD/build/zpe}"
[ -x "$zpe" ] || { echo "rss_flatness: $zpe is missing — build it: cmake --build build -j2 --target zpe" >&2; exit 2; }
for tool in tiffcp sqlite3; do
  command -v "$tool" >/dev/null || { echo "rss_flatness: $tool is missing — run scripts/setup.sh" >&2; exit 2; }
done
out="$PWD/bench/results/rss-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
echo "rss_flatness: results in $out ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
gen="$out/generated"
/usr/bin/python3 samples/generate_letters.py --out "$gen/letters" --count "$letter_pages" --seed 8082 --style eval \
  --registry "$gen/letters-registry.csv" >/dev/null
/usr/bin/python3 samples/generate_letters.py --out "$gen/long" --count "$long_pages" --seed 8083 --style eval \
  --formats tiff-g4,tiff-lzw --registry "$gen/long-registry.csv" >/dev/null
/usr/bin/python3 bench/throughput.py corpus "$out/corpus" "$gen/letters" "$letter_pages" "$gen/long" "$long_pages"

home="$out/zpe-home"
bench_home "$home"
{ cat "$gen/letters-registry.csv"; tail -n +2 "$gen/long-registry.csv"; } >"$home/registry/cases.csv"
mapfile -t files < <(find "$out/corpus/letters" "$out/corpus/long" -type f ! -name '*.truth.json' | sort)
drop_into_inbox "$home" "${files[@]}"
echo "rss_flatness: zpe run --until-idle on ${#files[@]} files"
ZPE_LOG_LEVEL=warn timeout 3700 "$zpe" --home "$home" --config "$home/bench.toml" run --until-idle --max-seconds 3600 \
  >"$out/zpe-run.log" 2>&1 &
run_pid=$!
/usr/bin/python3 bench/throughput.py rss-series "$run_pid" "$home/var/jobs.sqlite" "$out/series.json" &
series_pid=$!
wait "$run_pid" || { echo "rss_flatness: zpe run failed; see $out/zpe-run.log" >&2; exit 1; }
wait "$series_pid"
/usr/bin/python3 bench/throughput.py rss-table "$out/series.json" 100 | tee "$out/table.md"
