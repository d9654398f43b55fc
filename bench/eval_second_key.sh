#!/usr/bin/env bash
# Measures the registry's second-key check (docs/CLASSIFY.md "Second key", issue 11): a
# held-out set with PLANTED MISREADS — letters whose printed case number differs from their
# case by one look-alike digit (1/7, 3/8, 5/6, 0/8, 4/9) and that number is another
# registered case with a different applicant — and letters that cite another registered
# case number in the body. `zpe eval` runs twice on the same OCR output: with the check and
# with --no-second-key; the misroutes and clearings of both are printed.
#   letters: 80, seed 404 (or SEED), --style eval (fonts, wording and name/birth-date forms the
#            model and the rules were not written on), 16 planted misreads, 8 misleads;
#            the registry carries surname and birth_date for every case.
#   OCR'd for real by the prepare + ocr stages (~3 min on 2 cores; cached in $out/ocr).
# Usage: bench/eval_second_key.sh [OUT_DIR] [SEED]   (default /tmp/zpe-second-key, 404)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/zpe-second-key}"
seed="${2:-404}"
py=/usr/bin/python3
[ -f "$out/letters/case_registry.csv" ] ||
  $py samples/generate_letters.py --out "$out/letters" --count 80 --seed "$seed" --style eval \
      --second-keys --misreads 16 --misleads 8 --registry "$out/letters/case_registry.csv" > "$out.generate.log"
planted=$($py -c '
import glob, json, sys
kinds = [json.load(open(f)).get("planted") for f in glob.glob(sys.argv[1] + "/*.truth.json")]
print(sum(1 for k in kinds if k and k["kind"] == "misread"), sum(1 for k in kinds if k and k["kind"] == "mislead"))
' "$out/letters")
echo "planted: $(echo "$planted" | cut -d' ' -f1) misreads onto registered numbers, $(echo "$planted" | cut -d' ' -f2) letters citing another case"
for mode in with without; do
  flag=""; [ "$mode" = without ] && flag="--no-second-key"
  build/zpe eval "$out/letters" --registry "$out/letters/case_registry.csv" --work "$out/ocr" --jobs 2 $flag \
      > "$out/eval-$mode.txt" 2> "$out/documents-$mode.txt"
  echo "== $mode the second-key check"
  grep -E "^(documents|routed automatically|clearings|misroutes|second-key clearings):" "$out/eval-$mode.txt"
  echo "   misrouted letters: $(grep -c '^MISROUTE' "$out/documents-$mode.txt" || true)" \
       "(planted misreads among them: $(grep '^MISROUTE' "$out/documents-$mode.txt" | $py -c '
import json, sys
n = 0
for line in sys.stdin:
    name = line.split()[1]
    t = json.load(open(sys.argv[1] + "/" + name + ".truth.json"))
    n += bool(t.get("planted") and t["planted"]["kind"] == "misread")
print(n)' "$out/letters"))"
done
echo "per-document lines: $out/documents-with.txt, $out/documents-without.txt"
