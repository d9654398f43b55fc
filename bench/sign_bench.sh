#!/usr/bin/env bash
# Signing throughput (signatures per second) with a PEM key and with SoftHSM2, on a 1-page
# and a 20-page document. Builds the bench binary if needed. Usage: bench/sign_bench.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build -j2 --target zpe_sign_bench >/dev/null
build/zpe_sign_bench "${1:-3}"
