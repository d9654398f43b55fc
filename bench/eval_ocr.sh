#!/usr/bin/env bash
# Measures the searchable PDF/A outputs on a set of letters with ground truth: runs them
# through `zpe run --until-idle` in a fresh home, then bench/eval_ocr.py reports the
# character error rate of each PDF's text layer (pdftotext vs <file>.truth.json "text"),
# bytes per page (bilevel / grey / colour), how many PDFs are larger than their input file,
# and OCR time per page. Usage:
#   bench/eval_ocr.sh [letters-dir] [--json]     (default: samples/letters)
# ZPE_CONFIG=<file> runs it under another config (e.g. [stages.ocr] bilevel_text_pages);
# ZPE_BIN=<binary> measures another build (default build/zpe). The home is kept in
# bench/results/ for bench/eval_page_storage.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-samples/letters}"
home="$PWD/bench/results/ocr-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$home/inbox/default"
for f in "$src"/*; do
  case "$f" in *.json) continue ;; esac
  cp "$f" "$home/inbox/default/.$(basename "$f").part"
  mv "$home/inbox/default/.$(basename "$f").part" "$home/inbox/default/$(basename "$f")"
done
zpe="${ZPE_BIN:-build/zpe}"
ZPE_LOG_LEVEL=warn "$zpe" --home "$home" run --until-idle --max-seconds 3600 > "$home/run.log"
echo "home: $home" >&2
/usr/bin/python3 bench/eval_ocr.py "$zpe" "$home" "$src" ${2:-}
