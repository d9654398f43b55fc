// The job store's statistics (pipeline/job_store_stats.cpp) on a store with known documents
// (pipeline/testing_stats_store.h): exact counts, per tenant and filtered.
#include <algorithm>

#include <gtest/gtest.h>

#include "pipeline/job_store.h"
#include "pipeline/testing_stats_store.h"

namespace zpe {
namespace {

using testing::StatsStore;

const TenantFilter kEvery{true, {}};
const TenantFilter kOnlyA{false, {"a"}};
const TenantFilter kOnlyB{false, {"b"}};

TEST(JobStoreStats, DailyCounts_CountArrivalsFilingsClearingAndQuarantinePerTenantAndDay) {
  StatsStore s;
  auto days = s.jobs->daily_counts(kEvery, StatsStore::kDay - kMsPerDay, 2);
  ASSERT_TRUE(days) << days.error().message;
  const DayCounts before = (*days)[StatsStore::kDay - kMsPerDay]["a"];
  EXPECT_EQ(before.received, 1);  // a5
  EXPECT_EQ(before.pages_received, 5);
  EXPECT_EQ(before.filed, 0);
  const DayCounts a = (*days)[StatsStore::kDay]["a"];
  EXPECT_EQ(a.received, 7);        // a1 a2 a3 a4 a8 a7 a6
  EXPECT_EQ(a.pages_received, 9);  // 2+3+1+0+1+1+1
  EXPECT_EQ(a.filed, 3);           // a5 a1 a2
  EXPECT_EQ(a.pages_filed, 10);
  EXPECT_EQ(a.to_clearing, 1);
  EXPECT_EQ(a.quarantined, 1);
  const DayCounts b = (*days)[StatsStore::kDay]["b"];
  EXPECT_EQ(b.received, 2);
  EXPECT_EQ(b.pages_received, 6);
  EXPECT_EQ(b.filed, 1);
  EXPECT_EQ(b.pages_filed, 4);
  EXPECT_EQ(b.to_clearing, 0);
  EXPECT_EQ(b.quarantined, 0);

  auto only_b = s.jobs->daily_counts(kOnlyB, StatsStore::kDay - kMsPerDay, 2);
  ASSERT_TRUE(only_b);
  EXPECT_EQ(only_b->size(), 1u) << "tenant b had nothing the day before";
  EXPECT_EQ((*only_b)[StatsStore::kDay].count("a"), 0u);
  EXPECT_EQ((*only_b)[StatsStore::kDay]["b"].received, 2);
  auto none = s.jobs->daily_counts(TenantFilter{false, {}}, StatsStore::kDay, 1);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty()) << "an empty tenant list sees nothing";
}

TEST(JobStoreStats, StateCountsBacklogAndOldestWaitingDocument) {
  StatsStore s;
  auto states = s.jobs->documents_by_tenant_and_state(kEvery);
  ASSERT_TRUE(states);
  const std::map<std::pair<std::string, std::string>, int64_t> expected = {
      {{"a", "FILED"}, 3}, {{"a", "CLEARING"}, 1}, {{"a", "QUARANTINED"}, 1}, {{"a", "QUEUED"}, 2},
      {{"a", "RUNNING"}, 1}, {{"b", "FILED"}, 1},   {{"b", "QUEUED"}, 1}};
  EXPECT_EQ(*states, expected);

  auto backlog = s.jobs->stage_backlog(kEvery);
  ASSERT_TRUE(backlog);
  ASSERT_EQ(backlog->size(), 1u);
  EXPECT_EQ((*backlog)[0].stage, "prepare");
  EXPECT_EQ((*backlog)[0].queued, 3);
  EXPECT_EQ((*backlog)[0].running, 1);
  EXPECT_EQ((*backlog)[0].oldest_document_id, s.ids["a8"]) << "queued again after its failure at 05:30:01";
  EXPECT_EQ((*backlog)[0].oldest_since_ms, StatsStore::at(5, 1801));

  auto b = s.jobs->stage_backlog(kOnlyB);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ((*b)[0].queued, 1);
  EXPECT_EQ((*b)[0].running, 0);
  EXPECT_EQ((*b)[0].oldest_document_id, s.ids["b2"]);
  EXPECT_EQ((*b)[0].oldest_tenant, "b");
}

TEST(JobStoreStats, ThroughputLatenciesReasonsAndFailures) {
  StatsStore s;
  const int64_t day = StatsStore::kDay, end = day + kMsPerDay;
  auto minutes = s.jobs->throughput_per_minute(kEvery, day, end);
  ASSERT_TRUE(minutes);
  ASSERT_EQ(minutes->size(), 5u);  // a5, a1, a2 filed; a3 to clearing; b1 filed
  EXPECT_EQ((*minutes)[0].minute_ms, StatsStore::at(0, 600));
  EXPECT_EQ((*minutes)[0].pages, 5);
  EXPECT_EQ((*minutes)[3].minute_ms, StatsStore::at(3, 0));
  EXPECT_EQ((*minutes)[3].pages, 1) << "a3 went to clearing in that minute";
  EXPECT_EQ((*minutes)[4].pages, 4);
  auto a_minutes = s.jobs->throughput_per_minute(kOnlyA, day, end);
  ASSERT_TRUE(a_minutes);
  EXPECT_EQ(a_minutes->size(), 4u);

  auto latencies = s.jobs->filed_latencies_ms(kEvery, day, end);
  ASSERT_TRUE(latencies);
  std::sort((*latencies)["a"].begin(), (*latencies)["a"].end());
  EXPECT_EQ((*latencies)["a"], (std::vector<int64_t>{10000, 30000, 23 * 3600000 + 600000}));
  EXPECT_EQ((*latencies)["b"], (std::vector<int64_t>{20000}));

  auto clearing = s.jobs->reasons_sent_to(kEvery, "CLEARING", day, end);
  ASSERT_TRUE(clearing);
  EXPECT_EQ(*clearing, (std::map<std::string, std::map<std::string, int64_t>>{{"a", {{"no case number found", 1}}}}));
  auto quarantine = s.jobs->reasons_sent_to(kOnlyA, "QUARANTINED", day, end);
  ASSERT_TRUE(quarantine);
  EXPECT_EQ((*quarantine)["a"]["not a supported file type"], 1);
  auto nothing = s.jobs->reasons_sent_to(kOnlyB, "QUARANTINED", day, end);
  ASSERT_TRUE(nothing);
  EXPECT_TRUE(nothing->empty());
  EXPECT_FALSE(s.jobs->reasons_sent_to(kEvery, "FILED", day, end));

  auto failures = s.jobs->failed_runs(kEvery, day, end);
  ASSERT_TRUE(failures);
  ASSERT_EQ(failures->size(), 1u);
  EXPECT_EQ((*failures)[0].stage, "prepare");
  EXPECT_EQ((*failures)[0].kind, "retryable");
  EXPECT_EQ((*failures)[0].count, 1);
  auto b_failures = s.jobs->failed_runs(kOnlyB, day, end);
  ASSERT_TRUE(b_failures);
  EXPECT_TRUE(b_failures->empty());
}

TEST(JobStoreStats, StageRunsFeedArchiveAndWorkers) {
  StatsStore s;
  auto runs = s.jobs->stage_runs_after(0, 1000);
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 12u);  // 5 documents x 2 stages, a8's failed prepare, a7's running prepare
  EXPECT_EQ((*runs)[0].stage, "prepare");
  EXPECT_EQ((*runs)[0].outcome, "done");
  EXPECT_EQ((*runs)[0].duration_ms, 1000);
  EXPECT_EQ((*runs)[1].duration_ms, 500) << "route claimed 500 ms before its result";
  EXPECT_EQ((*runs)[10].outcome, "retryable");
  EXPECT_EQ((*runs)[11].outcome, "");
  EXPECT_TRUE((*runs)[11].pending) << "a7's lease is still held";
  auto after = s.jobs->stage_runs_after((*runs)[10].id, 1000);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), 1u);

  auto feed = s.jobs->feed_backlog(kEvery);
  ASSERT_TRUE(feed);
  EXPECT_EQ((*feed)["a"].unacknowledged, 3);
  EXPECT_EQ((*feed)["a"].oldest_created_ms, StatsStore::at(0, 600));
  EXPECT_EQ((*feed)["b"].unacknowledged, 1);
  auto archived = s.jobs->archived_per_tenant(kEvery);
  ASSERT_TRUE(archived);
  EXPECT_EQ(*archived, (std::map<std::string, int64_t>{{"a", 1}}));

  ASSERT_TRUE(s.jobs->record_workers({{"prepare@host1:7", "prepare", "host1", StatsStore::now(), "", ""},
                                      {"route@host2:1", "route", "host2", StatsStore::now() - 1000, "", ""}}));
  auto workers = s.jobs->workers();
  ASSERT_TRUE(workers);
  ASSERT_EQ(workers->size(), 2u);
  EXPECT_EQ((*workers)[0].name, "prepare@host1:7");
  EXPECT_EQ((*workers)[0].current_document_id, s.ids["a7"]);
  EXPECT_EQ((*workers)[0].current_tenant, "a");
  EXPECT_EQ((*workers)[1].host, "host2");
  EXPECT_EQ((*workers)[1].current_document_id, "");
  // The dispatcher's next view replaces the last one.
  ASSERT_TRUE(s.jobs->record_workers({}));
  EXPECT_TRUE(s.jobs->workers()->empty());
  EXPECT_TRUE(s.jobs->check_writable());
  EXPECT_TRUE(s.jobs->workers()->empty()) << "the writability probe leaves nothing behind";
}

}  // namespace
}  // namespace zpe
