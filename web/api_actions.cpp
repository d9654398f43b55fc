// POST /api/documents/{id}/...: the operator's actions. Each checks its JSON body, calls
// one ClearingDesk action with the caller's scope and the version they saw, and answers
// the document's summary afterwards (409 when someone acted first).

#include "web/web_state.h"

namespace zpe::web {

namespace {

constexpr size_t kMaxFieldBytes = 200;   // a case number, type, date or court file number
constexpr size_t kMaxNoteBytes = 4000;   // a note or reason an operator types
constexpr size_t kMaxPageList = 10000;

struct ActionBody {
  nlohmann::json json;
  int64_t version = 0;
};

// The body as a JSON object with an integer "version", or an error message.
Result<ActionBody> parse_body(const httplib::Request& req) {
  ActionBody body;
  body.json = nlohmann::json::parse(req.body, nullptr, false);
  if (!body.json.is_object()) return fail(ErrorKind::kInvalidInput, "the body must be a JSON object");
  if (!body.json.contains("version") || !body.json["version"].is_number_integer()) {
    return fail(ErrorKind::kInvalidInput, "\"version\": the document's version as you saw it (from its summary)");
  }
  body.version = body.json["version"].get<int64_t>();
  return body;
}

// An optional string field: nothing when absent or null; an error when of another type or
// longer than max_bytes.
Result<std::optional<std::string>> optional_text(const nlohmann::json& object, const char* key, size_t max_bytes) {
  if (!object.contains(key) || object[key].is_null()) return std::optional<std::string>();
  if (!object[key].is_string() || object[key].get_ref<const std::string&>().size() > max_bytes) {
    return fail(ErrorKind::kInvalidInput, std::string("\"") + key + "\": text of at most " +
                                              std::to_string(max_bytes) + " bytes");
  }
  return std::optional<std::string>(object[key].get<std::string>());
}

Result<std::string> required_text(const nlohmann::json& object, const char* key) {
  auto text = optional_text(object, key, kMaxNoteBytes);
  if (!text) return fail(text.error());
  if (!*text || (*text)->empty()) return fail(ErrorKind::kInvalidInput, std::string("\"") + key + "\" is required");
  return **text;
}

Result<clearing::Corrections> parse_corrections(const nlohmann::json& body) {
  clearing::Corrections c;
  if (!body.contains("corrections") || body["corrections"].is_null()) return c;
  const auto& given = body["corrections"];
  if (!given.is_object()) return fail(ErrorKind::kInvalidInput, "\"corrections\" must be an object");
  struct Field {
    const char* key;
    std::optional<std::string>* into;
  } fields[] = {{"case_number", &c.case_number}, {"doc_type", &c.doc_type},
                {"letter_date", &c.letter_date}, {"court_file_number", &c.court_file_number}};
  for (auto& field : fields) {
    auto value = optional_text(given, field.key, kMaxFieldBytes);
    if (!value) return fail(value.error());
    *field.into = *value;
  }
  return c;
}

Result<std::vector<int>> page_list(const nlohmann::json& body, const char* key) {
  std::vector<int> pages;
  if (!body.contains(key) || body[key].is_null()) return pages;
  if (!body[key].is_array() || body[key].size() > kMaxPageList) {
    return fail(ErrorKind::kInvalidInput, std::string("\"") + key + "\": a list of page numbers");
  }
  for (const auto& page : body[key]) {
    if (!page.is_number_integer() || page.get<int64_t>() < 1 || page.get<int64_t>() > 100000) {
      return fail(ErrorKind::kInvalidInput, std::string("\"") + key + "\": page numbers from 1");
    }
    pages.push_back(page.get<int>());
  }
  return pages;
}

// The document's summary after an action, or the action's error. The desk has logged the
// action with the operator's name (clearing/decision.h, log_operator_action).
void answer(Stores& stores, const Result<DocumentRow>& row, httplib::Response& res) {
  if (!row) return send_error(res, row.error());
  send_json(res, 200, stores.desk->summary(*row));
}

// The desk action an action route runs, given the parsed body.
using Action = std::function<Result<DocumentRow>(const Caller&, Stores&, const std::string& id,
                                                 const httplib::Request&, const ActionBody&)>;

httplib::Server::Handler action(WebState& state, Action run) {
  return api_handler(state, Access::kApiWrite,
                     [run = std::move(run)](const Caller& caller, Stores& stores, const httplib::Request& req,
                                            httplib::Response& res) {
                       auto body = parse_body(req);
                       if (!body) return send_error(res, body.error());
                       answer(stores, run(caller, stores, req.matches[1], req, *body), res);
                     });
}

Result<DocumentRow> release(const Caller& c, Stores& s, const std::string& id, const httplib::Request&,
                            const ActionBody& body) {
  auto corrections = parse_corrections(body.json);
  if (!corrections) return fail(corrections.error());
  return s.desk->release(c.scope, c.who(), id, body.version, *corrections);
}

// {"version", "court_id", corrections...}: release and send to a court of the tenant's directory.
Result<DocumentRow> send_to_court(const Caller& c, Stores& s, const std::string& id, const httplib::Request&,
                                  const ActionBody& body) {
  auto corrections = parse_corrections(body.json);
  if (!corrections) return fail(corrections.error());
  auto court = optional_text(body.json, "court_id", 64);
  if (!court) return fail(court.error());
  if (!*court || (*court)->empty()) return fail(ErrorKind::kInvalidInput, "court_id is required: the court's XJustiz ID");
  return s.desk->send_to_court(c.scope, c.who(), id, body.version, **court, *corrections);
}

Result<DocumentRow> file_anyway(const Caller& c, Stores& s, const std::string& id, const httplib::Request&,
                                const ActionBody& body) {
  auto note = optional_text(body.json, "note", kMaxNoteBytes);
  if (!note) return fail(note.error());
  return s.desk->file_anyway(c.scope, c.who(), id, body.version, note->value_or(""));
}

Result<DocumentRow> rescan(const Caller& c, Stores& s, const std::string& id, const httplib::Request&,
                           const ActionBody& body) {
  auto note = required_text(body.json, "note");
  if (!note) return fail(note.error());
  return s.desk->request_rescan(c.scope, c.who(), id, body.version, *note);
}

Result<DocumentRow> reject(const Caller& c, Stores& s, const std::string& id, const httplib::Request&,
                           const ActionBody& body) {
  auto reason = required_text(body.json, "reason");
  if (!reason) return fail(reason.error());
  return s.desk->reject(c.scope, c.who(), id, body.version, *reason);
}

Result<DocumentRow> link_rescan(const Caller& c, Stores& s, const std::string& id, const httplib::Request&,
                                const ActionBody& body) {
  auto replaces = optional_text(body.json, "replaces", kMaxFieldBytes);
  if (!replaces) return fail(replaces.error());
  if (!*replaces || (*replaces)->empty()) {
    return fail(ErrorKind::kInvalidInput, "\"replaces\": the id of the document waiting for this rescan");
  }
  return s.desk->link_rescan(c.scope, c.who(), id, body.version, **replaces);
}

Result<DocumentRow> rotate(const Caller& c, Stores& s, const std::string& id, const httplib::Request& req,
                           const ActionBody& body) {
  auto page = parse_integer(req.matches[2], 1, 100000);
  const auto& degrees = body.json.contains("degrees") ? body.json["degrees"] : nlohmann::json();
  if (!degrees.is_number_integer() || (degrees != 90 && degrees != 180 && degrees != 270)) {
    return fail(ErrorKind::kInvalidInput, "\"degrees\": 90, 180 or 270 (clockwise)");
  }
  if (!page) return fail(ErrorKind::kNotFound, "no such page");
  return s.desk->rotate_page(c.scope, c.who(), id, body.version, static_cast<int>(*page), degrees.get<int>());
}

Result<DocumentRow> drop(const Caller& c, Stores& s, const std::string& id, const httplib::Request& req,
                         const ActionBody& body) {
  auto page = parse_integer(req.matches[2], 1, 100000);
  if (!page) return fail(ErrorKind::kNotFound, "no such page");
  return s.desk->drop_page(c.scope, c.who(), id, body.version, static_cast<int>(*page));
}

void resplit(const Caller& c, Stores& s, const httplib::Request& req, httplib::Response& res) {
  auto body = parse_body(req);
  if (!body) return send_error(res, body.error());
  auto first_pages = page_list(body->json, "first_pages");
  auto separators = page_list(body->json, "separator_pages");
  if (!first_pages) return send_error(res, first_pages.error());
  if (!separators) return send_error(res, separators.error());
  auto ids = s.desk->resplit(c.scope, c.who(), req.matches[1], body->version, *first_pages, *separators);
  if (!ids) return send_error(res, ids.error());
  send_json(res, 200, {{"documents", *ids}});
}

}  // namespace

void add_action_api_routes(httplib::Server& server, WebState& state) {
  const std::string doc = R"(/api/documents/([A-Za-z0-9_-]{1,64}))";
  server.Post(doc + "/release", action(state, release));
  server.Post(doc + "/send-to-court", action(state, send_to_court));
  server.Post(doc + "/file-anyway", action(state, file_anyway));
  server.Post(doc + "/rescan", action(state, rescan));
  server.Post(doc + "/reject", action(state, reject));
  server.Post(doc + "/link-rescan", action(state, link_rescan));
  server.Post(doc + R"(/pages/([0-9]{1,6})/rotate)", action(state, rotate));
  server.Post(doc + R"(/pages/([0-9]{1,6})/drop)", action(state, drop));
  server.Post(doc + "/resplit", api_handler(state, Access::kApiWrite, resplit));
}

}  // namespace zpe::web
