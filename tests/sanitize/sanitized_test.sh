#!/usr/bin/env bash
# Runs one test command of the sanitizer build (the asan preset's ZPE_TEST_LAUNCHER; ctest and
# gtest's test discovery call it) and fails it when any process of the test wrote an
# AddressSanitizer, LeakSanitizer or UndefinedBehaviorSanitizer report: the test binary, a
# `zpe` it ran, or a worker that `zpe run` started and restarted after a crash, whose exit code
# no test sees. Reports go to a directory of this run's own (log_path), are printed on stderr
# and copied to $ZPE_SANITIZER_REPORTS when that is set (tests/sanitize/run_asan.sh sets it).
# The sanitizer options live here, so every way of running the sanitized tests uses the same:
# leaks are checked (third-party leaks suppressed in tests/sanitize/lsan.supp, each with why),
# every UBSan finding is fatal (-fno-sanitize-recover=undefined in CMakePresets.json).
#   tests/sanitize/sanitized_test.sh COMMAND [ARGS...]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
reports="$(mktemp -d "${TMPDIR:-/tmp}/zpe-sanitizer.XXXXXX")"
# Options given by the caller come after ours, so they win.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:check_initialization_order=1:detect_stack_use_after_return=1:log_path=$reports/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
"$@"
rc=$?
shopt -s nullglob
found=("$reports"/*)
if [ ${#found[@]} -gt 0 ]; then
  for report in "${found[@]}"; do
    echo "==== sanitizer report ${report##*/} while running: $*" >&2
    cat "$report" >&2
    if [ -n "${ZPE_SANITIZER_REPORTS:-}" ]; then
      mkdir -p "$ZPE_SANITIZER_REPORTS"
      { echo "# command: $*"; cat "$report"; } > "$ZPE_SANITIZER_REPORTS/$(date +%s%N)-${report##*/}"
    fi
  done
  [ "$rc" -eq 0 ] && rc=1
fi
rm -rf "$reports"
exit "$rc"
