// Test helper for the statistics (pipeline/job_store_stats.h) and the figures built on them
// (monitoring/): a throw-away job store holding a known day of two tenants' documents, made
// through the store's own calls as the pipeline makes them, at fixed times. Unit tests only.
//
// Day D is 2026-12-01 (UTC); stages prepare -> route; at(h, s) is D + h hours + s seconds.
//   a5  tenant a, 5 pages, arrived D-23h, filed at(0,600)         (latency 83,400 s; day before)
//   a1  tenant a, 2 pages, arrived at(1,0), filed at(1,10)        (latency 10 s)
//   a2  tenant a, 3 pages, arrived at(2,0), filed at(2,30)        (latency 30 s)
//   a3  tenant a, 1 page,  arrived at(3,0), to clearing at(3,5): "no case number found"
//   a4  tenant a, quarantined at intake at(4,0): "not a supported file type"
//   b1  tenant b, 4 pages, arrived at(5,0), filed at(5,20)        (latency 20 s)
//   a8  tenant a, 1 page,  arrived at(5,1800), prepare failed (retryable) at(5,1801), QUEUED
//   a7  tenant a, 1 page,  arrived at(8,0), RUNNING at prepare on worker prepare@host1:7
//   b2  tenant b, 2 pages, arrived at(8,600), QUEUED at prepare
//   a6  tenant a, 1 page,  arrived at(8,1200), QUEUED at prepare
// a1 has an archive package. Every filed document has an unacknowledged case-file event.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "pipeline/durable_file.h"
#include "pipeline/job_store.h"

namespace zpe::testing {

class StatsStore {
 public:
  static constexpr int64_t kDay = 1796083200000;  // 2026-12-01T00:00:00Z
  static int64_t at(int64_t hours, int64_t seconds) { return kDay + hours * 3600000 + seconds * 1000; }
  static int64_t now() { return at(9, 0); }
  inline static const std::vector<std::string> kStages = {"prepare", "route"};

  StatsStore() {
    dir_ = std::filesystem::temp_directory_path() / ("zpe-stats-" + random_hex(4));
    std::filesystem::create_directories(dir_);
    auto opened = JobStore::open(dir_ / "jobs.sqlite");
    EXPECT_TRUE(opened) << opened.error().message;
    jobs = std::move(*opened);
    ids["a5"] = filed("a", 5, kDay - 23 * 3600000, at(0, 600));
    ids["a1"] = filed("a", 2, at(1, 0), at(1, 10));
    ids["a2"] = filed("a", 3, at(2, 0), at(2, 30));
    ids["a3"] = to_clearing("a", 1, at(3, 0), at(3, 5), "no case number found");
    ids["a4"] = quarantined("a", at(4, 0), "not a supported file type");
    ids["b1"] = filed("b", 4, at(5, 0), at(5, 20));
    ids["a8"] = add("a", 1, at(5, 1800));
    {
      auto job = jobs->claim("prepare", "prepare@host1:6", at(5, 1800), 60000);
      EXPECT_TRUE(job && *job);
      // Ten hours' back-off: a8 is not due again while the test looks.
      EXPECT_TRUE(jobs->record_failure((*job)->lease_id, "retryable", "tesseract crashed", 3, 36000000, at(5, 1801)));
    }
    ids["a7"] = add("a", 1, at(8, 0));
    {
      auto job = jobs->claim("prepare", "prepare@host1:7", at(8, 0), 3 * 3600000);
      EXPECT_TRUE(job && *job && (*job)->document_id == ids["a7"]);
    }
    ids["b2"] = add("b", 2, at(8, 600));
    ids["a6"] = add("a", 1, at(8, 1200));
    EXPECT_TRUE(jobs->mark_archived({ids["a1"], "2026/12/" + ids["a1"], std::string(64, 'c'), at(1, 60)}, "test"));
  }
  ~StatsStore() {
    jobs.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<JobStore> jobs;
  std::map<std::string, std::string> ids;  // "a1" -> document id

 private:
  std::string add(const std::string& tenant, int pages, int64_t at_ms) {
    NewDocument doc{new_document_id(), tenant, "letter.tif", std::string(64, 'a'), nlohmann::json::object(), "prepare", ""};
    doc.record = {{"document_id", doc.id}, {"page_count", pages}};
    EXPECT_TRUE(jobs->add_document(doc, at_ms, "test"));
    return doc.id;
  }
  // Runs a new document through both stages: prepare takes a second, route ends at end_ms.
  std::string run(const std::string& tenant, int pages, int64_t at_ms, int64_t end_ms,
                  const std::optional<std::string>& clearing) {
    const std::string id = add(tenant, pages, at_ms);
    auto prepare = jobs->claim("prepare", "prepare@host1:1", at_ms, 60000);
    EXPECT_TRUE(prepare && *prepare && (*prepare)->document_id == id);
    EXPECT_TRUE(*jobs->complete({(*prepare)->lease_id, "prepare@host1:1", nlohmann::json::object(), "prepare/1",
                                 std::nullopt, at_ms + 1000},
                                kStages, event));
    auto route = jobs->claim("route", "route@host2:1", end_ms - 500, 60000);
    EXPECT_TRUE(route && *route && (*route)->document_id == id);
    const nlohmann::json patch = {{"route", {{"target", clearing ? nlohmann::json(nullptr) : nlohmann::json("casefile")},
                                             {"case_number", "1234567-123"}}}};
    EXPECT_TRUE(*jobs->complete({(*route)->lease_id, "route@host2:1", patch, "route/1", clearing, end_ms}, kStages, event));
    return id;
  }
  std::string filed(const std::string& tenant, int pages, int64_t at_ms, int64_t filed_ms) {
    return run(tenant, pages, at_ms, filed_ms, std::nullopt);
  }
  std::string to_clearing(const std::string& tenant, int pages, int64_t at_ms, int64_t end_ms, const std::string& reason) {
    return run(tenant, pages, at_ms, end_ms, reason);
  }
  std::string quarantined(const std::string& tenant, int64_t at_ms, const std::string& reason) {
    NewDocument doc{new_document_id(), tenant, "letter.xyz", std::string(64, 'b'), nlohmann::json::object(), "", ""};
    doc.record = {{"document_id", doc.id}};
    EXPECT_TRUE(jobs->add_quarantined(doc, reason, at_ms, "test"));
    return doc.id;
  }
  static nlohmann::json event(const nlohmann::json& record, const std::string& id) {
    return {{"event_id", id}, {"document_id", record.value("document_id", "")}};
  }

  std::filesystem::path dir_;
};

}  // namespace zpe::testing
