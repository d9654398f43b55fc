#!/usr/bin/env bash
# Measures the near-duplicate fingerprint (classifiers/near_duplicate.h) and the evidence
# for the default [stages.route] near_duplicate_similarity (docs/CLASSIFY.md):
#   1. 300 different letters (seed 404, truth text only, no images: the worst case, as OCR
#      noise only lowers the similarity of different letters): every pair of the same type
#      (same template, letterhead and boilerplate), of the same case, of other types;
#   2. 24 letters (seed 303, all formats) OCR'd for real, and a second copy of each
#      (bench/make_rescans.py: a rescan or a 200 dpi fax) OCR'd too: each letter against
#      its copy, and the different letters against each other on OCR text.
# OCR takes ~3 min on 2 cores (cached under $out, so re-runs take seconds).
# Usage: bench/eval_near_duplicate.sh [OUT_DIR] [THRESHOLD]   (default /tmp/zpe-neardup 0.75)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/zpe-neardup}"
threshold="${2:-0.75}"
py=/usr/bin/python3
bench=build/zpe_near_duplicate_bench
[ -f "$out/texts/letter-0300.tif.truth.json" ] ||
  $py samples/generate_letters.py --out "$out/texts" --count 300 --seed 404 --formats tiff-g4 --truth-only \
      --registry "$out/texts/case_registry.csv" > "$out.texts.log"
[ -f "$out/letters/case_registry.csv" ] ||
  $py samples/generate_letters.py --out "$out/letters" --count 24 --seed 303 \
      --registry "$out/letters/case_registry.csv" > "$out.letters.log"
[ -f "$out/rescans/letter-0024.tif" ] || $py bench/make_rescans.py "$out/letters" "$out/rescans" > "$out.rescans.log"
cp "$out/letters/case_registry.csv" "$out/rescans/"
# zpe eval OCRs into the cache; its classification report is not what is measured here.
build/zpe eval "$out/letters" --work "$out/letters-ocr" --jobs 2 > /dev/null 2>&1
build/zpe eval "$out/rescans" --work "$out/rescans-ocr" --jobs 2 > /dev/null 2>&1
$bench --letters "$out/texts" --threshold "$threshold"
$bench --letters "$out/letters" --ocr "$out/letters-ocr" --rescan-ocr "$out/rescans-ocr" --threshold "$threshold"
