#include "connectors/egvp_outbox.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

#include "connectors/record_fields.h"
#include "connectors/xjustiz_message.h"
#include "pipeline/durable_file.h"

namespace zpe {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kMaxReceiptBytes = 64 * 1024;
// herstellerinformation/version: the project's version (CMakeLists.txt, project VERSION).
constexpr const char* kZpeVersion = "0.1.0";

using record_fields::at;
using record_fields::string_at;
using record_fields::utc;

// The first 10 characters when they are a date (YYYY-MM-DD...), else "".
std::string date_part(const std::string& text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return "";
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return "";
  }
  return text.substr(0, 10);
}

// The type as filed: the route stage carries an operator's correction, else the classifier's.
std::string filed_doc_type(const json& record) {
  const std::string routed = string_at(at(record, "route"), "doc_type");
  return routed.empty() ? string_at(at(record, "classification"), "doc_type") : routed;
}

// When the paper was scanned: the manifest's scan time, else when intake received the file.
// nullopt for a born-digital document (its text came from the PDF, no scan took place).
std::optional<std::string> scan_date(const DocumentRow& row) {
  if (string_at(at(row.record, "ocr"), "text_source") == "born_digital") return std::nullopt;
  const json& source = at(row.record, "source");
  for (const std::string& candidate : {string_at(at(source, "manifest"), "scan_time"), string_at(source, "received_at")}) {
    if (const std::string date = date_part(candidate); !date.empty()) return date;
  }
  return utc(row.created_ms, "%Y-%m-%d");
}

std::string new_package_id(int64_t now_ms) { return "P" + utc(now_ms, "%Y%m%d") + "-" + random_hex(6); }

}  // namespace

Result<EgvpSettings> read_egvp_settings(const Config& config, const fs::path& home, const XJustizCodeLists& lists) {
  const json& root = config.json();
  const json egvp = root.value("egvp", json::object());
  EgvpSettings settings;
  const fs::path outbox = egvp.value("outbox", std::string("outbox/egvp"));
  settings.outbox = outbox.is_absolute() ? outbox : home / outbox;
  settings.receipt_timeout_ms = egvp.value("receipt_timeout_ms", int64_t{14400000});
  settings.sender_id = egvp.value("sender_id", "");
  settings.sender_name = egvp.value("sender_name", "");
  settings.replacing_scan = egvp.value("replacing_scan", true);
  settings.product_version = kZpeVersion;
  if (settings.sender_name.empty()) return fail(ErrorKind::kInvalidInput, "config: [egvp] sender_name must name the agency");
  if (settings.receipt_timeout_ms <= 0) return fail(ErrorKind::kInvalidInput, "config: [egvp] receipt_timeout_ms must be positive");
  for (const std::string& tenant : config.tenants()) {
    const json courts = root["tenants"][tenant].value("courts", json::array());
    const std::string key = "[[tenants." + tenant + ".courts]]";
    if (!courts.is_array()) return fail(ErrorKind::kInvalidInput, "config: " + key + " must be an array of tables");
    auto& directory = settings.courts[tenant];
    for (const json& court : courts) {
      const std::string id = court.is_object() ? court.value("id", "") : "";
      if (id.empty()) return fail(ErrorKind::kInvalidInput, "config: " + key + " entry without an id (a GDS.Gerichte code)");
      const auto listed = lists.gerichte.value(id);
      if (!listed) {
        return fail(ErrorKind::kInvalidInput, "config: " + key + " id = \"" + id + "\" is not a court in " +
                                                  lists.gerichte.name + " " + lists.gerichte.version +
                                                  " (data/xjustiz/GDS.Gerichte.json) — use the court's XJustiz ID");
      }
      // The published list keeps dissolved courts, named "aufgelöst-…": nothing is sent there.
      if (listed->starts_with("aufgelöst")) {
        return fail(ErrorKind::kInvalidInput, "config: " + key + " id = \"" + id + "\" is a dissolved court (" + *listed +
                                                  ") — use the court that took over its cases");
      }
      directory.push_back({id, court.value("name", *listed)});
    }
  }
  return settings;
}

EgvpOutbox::EgvpOutbox(JobStore& jobs, const BlobStore& blobs, EgvpSettings settings, XJustizCodeLists lists)
    : jobs_(jobs), blobs_(blobs), settings_(std::move(settings)), lists_(std::move(lists)) {}

fs::path EgvpOutbox::package_dir(const EgvpPackage& p) const { return settings_.outbox / p.court_id / p.package_id; }

fs::path EgvpOutbox::receipt_file(const EgvpPackage& p) const {
  return settings_.outbox / p.court_id / (p.package_id + ".receipt.json");
}

bool EgvpOutbox::overdue(const EgvpPackage& p, int64_t now_ms) const {
  return p.written_ms > 0 && p.delivered_ms == 0 && p.failure.empty() && now_ms - p.written_ms > settings_.receipt_timeout_ms;
}

