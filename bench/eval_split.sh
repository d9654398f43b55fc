#!/usr/bin/env bash
# Batch-separation figures on generated batches with known ground truth (stages/split_test.cpp:
# the 15 sample-letter pages with 9 separator sheets — QR codes with and without hints, patch
# code T with vertical and horizontal bars — between them, and the sample pages alone for
# false separators): separators found / expected, documents split right / total, time per page.
# Then one batch TIFF end to end (tests/split_test.cpp). Run after scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
build/zpe_unit_tests --gtest_filter='SplitStage.*:SeparatorSheet.*' 2>&1 | grep -E '^FIGURE|FAILED|PASSED'
build/zpe_integration_tests --gtest_filter='Split.*' 2>&1 | grep -E 'FAILED|PASSED|OK \]'
