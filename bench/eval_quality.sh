#!/usr/bin/env bash
# Scan-quality figures on generated pages with known ground truth (see stages/testing_scans.h):
# residual skew after deskew, orientation accuracy, blank-page precision/recall, rejects,
# and the prepare + quality time per page. Run after scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
build/zpe_unit_tests --gtest_filter='PageGeometry.*:QualityStage.*' 2>&1 | grep -E '^FIGURE|FAILED|PASSED'
# Time per page through the real stages: one prepare + quality run over the sample letters.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/inbox/default"
cp samples/letters/*.tif samples/letters/*.png samples/letters/*.jpg "$home/inbox/default/"
build/zpe --home "$home" run --until-idle --max-seconds 600 > "$home/run.out" 2>&1 || true
build/zpe --home "$home" status --json | /usr/bin/python3 -c '
import json, sys
text = sys.stdin.read(); s = json.loads(text[text.index("{"):])
pages = 15  # the committed sample letters have 15 pages
for stage in ("prepare", "quality"):
    t = s["stage_time"].get(stage, {"runs": 0, "mean_ms": 0}); runs, mean_ms = t["runs"], t["mean_ms"]
    print(f"FIGURE {stage}: {runs} documents, mean {mean_ms:.0f} ms per document")
total = sum(s["stage_time"][st]["runs"] * s["stage_time"][st]["mean_ms"] for st in ("prepare", "quality") if st in s["stage_time"])
print(f"FIGURE prepare+quality: {total / pages:.0f} ms per page ({pages} pages)")
'
