#!/usr/bin/env bash
# Throughput, size, accuracy and memory of ZPE against OCRmyPDF and bare Tesseract: one
# command, one run, one table (issue 12 items 4 and 5; bench/BENCHMARKS.md explains it).
#
#   bench/throughput.sh            at least 100 pages of letters + one 200-page document
#   bench/throughput.sh --quick    at least 20 pages of letters + one 30-page document
#
# Held-out corpus: samples/generate_letters.py --style eval, seed 8080 for the letters and
# 8081 for the letters whose pages make up the long document (a multi-page TIFF of G4 and
# LZW pages joined by tiffcp, which cannot copy JPEG-in-TIFF pages without re-encoding).
# Then, one after another on the same files:
#   (a) zpe run --until-idle, all stages (fresh home, TEST signing key, web disabled, the
#       generator's case registry); peak RSS sampled from /proc while it runs
#   (b) ocrmypdf -l deu --output-type pdfa --rotate-pages --deskew --jobs 2, file by file
#   (c) the same with --optimize 2
#   (d) tesseract IMAGE OUT -l deu pdf, one process per page, two at a time (xargs -P2)
#   (e) ZPE's OCR stage alone (build/zpe_ocr_stage_bench, model loaded once, 2 threads)
#   and bench/latency.sh for the one-page latency on an idle pipeline.
# Results: bench/results/throughput-<date>/results.md (the table), results.json (raw).
# Needs a build of zpe and zpe_ocr_stage_bench (ZPE_BIN=/path/to/zpe measures another zpe) and
# ocrmypdf, tesseract-ocr, libtiff-tools, poppler-utils (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
quick=0
[ "${1:-}" = "--quick" ] && quick=1
if [ "$quick" = 1 ]; then letter_pages=20; long_pages=30; latency_n=5; else letter_pages=100; long_pages=200; latency_n=20; fi
for tool in ocrmypdf pngquant tesseract tiffcp pdftotext sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "throughput: $tool is missing — run scripts/setup.sh" >&2; exit 2; }
done
# No build here: a compiler running beside the measurement would distort it.
zpe="${ZPE_BIN:-$PWD/build/zpe}"
stage_bench="$PWD/build/zpe_ocr_stage_bench"
[ -x "$zpe" ] || { echo "throughput: $zpe is missing — build first: cmake --build build -j2 --target zpe zpe_ocr_stage_bench" >&2; exit 2; }
[ -x "$stage_bench" ] || echo "throughput: $stage_bench is missing — column (e) will say NOT RUN; build it: cmake --build build -j2 --target zpe_ocr_stage_bench" >&2
out="$PWD/bench/results/throughput-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
echo "throughput: results in $out ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
now() { date +%s.%N; }
wall=()  # "name": seconds, written to wall.json after each tool
since() { /usr/bin/python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" "$1" "$(now)"; }
record_wall() { wall+=("\"$1\": $(since "$2")"); (IFS=,; echo "{${wall[*]}}") >"$out/wall.json"; }

# ---- corpus -----------------------------------------------------------------------------
gen="$out/generated"
bench_corpus "$out" "$letter_pages" "$long_pages"
mapfile -t files < <(find "$out/corpus/letters" "$out/corpus/long" -type f ! -name '*.truth.json' | sort)

# ---- (a) zpe run --until-idle -----------------------------------------------------------
home="$out/zpe-home"
bench_home "$home"
{ cat "$gen/letters-registry.csv"; tail -n +2 "$gen/long-registry.csv"; } >"$home/registry/cases.csv"
drop_into_inbox "$home" "${files[@]}"
echo "throughput: (a) zpe run --until-idle on ${#files[@]} files"
start=$(now)
ZPE_LOG_LEVEL=warn timeout 3700 "$zpe" --home "$home" --config "$home/bench.toml" run --until-idle --max-seconds 3600 \
  >"$out/zpe-run.log" 2>&1 &
run_pid=$!
/usr/bin/python3 bench/throughput.py rss "$run_pid" "$out/zpe-rss.json" &
rss_pid=$!
wait "$run_pid" || { echo "throughput: zpe run failed; see $out/zpe-run.log" >&2; exit 1; }
record_wall zpe "$start"
wait "$rss_pid"

# ---- (b), (c) ocrmypdf, file by file ----------------------------------------------------
for variant in ocrmypdf ocrmypdf-o2; do
  extra=()
  [ "$variant" = ocrmypdf-o2 ] && extra=(--optimize 2)
  echo "throughput: ($([ "$variant" = ocrmypdf ] && echo b || echo c)) $variant"
  mkdir -p "$out/$variant"
  start=$(now)
  for f in "${files[@]}"; do
    name=$(basename "$f")
    /usr/bin/time -v -o "$out/$variant/$name.time" timeout 1800 ocrmypdf -q -l deu --output-type pdfa --rotate-pages \
      --deskew --jobs 2 "${extra[@]}" "$f" "$out/$variant/$name.pdf" >>"$out/$variant.log" 2>&1 \
      || echo "throughput: $variant failed on $name (see $out/$variant.log)" >&2
  done
  record_wall "$variant" "$start"
done

# ---- (d) bare tesseract, one process per page, two at a time -----------------------------
echo "throughput: (d) tesseract per page"
/usr/bin/python3 bench/throughput.py pages "$out/corpus" "$out/tesseract"
start=$(now)
find "$out/tesseract" -name '*.png' -print0 | sort -z | OMP_THREAD_LIMIT=1 xargs -0 -P2 -n1 sh -c \
  '/usr/bin/time -v -o "$1.time" timeout 600 tesseract "$1" "${1%.png}" -l deu pdf 2>/dev/null' _
record_wall tesseract "$start"
rm -f "$out"/tesseract/*.png

# ---- (e) ZPE's OCR stage alone ----------------------------------------------------------
echo "throughput: (e) OCR stage alone"
letters=()
for f in "${files[@]}"; do [ "$(basename "$f")" = case-file.tif ] || letters+=("$f"); done
if [ -x "$stage_bench" ]; then
  /usr/bin/time -v -o "$out/ocr-stage.time" timeout 3600 "$stage_bench" "$out/ocr-stage" \
    --letters "${letters[@]}" --long "$out/corpus/long/case-file.tif" >"$out/ocr-stage.json" \
    || { echo "throughput: the OCR stage bench failed (see $out/ocr-stage.time)" >&2; : >"$out/ocr-stage.json"; }
fi

# ---- one-page latency on an idle pipeline -------------------------------------------------
echo "throughput: one-page latency, idle pipeline (bench/latency.sh $latency_n)"
ZPE_BIN="$zpe" timeout 900 bash bench/latency.sh "$latency_n" >"$out/latency.txt" 2>&1 || echo "throughput: bench/latency.sh failed (see $out/latency.txt)" >&2

echo
/usr/bin/python3 bench/throughput.py report "$out" "$quick"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GB RAM", $2 / 1048576}' /proc/meminfo)"
