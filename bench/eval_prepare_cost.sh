#!/usr/bin/env bash
# CPU cost per page of the stages around OCR (prepare, split, quality), one thread, on a
# generated held-out corpus: build/zpe_prepare_stage_bench (bench/prepare_stage_bench.cpp)
# over LETTER_PAGES pages of letters (samples/generate_letters.py --style eval, seed 8080,
# all five formats) and one LONG_PAGES-page TIFF of G4 and LZW pages (seed 8081, joined by
# bench/throughput.py corpus, as bench/throughput.sh makes it). Prints the bench's JSON for
# the letters and for the long document: CPU ms per page per stage, record.step_ms per page,
# wrong 90/180/270° turns and residual skew against the generator's truth (letters).
# Usage: bench/eval_prepare_cost.sh [LETTER_PAGES [LONG_PAGES]]   (defaults 40 and 60)
# Run after: cmake --build build --target zpe_prepare_stage_bench
set -euo pipefail
cd "$(dirname "$0")/.."
letter_pages=${1:-40}
long_pages=${2:-60}
bench=build/zpe_prepare_stage_bench
[ -x "$bench" ] || { echo "eval_prepare_cost: $bench is missing — build the target zpe_prepare_stage_bench" >&2; exit 1; }
command -v tiffcp >/dev/null || { echo "eval_prepare_cost: tiffcp is missing (libtiff-tools)" >&2; exit 1; }
gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
/usr/bin/python3 samples/generate_letters.py --out "$gen/letters" --count "$letter_pages" --seed 8080 --style eval \
  --registry "$gen/letters.csv" >/dev/null
/usr/bin/python3 samples/generate_letters.py --out "$gen/long" --count "$long_pages" --seed 8081 --style eval \
  --formats tiff-g4,tiff-lzw --registry "$gen/long.csv" >/dev/null
/usr/bin/python3 bench/throughput.py corpus "$gen/corpus" "$gen/letters" "$letter_pages" "$gen/long" "$long_pages"
mapfile -t letters < <(find "$gen/corpus/letters" -type f ! -name '*.truth.json' | sort)
echo "letters:"
"$bench" "${letters[@]}"
echo "long document:"
"$bench" "$gen/corpus/long/case-file.tif"
