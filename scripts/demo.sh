#!/usr/bin/env bash
# The main job on the bundled samples, with the embedded defaults (SQLite, local folders):
# sets everything up, drops samples/letters into a fresh home's inbox and runs
# `zpe run --until-idle`. Results: zpe-home/casefiles/, zpe-home/quarantine/, `zpe status`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
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
echo "demo: $(ls "$home/inbox/default" | wc -l) sample files in $home/inbox/default; running zpe run --until-idle"
ZPE_LOG_LEVEL="${ZPE_LOG_LEVEL:-warn}" build/zpe --home "$home" run --until-idle --max-seconds 900
echo
build/zpe --home "$home" list
echo
echo "demo: case files are in $home/casefiles/ ; inspect one with: build/zpe --home $home show <document id>"
