#!/usr/bin/env bash
# Bilevel page coding, CCITT G4 against the lossless JBIG2 generic region
# (bench/page_storage_bench.cpp --bilevel-codecs): bytes per page and encode CPU ms per page
# of every 1-bit page of the given scans, grouped by their folder; then the decode cost in a
# viewer: poppler's pdftoppm rendering the G4 and the JBIG2 PDF of each group at 300 dpi,
# user+system CPU seconds, the least of 3 runs. Usage:
#   bench/eval_bilevel_codecs.sh SCAN.tif...
# e.g. bench/eval_bilevel_codecs.sh CORPUS/letters/*.tif CORPUS/long/case-file.tif
# Needs build/zpe_page_storage_bench (cmake --build build --target zpe_page_storage_bench).
set -euo pipefail
cd "$(dirname "$0")/.."
pdfs=$(mktemp -d)
trap 'rm -rf "$pdfs"' EXIT
build/zpe_page_storage_bench --bilevel-codecs --pdf-dir "$pdfs" "$@"
echo
echo "| PDF | pages | bytes | pdftoppm -r 300 -mono CPU s (least of 3) | CPU ms/page |"
echo "|---|---|---|---|---|"
for pdf in "$pdfs"/*.pdf; do
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  best=""
  for run in 1 2 3; do
    cpu=$( { /usr/bin/time -f "%U %S" pdftoppm -r 300 -mono "$pdf" "$pdfs/render" >/dev/null; } 2>&1 | tail -1 |
           awk '{printf "%.2f", $1 + $2}')
    rm -f "$pdfs"/render-*.pbm
    if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$cpu; fi
  done
  printf "| %s | %s | %s | %s | %.0f |\n" "$(basename "$pdf")" "$pages" "$(stat -c %s "$pdf")" "$best" \
    "$(awk -v s="$best" -v n="$pages" 'BEGIN {print 1000 * s / n}')"
done
