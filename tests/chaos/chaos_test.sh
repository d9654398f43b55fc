#!/usr/bin/env bash
# The fault-injection test (tests/chaos/chaos_test.py says what it does and checks), bounded
# in time: the short version (20 letters, 10 kills) runs in the suite (ctest Chaos_KillNineDuringRun),
# the full one (200 letters, 50 kills, then the full-disk run of 30 letters) with
# ZPE_CHAOS_FULL=1.
#   tests/chaos/chaos_test.sh build/zpe [chaos_test.py options]
set -euo pipefail
zpe="${1:?usage: chaos_test.sh ZPE_BINARY [options]}"
shift
limit=230
[ "${ZPE_CHAOS_FULL:-0}" = 1 ] && limit=5400
here="$(dirname "$0")"
timeout --kill-after=20 "$limit" /usr/bin/python3 "$here/chaos_test.py" --zpe "$zpe" "$@"
if [ "${ZPE_CHAOS_FULL:-0}" = 1 ]; then
  # A full disk: the home on a 64 MB tmpfs that fills and is freed again (needs root).
  timeout --kill-after=20 900 /usr/bin/python3 "$here/chaos_test.py" --zpe "$zpe" --disk-full --docs 30 "$@"
fi
