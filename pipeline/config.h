// Config: the merged ZPE configuration (embedded defaults from config/zpe.toml, overlaid
// by an optional file), with typed accessors for the keys the spine uses and a JSON view
// of any table for the stages. Immutable after load; safe to share between threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/status.h"

namespace zpe {

class Config {
 public:
  // Loads the embedded defaults, then overlays `path` if given. Unknown keys are kept
  // (stages read their own); a malformed file is an error naming the line.
  static Result<Config> load(const std::optional<std::filesystem::path>& path);
  // Parses TOML text overlaid on the embedded defaults (tests use this).
  static Result<Config> from_text(const std::string& toml_text);

  const nlohmann::json& json() const { return root_; }
  // Where a key or table of the merged config was written: "file:line" for a JSON pointer
  // such as "/tenants/default/stages/route/rules/0", or "" when not known.
  std::string origin(const std::string& json_pointer) const;

  std::string dispatcher_endpoint() const;
  std::string feed_endpoint() const;
  int64_t lease_ms() const;
  int64_t heartbeat_ms() const;
  int max_attempts() const;
  int64_t retry_backoff_ms() const;
  int64_t redeliver_ms() const;
  bool builtin_casefile_sink() const;
  int64_t intake_scan_interval_ms() const;
  int64_t intake_stable_ms() const;
  int64_t intake_close_settle_ms() const;
  int64_t intake_max_file_bytes() const;
  std::vector<std::string> stages() const;
  int workers_for(const std::string& stage) const;
  std::vector<std::string> tenants() const;
  bool has_tenant(const std::string& tenant) const;
  // [stages.<stage>] overlaid by [tenants.<tenant>.stages.<stage>].
  nlohmann::json stage_settings(const std::string& stage, const std::string& tenant) const;
  // [tenants.<tenant>.<table>] <key> when the tenant sets it, else [<table>] <key>, else
  // `fallback` (an integer key; a value of another type counts as unset).
  int64_t tenant_int(const std::string& tenant, const char* table, const char* key, int64_t fallback) const;

 private:
  using Origins = std::map<std::string, std::string>;  // JSON pointer -> "file:line"
  // The embedded defaults overlaid by `user_text` (read from `user_source`).
  static Result<Config> merge(const std::string& user_text, const std::string& user_source);
  Config(nlohmann::json root, Origins origins) : root_(std::move(root)), origins_(std::move(origins)) {}
  int64_t int_at(const char* table, const char* key, int64_t fallback) const;
  std::string string_at(const char* table, const char* key, const std::string& fallback) const;

  nlohmann::json root_;
  Origins origins_;
};

}  // namespace zpe
