// The operators' pages (HTML from web/assets with the session's values filled in), the
// UI's static files and the Debian-packaged libraries it uses.
#include "pipeline/xml_text.h"
#include "web/web_state.h"

namespace zpe::web {

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

// An HTML page with {{navbar}} replaced by navbar.part.html (the navigation bar every
// logged-in page shares) and {{csrf_token}}, {{user}} and {{lang}} filled in (HTML-escaped).
void send_page(WebState& state, const std::string& file, const std::string& csrf_token, const std::string& user,
               const httplib::Request& req, httplib::Response& res) {
  auto html = state.assets.read(file);
  if (!html) {
    res.status = 404;
    res.set_content(file + " is missing from the web assets (" + state.assets.describe() + ")", "text/plain");
    return;
  }
  if (html->find("{{navbar}}") != std::string::npos) {
    auto navbar = state.assets.read("navbar.part.html");
    if (!navbar) {
      res.status = 404;
      res.set_content("navbar.part.html is missing from the web assets (" + state.assets.describe() + ")", "text/plain");
      return;
    }
    replace_all(*html, "{{navbar}}", *navbar);
  }
  replace_all(*html, "{{csrf_token}}", xml_escape(csrf_token));
  replace_all(*html, "{{user}}", xml_escape(user));
  replace_all(*html, "{{lang}}", xml_escape(request_lang(state, req)));
  res.status = 200;
  res.set_content(*html, "text/html; charset=utf-8");
}

// A page that needs a session: 303 to /login without one.
httplib::Server::Handler page(WebState& state, std::string file) {
  return [&state, file](const httplib::Request& req, httplib::Response& res) {
    auto stores = state.pool.acquire();
    if (!stores) return send_error(res, stores.error());
    auto caller = require_caller(state, **stores, req, res, Access::kPage);
    if (!caller) return;
    send_page(state, file, caller->session.csrf_token, caller->user.name, req, res);
  };
}

void send_file(Result<std::string> bytes, const std::string& name, httplib::Response& res) {
  if (!bytes) {
    res.status = 404;
    res.set_content("not found", "text/plain");
    return;
  }
  res.status = 200;
  res.set_content(*bytes, content_type_for(name).c_str());
  res.set_header("Cache-Control", "no-cache");  // revalidate: a new binary may bring new files
}

}  // namespace

void add_page_routes(httplib::Server& server, WebState& state) {
  server.Get("/", page(state, "index.html"));
  server.Get("/search", page(state, "search.html"));
  server.Get("/dashboard", page(state, "dashboard.html"));
  server.Get(R"(/documents/[A-Za-z0-9_-]{1,64})", page(state, "document.html"));
  server.Get("/login", [&state](const httplib::Request& req, httplib::Response& res) {
    const std::string id = session_cookie(req);
    if (!id.empty() && state.sessions.touch(id, now_ms())) {  // already logged in
      res.status = 303;
      res.set_header("Location", "/");
      return;
    }
    send_page(state, "login.html", "", "", req, res);
  });
  // Static files are not secret (the login page needs them): no session required.
  server.Get(R"(/static/([^/]+))", [&state](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1];
    send_file(state.assets.read(name), name, res);
  });
  const std::pair<const char*, const char*> libraries[] = {{R"(/vendor/bootstrap/(.+))", "bootstrap5"},
                                                           {R"(/vendor/chart\.js/(.+))", "chart.js"}};
  for (const auto& [pattern, folder] : libraries) {
    const std::string library = folder;
    server.Get(pattern,
               [&state, library](const httplib::Request& req, httplib::Response& res) {
                 const std::string path = req.matches[1];
                 send_file(read_library_file(state.javascript_root, library, path), path, res);
               });
  }
}

}  // namespace zpe::web
