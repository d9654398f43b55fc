#!/usr/bin/env bash
# What a routing rule with unsure_type_ok changes (issue 11, docs/ROUTING.md): runs held-out
# letters through the pipeline with the tenant rule
#     [[tenants.default.stages.route.rules]]  name = "verified case, type later"
#     unsure_type_ok = true, to = ["casefile"]
# and counts, against each letter's .truth.json: documents filed, filed with
# doc_type_unsure (and whether the type proposed was right), still held (by reason kind),
# and misfiled (filed into a case other than the letter's). Without the rule every
# doc_type_unsure document would wait in CLEARING "document type unsure".
#   letters: $COUNT (48), seed $SEED (303), --style eval (fonts and wording the model was not
#   trained on)
# Usage: [SEED=N COUNT=N] bench/routing_rules_check.sh [OUT_DIR]   (default /tmp/zpe-routing-rules-check)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/zpe-routing-rules-check}"
py=/usr/bin/python3
zpe="$PWD/build/zpe"
rm -rf "$out/home"
mkdir -p "$out/home/inbox/default" "$out/home/registry"
[ -f "$out/letters/case_registry.csv" ] ||
  $py samples/generate_letters.py --out "$out/letters" --count "${COUNT:-48}" --seed "${SEED:-303}" --style eval \
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
[[tenants.default.stages.route.rules]]
name = "verified case, type later"
unsure_type_ok = true
to = ["casefile"]
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
echo "pipeline: $(( $(date +%s) - start )) s"
z list --json | $py -c '
import json, os, subprocess, sys, collections
letters, zpe, home, config = sys.argv[1:5]
docs = json.load(sys.stdin)
filed = unsure = unsure_right = misfiled = 0
held = collections.Counter()
for d in docs:
    truth = json.load(open(os.path.join(letters, d["source_file"] + ".truth.json")))
    if d["state"] != "FILED":
        held[(d.get("reason") or d["state"]).split(" (")[0][:60]] += 1
        continue
    shown = subprocess.run([zpe, "--home", home, "--config", config, "show", d["document_id"], "--json"],
                           capture_output=True, text=True, check=True).stdout
    route = json.loads(shown[shown.index("{"):])["record"]["route"]
    filed += 1
    if route["case_number"] != truth.get("case_number"):
        misfiled += 1
        print("MISFILED", d["source_file"], route["case_number"], "truth", truth.get("case_number"))
    if route.get("doc_type_unsure"):
        unsure += 1
        unsure_right += route.get("doc_type") == truth["doc_type"]
        print("doc_type_unsure", d["source_file"], "proposed", route.get("doc_type"), "truth", truth["doc_type"])
print(f"documents: {len(docs)}  filed: {filed}  misfiled: {misfiled}")
print(f"filed with doc_type_unsure (held without the rule): {unsure}, type proposed right: {unsure_right}")
print("still held:", dict(held) if held else 0)
' "$out/letters" "$zpe" "$out/home" "$out/home/check.toml"
