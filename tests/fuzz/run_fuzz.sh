#!/usr/bin/env bash
# Fuzzes ZPE's readers of untrusted input with libFuzzer (tests/fuzz/fuzz_entries.h):
# configures and builds build-fuzz with clang-14 (-DZPE_FUZZ=ON: coverage, ASan, UBSan),
# then runs each target for a bounded time on a temporary corpus seeded from
# tests/fuzz/regressions/<target>/, tests/data, samples/ and /work/shared/realworld (copies;
# the originals are never touched), and prints per target: runs, exec/s, coverage, crashes.
#
#   tests/fuzz/run_fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default 60 s, all targets)
#
# Targets: manifest raster_decoder pdf_reader egvp_package signature_verifier.
# A crash, timeout (> 10 s for one input) or out-of-memory (> 2048 MB) input is copied to
# tests/fuzz/crashes/<target>/ (not committed): fix the bug, then move the input to
# tests/fuzz/regressions/<target>/ so zpe_fuzz_regression_tests feeds it in every build.
# Exit status 1 when any target crashed. ZPE_FUZZ_BUILD overrides the build folder;
# ZPE_FUZZ_SKIP_BUILD=1 runs the targets as last built.
set -euo pipefail
seconds="${1:-60}"
shift || true
all=(manifest raster_decoder pdf_reader egvp_package signature_verifier)
targets=("${@:-${all[@]}}")
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${ZPE_FUZZ_BUILD:-$root/build-fuzz}"
realworld="${ZPE_REALWORLD:-$root/../shared/realworld}"
[ -d "$realworld" ] || realworld=/work/shared/realworld

for tool in clang-14 clang++-14; do
  command -v "$tool" >/dev/null || { echo "run_fuzz.sh: $tool is missing — run scripts/setup.sh" >&2; exit 2; }
done
build_targets=()
for t in "${targets[@]}"; do build_targets+=("zpe_fuzz_$t"); done
if [ -z "${ZPE_FUZZ_SKIP_BUILD:-}" ]; then  # set it to run targets built a moment ago again
  flock /tmp/zpe-build.lock env CC=clang-14 CXX=clang++-14 \
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZPE_FUZZ=ON -DZPE_WERROR=OFF \
          -DCMAKE_CXX_COMPILER_LAUNCHER="$(command -v ccache || true)" >/dev/null
  flock /tmp/zpe-build.lock cmake --build "$build" -j2 --target "${build_targets[@]}"
fi

work="$(mktemp -d /tmp/zpe-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# seed_corpus TARGET DIR: copies of the inputs that fit the target.
seed_corpus() {
  local target="$1" dir="$2" patterns=()
  mkdir -p "$dir"
  cp "$root/tests/fuzz/regressions/$target/"* "$dir/" 2>/dev/null || true
  case "$target" in
    manifest)           patterns=('*.json') ;;
    raster_decoder)     patterns=('*.tif' '*.tiff' '*.png' '*.jpg' '*.jpeg') ;;
    pdf_reader|signature_verifier) patterns=('*.pdf') ;;
    egvp_package)       patterns=('*.zip') ;;
  esac
  local source file p
  for source in "$root/tests/data" "$root/samples" "$realworld"; do
    [ -d "$source" ] || continue
    for p in "${patterns[@]}"; do
      while IFS= read -r -d '' file; do
        cp "$file" "$dir/$(basename "$(dirname "$file")")-$(basename "$file")"
      done < <(find "$source" -type f -name "$p" -size -2M -print0)
    done
  done
}

max_len_of() {
  case "$1" in
    manifest) echo 4096 ;;
    egvp_package) echo 65536 ;;
    *) echo 262144 ;;
  esac
}

printf '%-20s %8s %10s %8s %8s %8s %8s\n' target seconds runs exec/s cov ft crashes > "$work/summary"
status=0
for t in "${targets[@]}"; do
  corpus="$work/corpus/$t"
  artifacts="$work/artifacts/$t"
  mkdir -p "$artifacts"
  seed_corpus "$t" "$corpus"
  echo "== $t: $(ls "$corpus" | wc -l) seed inputs, ${seconds} s" >&2
  started=$(date +%s)
  set +e
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
  LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/tests/sanitize/lsan.supp}" \
  timeout --kill-after=30 $((seconds + 120)) "$build/zpe_fuzz_$t" "$corpus" \
    -max_total_time="$seconds" -max_len="$(max_len_of "$t")" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" > "$work/$t.log" 2>&1
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - started ))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | tail -1 | grep -o '[0-9]*$' || true)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$work/$t.log" | tail -1 | grep -o '[0-9]*$' || true)
  cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -1 | grep -o '[0-9]*' || true)
  ft=$(grep -o 'ft: [0-9]*' "$work/$t.log" | tail -1 | grep -o '[0-9]*' || true)
  crashes=$(find "$artifacts" -type f | wc -l)
  if [ "$crashes" -gt 0 ] || [ "$rc" -ne 0 ]; then
    status=1
    mkdir -p "$root/tests/fuzz/crashes/$t"
    cp "$artifacts/"* "$root/tests/fuzz/crashes/$t/" 2>/dev/null || true
    cp "$work/$t.log" "$root/tests/fuzz/crashes/$t/fuzz.log"
    echo "== $t: exit $rc, $crashes crash input(s) kept in tests/fuzz/crashes/$t/ (log: fuzz.log)" >&2
    grep -m3 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$work/$t.log" >&2 || true
  fi
  printf '%-20s %8s %10s %8s %8s %8s %8s\n' "$t" "$elapsed" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" \
    "$crashes" >> "$work/summary"
done
cat "$work/summary"
exit "$status"
