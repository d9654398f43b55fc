#!/usr/bin/env bash
# Creates a TEST certificate authority with a document-signer and a time-stamping
# certificate, for the demo and the tests. NOT for production: the keys are plain files
# without a passphrase, and nothing trusts this CA but ZPE configs that name it.
#
#   scripts/make-test-ca.sh DIR [rsa|ec]      (default rsa: RSA 3072; ec: ECDSA P-256)
#
# Writes into DIR: ca.pem (the root to trust), ca.key, signer.key (PKCS#8, importable into
# an HSM with softhsm2-util --import), signer.pem (signer certificate followed by ca.pem),
# tsa.key, tsa.pem (time-stamping certificate followed by ca.pem). Re-running keeps an
# existing CA in DIR.
set -euo pipefail
dir="${1:?usage: make-test-ca.sh DIR [rsa|ec]}"
kind="${2:-rsa}"
mkdir -p "$dir"
cd "$dir"
newkey() {
  if [ "$kind" = ec ]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  else
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$1" 2>/dev/null
  fi
}
if [ ! -s ca.pem ]; then
  newkey ca.key
  openssl req -x509 -new -key ca.key -sha256 -days 3650 -out ca.pem \
    -subj "/C=DE/O=ZPE Test/CN=ZPE TEST Root CA - not for production" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
fi
issue() {  # name subject extensions...
  local name="$1" subject="$2"; shift 2
  newkey "$name.key"
  openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr"
  printf '%s\n' "$@" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 825 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  cat "$name.crt" ca.pem > "$name.pem"
  rm -f "$name.csr" "$name.ext" "$name.crt"
}
issue signer "/C=DE/O=ZPE Test/OU=Scanzentrum/CN=ZPE TEST Signer - not for production" \
  "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,nonRepudiation" \
  "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid"
issue tsa "/C=DE/O=ZPE Test/CN=ZPE TEST Time-Stamping Authority - not for production" \
  "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
  "extendedKeyUsage=critical,timeStamping" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid"
chmod 600 ./*.key
echo "make-test-ca: TEST CA and keys ($kind) in $PWD — for demo and tests only"
