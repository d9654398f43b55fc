#!/usr/bin/env bash
# The held-out clearing check (issue 10): runs held-out letters through the pipeline, then
# releases every document left in CLEARING with ONE command each, as an operator would
# (the case number and type they read on the page: here from the letter's .truth.json; a
# letter with no case number at all gets the case the operator looks up: here the
# registry's first case), runs the pipeline again and counts where each document ended.
#   letters: 48, seed 303, --style eval (fonts and wording the model was not trained on)
# Usage: bench/clearing_check.sh [OUT_DIR]   (default /tmp/zpe-clearing-check)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/zpe-clearing-check}"
py=/usr/bin/python3
zpe="$PWD/build/zpe"
rm -rf "$out/home"
mkdir -p "$out/home/inbox/default" "$out/home/registry"
[ -f "$out/letters/case_registry.csv" ] ||
  $py samples/generate_letters.py --out "$out/letters" --count 48 --seed 303 --style eval \
      --registry "$out/letters/case_registry.csv" > "$out/generate.log"
bash scripts/make-test-ca.sh "$out/home/test-ca" ec > /dev/null
cat > "$out/home/check.toml" <<TOML
[stages.route]
registry = "registry/cases.sqlite"
[stages.sign]
key = "pem:$out/home/test-ca/signer.key"
certificate = "$out/home/test-ca/signer.pem"
trust = ["$out/home/test-ca/ca.pem"]
[web]
enabled = false
TOML
z() { "$zpe" --home "$out/home" --config "$out/home/check.toml" "$@"; }
z registry import "$out/letters/case_registry.csv" > /dev/null
for f in "$out"/letters/letter-*; do
  case "$f" in *.json) continue ;; esac
  cp "$f" "$out/home/inbox/default/.$(basename "$f").part"
  mv "$out/home/inbox/default/.$(basename "$f").part" "$out/home/inbox/default/$(basename "$f")"
done
start=$(date +%s)
ZPE_LOG_LEVEL=warn z run --until-idle --max-seconds 1500
echo "first pass: $(( $(date +%s) - start )) s"
z status | sed -n '/documents per state/,/^$/p'
z clearing list > "$out/clearing-before.txt"
first_case=$(sed -n 2p "$out/letters/case_registry.csv" | cut -d, -f1)
commands="$out/release-commands.txt"
: > "$commands"
z clearing list --json | $py -c '
import json, sys, os
letters, first_case = sys.argv[1], sys.argv[2]
for item in json.load(sys.stdin):
    truth = json.load(open(os.path.join(letters, item["source_file"] + ".truth.json")))
    case = truth.get("case_number") or first_case
    print(item["document_id"], case, truth["doc_type"], item["reason_kind"])
' "$out/letters" "$first_case" | while read -r id case type kind; do
  echo "zpe clearing release $id --case-number $case --doc-type $type   # was: $kind" >> "$commands"
  z clearing release "$id" --case-number "$case" --doc-type "$type" --operator check > /dev/null
done
echo "released $(wc -l < "$commands") document(s) with one command each (the commands: $commands)"
start=$(date +%s)
ZPE_LOG_LEVEL=warn z run --until-idle --max-seconds 1500
echo "second pass: $(( $(date +%s) - start )) s"
z status | sed -n '/documents per state/,/^$/p'
left=$(z clearing list --json | $py -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "still in CLEARING after the release: $left"
z audit verify
