// RFC 3161 time-stamp client: asks a time-stamp authority (TSA) over HTTP for a token over
// SHA-256 of some bytes (for PAdES B-T: the signature value) and checks the answer.
// Used by the CAdES builder (cades.h).
//
// The request asks for the TSA's certificate and carries a random nonce; the response must
// have status granted, the same imprint and nonce, and — when a TSA trust file is
// configured — a signature that chains to it. Network faults are kUnavailable (retryable);
// a refused or malformed answer is kInvalidInput. One client per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <openssl/x509.h>

#include "pipeline/status.h"

namespace zpe::signing {

struct TimestampConfig {
  std::string url;           // e.g. "http://127.0.0.1:8318/" (http or https)
  std::string trust_file;    // PEM roots the TSA's certificate must chain to; empty: not checked here
  int64_t timeout_ms = 10000;
};

class TimestampClient {
 public:
  // largest_token_seen: what an earlier client of the same TSA received (see below).
  explicit TimestampClient(TimestampConfig config, std::size_t largest_token_seen = 0)
      : config_(std::move(config)), largest_token_bytes_(largest_token_seen) {}

  // DER of the TimeStampToken (a CMS ContentInfo) over SHA-256(data).
  Result<std::string> timestamp(std::string_view data);

  const std::string& url() const { return config_.url; }
  // The largest token this client has received (0 before the first): the signer sizes the
  // room it reserves for the next one from it (signing/pades_signer.cpp).
  std::size_t largest_token_bytes() const { return largest_token_bytes_; }

 private:
  Result<std::string> post(const std::string& request_der);
  TimestampConfig config_;
  std::size_t largest_token_bytes_ = 0;
};

// Checks a TimeStampToken (DER) over SHA-256(stamped_data): imprint matches, the token's
// signature is valid and its certificate chains to `trust` (with the time-stamping purpose).
// Returns the token's time as "YYYYMMDDhhmmssZ".
Result<std::string> verify_timestamp_token(std::string_view token_der, std::string_view stamped_data,
                                           X509_STORE* trust);

}  // namespace zpe::signing
