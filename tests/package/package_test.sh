#!/usr/bin/env bash
# ctest Package_ContentsAndScratchInstall: builds the Debian package from a build folder
# whose zpe is built (`cpack -G DEB`, nothing else is compiled), then checks
#   - its contents (dpkg-deb -c): binary, data, conffile, units, sysusers, docs; nothing else;
#   - its control fields (dpkg-deb -f/-I): name, version, dependencies, maintainer scripts;
#   - the maintainer scripts, run for real against a scratch root (DPKG_ROOT): postinst
#     creates the user zpe and /var/lib/zpe there and not on this host; postrm purge keeps
#     a home with data and removes an empty one;
#   - the systemd units (systemd-analyze verify, hardening present in the drop-in);
#   - the extracted binary: --version, `zpe paths` and `zpe config check` with the extracted /etc/zpe/zpe.toml
#     resolving the model and code lists under the extracted /usr/share/zpe, and `zpe web`
#     serving its compiled-in pages and the Debian-packaged Bootstrap.
# Usage: tests/package/package_test.sh BUILD_DIR [--keep]
set -euo pipefail

build="$(cd "${1:?usage: package_test.sh BUILD_DIR [--keep]}" && pwd)"
keep="${2:-}"
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "FAIL: $1 is missing ($2)"; exit 1; }; }

cmake_command="$(sed -n 's/^CMAKE_COMMAND:INTERNAL=//p' "$build/CMakeCache.txt")"
cpack="$(dirname "$cmake_command")/cpack"
[ -x "$cpack" ] || { echo "FAIL: no cpack beside $cmake_command"; exit 1; }
[ -x "$build/zpe" ] || { echo "FAIL: $build/zpe is not built (cmake --build $build --target zpe)"; exit 1; }
need dpkg-deb "Debian package dpkg"
need dpkg-shlibdeps "Debian package dpkg-dev (scripts/setup.sh)"
need systemd-analyze "Debian package systemd (scripts/setup.sh)"
need systemd-sysusers "Debian package systemd (scripts/setup.sh)"
need readelf "Debian package binutils"

scratch="$(mktemp -d /tmp/zpe-package-test.XXXXXX)"
web_pid=""
cleanup() {
  [ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null || true
  if [ "$keep" = "--keep" ]; then echo "kept $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT

# --- build the package (reuses build/zpe; packaging.cmake skips the build-everything step)
started=$(date +%s)
"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" > "$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log"; echo "FAIL: cpack -G DEB"; exit 1; }
deb="$(find "$scratch/out" -maxdepth 1 -name 'zpe_*.deb' | head -n 1)"
[ -n "$deb" ] || { cat "$scratch/cpack.log"; echo "FAIL: cpack wrote no zpe_*.deb"; exit 1; }
pass "cpack -G DEB: $(basename "$deb"), $(du -h "$deb" | cut -f1), $(( $(date +%s) - started )) s"

# --- contents
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' > "$scratch/contents"
for path in /usr/bin/zpe /etc/zpe/zpe.toml \
            /usr/share/zpe/models/default-doctype-v1.json \
            /usr/share/zpe/data/xjustiz/GDS.Gerichte.json /usr/share/zpe/data/xjustiz/GDS.Dokumenttyp.json \
            /usr/share/zpe/data/xjustiz/zpe-doctype-map.json \
            /lib/systemd/system/zpe.service /lib/systemd/system/zpe-dispatcher.service \
            /lib/systemd/system/zpe-worker@.service /lib/systemd/system/zpe-intake.service \
            /lib/systemd/system/zpe-casefile-sink.service /lib/systemd/system/zpe-archiver.service \
            /lib/systemd/system/zpe-egvp.service /lib/systemd/system/zpe-web.service \
            /lib/systemd/system/zpe.service.d/50-zpe-hardening.conf \
            /lib/systemd/system/zpe-.service.d/50-zpe-hardening.conf \
            /usr/lib/sysusers.d/zpe.conf /usr/share/doc/zpe/OPERATIONS.md /usr/share/doc/zpe/README.md /usr/share/doc/zpe/CONFIG.md; do
  grep -qxF "$path" "$scratch/contents" && pass "contains $path" || fail "the package lacks $path"
done
# Only what an installed zpe needs: no test binaries, benches, /usr/local or the home itself.
unexpected="$(grep -v -E '^/$|/$' "$scratch/contents" |
  grep -v -E '^/usr/bin/zpe$|^/etc/zpe/zpe\.toml$|^/usr/share/zpe/(models|data/xjustiz)/|^/lib/systemd/system/|^/usr/lib/sysusers\.d/zpe\.conf$|^/usr/share/doc/zpe/' || true)"
[ -z "$unexpected" ] && pass "nothing else in the package" || fail "unexpected files: $unexpected"
grep -q '^/var/lib/zpe' "$scratch/contents" && fail "/var/lib/zpe is shipped (postinst makes it)" ||
  pass "/var/lib/zpe is not shipped (postinst makes it)"

