#include "signing/sign_settings.h"

namespace zpe::signing {

namespace {

Result<std::string> text(const nlohmann::json& settings, const char* key, std::string fallback) {
  const auto it = settings.find(key);
  if (it == settings.end()) return fallback;
  if (!it->is_string()) return fail(ErrorKind::kInvalidInput, std::string("[stages.sign] ") + key + " must be a string");
  return it->get<std::string>();
}

Result<std::vector<std::string>> list(const nlohmann::json& settings, const char* key) {
  std::vector<std::string> out;
  const auto it = settings.find(key);
  if (it == settings.end()) return out;
  if (it->is_string()) return std::vector<std::string>{it->get<std::string>()};
  if (!it->is_array()) return fail(ErrorKind::kInvalidInput, std::string("[stages.sign] ") + key + " must be a list of paths");
  for (const auto& entry : *it) {
    if (!entry.is_string()) return fail(ErrorKind::kInvalidInput, std::string("[stages.sign] ") + key + " must hold strings");
    out.push_back(entry.get<std::string>());
  }
  return out;
}

}  // namespace

Result<SignSettings> parse_sign_settings(const nlohmann::json& settings) {
  SignSettings out;
#define ZPE_TAKE(target, expression)              \
  do {                                            \
    auto value = (expression);                    \
    if (!value) return fail(value.error());       \
    target = std::move(*value);                   \
  } while (false)
  ZPE_TAKE(out.key.key, text(settings, "key", ""));
  ZPE_TAKE(out.key.certificate, text(settings, "certificate", ""));
  ZPE_TAKE(out.key.chain, list(settings, "chain"));
  ZPE_TAKE(out.key.pin_file, text(settings, "pin_file", ""));
  ZPE_TAKE(out.tsa.url, text(settings, "tsa_url", ""));
  ZPE_TAKE(out.tsa.trust_file, text(settings, "tsa_trust", ""));
  ZPE_TAKE(out.pades.reason, text(settings, "reason", out.pades.reason));
  ZPE_TAKE(out.pades.location, text(settings, "location", ""));
  ZPE_TAKE(out.trust, list(settings, "trust"));
  ZPE_TAKE(out.scanner, text(settings, "scanner", ""));
  ZPE_TAKE(out.site, text(settings, "site", ""));
#undef ZPE_TAKE
  if (const auto it = settings.find("tsa_timeout_ms"); it != settings.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 100) {
      return fail(ErrorKind::kInvalidInput, "[stages.sign] tsa_timeout_ms must be an integer >= 100");
    }
    out.tsa.timeout_ms = it->get<int64_t>();
  }
  if (const auto it = settings.find("visible_stamp"); it != settings.end()) {
    if (!it->is_boolean()) return fail(ErrorKind::kInvalidInput, "[stages.sign] visible_stamp must be true or false");
    out.pades.stamp.enabled = it->get<bool>();
  }
  return out;
}

}  // namespace zpe::signing
