#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (the asan preset in
# CMakePresets.json, build dir build-asan/): configures, builds and runs ctest, each test under
# tests/sanitize/sanitized_test.sh, so a sanitizer report from any process (the test, a `zpe`
# it runs, a worker of `zpe run`) fails that test. Builds and tests hold /tmp/zpe-build.lock
# (one build at a time on the shared machine). Run before each release (docs/ARCHITECTURE.md);
# it takes too long for CI. Prints the build and suite times and every report at the end;
# exits non-zero when a test failed or any sanitizer report was written.
#   tests/sanitize/run_asan.sh [ctest options, e.g. -R Pipeline -E Chaos]
set -uo pipefail
cd "$(dirname "$0")/../.."
lock=/tmp/zpe-build.lock
reports="$PWD/build-asan/sanitizer-reports"

mkdir -p build-asan
cmake --preset asan > build-asan/configure.log 2>&1 || { cat build-asan/configure.log; exit 1; }
start=$(date +%s)
flock "$lock" cmake --build --preset asan -j2 || exit 1
build_s=$(( $(date +%s) - start ))

rm -rf "$reports"
mkdir -p "$reports"
start=$(date +%s)
ZPE_SANITIZER_REPORTS="$reports" flock "$lock" ctest --preset asan "$@"
rc=$?
suite_s=$(( $(date +%s) - start ))

shopt -s nullglob
found=("$reports"/*)
echo "run_asan: build ${build_s} s, suite ${suite_s} s (both including any wait for $lock)," \
     "ctest exit $rc, ${#found[@]} sanitizer report(s) in $reports"
for report in "${found[@]}"; do
  echo "==== $report"
  cat "$report"
done
[ "$rc" -eq 0 ] && [ ${#found[@]} -eq 0 ]