Result<std::vector<std::string>> EgvpOutbox::filed_documents_of_case(const std::string& tenant,
                                                                     const std::string& case_number) {
  auto filings = jobs_.filed_in_case(tenant, case_number, 0);
  if (!filings) return fail(filings.error());
  std::vector<std::string> ids;
  for (const Filing& filing : *filings) {
    auto row = jobs_.get(filing.document_id);
    if (row && row->state == "FILED" && row->tenant == tenant) ids.push_back(filing.document_id);
  }
  if (ids.empty()) {
    return fail(ErrorKind::kNotFound, "tenant " + tenant + " has no filed document in case " + case_number);
  }
  return ids;
}

Result<EgvpPackage> EgvpOutbox::send(const SendRequest& request, int64_t now_ms) {
  const auto directory = settings_.courts.find(request.tenant);
  const bool known = directory != settings_.courts.end() &&
                     std::any_of(directory->second.begin(), directory->second.end(),
                                 [&](const CourtEntry& c) { return c.id == request.court_id; });
  if (!known) {
    return fail(ErrorKind::kInvalidInput, "court " + request.court_id + " is not in tenant " + request.tenant +
                                              "'s court directory ([[tenants." + request.tenant + ".courts]])");
  }
  if (request.document_ids.empty()) return fail(ErrorKind::kInvalidInput, "no document to send");
  EgvpPackage package{new_package_id(now_ms), request.tenant, request.court_id, "", request.court_file_number,
                      random_uuid(), {}, now_ms, 0, 0, ""};
  std::set<std::string> seen;
  for (const std::string& id : request.document_ids) {
    if (!seen.insert(id).second) continue;
    auto row = jobs_.get(id);
    // Another tenant's document is reported exactly like a missing one: nothing crosses tenants.
    if (!row || row->tenant != request.tenant) {
      return fail(ErrorKind::kNotFound, "document " + id + " does not exist in tenant " + request.tenant);
    }
    if (row->state != "FILED") {
      return fail(ErrorKind::kInvalidInput, "document " + id + " is " + row->state + ": only filed documents are sent to a court");
    }
    const std::string case_number = string_at(at(row->record, "route"), "case_number");
    if (package.case_number.empty()) package.case_number = case_number;
    if (case_number != package.case_number) {
      return fail(ErrorKind::kInvalidInput, "document " + id + " is filed in case " + case_number + ", not " +
                                                package.case_number + ": one package carries the documents of one case");
    }
    package.document_ids.push_back(id);
  }
  // Built (and so checked) before anything is recorded: a refused request leaves no trace.
  auto files = package_files(package);
  if (!files) return fail(files.error());
  if (auto st = jobs_.add_egvp_package(package, request.actor); !st) return fail(st.error());
  if (auto st = write_folder(package, *files); !st) return fail(st.error());
  package.written_ms = now_ms;
  if (auto st = jobs_.mark_egvp_written(package.package_id, now_ms); !st) return fail(st.error());
  return package;
}

Result<std::map<std::string, std::string>> EgvpOutbox::package_files(const EgvpPackage& package) {
  XJustizMessage message{package.message_id, utc(package.created_ms, "%Y-%m-%dT%H:%M:%SZ"), settings_.sender_name,
                         settings_.sender_id, package.case_number, package.court_id, package.court_file_number,
                         settings_.product_version, {}};
  std::map<std::string, std::string> files;
  for (const std::string& id : package.document_ids) {
    auto row = jobs_.get(id);
    if (!row) return fail(row.error());
    const json& pdf = at(row->record, "pdf");
    const std::string sha = string_at(pdf, "sha256");
    if (sha.empty() || !at(pdf, "signature").is_object()) {
      return fail(ErrorKind::kInvalidInput, "document " + id + " has no signed PDF (the sign stage has not signed it)");
    }
    auto bytes = blobs_.get(sha);
    if (!bytes) return fail(bytes.error().kind, "document " + id + ": signed PDF: " + bytes.error().message);
    auto filed_ms = jobs_.filed_at_ms(id);
    if (!filed_ms) return fail(filed_ms.error());
    const std::string type = filed_doc_type(row->record);
    auto codes = lists_.describe(type);
    if (!codes) return fail(codes.error());
    XJustizDocument doc;
    doc.id = uuid_for_name("zpe-document:" + id);
    doc.display_name = type.empty() ? "Sonstiges" : type;
    doc.file_name = xjustiz_file_name(doc.display_name, doc.id);
    doc.codes = *codes;
    doc.letter_date = date_part(string_at(at(row->record, "classification"), "letter_date"));
    doc.filed_date = utc(*filed_ms, "%Y-%m-%d");
    doc.scan_date = scan_date(*row);
    doc.replacing_scan = settings_.replacing_scan;
    files[doc.file_name] = std::move(*bytes);
    message.documents.push_back(std::move(doc));
  }
  auto xml = build_xjustiz_message(message, lists_);
  if (!xml) return fail(xml.error());
  files[kXJustizMessageFile] = std::move(*xml);
  return files;
}

