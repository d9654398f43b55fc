// `zpe clearing list|show|release|send-to-court|file-anyway|rescan|link-rescan|reject|rotate|drop-page|resplit`: the
// clearing station on the command line, for automation and sites without a browser. The
// same actions as the web UI (clearing/clearing_desk.h); the CLI acts with every tenant in
// scope (it runs on the job store's host) and records the operator as --operator
// (default: the login name).
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "clearing/clearing_desk.h"

namespace zpe::app {

namespace {

using nlohmann::json;

struct ClearingOptions {
  std::string document_id;
  std::string tenant;
  std::string reason_kind;
  std::string state = "CLEARING";
  std::string operator_name;
  int64_t version = -1;
  bool as_json = false;
  std::string case_number, doc_type, letter_date, court_file_number;
  std::string note, reason;
  int page = 0, degrees = 90;
  std::vector<int> first_pages, separator_pages;
  std::string replaces;
  std::string court;  // send-to-court: XJustiz ID
};

std::string default_operator() { return cli_actor(); }

int exit_code_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kNotFound: return kNotFound;
    case ErrorKind::kInvalidInput: return kBadArgs;
    default: return kFailed;
  }
}

int report_error(const Error& error) {
  std::fprintf(stderr, "%s%s\n", error.kind == ErrorKind::kConflict ? "conflict: " : "", error.message.c_str());
  return exit_code_for(error);
}

