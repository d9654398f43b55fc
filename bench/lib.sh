# Shared by the bench scripts that run `zpe run` on a generated corpus (source it):
#
#   bench_home HOME [CA_KIND]   a zpe home: inbox/default/, registry/, a test CA (rsa, or "ec")
#                               and HOME/bench.toml signing with it, the web server off (the
#                               bench measures the pipeline, not the clearing station's server).
#                               Extra config lines may be appended to HOME/bench.toml.
#   drop_into_inbox HOME FILE... each file into HOME/inbox/default/ as a scanner does it: copied
#                               under a dot name, then renamed (the intake takes it at once).

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
