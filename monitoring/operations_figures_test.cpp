// The operations view's figures (monitoring/operations_figures.h, monitoring/metrics.h) on a
// job store with known documents (pipeline/testing_stats_store.h): the daily report's exact
// numbers and CSV, percentiles, the dashboard's tenant scoping, the metrics text.
#include "monitoring/operations_figures.h"

#include <gtest/gtest.h>

#include "monitoring/metrics.h"
#include "pipeline/testing_stats_store.h"

namespace zpe::monitoring {
namespace {

using zpe::testing::StatsStore;

TEST(OperationsFigures, Percentiles_AreNearestRank) {
  const LatencySummary none = summarize_latencies({});
  EXPECT_EQ(none.count, 0);
  EXPECT_EQ(none.p95_s, 0);
  std::vector<int64_t> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i * 1000);
  const LatencySummary l = summarize_latencies(hundred);
  EXPECT_EQ(l.count, 100);
  EXPECT_DOUBLE_EQ(l.p50_s, 50);
  EXPECT_DOUBLE_EQ(l.p90_s, 90);
  EXPECT_DOUBLE_EQ(l.p95_s, 95);
  EXPECT_DOUBLE_EQ(l.p99_s, 99);
  EXPECT_DOUBLE_EQ(l.max_s, 100);
  EXPECT_DOUBLE_EQ(summarize_latencies({7000}).p50_s, 7);
}

TEST(OperationsFigures, Days_ParseOnlyRealDates) {
  EXPECT_EQ(parse_day("2026-12-01"), StatsStore::kDay);
  EXPECT_EQ(day_text(StatsStore::kDay + 5000), "2026-12-01");
  EXPECT_EQ(day_start(StatsStore::at(23, 3599)), StatsStore::kDay);
  for (const char* bad : {"2026-02-30", "2026-13-01", "26-12-01", "2026-12-1", "2026/12/01", "yesterday", ""}) {
    EXPECT_FALSE(parse_day(bad)) << bad;
  }
}

TEST(OperationsFigures, DailyReport_CountsEachTenantExactly) {
  StatsStore s;
  auto report = daily_report(*s.jobs, {"a", "b", "c"}, StatsStore::kDay);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->size(), 3u);
  const TenantDayReport& a = (*report)[0];
  EXPECT_EQ(a.tenant, "a");
  EXPECT_EQ(a.counts.received, 7);
  EXPECT_EQ(a.counts.filed, 3);
  EXPECT_EQ(a.counts.to_clearing, 1);
  EXPECT_EQ(a.counts.quarantined, 1);
  EXPECT_EQ(a.counts.pages_received, 9);
  EXPECT_EQ(a.counts.pages_filed, 10);
  EXPECT_EQ(a.latency.count, 3);
  EXPECT_DOUBLE_EQ(a.latency.p50_s, 30);
  EXPECT_DOUBLE_EQ(a.latency.p95_s, 83400);
  EXPECT_EQ(a.clearing_reasons, (std::map<std::string, int64_t>{{"no_case_number", 1}}));
  EXPECT_EQ(a.quarantine_reasons, (std::map<std::string, int64_t>{{"not a supported file type", 1}}));
  EXPECT_EQ((*report)[1].counts.received, 2);
  EXPECT_DOUBLE_EQ((*report)[1].latency.p50_s, 20);
  EXPECT_EQ((*report)[2].tenant, "c");
  EXPECT_EQ((*report)[2].counts.received, 0) << "a tenant with nothing gets a line of zeros";

  EXPECT_EQ(report_csv(StatsStore::kDay, *report),
            "day,tenant,received,filed,clearing,quarantined,pages_received,pages_filed,latency_median_s,latency_p95_s,"
            "clearing_reasons,quarantine_reasons\r\n"
            "2026-12-01,a,7,3,1,1,9,10,30.0,83400.0,no_case_number=1,not a supported file type=1\r\n"
            "2026-12-01,b,2,1,0,0,6,4,20.0,20.0,,\r\n"
            "2026-12-01,c,0,0,0,0,0,0,0.0,0.0,,\r\n");
  const nlohmann::json json = report_json(StatsStore::kDay, *report);
  EXPECT_EQ(json["day"], "2026-12-01");
  EXPECT_EQ(json["tenants"][0]["received"], 7);
  EXPECT_EQ(json["tenants"][0]["clearing_reasons"]["no_case_number"], 1);
  EXPECT_EQ(json["tenants"][1]["latency_median_s"], 20.0);

