# Shared by the bench scripts that run `zpe run` on a generated corpus (source it):
#
#   bench_home HOME [CA_KIND]   a zpe home: inbox/default/, registry/, a test CA (rsa, or "ec")
#                               and HOME/bench.toml signing with it, the web server off (the
#                               bench measures the pipeline, not the clearing station's server).
#                               Extra config lines may be appended to HOME/bench.toml.
#   drop_into_inbox HOME FILE... each file into HOME/inbox/default/ as a scanner does it: copied
#                               under a dot name, then renamed (the intake takes it at once).
#   bench_corpus OUT LETTER_PAGES LONG_PAGES
#                               the held-out corpus of bench/throughput.sh: OUT/corpus/letters/
#                               (at least LETTER_PAGES pages, seed 8080) and OUT/corpus/long/
#                               case-file.tif (LONG_PAGES pages, seed 8081, G4 and LZW), with
#                               truth files; OUT/generated/ keeps the generator's output and
#                               its case registries (letters-registry.csv, long-registry.csv).

bench_home() {
  local home=$1 kind=${2:-}
  mkdir -p "$home/inbox/default" "$home/registry"
  bash scripts/make-test-ca.sh "$home/test-ca" $kind >/dev/null
  cat >"$home/bench.toml" <<TOML
[stages.sign]
key = "pem:$home/test-ca/signer.key"
certificate = "$home/test-ca/signer.pem"
[web]
enabled = false
TOML
}

drop_into_inbox() {
  local home=$1 f
  shift
  for f in "$@"; do
    cp "$f" "$home/inbox/default/.$(basename "$f").part"
    mv "$home/inbox/default/.$(basename "$f").part" "$home/inbox/default/$(basename "$f")"
  done
}

bench_corpus() {
  local out=$1 letter_pages=$2 long_pages=$3
  local gen="$out/generated"
  /usr/bin/python3 samples/generate_letters.py --out "$gen/letters" --count "$letter_pages" --seed 8080 --style eval \
    --registry "$gen/letters-registry.csv" >/dev/null
  /usr/bin/python3 samples/generate_letters.py --out "$gen/long" --count "$long_pages" --seed 8081 --style eval \
    --formats tiff-g4,tiff-lzw --registry "$gen/long-registry.csv" >/dev/null
  /usr/bin/python3 bench/throughput.py corpus "$out/corpus" "$gen/letters" "$letter_pages" "$gen/long" "$long_pages"
}
