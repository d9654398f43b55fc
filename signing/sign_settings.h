// The [stages.sign] settings (config/zpe.toml), read once into typed values for the sign
// stage, `zpe sign`, `zpe verify` and the bench. Paths are used as given (relative ones
// against the working directory). Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/status.h"
#include "signing/pades_signer.h"
#include "signing/signing_key.h"
#include "signing/timestamp.h"

namespace zpe::signing {

struct SignSettings {
  SigningKeyConfig key;             // key, certificate, chain, pin_file
  TimestampConfig tsa;              // tsa_url ("" = no timestamp, level B-B), tsa_trust, tsa_timeout_ms
  PadesOptions pades;               // reason, location, visible_stamp (+ stamp_* geometry)
  std::vector<std::string> trust;   // PEM roots `zpe verify` trusts by default
  std::string scanner;              // transfer note: scan site / device defaults (transfer_note.h)
  std::string site;
};

// Errors name the key that is wrong.
Result<SignSettings> parse_sign_settings(const nlohmann::json& settings);

}  // namespace zpe::signing