  auto before = daily_report(*s.jobs, {"a"}, StatsStore::kDay - kMsPerDay);
  ASSERT_TRUE(before);
  EXPECT_EQ((*before)[0].counts.received, 1);
  EXPECT_EQ((*before)[0].counts.filed, 0);
}

TEST(OperationsFigures, Dashboard_ShowsAnOperatorOnlyTheirTenants) {
  StatsStore s;
  ASSERT_TRUE(s.jobs->record_workers({{"prepare@host1:7", "prepare", "host1", StatsStore::now() - 2000, "", ""},
                                      {"route@host2:1", "route", "host2", StatsStore::now() - 60000, "", ""}}));
  const std::vector<std::string> configured = {"a", "b"};
  auto b = dashboard_figures(*s.jobs, clearing::Scope{false, {"b"}}, configured, StatsStore::kStages, StatsStore::now(), 3);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ((*b)["tenants"], nlohmann::json::array({"b"}));
  EXPECT_EQ((*b)["today"]["total"]["received"], 2);
  EXPECT_EQ((*b)["today"]["total"]["filed"], 1);
  EXPECT_FALSE((*b)["today"]["tenants"].contains("a"));
  EXPECT_EQ((*b)["backlog"][0]["stage"], "prepare");
  EXPECT_EQ((*b)["backlog"][0]["queued"], 1);
  EXPECT_EQ((*b)["backlog"][0]["running"], 0);
  EXPECT_EQ((*b)["backlog"][0]["oldest_document_id"], s.ids["b2"]);
  EXPECT_EQ((*b)["backlog"][1]["stage"], "route");
  EXPECT_EQ((*b)["in_clearing"]["total"], 0);
  EXPECT_EQ((*b)["days"].size(), 30u);
  EXPECT_EQ((*b)["days"].back()["day"], "2026-12-01");
  EXPECT_EQ((*b)["workers"][0]["state"], "busy");
  EXPECT_TRUE((*b)["workers"][0]["current_document_id"].is_null()) << "a7 is tenant a's";
  EXPECT_EQ((*b)["workers"][1]["state"], "gone") << "not heard from for 60 s";
  const std::string text = b->dump();
  for (const auto& [name, id] : s.ids) {
    if (name[0] == 'a') {
      EXPECT_EQ(text.find(id), std::string::npos) << name << " of tenant a shows for b";
    }
  }

  auto a = dashboard_figures(*s.jobs, clearing::Scope{false, {"a"}}, configured, StatsStore::kStages, StatsStore::now(), 12);
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)["today"]["total"]["received"], 7);
  EXPECT_EQ((*a)["backlog"][0]["queued"], 2);
  EXPECT_EQ((*a)["backlog"][0]["running"], 1);
  EXPECT_EQ((*a)["backlog"][0]["oldest_document_id"], s.ids["a8"]);
  EXPECT_EQ((*a)["backlog"][0]["oldest_waiting_s"], 3 * 3600 + 1800 - 1);
  EXPECT_EQ((*a)["workers"][0]["current_document_id"], s.ids["a7"]);
  EXPECT_EQ((*a)["in_clearing"]["by_reason"]["no_case_number"], 1);
  EXPECT_EQ((*a)["throughput"]["minutes"].size(), 12u * 60);
  EXPECT_EQ((*a)["throughput"]["pages"], 11) << "a5 5, a1 2, a2 3 filed and a3 1 to clearing since 21:01 the day before";
  EXPECT_EQ((*a)["last_24h"]["filed"], 3);
  EXPECT_EQ((*a)["last_24h"]["clearing"], 1);
  EXPECT_EQ((*a)["last_24h"]["quarantined"], 1);
  EXPECT_DOUBLE_EQ((*a)["last_24h"]["clearing_rate"].get<double>(), 0.2);
  EXPECT_EQ((*a)["last_24h"]["failed_attempts"][0]["stage"], "prepare");
  EXPECT_EQ((*a)["today"]["latency"]["count"], 3);

  auto admin = dashboard_figures(*s.jobs, clearing::Scope::everything(), configured, StatsStore::kStages,
                                 StatsStore::now(), 3);
  ASSERT_TRUE(admin);
  EXPECT_EQ((*admin)["tenants"], nlohmann::json::array({"a", "b"}));
  EXPECT_EQ((*admin)["today"]["total"]["received"], 9);
  EXPECT_EQ((*admin)["backlog"][0]["queued"], 3);
}