Status EgvpOutbox::write_folder(const EgvpPackage& package, const std::map<std::string, std::string>& files) {
  const fs::path final_dir = package_dir(package);
  const fs::path court_dir = final_dir.parent_path();
  // A dot-name: EGVP clients take no folder whose name starts with a dot (docs/EGVP.md).
  const fs::path temp = court_dir / ("." + package.package_id + ".tmp");
  std::error_code ec;
  fs::remove_all(temp, ec);  // a half-written folder from a crash is redone
  fs::create_directories(temp, ec);
  if (ec) return fail(ErrorKind::kIOError, "cannot create " + temp.string() + ": " + ec.message());
  for (const auto& [name, bytes] : files) {
    if (auto st = write_file_durably(temp / name, bytes); !st) return st;
  }
  if (auto st = fsync_directory(temp); !st) return st;
  if (std::rename(temp.c_str(), final_dir.c_str()) != 0) {
    return fail(ErrorKind::kIOError, "cannot move the package into " + final_dir.string());
  }
  return fsync_directory(court_dir);
}

Result<int> EgvpOutbox::finish_unwritten(int64_t now_ms) {
  auto open = jobs_.egvp_packages_without_receipt();
  if (!open) return fail(open.error());
  int finished = 0;
  for (const EgvpPackage& package : *open) {
    if (package.written_ms > 0) continue;
    std::error_code ec;
    // The rename is the last step: a folder in place is whole.
    if (!fs::exists(package_dir(package), ec)) {
      auto files = package_files(package);
      if (!files) return fail(files.error().kind, "package " + package.package_id + ": " + files.error().message);
      if (auto st = write_folder(package, *files); !st) return fail(st.error());
    }
    if (auto st = jobs_.mark_egvp_written(package.package_id, now_ms); !st) return fail(st.error());
    ++finished;
  }
  return finished;
}

Result<PendingSendReport> EgvpOutbox::send_pending_court_routes(int64_t now_ms) {
  if (auto finished = finish_unwritten(now_ms); !finished) return fail(finished.error());
  auto routes = jobs_.court_routes_not_packaged(100);
  if (!routes) return fail(routes.error());
  PendingSendReport report;
  for (const auto& [id, court] : *routes) {
    auto row = jobs_.get(id);
    if (!row) return fail(row.error());
    std::string court_file_number;
    for (const json& destination : at(at(row->record, "route"), "destinations")) {
      if (string_at(destination, "to") == "court" && string_at(destination, "court_id") == court) {
        court_file_number = string_at(destination, "court_file_number");
      }
    }
    auto package = send({row->tenant, court, court_file_number, {id}, "route"}, now_ms);
    if (!package) {
      report.refused.push_back(id + ": " + package.error().message);
      continue;
    }
    report.written.push_back(std::move(*package));
  }
  return report;
}

Result<ReceiptReport> EgvpOutbox::collect_receipts(int64_t now_ms) {
  auto open = jobs_.egvp_packages_without_receipt();
  if (!open) return fail(open.error());
  ReceiptReport report;
  for (const EgvpPackage& package : *open) {
    if (package.written_ms == 0) continue;
    const fs::path file = receipt_file(package);
    std::error_code ec;
    if (!fs::exists(file, ec)) continue;
    const std::string where = "receipt " + file.string() + ": ";
    if (fs::file_size(file, ec) > static_cast<uintmax_t>(kMaxReceiptBytes)) {
      report.problems.push_back(where + "larger than 64 KiB — not read");
      continue;
    }
    auto text = read_whole_file(file);
    if (!text) {
      report.problems.push_back(where + text.error().message);
      continue;
    }
    const json receipt = json::parse(*text, nullptr, false);
    const std::string status = string_at(receipt, "status");
    if (!receipt.is_object()) {
      report.problems.push_back(where + "not a JSON object");
    } else if (string_at(receipt, "package_id") != package.package_id) {
      report.problems.push_back(where + "names package \"" + string_at(receipt, "package_id") + "\", not " + package.package_id);
    } else if (status != "delivered" && status != "failed") {
      report.problems.push_back(where + "status must be \"delivered\" or \"failed\", not \"" + status + "\"");
    } else {
      const bool delivered = status == "delivered";
      std::string reason = string_at(receipt, "reason");
      if (!delivered && reason.empty()) reason = "the EGVP client reported a failure without a reason";
      auto taken = jobs_.record_egvp_receipt(package.package_id, delivered, reason, receipt.dump(), now_ms, "egvp");
      if (!taken) return fail(taken.error());
      if (*taken) ++(delivered ? report.delivered : report.failed);
    }
  }
  return report;
}

}  // namespace zpe