# --- control fields and maintainer scripts
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = zpe ] && pass "Package: zpe" || fail "Package is '$(field Package)'"
upstream="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
[ "$(field Version)" = "$upstream-1" ] && pass "Version: $(field Version)" || fail "Version is '$(field Version)', want $upstream-1"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] && pass "Architecture: $(field Architecture)" ||
  fail "Architecture is '$(field Architecture)'"
depends="$(field Depends)"
for dep in libtesseract5 libzmq5 libsqlite3-0 libpodofo0.9.8 libopencv-imgproc406 tesseract-ocr-deu tesseract-ocr-osd \
           icc-profiles-free fonts-dejavu-core libjs-bootstrap5 libjs-chart.js; do
  grep -q "\(^\|, \)$dep\b" <<< "$depends" && pass "Depends on $dep" || fail "Depends lacks $dep: $depends"
done
mkdir -p "$scratch/control"
dpkg-deb -e "$deb" "$scratch/control"
[ "$(cat "$scratch/control/conffiles")" = "/etc/zpe/zpe.toml" ] && pass "conffiles: /etc/zpe/zpe.toml" ||
  fail "conffiles is '$(cat "$scratch/control/conffiles" 2>/dev/null)'"
for script in postinst prerm postrm; do
  f="$scratch/control/$script"
  [ "$(stat -c %a "$f" 2>/dev/null)" = 755 ] && sh -n "$f" && pass "$script: mode 755, sh -n clean" ||
    fail "$script missing, not 0755 or not valid sh"
done
grep -q 'adduser --system --group --home /var/lib/zpe' "$scratch/control/postinst" &&
  pass "postinst falls back to adduser --system where systemd-sysusers is missing" || fail "postinst has no adduser fallback"

# --- unpack into a scratch root and run the maintainer scripts there
root="$scratch/root"
mkdir -p "$root/etc"
dpkg -x "$deb" "$root"
host_user_before="$(getent passwd zpe || true)"
DPKG_ROOT="$root" sh "$scratch/control/postinst" configure > "$scratch/postinst.log" 2>&1 ||
  { cat "$scratch/postinst.log"; fail "postinst configure failed"; }
entry="$(grep '^zpe:' "$root/etc/passwd" || true)"
IFS=: read -r _ _ uid gid _ user_home shell <<< "$entry"
[ -n "$entry" ] && [ "$uid" -lt 1000 ] && [ "$user_home" = /var/lib/zpe ] && [ "$shell" = /usr/sbin/nologin ] &&
  pass "postinst: system user zpe (uid $uid, home /var/lib/zpe, nologin) in the scratch root" ||
  fail "postinst: no fitting user zpe in $root/etc/passwd: '$entry'"
[ "$(stat -c '%u:%g %a' "$root/var/lib/zpe" 2>/dev/null)" = "$uid:$gid 750" ] &&
  pass "postinst: /var/lib/zpe owned by zpe, mode 750" ||
  fail "postinst: /var/lib/zpe is '$(stat -c '%u:%g %a' "$root/var/lib/zpe" 2>/dev/null)'"
[ "$(getent passwd zpe || true)" = "$host_user_before" ] && pass "postinst left this host's users alone" ||
  fail "postinst changed this host's user zpe"
DPKG_ROOT="$root" sh "$scratch/control/postinst" configure > "$scratch/postinst2.log" 2>&1 &&
  [ "$(grep -c '^zpe:' "$root/etc/passwd")" = 1 ] && pass "postinst run twice: one user zpe" || fail "postinst is not idempotent"
mkdir -p "$root/var/lib/zpe/var" && echo job-store > "$root/var/lib/zpe/var/jobs.sqlite"
DPKG_ROOT="$root" sh "$scratch/control/postrm" purge > "$scratch/postrm.log" 2>&1 || fail "postrm purge failed"
[ -f "$root/var/lib/zpe/var/jobs.sqlite" ] && grep -q 'left in place' "$scratch/postrm.log" &&
  pass "postrm purge keeps a home that holds data, and says so" || fail "postrm purge removed a home with data"
rm "$root/var/lib/zpe/var/jobs.sqlite"
DPKG_ROOT="$root" sh "$scratch/control/postrm" purge > "$scratch/postrm2.log" 2>&1 || fail "postrm purge failed"
[ ! -e "$root/var/lib/zpe" ] && pass "postrm purge removes an empty home" || fail "postrm purge left an empty home"
DPKG_ROOT="$root" sh "$scratch/control/postrm" remove > /dev/null 2>&1 && pass "postrm remove runs" || fail "postrm remove failed"

