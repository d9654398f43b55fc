// ClearingDesk's decisions (clearing_desk.h): release, file anyway, rescan, reject. Each
// checks what the operator may do here, then hands one OperatorChange to the job store,
// which applies it in one transaction with its audit record, or refuses a stale view.
#include <algorithm>
#include <regex>

#include "classifiers/case_number.h"
#include "clearing/clearing_desk.h"
#include "clearing/decision.h"
#include "stages/routing_rules.h"

namespace zpe::clearing {

namespace {

using nlohmann::json;

constexpr size_t kMaxFieldChars = 200;

// Stages whose clearing is a judgement the operator overrides: releasing goes on after
// them. Any other stage that held a document (prepare, split, sign) did not finish its
// work, and releasing runs it again; route always routes again, re-checking the registry.
bool goes_on_after(const std::string& stage) { return stage == "quality" || stage == "ocr" || stage == "classify"; }

std::string stage_after(const std::vector<std::string>& stages, const std::string& stage) {
  for (size_t i = 0; i + 1 < stages.size(); ++i) {
    if (stages[i] == stage) return stages[i + 1];
  }
  return "";
}

bool has_stage(const std::vector<std::string>& stages, const std::string& stage) {
  return std::find(stages.begin(), stages.end(), stage) != stages.end();
}

Status check_text(const std::string& what, const std::string& value, bool required) {
  if (required && value.find_first_not_of(" \t\r\n") == std::string::npos) {
    return fail(ErrorKind::kInvalidInput, what + " is required");
  }
  if (value.size() > kMaxFieldChars) {
    return fail(ErrorKind::kInvalidInput, what + " is longer than " + std::to_string(kMaxFieldChars) + " characters");
  }
  if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return c < 0x20 && c != '\t'; })) {
    return fail(ErrorKind::kInvalidInput, what + " contains control characters");
  }
  return {};
}

Status check_corrections(const Corrections& c) {
  if (c.case_number && !classifiers::is_valid_case_number(*c.case_number)) {
    return fail(ErrorKind::kInvalidInput,
                "the case number \"" + *c.case_number + "\" is not of the form 1234567-123 — check the number");
  }
  if (c.letter_date) {
    static const std::regex date(R"(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
    if (!std::regex_match(*c.letter_date, date)) {
      return fail(ErrorKind::kInvalidInput, "the letter date \"" + *c.letter_date + "\" is not a date YYYY-MM-DD");
    }
  }
  if (c.doc_type) {
    if (auto st = check_text("the document type", *c.doc_type, true); !st) return st;
  }
  if (c.court_file_number) {
    if (auto st = check_text("the court file number", *c.court_file_number, true); !st) return st;
  }
  return {};
}

json operator_part(const DocumentRow& row) {
  const auto it = row.record.is_object() ? row.record.find("operator") : row.record.end();
  return row.record.is_object() && it != row.record.end() && it->is_object() ? *it : json::object();
}

json machine_value(const DocumentRow& row, const char* key) {
  const json cls = row.record.is_object() ? row.record.value("classification", json::object()) : json::object();
  return cls.is_object() ? cls.value(key, json()) : json();
}

}  // namespace

// Where a released document goes on: see goes_on_after; with pages the operator turned or
// dropped, OCR reads them again.
static Result<std::string> resume_stage(JobStore& jobs, const std::vector<std::string>& stages, const DocumentRow& row) {
  auto held = jobs.held_at(row.id);
  if (!held) return fail(held.error());
  if (operator_part(row).value("pages_edited", false) && has_stage(stages, "ocr")) return std::string("ocr");
  if (held->stage.empty() || !has_stage(stages, held->stage)) return stages.front();
  if (held->by_failure || !goes_on_after(held->stage)) return held->stage;
  const std::string next = stage_after(stages, held->stage);
  return next.empty() ? held->stage : next;
}

Result<DocumentRow> ClearingDesk::release(const Scope& scope, const Operator& who, const std::string& document_id,
                                          int64_t version, const Corrections& corrections) {
  auto row = get(scope, document_id);
  if (!row) return fail(row.error());
  return release_row(*row, who, version, corrections, "");
}

Result<DocumentRow> ClearingDesk::send_to_court(const Scope& scope, const Operator& who, const std::string& document_id,
                                                int64_t version, const std::string& court_id,
                                                const Corrections& corrections) {
  auto row = get(scope, document_id);
  if (!row) return fail(row.error());
  const auto courts = tenant_court_ids(config_, row->tenant);
  if (std::find(courts.begin(), courts.end(), court_id) == courts.end()) {
    std::string known;
    for (const auto& id : courts) known += (known.empty() ? "" : ", ") + id;
    return fail(ErrorKind::kInvalidInput, "court \"" + court_id + "\" is not in tenant " + row->tenant +
                                              "'s court directory" + (known.empty() ? " (which is empty)" : " (" + known + ")"));
  }
  return release_row(*row, who, version, corrections, court_id);
}

