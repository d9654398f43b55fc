// The operations view with real processes (docs/OPERATIONS.md "Monitoring"): /metrics parsed
// as Prometheus text by Debian's prometheus_client (tests/metrics_check.py) and its counts
// against `zpe status` and `zpe report` after a real pipeline run; /healthz and /readyz
// before and after the pipeline's workers connect; the dashboard API's tenant scoping.
#include <sys/wait.h>

#include <cstdio>
#include <ctime>
#include <fstream>

#include <set>

#include <gtest/gtest.h>

#include "tests/harness.h"
#include "tests/web_client.h"

namespace zpe::testing {
namespace {

const std::string kPassword = "correct horse battery";

// Runs a command; its stdout into *out; returns its exit status.
int run_command(const std::string& command, std::string* out) {
  out->clear();
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Sample name and labels -> value, from metrics_check.py's JSON.
double sample(const nlohmann::json& families, const std::string& name, const nlohmann::json& labels) {
  double sum = 0;
  bool found = false;
  for (const auto& [family, body] : families.items()) {
    for (const auto& s : body["samples"]) {
      if (s["name"] != name) continue;
      bool match = true;
      for (const auto& [key, value] : labels.items()) match = match && s["labels"].value(key, "") == value;
      if (match) sum += s["value"].get<double>(), found = true;
    }
  }
  EXPECT_TRUE(found) << name << labels.dump();
  return sum;
}

nlohmann::json json_after(const std::string& text) {
  const auto start = text.find('{');
  return nlohmann::json::parse(start == std::string::npos ? "" : text.substr(start), nullptr, false);
}

TEST(Monitoring, Metrics_ParseAsPrometheusTextAndMatchStatusAndReportAfterARun) {
  TestHome home("metrics_token = \"scrape-token-for-tests\"\n");
  const auto letters = sample_letters();
  ASSERT_GE(letters.size(), 2u);
  home.drop(letters[0]);
  home.drop(letters[1]);
  std::string out;
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "400"}, &out), 0) << out;
  ASSERT_EQ(home.run({"gc"}, &out, 60), 0) << out;  // measures the disk use per area
  ASSERT_TRUE(start_web(home)) << home.log("web");

