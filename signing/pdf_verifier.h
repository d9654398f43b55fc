// verify_pdf: checks every signature in a PDF the way `zpe verify` reports it, and refuses
// the published PDF signature attack classes. Called by `zpe verify` (app/cmd_sign.cpp)
// and tests; pure function of the bytes and the trust files; thread-safe.
//
// Per signature, in this order (an attack is named before the cryptography is looked at):
//  1. structure — /Contents a non-empty hex string, /ByteRange four integers [0 a b c] within
//     the file (else "universal signature forgery"); the gap a..b exactly the /Contents hex
//     string of this signature dictionary, and b+c the end of a revision ("%%EOF") (else
//     "signature wrapping");
//  2. coverage — the last signature covers the whole file except /Contents; an incremental
//     update after any signature may only add signatures (revision_check.h: else
//     "incremental saving attack" or "shadow attack");
//  3. CMS — message digest equals SHA-256 of the covered bytes, the signature value is
//     valid, ESS signing-certificate-v2 names the signer certificate (cms_check.h);
//  4. trust — the signer certificate chains to the trust store;
//  5. timestamp — a signature-time-stamp token, when present, is over this signature value
//     and chains to the trust store (required with require_timestamp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zpe::signing {

struct Check {
  std::string name;    // "structure", "coverage", "digest", "signature", "trust", "timestamp", ...
  bool passed = false;
  std::string detail;  // what was found; for a failure, the reason (naming the attack class)
};

struct SignatureReport {
  std::string field;           // form field name, e.g. "ZPE-Signature-1"
  std::string sub_filter;      // e.g. "ETSI.CAdES.detached"
  std::string signer;          // signer certificate subject
  std::string signing_time;    // /M
  std::string timestamp_time;  // genTime of the signature timestamp, "" when none
  std::string level;           // "PAdES B-T" or "PAdES B-B"
  std::vector<Check> checks;
  bool valid() const;
};

struct VerifyReport {
  std::size_t file_size = 0;
  std::vector<SignatureReport> signatures;
  std::vector<std::string> problems;                  // document-level failures
  std::optional<std::string> transfer_note_sha256;    // zpe:TransferNoteSHA256 from XMP
  bool valid() const;
  std::string text(const std::string& file_name) const;  // the readable report
};

struct VerifyOptions {
  std::vector<std::string> trust_files;  // PEM roots for signer and TSA certificates
  bool require_timestamp = false;
};

VerifyReport verify_pdf(std::string_view pdf, const VerifyOptions& options);

}  // namespace zpe::signing
