// The CMS SignedData that goes into a PAdES signature's /Contents: a CAdES baseline
// signature (ETSI EN 319 122) over the bytes a PDF signature's /ByteRange covers.
// Called by the PAdES signer (pades_signer.h) and the bench.
//
// What it contains: SHA-256 digest; signed attributes content-type, message-digest and
// ESS signing-certificate-v2 (no signing-time: PAdES puts the time in the signature
// dictionary's /M); the signer certificate and its chain; the content detached. When a
// TimestampClient is given, the TSA's token over the signature value is added as the
// unsigned attribute signature-time-stamp (level B-T); otherwise the result is B-B.
// The private key is used exactly once per signature (one C_Sign on a token).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "pipeline/status.h"
#include "signing/signing_key.h"
#include "signing/timestamp.h"

namespace zpe::signing {

// DER bytes of a CMS ContentInfo(SignedData). `tsa` may be null (level B-B).
Result<std::string> build_cades_signature(std::string_view signed_bytes, const SigningKey& key,
                                          TimestampClient* tsa);

// The size in bytes of build_cades_signature's CMS without a timestamp token, known before
// the bytes to sign are (the digest has a fixed size; the signature value is counted at its
// largest, EVP_PKEY_size): exact for RSA; for ECDSA, whose DER value varies, usually up to
// two bytes over (P-256: 70 to 72 bytes). Uses no private-key operation. For sizing the PDF's /Contents (pades_signer.cpp).
Result<std::size_t> cades_signature_bytes(const SigningKey& key);

// The latest OpenSSL error queue entry as text (for messages), and clears the queue.
std::string openssl_error_text();

}  // namespace zpe::signing
