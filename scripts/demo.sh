#!/usr/bin/env bash
# The main job on the bundled samples, with the embedded defaults (SQLite, local folders):
# sets everything up, drops samples/letters into a fresh home's inbox and runs
# `zpe run --until-idle`. Results: zpe-home/casefiles/<tenant>/<case number>/, zpe-home/quarantine/, `zpe status`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh zpe   # the binary only; scripts/test.sh builds the test suite
home="${ZPE_HOME:-$PWD/zpe-home}"
rm -rf "$home"
mkdir -p "$home/inbox/default" "$home/registry"
# The case registry ([stages.route] registry): without it every letter goes to clearing.
cp samples/case_registry.csv "$home/registry/cases.csv"
for f in samples/letters/*; do
  case "$f" in *.truth.json) continue ;; esac
  cp "$f" "$home/inbox/default/.$(basename "$f").part"
  mv "$home/inbox/default/.$(basename "$f").part" "$home/inbox/default/$(basename "$f")"
done
# Signing: a TEST CA, signer and TSA key (NOT for production) and a local test TSA on
# 127.0.0.1, so the demo's case files hold PAdES B-T signed PDFs.
bash scripts/make-test-ca.sh "$home/test-ca" >/dev/null
tsa_port="${ZPE_DEMO_TSA_PORT:-18318}"
build/zpe test-tsa --cert "$home/test-ca/tsa.pem" --key "$home/test-ca/tsa.key" --port "$tsa_port" \
  > "$home/test-tsa.log" 2>&1 &
tsa_pid=$!
trap 'kill "$tsa_pid" 2>/dev/null || true' EXIT
cat > "$home/demo.toml" <<TOML
[stages.sign]
# TEST key from scripts/make-test-ca.sh — for the demo only, not a qualified signature.
key = "pem:$home/test-ca/signer.key"
certificate = "$home/test-ca/signer.pem"
tsa_url = "http://127.0.0.1:$tsa_port/"
tsa_trust = "$home/test-ca/ca.pem"
trust = ["$home/test-ca/ca.pem"]
site = "Demo-Scanzentrum"
TOML
echo "demo: signing with a TEST key ($home/test-ca, not for production) and the test TSA on 127.0.0.1:$tsa_port"
echo "demo: $(ls "$home/inbox/default" | wc -l) sample files in $home/inbox/default; running zpe run --until-idle"
ZPE_LOG_LEVEL="${ZPE_LOG_LEVEL:-warn}" build/zpe --home "$home" --config "$home/demo.toml" run --until-idle --max-seconds 900
echo
build/zpe --home "$home" list
echo
first_pdf="$(find "$home/casefiles" -name '*.pdf' | sort | head -1)"
if [ -n "$first_pdf" ]; then
  echo "demo: checking the signature of $first_pdf"
  build/zpe --config "$home/demo.toml" verify "$first_pdf" || true
fi
echo "demo: case files are in $home/casefiles/<tenant>/<case number>/ ; inspect one with: build/zpe --home $home show <document id>"
echo "demo: check any signed PDF with: build/zpe --config $home/demo.toml verify <file.pdf>"
echo "demo: documents waiting for a person: build/zpe --home $home clearing list"
echo "demo: decide one with: build/zpe --home $home clearing release <document id> --case-number 1234567-123"
echo "      (or reject / rescan / file-anyway), then go on with: build/zpe --home $home --config $home/demo.toml run --until-idle"
echo "demo: or in the browser: build/zpe --home $home user add admin --role admin   (asks for a password)"
echo "      then build/zpe --home $home --config $home/demo.toml web   and open http://127.0.0.1:8080/"