  httplib::Client http("127.0.0.1", home.web_port());
  auto refused = http.Get("/metrics");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401) << "a token is configured: loopback alone is not enough";
  auto wrong = http.Get("/metrics", {{"Authorization", "Bearer scrape-token-for-test"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto scraped = http.Get("/metrics", {{"Authorization", "Bearer scrape-token-for-tests"}});
  ASSERT_TRUE(scraped);
  ASSERT_EQ(scraped->status, 200) << scraped->body;
  EXPECT_EQ(scraped->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const auto file = home.root() / "metrics.txt";
  std::ofstream(file) << scraped->body;
  std::string parsed;
  ASSERT_EQ(run_command("/usr/bin/python3 '" + std::string(ZPE_SOURCE_DIR) + "/tests/metrics_check.py' '" + file.string() +
                            "'",
                        &parsed),
            0)
      << parsed << "\n---- the body:\n" << scraped->body;
  const nlohmann::json families = nlohmann::json::parse(parsed)["families"];

  ASSERT_EQ(home.run({"status", "--json"}, &out, 60), 0) << out;
  const nlohmann::json status = json_after(out);
  ASSERT_TRUE(status.is_object()) << out;
  int64_t documents = 0;
  for (const auto& [state, n] : status["documents_per_state"].items()) {
    EXPECT_EQ(sample(families, "zpe_documents", {{"state", state}}), n.get<double>()) << state;
    documents += n.get<int64_t>();
  }
  EXPECT_EQ(sample(families, "zpe_documents", nlohmann::json::object()), static_cast<double>(documents));
  EXPECT_EQ(sample(families, "zpe_feed_unacknowledged_events", nlohmann::json::object()),
            status["unacked_events"].get<double>());
  EXPECT_EQ(sample(families, "zpe_stage_queue_depth", nlohmann::json::object()), 0) << "the run ended idle";
  ASSERT_TRUE(status["stage_time"].is_object()) << out;
  for (const auto& [stage, time] : status["stage_time"].items()) {
    EXPECT_EQ(sample(families, "zpe_stage_run_seconds_count", {{"stage", stage}}), time["runs"].get<double>()) << stage;
    EXPECT_NEAR(sample(families, "zpe_stage_run_seconds_sum", {{"stage", stage}}),
                time["runs"].get<double>() * time["mean_ms"].get<double>() / 1000.0, 0.01 * time["runs"].get<double>())
        << stage;
  }
  EXPECT_GT(sample(families, "zpe_disk_free_bytes", nlohmann::json::object()), 0);
  const nlohmann::json& areas = status["disk"]["usage"]["areas"];
  ASSERT_TRUE(areas.is_object()) << out;
  for (const char* area : {"blobs", "archive", "casefiles", "job_store"}) {
    EXPECT_EQ(sample(families, "zpe_storage_bytes", {{"area", area}}), areas[area].get<double>()) << area;
  }
  EXPECT_GT(sample(families, "zpe_storage_bytes", {{"area", "blobs"}}), 0);

  // The daily report of today (UTC) counts the same run.
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char today[16];
  std::strftime(today, sizeof today, "%Y-%m-%d", &tm);
  ASSERT_EQ(home.run({"report", "--day", today, "--format", "json"}, &out, 60), 0) << out;
  const nlohmann::json report = json_after(out);
  ASSERT_TRUE(report.is_object()) << out;
  EXPECT_EQ(report["day"], today);
  ASSERT_EQ(report["tenants"].size(), 1u) << out;
  const nlohmann::json& line = report["tenants"][0];
  EXPECT_EQ(line["tenant"], "default");
  EXPECT_EQ(line["received"], 2) << out;
  const double filed = status["documents_per_state"].value("FILED", 0.0);
  const double clearing = status["documents_per_state"].value("CLEARING", 0.0);
  EXPECT_EQ(line["filed"].get<double>(), filed) << out;
  EXPECT_EQ(line["clearing"].get<double>(), clearing) << out;
  EXPECT_GE(line["pages_received"].get<int>(), 2) << out;
  EXPECT_EQ(line["latency_count"].get<double>(), filed);
  if (filed > 0) {
    EXPECT_GT(line["latency_median_s"].get<double>(), 0);
  }
  ASSERT_EQ(home.run({"report", "--day", today}, &out, 60), 0) << out;
  EXPECT_NE(out.find("day,tenant,received,filed,clearing,quarantined,pages_received,pages_filed,latency_median_s,"
                     "latency_p95_s,clearing_reasons,quarantine_reasons\r\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(std::string(today) + ",default,2,"), std::string::npos) << out;
  EXPECT_EQ(home.run({"report", "--day", "2026-02-30"}, &out, 60), 2) << out;
  EXPECT_EQ(home.run({"report", "--day", today, "--tenant", "nowhere"}, &out, 60), 2) << out;
}

TEST(Monitoring, Readyz_WaitsForAWorkerOfEveryStage) {
  TestHome home;
  ASSERT_TRUE(start_web(home, "web-alone")) << home.log("web-alone");
  WebClient client(home.web_port());
  Answer health = client.get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json().value("status", ""), "up");
  Answer before = client.get("/readyz");
  EXPECT_EQ(before.status, 503) << before.body;
  const nlohmann::json body = before.json();
  EXPECT_EQ(body.value("ready", true), false);
  EXPECT_EQ(body["checks"]["job_store"].value("ok", false), true) << before.body;
  EXPECT_NE(before.body.find("no ocr worker connected"), std::string::npos) << before.body;
  EXPECT_EQ(client.get("/metrics").status, 200) << "no token configured: loopback may read /metrics";

  // The whole pipeline (its own web child finds the port taken; the supervisor retries it).
  home.start("run", {"run"});
  EXPECT_TRUE(wait_until([&] { return client.get("/readyz").status == 200; }, std::chrono::seconds(60)))
      << client.get("/readyz").body << "\n" << home.log("run");
  Answer ready = client.get("/readyz");
  EXPECT_EQ(ready.json().value("missing", nlohmann::json::array()).size(), 0u) << ready.body;
  EXPECT_GE(ready.json()["checks"]["workers"]["connected_per_stage"].value("ocr", 0), 1) << ready.body;
  // zpe status lists the same workers, as the dispatcher last saw them.
  std::string out;
  ASSERT_EQ(home.run({"status", "--json"}, &out, 60), 0) << out;
  const nlohmann::json status = nlohmann::json::parse(out.substr(out.find('{')), nullptr, false);
  ASSERT_TRUE(status.is_object() && status["workers"].is_array()) << out;
  std::set<std::string> connected;
  for (const auto& w : status["workers"]) {
    if (w.value("connected", false)) connected.insert(w.value("stage", ""));
  }
  EXPECT_TRUE(connected.count("ocr") && connected.count("prepare") && connected.count("route"))
      << status["workers"].dump();
  ASSERT_EQ(home.run({"status"}, &out, 60), 0) << out;
  EXPECT_NE(out.find("workers (as the dispatcher last saw them):"), std::string::npos) << out;
  EXPECT_NE(out.find("connected, heard"), std::string::npos) << out;
}

TEST(Monitoring, Readyz_SaysWhenTheDiskIsBelowTheThreshold) {
  TestHome home("ready_min_free_mb = 1000000000\n");  // a petabyte
  ASSERT_TRUE(start_web(home)) << home.log("web");
  Answer a = WebClient(home.web_port()).get("/readyz");
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.json()["checks"]["disk"].value("ok", true), false) << a.body;
  EXPECT_NE(a.body.find("ready_min_free_mb"), std::string::npos) << a.body;
}

TEST(Monitoring, Dashboard_ShowsAnOperatorNothingOfAnotherTenant) {
  TestHome home("[tenants.north]\ndisplay_name = \"North\"\n[tenants.south]\ndisplay_name = \"South\"\n");
  add_web_user(home, "nora", web::Role::kOperator, {"north"}, kPassword);
  add_web_user(home, "sam", web::Role::kOperator, {"south"}, kPassword);
  add_web_user(home, "root", web::Role::kAdmin, {}, kPassword);
  const std::string north_doc = add_clearing_document(home, "north", "north-letter.tif");
  const std::string south_doc = add_clearing_document(home, "south", "south-letter.tif");
  const std::string south_second = add_clearing_document(home, "south", "south-second.tif");
  std::string out;
  ASSERT_EQ(home.run({"gc"}, &out, 60), 0) << out;  // measures the disk use per area
  ASSERT_TRUE(start_web(home)) << home.log("web");

  WebClient anonymous(home.web_port());
  EXPECT_EQ(anonymous.get("/api/dashboard").status, 401);
  EXPECT_EQ(anonymous.get("/dashboard").status, 303);

  WebClient nora(home.web_port());
  ASSERT_EQ(nora.login("nora", kPassword).status, 200);
  Answer a = nora.get("/api/dashboard");
  ASSERT_EQ(a.status, 200) << a.body;
  const nlohmann::json north = a.json();
  EXPECT_EQ(north["tenants"], nlohmann::json::array({"north"}));
  EXPECT_EQ(north["in_clearing"]["total"], 1);
  EXPECT_EQ(north["today"]["total"]["received"], 1);
  EXPECT_EQ(north["today"]["total"]["clearing"], 1);
  EXPECT_EQ(north["last_24h"]["clearing"], 1);
  for (const std::string& hidden : {south_doc, south_second, std::string("south")}) {
    EXPECT_EQ(a.body.find(hidden), std::string::npos) << hidden << " shows for nora: " << a.body;
  }
  EXPECT_FALSE(north.contains("storage")) << "the home's disk use is the site's, for admins only";
  const Answer page = nora.get("/dashboard");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("id=\"logout\""), std::string::npos) << "the shared navigation bar is put in";
  EXPECT_EQ(page.body.find("{{"), std::string::npos) << page.body;
  EXPECT_EQ(nora.get("/api/dashboard?hours=49").status, 400);

  WebClient sam(home.web_port());
  ASSERT_EQ(sam.login("sam", kPassword).status, 200);
  Answer b = sam.get("/api/dashboard");
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(b.json()["in_clearing"]["total"], 2);
  EXPECT_EQ(b.body.find(north_doc), std::string::npos);

  WebClient root(home.web_port());
  ASSERT_EQ(root.login("root", kPassword).status, 200);
  const nlohmann::json all = root.get("/api/dashboard").json();
  EXPECT_EQ(all["in_clearing"]["total"], 3);
  EXPECT_EQ(all["today"]["total"]["received"], 3);
  EXPECT_EQ(all["today"]["tenants"]["south"]["received"], 2);
  ASSERT_TRUE(all["storage"].is_object()) << all.dump();
  EXPECT_GT(all["storage"]["areas"].value("blobs", 0), 0) << all.dump();
  EXPECT_GT(all["storage"]["areas"].value("job_store", 0), 0) << all.dump();
}

}  // namespace
}  // namespace zpe::testing