Result<DocumentRow> ClearingDesk::release_row(const DocumentRow& row, const Operator& who, int64_t version,
                                              const Corrections& corrections, const std::string& court_id) {
  if (auto st = check_corrections(corrections); !st) return fail(st.error());
  auto resume = resume_stage(jobs_, config_.stages(), row);
  if (!resume) return fail(resume.error());
  const int64_t now = now_ms();
  json op = operator_part(row);
  if (!op["corrections"].is_object()) op["corrections"] = json::object();
  json changed = json::object();
  const std::pair<const char*, const std::optional<std::string>*> fields[] = {
      {"case_number", &corrections.case_number},
      {"doc_type", &corrections.doc_type},
      {"letter_date", &corrections.letter_date},
      {"court_file_number", &corrections.court_file_number}};
  for (const auto& [key, value] : fields) {
    if (!*value) continue;
    op["corrections"][key] = {{"value", **value}, {"source", "operator"}, {"machine", machine_value(row, key)},
                              {"by", who.name}, {"at_ms", now}};
    changed[key] = {{"value", **value}, {"machine", machine_value(row, key)}};
  }
  op["accepted_proposal"] = false;
  if (!court_id.empty()) {
    json courts = op.value("court_destinations", json::array());
    if (std::find(courts.begin(), courts.end(), json(court_id)) == courts.end()) courts.push_back(court_id);
    op["court_destinations"] = courts;
  }
  OperatorChange change = decision(row, who, version, court_id.empty() ? "released" : "sent_to_court", "QUEUED", op);
  change.detail = {{"corrections", changed}, {"held_reason", row.reason}};
  if (!court_id.empty()) change.detail["court_id"] = court_id;
  change.resume_stage = *resume;
  return apply_and_log(jobs_, change, row.tenant);
}

Result<DocumentRow> ClearingDesk::file_anyway(const Scope& scope, const Operator& who, const std::string& document_id,
                                              int64_t version, const std::string& note) {
  auto row = get(scope, document_id);
  if (!row) return fail(row.error());
  if (auto st = check_text("the note", note, false); !st) return fail(st.error());
  auto held = jobs_.held_at(row->id);
  if (!held) return fail(held.error());
  if (held->by_failure || !(held->stage == "route" || goes_on_after(held->stage))) {
    return fail(ErrorKind::kInvalidInput, "document " + row->id + " was held by " +
                                              (held->stage.empty() ? std::string("the pipeline") : held->stage) +
                                              (held->by_failure ? " failing" : "") +
                                              ": there is no proposal to accept — release, rescan or reject it");
  }
  json op = operator_part(*row);
  if (held->stage == "route") {
    const json proposal = row->record.value("route", json::object()).value("proposal", json::object());
    const bool corrected = op.value("corrections", json::object()).contains("case_number");
    if (!corrected && !proposal.value("case_number", json()).is_string()) {
      return fail(ErrorKind::kInvalidInput, "document " + row->id +
                                                " has no proposed case number to accept — enter the case number and release it");
    }
    op["accepted_proposal"] = true;  // route files what is proposed if the registry knows the case
  }
  auto resume = resume_stage(jobs_, config_.stages(), *row);
  if (!resume) return fail(resume.error());
  if (!note.empty()) op["note"] = note;
  OperatorChange change = decision(*row, who, version, "filed_anyway", "QUEUED", op);
  change.detail = {{"held_reason", row->reason}, {"held_at", held->stage}, {"note", note}};
  change.resume_stage = *resume;
  return apply_and_log(jobs_, change, row->tenant);
}

Result<DocumentRow> ClearingDesk::request_rescan(const Scope& scope, const Operator& who,
                                                 const std::string& document_id, int64_t version,
                                                 const std::string& note) {
  auto row = get(scope, document_id);
  if (!row) return fail(row.error());
  if (auto st = check_text("the note for the scan centre", note, true); !st) return fail(st.error());
  const int64_t now = now_ms();
  json op = operator_part(*row);
  op["rescan"] = {{"note", note}, {"by", who.name}, {"at_ms", now}};
  OperatorChange change = decision(*row, who, version, "rescan_requested", "RESCAN_REQUESTED", op);
  change.detail = {{"note", note}, {"held_reason", row->reason}};
  change.reason = "rescan requested by " + who.name + ": " + note + " — drop the rescan with manifest {\"rescan_of\": \"" +
                  row->id + "\"}";
  return apply_and_log(jobs_, change, row->tenant);
}

Result<DocumentRow> ClearingDesk::reject(const Scope& scope, const Operator& who, const std::string& document_id,
                                         int64_t version, const std::string& reason) {
  auto row = get(scope, document_id);
  if (!row) return fail(row.error());
  if (auto st = check_text("the reason", reason, true); !st) return fail(st.error());
  const int64_t now = now_ms();
  json op = operator_part(*row);
  op["rejected_by"] = who.name;
  op["rejection"] = {{"reason", reason}, {"by", who.name}, {"at_ms", now}};
  OperatorChange change = decision(*row, who, version, "rejected", "REJECTED", op);
  change.from_states = {"CLEARING", "RESCAN_REQUESTED"};
  change.detail = {{"reason", reason}, {"held_reason", row->reason}};
  change.reason = "rejected by " + who.name + ": " + reason;
  return apply_and_log(jobs_, change, row->tenant);
}

Result<DocumentRow> ClearingDesk::link_rescan(const Scope& scope, const Operator& who, const std::string& rescan_id,
                                              int64_t version, const std::string& replaces_id) {
  auto rescan = get(scope, rescan_id);
  if (!rescan) return fail(rescan.error());
  auto old = get(scope, replaces_id);
  if (!old) return fail(old.error());
  OperatorChange change = decision(*rescan, who, version, "rescan_linked", rescan->state, json());
  change.from_states = {"QUEUED", "RUNNING", "CLEARING", "FILED"};
  change.patch = json::object();  // the job store sets rescan_of itself
  auto linked = jobs_.link_rescan_by_operator(change, replaces_id);
  log_operator_action(change, rescan->tenant, linked ? nullptr : &linked.error());
  return linked;
}

}  // namespace zpe::clearing
