#!/usr/bin/env bash
# Installs dependencies (scripts/setup.sh), configures and builds into build/.
# With target names (scripts/build.sh zpe) only those are built: the demo needs the zpe
# binary alone, not the test suite. Without, everything (scripts/test.sh).
# Re-running only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > build-configure.log 2>&1 || { cat build-configure.log; exit 1; }
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build build -j"$(nproc)" "${targets[@]}"