std::string age_text(int64_t seconds) {
  if (seconds < 120) return std::to_string(seconds) + "s";
  if (seconds < 7200) return std::to_string(seconds / 60) + "m";
  if (seconds < 172800) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

std::string text_or_dash(const json& value) { return value.is_string() ? value.get<std::string>() : "-"; }

// Runs `work` with a desk over the home's job store and blob store.
int with_desk(const GlobalOptions& options, const std::function<int(clearing::ClearingDesk&)>& work) {
  auto opened = open_store(options, false);
  if (!opened) return kNotFound;
  BlobStore blobs(opened->env.home.blobs());
  clearing::ClearingDesk desk(opened->env.config, opened->env.home, *opened->jobs, blobs);
  return work(desk);
}

int list(const GlobalOptions& options, const ClearingOptions& o) {
  return with_desk(options, [&](clearing::ClearingDesk& desk) {
    DocumentQuery query;
    if (!o.state.empty()) query.states = {o.state};
    if (!o.tenant.empty()) query.tenants = {o.tenant};
    query.limit = 10000;
    auto rows = desk.find(clearing::Scope::everything(), query);
    if (!rows) return report_error(rows.error());
    json out = json::array();
    for (const auto& row : *rows) {
      json item = desk.summary(row);
      if (!o.reason_kind.empty() && item.value("reason_kind", json()) != o.reason_kind) continue;
      out.push_back(std::move(item));
    }
    if (o.as_json) {
      std::printf("%s\n", out.dump(2).c_str());
      return int{kOk};
    }
    std::printf("%zu document(s) in %s\n", out.size(), o.state.c_str());
    for (const auto& item : out) {
      const json& p = item["proposal"];
      std::printf("%s  %-10s %5s  %-15s case %-12s type %-18s %s\n    %s\n",
                  item["document_id"].get<std::string>().c_str(), item["tenant"].get<std::string>().c_str(),
                  age_text(item["age_s"].get<int64_t>()).c_str(), text_or_dash(item["reason_kind"]).c_str(),
                  text_or_dash(p["case_number"]).c_str(), text_or_dash(p["doc_type"]).c_str(),
                  item["source_file"].get<std::string>().c_str(), text_or_dash(item["reason"]).c_str());
    }
    // Court packages the EGVP client has not confirmed in time wait for a person too.
    const clearing::Scope scope = o.tenant.empty() ? clearing::Scope::everything() : clearing::Scope{false, {o.tenant}};
    auto overdue = desk.overdue_court_packages(scope, now_ms());
    if (!overdue) return report_error(overdue.error());
    if (!overdue->empty()) std::printf("\n%zu court package(s) without a receipt in time (zpe egvp list):\n", overdue->size());
    for (const auto& p : *overdue) {
      std::printf("  %s  court %s  tenant %s  case %s  written %s ago\n", p.package_id.c_str(), p.court_id.c_str(),
                  p.tenant.c_str(), p.case_number.c_str(), age_text((now_ms() - p.written_ms) / 1000).c_str());
    }
    return int{kOk};
  });
}

int show(const GlobalOptions& options, const ClearingOptions& o) {
  return with_desk(options, [&](clearing::ClearingDesk& desk) {
    auto row = desk.get(clearing::Scope::everything(), o.document_id);
    if (!row) return report_error(row.error());
    json item = desk.summary(*row);
    if (o.as_json) {
      std::printf("%s\n", item.dump(2).c_str());
      return int{kOk};
    }
    const json& p = item["proposal"];
    std::printf("document %s (tenant %s), %s, version %lld\n  source: %s\n  reason: %s\n", row->id.c_str(),
                row->tenant.c_str(), row->state.c_str(), static_cast<long long>(row->version), row->source_file.c_str(),
                text_or_dash(item["reason"]).c_str());
    std::printf("  proposal: case %s (confidence %s), type %s (confidence %s), letter date %s, court file %s\n",
                text_or_dash(p["case_number"]).c_str(), p["case_number_confidence"].dump().c_str(),
                text_or_dash(p["doc_type"]).c_str(), p["doc_type_confidence"].dump().c_str(),
                text_or_dash(p["letter_date"]).c_str(), text_or_dash(p["court_file_number"]).c_str());
    if (!p["suggestions"].empty()) std::printf("  nearest registered numbers: %s\n", p["suggestions"].dump().c_str());
    if (!item["corrections"].empty()) std::printf("  operator corrections: %s\n", item["corrections"].dump().c_str());
    if (item["near_duplicate"].is_object()) std::printf("  near-duplicate of %s\n", item["near_duplicate"].dump().c_str());
    std::printf("  pages: %s\n", item["page_count"].dump().c_str());
    return int{kOk};
  });
}

// The outcome line of an action: where the document is now.
int print_outcome(const clearing::ClearingDesk& desk, const Result<DocumentRow>& row, bool as_json, const char* verb) {
  if (!row) return report_error(row.error());
  if (as_json) {
    std::printf("%s\n", desk.summary(*row).dump(2).c_str());
    return kOk;
  }
  std::printf("%s: %s, now %s%s\n", row->id.c_str(), verb, row->state.c_str(),
              row->stage.empty() ? "" : (" at " + row->stage).c_str());
  return kOk;
}

// The version the operator acts on: the one given, else the document's current one.
int64_t version_of(clearing::ClearingDesk& desk, const ClearingOptions& o) {
  if (o.version >= 0) return o.version;
  auto row = desk.get(clearing::Scope::everything(), o.document_id);
  return row ? row->version : -1;
}

std::optional<std::string> given(const std::string& value) {
  return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

int act(const GlobalOptions& options, const ClearingOptions& o, const std::string& what) {
  return with_desk(options, [&](clearing::ClearingDesk& desk) {
    const auto scope = clearing::Scope::everything();
    const clearing::Operator who{o.operator_name.empty() ? default_operator() : o.operator_name};
    const int64_t version = version_of(desk, o);
    if (what == "release") {
      clearing::Corrections c{given(o.doc_type), given(o.case_number), given(o.letter_date), given(o.court_file_number)};
      return print_outcome(desk, desk.release(scope, who, o.document_id, version, c), o.as_json, "released");
    }
    if (what == "send-to-court") {
      clearing::Corrections c{given(o.doc_type), given(o.case_number), given(o.letter_date), given(o.court_file_number)};
      return print_outcome(desk, desk.send_to_court(scope, who, o.document_id, version, o.court, c), o.as_json,
                           ("released, to be sent to court " + o.court + " once filed").c_str());
    }
    if (what == "file-anyway") {
      return print_outcome(desk, desk.file_anyway(scope, who, o.document_id, version, o.note), o.as_json, "filed anyway");
    }
    if (what == "rescan") {
      return print_outcome(desk, desk.request_rescan(scope, who, o.document_id, version, o.note), o.as_json,
                           "rescan requested");
    }
    if (what == "reject") {
      return print_outcome(desk, desk.reject(scope, who, o.document_id, version, o.reason), o.as_json, "rejected");
    }
    if (what == "link-rescan") {
      return print_outcome(desk, desk.link_rescan(scope, who, o.document_id, version, o.replaces), o.as_json,
                           ("linked as the rescan of " + o.replaces).c_str());
    }
    if (what == "rotate") {
      return print_outcome(desk, desk.rotate_page(scope, who, o.document_id, version, o.page, o.degrees), o.as_json,
                           ("page " + std::to_string(o.page) + " turned").c_str());
    }
    if (what == "drop-page") {
      return print_outcome(desk, desk.drop_page(scope, who, o.document_id, version, o.page), o.as_json,
                           ("page " + std::to_string(o.page) + " dropped").c_str());
    }
    auto made = desk.resplit(scope, who, o.document_id, version, o.first_pages, o.separator_pages);
    if (!made) return report_error(made.error());
    if (o.as_json) {
      std::printf("%s\n", json{{"documents", *made}}.dump(2).c_str());
    } else {
      for (const auto& id : *made) std::printf("%s\n", id.c_str());
    }
    return int{kOk};
  });
}

}  // namespace

void add_clearing_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  static ClearingOptions o;
  auto* clearing = app.add_subcommand("clearing", "the clearing station: list what waits for a person, and decide");
  clearing->require_subcommand(1);
  const auto with_id = [&](CLI::App* cmd) { cmd->add_option("DOC_ID", o.document_id, "the document")->required(); };
  const auto with_common = [&](CLI::App* cmd) {
    cmd->add_flag("--json", o.as_json, "print the document afterwards as JSON (docs/API.md, the summary)");
    cmd->add_option("--operator", o.operator_name, "who decides, for the audit trail (default: cli:<login name>)");
    cmd->add_option("--version", o.version, "the document version you looked at (zpe clearing show); a newer one "
                                            "is refused as a conflict (default: the current one)");
  };

  auto* list_cmd = clearing->add_subcommand("list", "documents waiting in CLEARING with reason and proposal");
  list_cmd->add_option("--tenant", o.tenant, "only this tenant");
  list_cmd->add_option("--reason", o.reason_kind, "only this reason kind (no_case_number, type_unsure, ...)");
  list_cmd->add_option("--state", o.state, "another state, e.g. RESCAN_REQUESTED (default CLEARING)");
  list_cmd->add_flag("--json", o.as_json, "as JSON");
  list_cmd->callback([&] { action = [&] { return list(options, o); }; });

  auto* show_cmd = clearing->add_subcommand("show", "one document's reason, proposal and version");
  with_id(show_cmd);
  show_cmd->add_flag("--json", o.as_json, "as JSON");
  show_cmd->callback([&] { action = [&] { return show(options, o); }; });

  auto* release = clearing->add_subcommand("release", "correct fields and let the document go on");
  with_id(release);
  with_common(release);
  release->add_option("--case-number", o.case_number, "the right case number (1234567-123)");
  release->add_option("--doc-type", o.doc_type, "the right document type");
  release->add_option("--letter-date", o.letter_date, "the letter's date (YYYY-MM-DD)");
  release->add_option("--court-file-number", o.court_file_number, "the court's file number");
  release->callback([&] { action = [&] { return act(options, o, "release"); }; });

  auto* to_court = clearing->add_subcommand("send-to-court", "release, and send the document to a court of the tenant's "
                                                             "directory once it is filed (an EGVP package, docs/EGVP.md)");
  with_id(to_court);
  with_common(to_court);
  to_court->add_option("--court", o.court, "the court's XJustiz ID ([[tenants.<t>.courts]])")->required();
  to_court->add_option("--case-number", o.case_number, "the right case number (1234567-123)");
  to_court->add_option("--doc-type", o.doc_type, "the right document type");
  to_court->add_option("--letter-date", o.letter_date, "the letter's date (YYYY-MM-DD)");
  to_court->add_option("--court-file-number", o.court_file_number, "the court's file number");
  to_court->callback([&] { action = [&] { return act(options, o, "send-to-court"); }; });

  auto* anyway = clearing->add_subcommand("file-anyway", "accept what is proposed (near-duplicate, OCR unsure, type unsure)");
  with_id(anyway);
  with_common(anyway);
  anyway->add_option("--note", o.note, "why");
  anyway->callback([&] { action = [&] { return act(options, o, "file-anyway"); }; });

  auto* rescan = clearing->add_subcommand("rescan", "ask the scan centre for a rescan (RESCAN_REQUESTED)");
  with_id(rescan);
  with_common(rescan);
  rescan->add_option("--note", o.note, "what the scan centre should do")->required();
  rescan->callback([&] { action = [&] { return act(options, o, "rescan"); }; });

  auto* reject = clearing->add_subcommand("reject", "reject the document (terminal; the original is archived)");
  with_id(reject);
  with_common(reject);
  reject->add_option("--reason", o.reason, "why")->required();
  reject->callback([&] { action = [&] { return act(options, o, "reject"); }; });

  auto* link = clearing->add_subcommand("link-rescan", "mark a document as the rescan of one waiting in RESCAN_REQUESTED");
  with_id(link);
  with_common(link);
  link->add_option("--replaces", o.replaces, "the document that asked for this rescan")->required();
  link->callback([&] { action = [&] { return act(options, o, "link-rescan"); }; });

  auto* rotate = clearing->add_subcommand("rotate", "turn a page clockwise (OCR reads it again on release)");
  with_id(rotate);
  with_common(rotate);
  rotate->add_option("--page", o.page, "the page (1-based)")->required();
  rotate->add_option("--degrees", o.degrees, "90, 180 or 270 (default 90)");
  rotate->callback([&] { action = [&] { return act(options, o, "rotate"); }; });

  auto* drop = clearing->add_subcommand("drop-page", "drop a page from the document (the original keeps it)");
  with_id(drop);
  with_common(drop);
  drop->add_option("--page", o.page, "the page (1-based)")->required();
  drop->callback([&] { action = [&] { return act(options, o, "drop-page"); }; });

  auto* resplit = clearing->add_subcommand("resplit", "split a batch anew (its unfiled documents are replaced)");
  with_id(resplit);
  with_common(resplit);
  resplit->add_option("--first-pages", o.first_pages, "batch page each document starts at, e.g. 1,4")
      ->delimiter(',')->required();
  resplit->add_option("--separators", o.separator_pages, "batch pages that are separator sheets, e.g. 3")->delimiter(',');
  resplit->callback([&] { action = [&] { return act(options, o, "resplit"); }; });
}

}  // namespace zpe::app
