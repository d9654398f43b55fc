// The storage policy end to end (issue 13 item 10): a home filled by a real pipeline run,
// aged as days passing would age it, then `zpe gc`. Every archive package and every
// CLEARING document must still be complete afterwards; what the policy may remove is gone.
#include <sqlite3.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "pipeline/blob_store.h"
#include "tests/harness.h"

namespace zpe::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

struct Doc {
  std::string id, state;
  json record;
};

std::vector<Doc> documents(const TestHome& home) {
  sqlite3* db = nullptr;
  std::vector<Doc> docs;
  if (sqlite3_open((home.root() / "var" / "jobs.sqlite").c_str(), &db) != SQLITE_OK) return docs;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT id, state, record FROM documents ORDER BY rowid", -1, &s, nullptr);
  while (sqlite3_step(s) == SQLITE_ROW) {
    docs.push_back({reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                    reinterpret_cast<const char*>(sqlite3_column_text(s, 1)),
                    json::parse(reinterpret_cast<const char*>(sqlite3_column_text(s, 2)))});
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return docs;
}

void sql(const TestHome& home, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((home.root() / "var" / "jobs.sqlite").c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// Every blob name a record holds (the same walk the policy makes).
void hashes(const json& value, std::set<std::string>& out) {
  if (value.is_string() && is_sha256_hex(value.get<std::string>())) out.insert(value.get<std::string>());
  if (value.is_structured()) {
    for (const auto& item : value) hashes(item, out);
  }
}

// Everything in the blob store made to look `days` old, and every document's last change too.
void age_home(const TestHome& home, int days) {
  const auto then = fs::file_time_type::clock::now() - std::chrono::hours(24 * days);
  for (const auto& e : fs::recursive_directory_iterator(home.root() / "var" / "blobs")) {
    if (e.is_regular_file()) fs::last_write_time(e.path(), then);
  }
  sql(home, "UPDATE documents SET updated_ms = updated_ms - " + std::to_string(days * kDayMs));
}

std::size_t blob_count(const TestHome& home) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(home.root() / "var" / "blobs")) n += e.is_regular_file();
  return n;
}

class StorageGcTest : public ::testing::Test {
 protected:
  StorageGcTest() : home_("[storage]\nintermediates_after_hours = 24\nworking_copies_after_days = 5\ngc_interval_minutes = 0\n") {}

  void SetUp() override {
    const auto letters = sample_letters();
    // letter-0001 and -0002 are filed (the second has 3 grey pages); letter-0007 has no case
    // number and waits in CLEARING.
    for (const char* name : {"letter-0001.tif", "letter-0002.tif", "letter-0007.tif"}) {
      home_.drop(fs::path(letters.front()).parent_path() / name);
    }
    std::string out;
    ASSERT_EQ(home_.run({"run", "--until-idle", "--max-seconds", "300"}, &out), 0) << out;
    std::set<std::string> states;
    for (const Doc& doc : documents(home_)) states.insert(doc.state);
    ASSERT_EQ(states, (std::set<std::string>{"FILED", "CLEARING"}));
    blobs().for_each([&](const BlobStore::Listed& blob) { stored_before_.insert(blob.sha256); });
  }

  BlobStore blobs() const { return BlobStore(home_.root() / "var" / "blobs"); }

  // Every archive package verifies, the audit trail too, and every CLEARING document still
  // has every blob its record names (that was stored), readable with its hash.
  void expect_evidence_and_clearing_complete() {
    std::string out;
    EXPECT_EQ(home_.run({"archive", "verify", "--all"}, &out, 120), 0) << out;
    EXPECT_NE(out.find("2 package(s) checked, 0 with differences"), std::string::npos) << out;
    EXPECT_EQ(home_.run({"audit", "verify"}, &out, 60), 0) << out;
    const BlobStore store = blobs();
    for (const Doc& doc : documents(home_)) {
      if (doc.state != "CLEARING") continue;
      std::set<std::string> named;
      hashes(doc.record, named);
      int checked = 0;
      for (const std::string& sha : named) {
        if (!stored_before_.count(sha)) continue;  // a hash that names no blob
        EXPECT_TRUE(store.get(sha).has_value()) << doc.id << " lost blob " << sha;
        ++checked;
      }
      EXPECT_GE(checked, 4) << "original, page image, text, PDF: " << doc.record.dump();
    }
  }

  TestHome home_;
  std::set<std::string> stored_before_;  // every blob after the run, before any policy
};

TEST_F(StorageGcTest, StorageGc_RemovesWhatThePolicyAllowsAndKeepsArchiveAndClearingComplete) {
  const std::size_t before = blob_count(home_);
  std::string out;

  // Fresh: nothing is old enough, so nothing goes.
  ASSERT_EQ(home_.run({"gc", "--json"}, &out, 120), 0) << out;
  EXPECT_EQ(json::parse(out)["bytes_freed"], 0) << out;
  EXPECT_EQ(blob_count(home_), before);

  // Two days later: intermediates of filed documents may go, their working copies not yet.
  std::map<std::string, json> records_before;  // the filed documents' whole records
  for (const Doc& doc : documents(home_)) {
    if (doc.state == "FILED") records_before[doc.id] = doc.record;
  }
  ASSERT_EQ(records_before.size(), 2u);
  age_home(home_, 2);
  ASSERT_EQ(home_.run({"gc", "--dry-run", "--json"}, &out, 120), 0) << out;
  const json planned = json::parse(out);
  EXPECT_GT(planned["removed"]["intermediate"]["blobs"].get<int>(), 0) << out;
  EXPECT_EQ(planned["removed"].count("working_copy"), 0u) << out;
  EXPECT_EQ(blob_count(home_), before) << "a dry run removes nothing";

  ASSERT_EQ(home_.run({"gc", "--json"}, &out, 120), 0) << out;
  const json first = json::parse(out);
  std::printf("[ INFO     ] gc two days on: %s\n", first.dump().c_str());
  EXPECT_EQ(first["removed"]["intermediate"], planned["removed"]["intermediate"]) << out;
  EXPECT_EQ(first["documents_collected"], 2) << out;
  EXPECT_EQ(first["records_compacted"], 2) << out;
  EXPECT_GT(first["record_bytes_saved"].get<int64_t>(), 0) << out;
  EXPECT_LT(blob_count(home_), before);
  const BlobStore store = blobs();
  for (const Doc& doc : documents(home_)) {
    if (doc.state != "FILED") continue;
    const json& whole = records_before[doc.id];
    EXPECT_TRUE(doc.record["storage"].contains("intermediates_removed_ms")) << doc.record.dump();
    EXPECT_FALSE(store.contains(whole["pages"][0]["blob"])) << "page image of " << doc.id;
    EXPECT_FALSE(store.contains(whole["pdf_unsigned"]["sha256"])) << "unsigned PDF of " << doc.id;
    EXPECT_TRUE(store.get(doc.record["original"]["sha256"]).has_value()) << "original of " << doc.id;
    EXPECT_TRUE(store.get(doc.record["pdf"]["sha256"]).has_value()) << "signed PDF of " << doc.id;
    // The row is compacted: the per-page detail left the record, the fields queries read stayed.
    ASSERT_TRUE(doc.record.contains("compacted")) << doc.record.dump();
    EXPECT_FALSE(doc.record.contains("pages"));
    EXPECT_FALSE(doc.record["quality"].contains("verdicts"));
    EXPECT_LT(doc.record.dump().size(), whole.dump().size() * 4 / 5) << doc.record.dump();  // a letter: 6.6 -> 4.8 KB
    EXPECT_EQ(doc.record["route"], whole["route"]);
    EXPECT_EQ(doc.record["classification"]["case_number"], whole["classification"]["case_number"]);
    EXPECT_EQ(doc.record["page_count"], whole["page_count"]);
    // ... and `zpe show` still prints the whole record, every moved part as it was.
    ASSERT_EQ(home_.run({"show", doc.id, "--json"}, &out, 60), 0) << out;
    const json shown = json::parse(out.substr(out.find('{')))["record"];
    for (const auto& pointer : doc.record["compacted"]["moved"]) {
      const json::json_pointer at(pointer.get<std::string>());
      EXPECT_EQ(shown.at(at), whole.at(at)) << doc.id << " " << pointer;
    }
    EXPECT_EQ(shown["pages"], whole["pages"]) << doc.id;
    EXPECT_EQ(shown["storage"], doc.record["storage"]) << "the record as it is now wins";
  }
  expect_evidence_and_clearing_complete();
  ASSERT_EQ(home_.run({"status"}, &out, 60), 0) << out;
  EXPECT_NE(out.find("disk use per area (measured"), std::string::npos) << out;
  EXPECT_NE(out.find("blobs "), std::string::npos) << out;

  // Decided once: a second run finds nothing new.
  ASSERT_EQ(home_.run({"gc", "--json"}, &out, 120), 0) << out;
  EXPECT_EQ(json::parse(out)["bytes_freed"], 0) << out;
  EXPECT_EQ(json::parse(out)["documents_collected"], 0) << out;

  // Six days after filing, the working copies of the filed documents go too; the archive
  // still holds them, and the CLEARING letter still has everything.
  age_home(home_, 4);
  ASSERT_EQ(home_.run({"gc", "--json"}, &out, 120), 0) << out;
  std::printf("[ INFO     ] gc six days on: %s\n", json::parse(out).dump().c_str());
  EXPECT_GT(json::parse(out)["removed"]["working_copy"]["blobs"].get<int>(), 0) << out;
  for (const Doc& doc : documents(home_)) {
    if (doc.state != "FILED") continue;
    EXPECT_TRUE(doc.record["storage"].contains("working_copies_removed_ms")) << doc.record.dump();
    EXPECT_FALSE(store.contains(doc.record["original"]["sha256"])) << "original of " << doc.id;
  }
  expect_evidence_and_clearing_complete();
}

TEST_F(StorageGcTest, StorageGc_KeepsWhatWasPutRecentlyAndRemovesOldLeftovers) {
  BlobStore store = blobs();
  auto fresh = store.put("a blob a worker just uploaded; its result is not committed yet");
  auto stale = store.put("a blob of a result that was refused long ago");
  ASSERT_TRUE(fresh && stale);
  fs::last_write_time(store.path_of(*stale), fs::file_time_type::clock::now() - std::chrono::hours(3));
  std::string out;
  ASSERT_EQ(home_.run({"gc", "--json"}, &out, 120), 0) << out;
  EXPECT_EQ(json::parse(out)["removed"]["unreferenced"]["blobs"], 1) << out;
  EXPECT_TRUE(store.contains(*fresh));
  EXPECT_FALSE(store.contains(*stale));
  expect_evidence_and_clearing_complete();
}

}  // namespace
}  // namespace zpe::testing