# --- systemd units
# verify with --root resolves everything inside the scratch root: the units systemd itself
# ships (sysinit.target, ...) are copied in beside the package's; ExecStart must exist there.
mkdir -p "$root/usr/lib/systemd"
cp -a /lib/systemd/system "$root/usr/lib/systemd/"
units=()
for f in "$root"/lib/systemd/system/*.service; do units+=("/lib/systemd/system/$(basename "$f" | sed 's/@\.service$/@ocr.service/')"); done
if systemd-analyze verify --root="$root" "${units[@]}" > "$scratch/verify.log" 2>&1; then
  pass "systemd-analyze verify: ${#units[@]} units (${units[*]##*/})"
else
  cat "$scratch/verify.log"; fail "systemd-analyze verify"
fi
# The offline security score counts only if the hardening drop-in reached every unit
# (without it a unit scores about 9.6 "UNSAFE").
for unit in "${units[@]}"; do
  score="$(systemd-analyze security --offline=true --root="$root" "$unit" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
  if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }'; then
    pass "systemd-analyze security ${unit##*/}: exposure $score"
  else
    fail "systemd-analyze security ${unit##*/}: exposure '${score}' (want <= 3.0; is the hardening drop-in applied?)"
  fi
done
hardening="$root/lib/systemd/system/zpe-.service.d/50-zpe-hardening.conf"
for setting in User=zpe ProtectSystem=strict ReadWritePaths=/var/lib/zpe PrivateTmp=yes NoNewPrivileges=yes \
               ProtectHome=yes CapabilityBoundingSet= ; do
  grep -qx "$setting" "$hardening" && pass "hardening: $setting" || fail "hardening lacks $setting"
done
grep -q '^ExecStart=/usr/bin/zpe worker --stage %i ' "$root/lib/systemd/system/zpe-worker@.service" &&
  pass "zpe-worker@ocr.service runs zpe worker --stage ocr" || fail "zpe-worker@.service does not run one stage"

# --- the extracted binary, with the extracted config
zpe="$root/usr/bin/zpe"
readelf -S "$zpe" | grep -q '\.debug_info' && fail "/usr/bin/zpe is not stripped" || pass "/usr/bin/zpe is stripped ($(du -h "$zpe" | cut -f1))"
version_line="$("$zpe" --version)"
[ "$version_line" = "zpe $upstream" ] && pass "zpe --version: $version_line" || fail "zpe --version said '$version_line'"
home="$scratch/home"
if "$zpe" --home "$home" --config "$root/etc/zpe/zpe.toml" paths > "$scratch/paths.log" 2>&1; then
  pass "zpe paths with /etc/zpe/zpe.toml: every file it needs found"
else
  cat "$scratch/paths.log"; fail "zpe paths"
fi
if "$zpe" --home "$home" config check "$root/etc/zpe/zpe.toml" > "$scratch/check.log" 2>&1; then
  pass "zpe config check passes the shipped /etc/zpe/zpe.toml"
else
  cat "$scratch/check.log"; fail "zpe config check /etc/zpe/zpe.toml"
fi
grep -qF "model = \"models/default-doctype-v1.json\" -> $root/usr/share/zpe/models/default-doctype-v1.json" "$scratch/paths.log" &&
  pass "the model resolves to the installed /usr/share/zpe" || { cat "$scratch/paths.log"; fail "the model is not taken from /usr/share/zpe"; }
grep -qF "codelists = \"data/xjustiz\" -> $root/usr/share/zpe/data/xjustiz" "$scratch/paths.log" &&
  pass "the XJustiz code lists resolve to the installed /usr/share/zpe" || fail "the code lists are not taken from /usr/share/zpe"
grep -F -- ' -> ' "$scratch/paths.log" | grep -qF "$source_dir/" && fail "a file resolved into the source tree" ||
  pass "no file resolved into the source tree $source_dir"

port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$zpe" --home "$home" --config "$root/etc/zpe/zpe.toml" web --listen "127.0.0.1:$port" > "$scratch/web.log" 2>&1 &
web_pid=$!
if /usr/bin/python3 - "$port" <<'PY'
import sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
for _ in range(100):
    try:
        urllib.request.urlopen(base + "/login", timeout=2); break
    except Exception:
        time.sleep(0.1)
for path, needle in (("/login", b"<form"), ("/vendor/bootstrap/css/bootstrap.min.css", b"Bootstrap")):
    body = urllib.request.urlopen(base + path, timeout=5).read()
    assert needle in body, f"{path} lacks {needle!r}"
PY
then pass "zpe web (installed): login page and /usr/share/javascript Bootstrap served"
else cat "$scratch/web.log"; fail "zpe web did not serve its pages"
fi
kill "$web_pid" 2>/dev/null || true
wait "$web_pid" 2>/dev/null || true
web_pid=""

echo "package test: $(( $(date +%s) - started )) s, $failures failure(s)"
[ "$failures" -eq 0 ]
