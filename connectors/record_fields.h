// Small readers the downstream connectors share (the archive package, the EGVP outbox):
// a field of a document record or null, a string field or "", and a UTC time text.
// Header-only and pure; safe from any thread.
#pragma once

#include <ctime>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace zpe::record_fields {

// UTC time of `ms` (milliseconds since the epoch) in strftime's `format`.
inline std::string utc(int64_t ms, const char* format) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// object[key], or null when `object` is no object or lacks the key.
inline const nlohmann::json& at(const nlohmann::json& object, const char* key) {
  static const nlohmann::json null;
  return object.is_object() && object.contains(key) ? object[key] : null;
}

// object[key] when it is a string, else "".
inline std::string string_at(const nlohmann::json& object, const char* key) {
  const nlohmann::json& value = at(object, key);
  return value.is_string() ? value.get<std::string>() : "";
}

}  // namespace zpe::record_fields
