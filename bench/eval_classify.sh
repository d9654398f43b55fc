#!/usr/bin/env bash
# Regenerates the classification training and evaluation sets, retrains the shipped model
# and measures it with `zpe eval` (docs/CLASSIFY.md). The sets are not committed.
#   training: 300 letters, seed 101, default style (only the truth text is used)
#   eval:     400 letters, seed 202, --style eval (other fonts, wording, more noise),
#             OCR'd for real by the prepare + ocr stages (~9 min on 2 cores; cached in
#             $out/eval-ocr, so re-runs take seconds)
# Usage: bench/eval_classify.sh [OUT_DIR]   (default /tmp/zpe-classify)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/zpe-classify}"
py=/usr/bin/python3
[ -f "$out/train/letter-0300.tif.truth.json" ] ||
  $py samples/generate_letters.py --out "$out/train" --count 300 --seed 101 --formats tiff-g4 \
      --registry "$out/train/case_registry.csv" > "$out.train.log"
[ -f "$out/eval/case_registry.csv" ] ||
  $py samples/generate_letters.py --out "$out/eval" --count 400 --seed 202 --style eval \
      --registry "$out/eval/case_registry.csv" > "$out.eval.log"
build/zpe train "$out/train" --out models/default-doctype-v1.json --version default-doctype-v1
build/zpe eval "$out/eval" --work "$out/eval-ocr" --jobs 2 2> "$out/eval-documents.txt"
echo "per-document lines (MISROUTE / wrong / ok): $out/eval-documents.txt"
