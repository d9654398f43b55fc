#!/usr/bin/env bash
# Installs every package ZPE needs on a fresh Debian 12 machine. Idempotent: when all
# packages are present it only checks (about a second) and installs nothing.
# This is the one place the project's dependencies are listed; each has its reason.
set -euo pipefail

packages=(
  # --- toolchain ---
  build-essential         # g++ 12 (C++20)
  cmake                   # the build
  pkg-config              # finds Tesseract, Leptonica, ZeroMQ, PoDoFo, poppler
  libgtest-dev libgmock-dev  # GoogleTest via ctest
  clang-14                # tests/fuzz: the libFuzzer targets are built with clang (gcc has no libFuzzer)
  libclang-rt-14-dev      # libFuzzer, AddressSanitizer and UBSan runtimes for clang-14 (tests/fuzz/run_fuzz.sh)
  # --- imaging and OCR ---
  libopencv-dev           # image geometry and quality measures; QR codes on separator sheets
  libopencv-contrib-dev   # wechat_qrcode: reads QR codes (Debian's objdetect is built without a decoder)
  libtesseract-dev        # OCR engine, used in-process through its C++ API
  tesseract-ocr-deu       # German model (default OCR language)
  tesseract-ocr-eng       # English model (German+English tenants)
  tesseract-ocr-osd       # orientation and script detection model
  libleptonica-dev        # decoding TIFF (CCITT G3/G4, LZW, JPEG), PNG, JPEG into page images
  libpng-dev              # writing page images without row filters, 3x faster to write and read than Leptonica's PNG
  libtiff-dev             # TIFF directory access (page counts, tags) beyond Leptonica
  libpoppler-cpp-dev      # rasterising PDF pages that arrive as input
  libexif-dev             # EXIF orientation of JPEG scans from cameras and phone apps
  # --- documents and signatures ---
  libpodofo-dev           # writing PDFs (page images, text layer, incremental signatures)
  icc-profiles-free       # sRGB.icc: the OutputIntent every PDF/A output must carry
  libssl-dev              # SHA-256 hashing, CMS (CAdES) signatures, RFC 3161 timestamps
  libp11-kit-dev          # pkcs11.h: the PKCS#11 interface to HSMs and signature cards (module dlopen'ed)
  softhsm2                # a software HSM: tests and the bench sign through real PKCS#11 with it
  libcpp-httplib-dev      # HTTP POST to the time-stamp authority; the local test TSA on 127.0.0.1
  # --- messaging and state ---
  libzmq3-dev cppzmq-dev  # dispatcher/worker protocol and the case-file feed
  libsqlite3-dev          # the embedded job store
  zlib1g-dev              # deflate for the compacted per-page detail of old job-store records
  # --- well-kept helpers instead of hand-written ones ---
  nlohmann-json3-dev      # JSON records, events and manifests
  libcli11-dev            # subcommands and --help
  libtomlplusplus-dev     # the config file (config/zpe.toml)
  libspdlog-dev           # logging
  libexpected-dev         # tl::expected for Result<T>
  libpugixml-dev          # reads the ALTO layout back: word boxes and confidences for classification
  libzip-dev              # court mailbox (EGVP) packages arrive as zip: checked entry by entry before anything is extracted
  # --- samples and test tooling ---
  python3 python3-pil     # samples/generate_letters.py renders synthetic letters
  fonts-dejavu-core fonts-liberation  # fonts for the synthetic letters
  qpdf poppler-utils      # tests check output PDFs (qpdf --check, pdftotext, pdfinfo, pdfsig)
  libjbig2dec0-dev jbig2dec  # tests decode ZPE's own JBIG2 page images with an independent decoder (no encoder in Debian)
  libxml2-utils           # xmllint: tests validate every XJustiz message against data/xjustiz/zpe-xjustiz-subset.xsd
  openssl                 # scripts/make-test-ca.sh creates the test CA, signer and TSA certificates
  sqlite3                 # bench/ reads per-stage timings from the job store
  ocrmypdf                # bench/throughput.sh: the reference ZPE's throughput, CER and PDF size are compared with
  pngquant                # bench/throughput.sh: OCRmyPDF --optimize 2 (the size reference) needs it and fails every file without it
  tesseract-ocr           # bench/throughput.sh: the bare tesseract CLI, one process per page, as a baseline
  libtiff-tools           # tiffcp: bench/throughput.sh joins generated letters into one 200-page TIFF
  # --- the clearing station (web UI) and its browser test ---
  libjs-bootstrap5        # the operators' pages are styled with Bootstrap 5, served from /usr/share/javascript
  libjs-chart.js          # the clearing list's waiting-time chart
  chromium                # tests/browser drives a real browser through the clearing station
  chromium-driver         # chromedriver: the WebDriver bridge selenium talks to
  python3-selenium        # tests/browser/clearing_station_test.py (Debian's, no pip)
  python3-prometheus-client  # tests/metrics_check.py parses /metrics with the reference Prometheus text parser
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${#missing[@]} package(s): ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
