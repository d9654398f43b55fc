// The cryptographic checks of one PDF signature's CMS (PAdES / CAdES detached): message
// digest, signature value, ESS signing-certificate-v2, chain to the trust store, and the
// signature timestamp. Used by verify_pdf (pdf_verifier.h); thread-safe.
#pragma once

#include <string_view>

#include <openssl/x509.h>

#include "signing/pdf_verifier.h"

namespace zpe::signing {

// Appends the checks "cms", "digest", "signature", "signing-certificate", "trust",
// "timestamp" to report.checks and fills signer, timestamp_time and level.
void check_cms(std::string_view cms_der, std::string_view signed_bytes, X509_STORE* trust, bool require_timestamp,
               SignatureReport& report);

}  // namespace zpe::signing
