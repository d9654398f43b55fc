#include "clearing/clearing_desk.h"

#include <algorithm>
#include <regex>

#include <spdlog/spdlog.h>

#include "classifiers/case_number.h"
#include "clearing/decision.h"
#include "connectors/case_registry_source.h"
#include "pipeline/log_format.h"
#include "stages/settings_path.h"

namespace zpe::clearing {

namespace {

using nlohmann::json;

bool has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

const json& member(const json& object, const char* key) {
  static const json null_value;
  if (!object.is_object()) return null_value;
  const auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

}  // namespace

bool Scope::allows(const std::string& tenant) const {
  return all_tenants || std::find(tenants.begin(), tenants.end(), tenant) != tenants.end();
}

std::string reason_kind(const std::string& reason) {
  if (has(reason, "routing rule \"")) return "routing_rule";
  if (has(reason, "case number and name disagree") || has(reason, "no name or date of birth")) return "second_key";
  if (has(reason, "no case number")) return "no_case_number";
  if (has(reason, "unknown case number") || has(reason, "is not of the form")) return "case_unknown";
  if (has(reason, "is closed in the case registry")) return "case_closed";
  if (has(reason, "case number") && has(reason, "unsure")) return "case_unsure";
  if (has(reason, "document type unsure")) return "type_unsure";
  if (has(reason, "possible duplicate")) return "near_duplicate";
  if (has(reason, "rescan needed")) return "rescan_needed";
  if (has(reason, "blank")) return "blank_pages";
  if (has(reason, "OCR unsure")) return "ocr_unsure";
  if (has(reason, "manifest") || has(reason, "separator") || has(reason, "split")) return "split";
  if (has(reason, "signing key") || has(reason, "sign failed")) return "signing";
  if (has(reason, " failed")) return "stage_failed";
  return "other";
}

ClearingDesk::ClearingDesk(const Config& config, const Home& home, JobStore& jobs, BlobStore& blobs)
    : config_(config), home_(home), jobs_(jobs), blobs_(blobs) {}

Result<std::vector<DocumentRow>> ClearingDesk::find(const Scope& scope, DocumentQuery query) {
  if (!scope.all_tenants) {
    // Narrow to the scope: a tenant asked for outside it matches nothing.
    std::vector<std::string> allowed;
    const auto& wanted = query.tenants.empty() || query.all_tenants ? scope.tenants : query.tenants;
    for (const auto& t : wanted) {
      if (scope.allows(t)) allowed.push_back(t);
    }
    query.tenants = std::move(allowed);
    query.all_tenants = false;
  } else if (query.tenants.empty()) {
    query.all_tenants = true;
  }
  return jobs_.find_documents(query);
}

Result<std::map<std::string, int64_t>> ClearingDesk::reason_counts(const Scope& scope) {
  DocumentQuery query;
  query.all_tenants = scope.all_tenants;
  query.tenants = scope.tenants;
  auto by_reason = jobs_.count_clearing_reasons(query);
  if (!by_reason) return fail(by_reason.error());
  std::map<std::string, int64_t> out;
  for (const auto& [reason, n] : *by_reason) out[reason_kind(reason)] += n;
  return out;
}

Result<DocumentRow> ClearingDesk::get(const Scope& scope, const std::string& document_id) {
  auto row = jobs_.get(document_id);
  if (!row || !scope.allows(row->tenant)) {
    // Another tenant's document is answered exactly like a missing one.
    if (row || row.error().kind == ErrorKind::kNotFound) {
      return fail(ErrorKind::kNotFound, "no document with id " + document_id);
    }
    return fail(row.error());
  }
  return row;
}

json ClearingDesk::summary(const DocumentRow& row) const {
  const json& record = row.record;
  const json& cls = member(record, "classification");
  const json& proposal = member(member(record, "route"), "proposal");
  const json& op = member(record, "operator");
  json positions = json::object();
  for (const char* key : {"case_number", "letter_date", "court_file_number", "court", "sender"}) {
    const json& position = member(cls, (std::string(key) + "_position").c_str());
    if (position.is_object()) positions[key] = position;
  }
  const int64_t age_s = std::max<int64_t>(0, (now_ms() - row.created_ms) / 1000);
  json out = {{"document_id", row.id},
              {"tenant", row.tenant},
              {"state", row.state},
              {"stage", row.stage.empty() ? json() : json(row.stage)},
              {"version", row.version},
              {"source_file", row.source_file},
              {"reason", row.reason.empty() ? json() : json(row.reason)},
              {"reason_kind", row.state == "CLEARING" ? json(reason_kind(row.reason)) : json()},
              {"created_ms", row.created_ms},
              {"updated_ms", row.updated_ms},
              {"age_s", age_s},
              {"page_count", member(record, "page_count")},
              {"proposal",
               {{"case_number", member(cls, "case_number")},
                {"case_number_confidence", member(cls, "case_number_confidence")},
                {"doc_type", member(cls, "doc_type")},
                {"doc_type_confidence", member(cls, "doc_type_confidence")},
                {"letter_date", member(cls, "letter_date")},
                {"court_file_number", member(cls, "court_file_number")},
                {"suggestions", member(proposal, "suggestions").is_array() ? member(proposal, "suggestions")
                                                                            : json::array()}}},
              {"positions", positions},
              {"corrections", member(op, "corrections").is_object() ? member(op, "corrections") : json::object()},
              {"case_number", member(member(record, "route"), "case_number")},
              {"near_duplicate", member(record, "near_duplicate")},
              {"parent_document_id", member(record, "parent_document_id")},
              {"rescan_of", member(record, "rescan_of")},
              {"replaced_by", member(record, "replaced_by")},
              {"operator_note", member(op, "note")}};
  return out;
}

Result<RegistryCheck> ClearingDesk::check_case_number(const Scope& scope, const std::string& tenant,
                                                      const std::string& case_number) {
  if (!scope.allows(tenant) || !config_.has_tenant(tenant)) {
    return fail(ErrorKind::kNotFound, "no tenant " + tenant);
  }
  RegistryCheck check;
  check.case_number = case_number;
  check.well_formed = classifiers::is_valid_case_number(case_number);
  const std::string configured = config_.stage_settings("route", tenant).value("registry", "");
  if (configured.empty()) {
    check.state = "no_registry";
    return check;
  }
  const auto path = resolve_settings_path(configured, json{{"home", home_.root.string()}});
  auto registry = load_case_registry(path, tenant);
  if (!registry) {
    if (registry.error().kind == ErrorKind::kNotFound) {
      check.state = "no_registry";
      return check;
    }
    return fail(registry.error());
  }
  if (registry->contains(case_number)) {
    check.state = registry->is_closed(case_number) ? "closed" : "open";
  } else {
    check.state = "unknown";
    check.nearest = registry->nearest(case_number);
  }
  return check;
}

Result<std::vector<EgvpPackage>> ClearingDesk::overdue_court_packages(const Scope& scope, int64_t now_ms) {
  auto waiting = jobs_.egvp_packages_without_receipt();
  if (!waiting) return fail(waiting.error());
  const nlohmann::json& egvp = config_.json().value("egvp", nlohmann::json::object());
  const int64_t timeout_ms = egvp.is_object() && egvp.value("receipt_timeout_ms", nlohmann::json(0)).is_number_integer()
                                 ? egvp.value("receipt_timeout_ms", int64_t{0})
                                 : 0;
  std::vector<EgvpPackage> overdue;
  for (auto& package : *waiting) {
    if (!scope.allows(package.tenant) || package.written_ms == 0 || !package.failure.empty()) continue;
    if (now_ms - package.written_ms > timeout_ms) overdue.push_back(std::move(package));
  }
  return overdue;
}

void log_operator_action(const OperatorChange& change, const std::string& tenant, const Error* refused) {
  if (refused != nullptr) {
    log_about_document(spdlog::level::info, change.document_id, tenant, "clearing: {} {} {} (tenant {}) refused: {}",
                       change.actor, change.action, change.document_id, tenant, mask_case_numbers(refused->message));
  } else {
    log_about_document(spdlog::level::info, change.document_id, tenant, "clearing: {} {} {} (tenant {}) -> {}",
                       change.actor, change.action, change.document_id, tenant, change.new_state);
  }
}

Result<DocumentRow> apply_and_log(JobStore& jobs, const OperatorChange& change, const std::string& tenant) {
  auto applied = jobs.apply_operator_change(change);
  log_operator_action(change, tenant, applied ? nullptr : &applied.error());
  return applied;
}

}  // namespace zpe::clearing
