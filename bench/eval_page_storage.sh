#!/usr/bin/env bash
# Page-image storage per setting (bytes, PSNR, text-pixel difference; bench/page_storage_bench.cpp)
# on the prepared page images of a finished run — the home bench/eval_ocr.sh leaves in
# bench/results/. Usage:
#   bench/eval_page_storage.sh HOME [--tone]
# Needs build/zpe and build/zpe_page_storage_bench
# (cmake --build build --target zpe zpe_page_storage_bench).
set -euo pipefail
cd "$(dirname "$0")/.."
home="$1"
shift
mapfile -t pages < <(/usr/bin/python3 - build/zpe "$home" <<'PY'
import sys
sys.path.insert(0, "bench")
from eval_ocr import zpe_json, blob_path
binary, home = sys.argv[1:3]
for doc in zpe_json(binary, home, "list"):
    record = zpe_json(binary, home, "show", doc["document_id"])["record"]
    for page in record.get("pages", []):
        path = blob_path(home, page["blob"])
        if path:
            print(path)
PY
)
echo "${#pages[@]} page images from $home" >&2
build/zpe_page_storage_bench "$@" "${pages[@]}"