TEST(OperationsFigures, Metrics_CountEveryTenantAndKeepTheHistogramAcrossScrapes) {
  StatsStore s;
  StageRunTally tally;
  const nlohmann::json usage = {{"measured_ms", 1764720000000},
                                {"areas", {{"blobs", 123456}, {"archive", 7890}, {"job_store", 4096}}}};
  const MetricsInput input{StatsStore::kStages, {"a", "b"}, uint64_t{5000000000}, StatsStore::now(), usage};
  auto text = render_metrics(*s.jobs, tally, input);
  ASSERT_TRUE(text) << text.error().message;
  for (const char* line : {
           "# TYPE zpe_documents gauge\n",
           "zpe_documents{tenant=\"a\",state=\"FILED\"} 3\n",
           "zpe_documents{tenant=\"b\",state=\"QUEUED\"} 1\n",
           "zpe_documents{tenant=\"b\",state=\"CLEARING\"} 0\n",
           "zpe_stage_queue_depth{stage=\"prepare\"} 3\n",
           "zpe_stage_running{stage=\"prepare\"} 1\n",
           "zpe_stage_oldest_waiting_seconds{stage=\"prepare\"} 12599.000\n",
           "# TYPE zpe_stage_run_seconds histogram\n",
           "zpe_stage_run_seconds_bucket{stage=\"prepare\",le=\"0.5\"} 0\n",
           "zpe_stage_run_seconds_bucket{stage=\"prepare\",le=\"1\"} 5\n",
           "zpe_stage_run_seconds_bucket{stage=\"route\",le=\"0.5\"} 5\n",
           "zpe_stage_run_seconds_bucket{stage=\"route\",le=\"+Inf\"} 5\n",
           "zpe_stage_run_seconds_sum{stage=\"route\"} 2.500\n",
           "zpe_stage_run_seconds_count{stage=\"prepare\"} 5\n",
           "zpe_stage_run_failures_total{stage=\"prepare\",kind=\"retryable\"} 1\n",
           "zpe_clearing_documents{tenant=\"a\",reason=\"no_case_number\"} 1\n",
           "zpe_feed_unacknowledged_events{tenant=\"a\"} 3\n",
           "zpe_feed_lag_seconds{tenant=\"a\"} 31800.000\n",
           "zpe_archive_packages_total{tenant=\"a\"} 1\n",
           "zpe_archive_packages_total{tenant=\"b\"} 0\n",
           "zpe_signature_failures_total 0\n",
           "zpe_workers_connected{stage=\"prepare\"} 0\n",
           "zpe_disk_free_bytes 5000000000\n",
           "# TYPE zpe_storage_bytes gauge\n",
           "zpe_storage_bytes{area=\"blobs\"} 123456\n",
           "zpe_storage_bytes{area=\"archive\"} 7890\n",
           "zpe_storage_bytes{area=\"job_store\"} 4096\n",
           "zpe_storage_measured_timestamp_seconds 1764720000.000\n",
       }) {
    EXPECT_NE(text->find(line), std::string::npos) << "missing: " << line << "\n" << *text;
  }
  // a7's prepare run ends: the next scrape counts it, and nothing twice.
  auto a7_done = s.jobs->expire_leases(StatsStore::at(12, 0), 3);  // its lease ran out: a "lost" run
  ASSERT_TRUE(a7_done);
  ASSERT_EQ(a7_done->size(), 1u);
  auto again = render_metrics(*s.jobs, tally, input);
  ASSERT_TRUE(again);
  EXPECT_NE(again->find("zpe_stage_run_failures_total{stage=\"prepare\",kind=\"lost\"} 1\n"), std::string::npos) << *again;
  EXPECT_NE(again->find("zpe_stage_run_failures_total{stage=\"prepare\",kind=\"retryable\"} 1\n"), std::string::npos);
  EXPECT_NE(again->find("zpe_stage_run_seconds_count{stage=\"prepare\"} 5\n"), std::string::npos);
}

}  // namespace
}  // namespace zpe::monitoring
