// ClearingDesk on a real job store and blob store: tenant scope, the checks before an
// action, page edits on real page images, and re-splitting a batch.
#include "clearing/clearing_desk.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "pipeline/durable_file.h"
#include "pipeline/testing_full_disk.h"
#include "stages/page_image.h"

namespace zpe::clearing {
namespace {

using nlohmann::json;

nlohmann::json no_event(const json&, const std::string& id) { return {{"event_id", id}}; }

class ClearingDeskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_.root = std::filesystem::temp_directory_path() / ("zpe-desk-" + random_hex(4));
    auto config = Config::load(std::nullopt);
    ASSERT_TRUE(config) << config.error().message;
    config_ = std::make_unique<Config>(std::move(*config));
    ASSERT_TRUE(home_.create(config_->tenants()));
    auto store = JobStore::open(home_.job_store());
    ASSERT_TRUE(store) << store.error().message;
    jobs_ = std::move(*store);
    blobs_ = std::make_unique<BlobStore>(home_.blobs());
    desk_ = std::make_unique<ClearingDesk>(*config_, home_, *jobs_, *blobs_);
  }
  void TearDown() override { std::filesystem::remove_all(home_.root); }

  // A page image 300 wide and 200 high (a black bar along the top), stored as a blob.
  std::string page_blob() {
    PixPtr pix(pixCreate(300, 200, 8));
    pixSetAllArbitrary(pix.get(), 255);
    pixRasterop(pix.get(), 0, 0, 300, 20, PIX_CLR, nullptr, 0, 0);
    auto png = encode_png(pix.get());
    EXPECT_TRUE(png);
    return *blobs_->put(*png);
  }

  // A document of `pages` pages, through the pipeline's stages up to `hold_at`, held there.
  std::string held(const std::string& tenant, int pages, const std::string& hold_at = "route") {
    NewDocument doc{new_document_id(), tenant, "batch.tif", std::string(64, 'a'), {}, "prepare", ""};
    doc.record = {{"document_id", doc.id}, {"tenant", tenant}, {"pages", json::array()}};
    for (int p = 1; p <= pages; ++p) {
      doc.record["pages"].push_back({{"page", p}, {"source_page", p}, {"blob", page_blob()}, {"width", 300},
                                     {"height", 200}, {"transforms", json::array()}});
    }
    doc.record["page_count"] = pages;
    EXPECT_TRUE(jobs_->add_document(doc, 1000, "test"));
    for (const auto& stage : config_->stages()) {
      auto job = jobs_->claim(stage, "w", 2000, 10000);
      EXPECT_TRUE(job && *job) << stage;
      EXPECT_EQ((*job)->document_id, doc.id) << "another document waits at " << stage;
      std::optional<std::string> clearing;
      if (stage == hold_at) clearing = "no case number found in the letter";
      EXPECT_TRUE(*jobs_->complete({(*job)->lease_id, "w", json::object(), stage + "/1", clearing, 2000},
                                   config_->stages(), no_event));
      if (stage == hold_at) break;
    }
    return doc.id;
  }

  Home home_;
  std::unique_ptr<Config> config_;
  std::unique_ptr<JobStore> jobs_;
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<ClearingDesk> desk_;
};

TEST_F(ClearingDeskTest, AnotherTenantsDocumentIsNotFoundForEveryAction) {
  const std::string id = held("default", 1);
  const Scope other{false, {"other"}};
  const Operator who{"mallory"};
  EXPECT_EQ(desk_->get(other, id).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(desk_->release(other, who, id, -1, {}).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(desk_->reject(other, who, id, -1, "spam").error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(desk_->page_png(other, id, 1, 100).error().kind, ErrorKind::kNotFound);
  DocumentQuery query;
  query.states = {"CLEARING"};
  EXPECT_TRUE(desk_->find(other, query)->empty());
  EXPECT_EQ(desk_->find(Scope{false, {"default"}}, query)->size(), 1u);
  EXPECT_EQ(jobs_->get(id)->state, "CLEARING") << "nothing changed";
}

TEST_F(ClearingDeskTest, ReleaseRefusesAMalformedCaseNumberAndRecordsTheOperatorsValue) {
  const std::string id = held("default", 1);
  const Scope scope{false, {"default"}};
  Corrections bad;
  bad.case_number = "123456-12";
  EXPECT_EQ(desk_->release(scope, {"alice"}, id, -1, bad).error().kind, ErrorKind::kInvalidInput);
  Corrections good;
  good.case_number = "8513179-224";
  good.doc_type = "Ladung";
  auto row = desk_->release(scope, {"alice"}, id, jobs_->get(id)->version, good);
  ASSERT_TRUE(row) << row.error().message;
  EXPECT_EQ(row->state, "QUEUED");
  EXPECT_EQ(row->stage, "route") << "held by route: routed again";
  const json& c = row->record["operator"]["corrections"]["case_number"];
  EXPECT_EQ(c["value"], "8513179-224");
  EXPECT_EQ(c["source"], "operator");
  EXPECT_EQ(c["by"], "alice");
}

TEST_F(ClearingDeskTest, EveryOperatorActionIsOneLogLineNamingTheOperatorDocumentAndAction) {
  zpe::testing::LogLines log;
  const std::string id = held("default", 2);
  const Scope scope{false, {"default"}};
  const int64_t seen = jobs_->get(id)->version;
  ASSERT_TRUE(desk_->rotate_page(scope, {"alice"}, id, seen, 1, 90));
  auto refused = desk_->reject(scope, {"bob"}, id, seen, "letter of Max Mustermann, case 8513179-224");
  ASSERT_FALSE(refused);
  ASSERT_TRUE(desk_->reject(scope, {"bob"}, id, jobs_->get(id)->version, "letter of Max Mustermann, case 8513179-224"));
  const auto lines = log.containing("clearing: ");  // "level message\n"
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "info clearing: operator:alice page_rotated " + id + " (tenant default) -> CLEARING\n");
  EXPECT_TRUE(lines[1].starts_with("info clearing: operator:bob rejected " + id + " (tenant default) refused: ")) << lines[1];
  EXPECT_EQ(lines[2], "info clearing: operator:bob rejected " + id + " (tenant default) -> REJECTED\n");
  for (const auto& line : lines) {
    EXPECT_EQ(line.find("Mustermann"), std::string::npos) << "what the operator typed stays in the audit trail";
    EXPECT_EQ(line.find("8513179"), std::string::npos);
  }
}

TEST_F(ClearingDeskTest, SendToCourtNeedsACourtOfTheTenantsDirectoryAndRecordsIt) {
  const std::string id = held("default", 1);
  Corrections corrections;
  corrections.case_number = "8513179-224";
  auto refused = desk_->send_to_court(Scope::everything(), {"alice"}, id, -1, "R3101", corrections);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("not in tenant default's court directory"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(jobs_->get(id)->state, "CLEARING");

  auto config = Config::from_text("[[tenants.default.courts]]\nid = \"R3101\"\nname = \"Verwaltungsgericht Ansbach\"\n");
  ASSERT_TRUE(config) << config.error().message;
  ClearingDesk desk(*config, home_, *jobs_, *blobs_);
  auto row = desk.send_to_court(Scope{false, {"default"}}, {"alice"}, id, jobs_->get(id)->version, "R3101", corrections);
  ASSERT_TRUE(row) << row.error().message;
  EXPECT_EQ(row->state, "QUEUED");
  EXPECT_EQ(row->stage, "route");
  EXPECT_EQ(row->record["operator"]["court_destinations"], json::array({"R3101"}));
  EXPECT_EQ(row->record["operator"]["corrections"]["case_number"]["value"], "8513179-224");
}

TEST_F(ClearingDeskTest, CourtPackagesWithoutAReceiptInTimeAreShownToTheirTenantOnly) {
  const std::string id = held("default", 1);
  EgvpPackage package;
  package.package_id = "P1";
  package.tenant = "default";
  package.court_id = "R3101";
  package.case_number = "8513179-224";
  package.message_id = "m-1";
  package.document_ids = {id};
  package.created_ms = 10'000;
  ASSERT_TRUE(jobs_->add_egvp_package(package, "test"));
  ASSERT_TRUE(jobs_->mark_egvp_written("P1", 10'000));
  auto config = Config::from_text("[egvp]\nreceipt_timeout_ms = 60000\n");
  ASSERT_TRUE(config) << config.error().message;
  ClearingDesk desk(*config, home_, *jobs_, *blobs_);
  EXPECT_TRUE(desk.overdue_court_packages(Scope::everything(), 60'000)->empty()) << "not yet due";
  auto overdue = desk.overdue_court_packages(Scope{false, {"default"}}, 80'000);
  ASSERT_TRUE(overdue) << overdue.error().message;
  ASSERT_EQ(overdue->size(), 1u);
  EXPECT_EQ((*overdue)[0].package_id, "P1");
  EXPECT_TRUE(desk.overdue_court_packages(Scope{false, {"other"}}, 80'000)->empty()) << "another tenant's";
  ASSERT_TRUE(jobs_->record_egvp_receipt("P1", true, "", "{}", 90'000, "test"));
  EXPECT_TRUE(desk.overdue_court_packages(Scope::everything(), 100'000)->empty()) << "delivered";
}

TEST_F(ClearingDeskTest, ReleaseAfterQualityGoesOnToOcrAndFileAnywayNeedsAProposal) {
  const std::string at_route = held("default", 1);
  const std::string at_quality = held("default", 1, "quality");
  auto row = desk_->release(Scope::everything(), {"alice"}, at_quality, -1, {});
  ASSERT_TRUE(row) << row.error().message;
  EXPECT_EQ(row->stage, "ocr");

  auto anyway = desk_->file_anyway(Scope::everything(), {"alice"}, at_route, -1, "");
  ASSERT_FALSE(anyway);
  EXPECT_NE(anyway.error().message.find("no proposed case number"), std::string::npos) << anyway.error().message;
}

TEST_F(ClearingDeskTest, RotateTurnsTheStoredPageAndLaterReleaseRereadsItWithOcr) {
  const std::string id = held("default", 2);
  const std::string before = jobs_->get(id)->record["pages"][1]["blob"];
  auto row = desk_->rotate_page(Scope::everything(), {"alice"}, id, jobs_->get(id)->version, 2, 90);
  ASSERT_TRUE(row) << row.error().message;
  EXPECT_EQ(row->state, "CLEARING");
  const json& page = row->record["pages"][1];
  EXPECT_NE(page["blob"], before);
  EXPECT_EQ(page["width"], 200);
  EXPECT_EQ(page["height"], 300);
  EXPECT_EQ(page["transforms"].back()["source"], "operator");
  EXPECT_TRUE(blobs_->get(before)) << "the earlier page image stays";
  auto thumb = desk_->page_png(Scope::everything(), id, 2, 60);
  ASSERT_TRUE(thumb);
  PixPtr small = *decode_image(*thumb);
  EXPECT_EQ(pixGetHeight(small.get()), 60);

  auto dropped = desk_->drop_page(Scope::everything(), {"alice"}, id, row->version, 1);
  ASSERT_TRUE(dropped) << dropped.error().message;
  EXPECT_EQ(dropped->record["page_count"], 1);
  EXPECT_EQ(dropped->record["operator"]["dropped_source_pages"], json::array({1}));
  EXPECT_EQ(desk_->drop_page(Scope::everything(), {"alice"}, id, dropped->version, 1).error().kind,
            ErrorKind::kInvalidInput) << "the only page";
  auto released = desk_->release(Scope::everything(), {"alice"}, id, dropped->version, {});
  ASSERT_TRUE(released);
  EXPECT_EQ(released->stage, "ocr");
}

TEST_F(ClearingDeskTest, ResplitReplacesTheUnfiledChildrenWithNewOnes) {
  // A 4-page batch the split stage cut into pages 1-2 and 3-4.
  NewDocument doc{new_document_id(), "default", "batch.tif", std::string(64, 'b'), {}, "prepare", ""};
  doc.record = {{"document_id", doc.id}, {"tenant", "default"}, {"pages", json::array()}};
  for (int p = 1; p <= 4; ++p) doc.record["pages"].push_back({{"page", p}, {"source_page", p}, {"blob", page_blob()}});
  ASSERT_TRUE(jobs_->add_document(doc, 1000, "test"));
  for (const std::string stage : {"prepare", "split"}) {
    auto job = jobs_->claim(stage, "w", 2000, 10000);
    ASSERT_TRUE(job && *job);
    json patch = json::object();
    if (stage == "split") {
      json documents = json::array();
      documents.push_back({{"pages", {0, 1}}, {"source_pages", "1-2"}});
      documents.push_back({{"pages", {2, 3}}, {"source_pages", "3-4"}});
      patch["split"] = {{"mode", "separators"}, {"documents", documents}};
    }
    ASSERT_TRUE(*jobs_->complete({(*job)->lease_id, "w", patch, stage + "/1", std::nullopt, 2000}, config_->stages(), no_event));
  }
  ASSERT_EQ(jobs_->get(doc.id)->state, "SPLIT");
  DocumentQuery children;
  children.all_tenants = true;
  children.states = {"QUEUED"};
  auto old_children = jobs_->find_documents(children);
  ASSERT_EQ(old_children->size(), 2u);

  // The operator: documents start at pages 1 and 2, page 3 is a separator sheet.
  auto made = desk_->resplit(Scope::everything(), {"alice"}, old_children->front().id, jobs_->get(doc.id)->version,
                             {1, 2}, {3});
  ASSERT_TRUE(made) << made.error().message;
  ASSERT_EQ(made->size(), 2u);
  for (const auto& old : *old_children) EXPECT_EQ(jobs_->get(old.id)->state, "REPLACED");
  auto first = jobs_->get((*made)[0]);
  auto second = jobs_->get((*made)[1]);
  EXPECT_EQ(first->state, "QUEUED");
  EXPECT_EQ(first->stage, "quality");
  EXPECT_EQ(first->record["page_count"], 1);
  EXPECT_EQ(second->record["source_pages"], "2, 4");
  EXPECT_EQ(jobs_->audit_trail(doc.id)->back().action, "resplit");
  EXPECT_EQ(desk_->resplit(Scope::everything(), {"alice"}, doc.id, -1, {2}, {}).error().kind, ErrorKind::kInvalidInput)
      << "page 1 would belong to no document";
}

TEST(ReasonKind, GroupsThePipelinesReasons) {
  EXPECT_EQ(reason_kind("no case number found in the letter — enter the case number"), "no_case_number");
  EXPECT_EQ(reason_kind("unknown case number 1234567-123 (not in the case registry)"), "case_unknown");
  EXPECT_EQ(reason_kind("case 1234567-123 is closed in the case registry — not filed"), "case_closed");
  EXPECT_EQ(reason_kind("case number and name disagree: the registry has a surname for case 1234567-123"), "second_key");
  EXPECT_EQ(reason_kind("no name or date of birth in the letter to confirm case 1234567-123"), "second_key");
  EXPECT_EQ(reason_kind("routing rule \"powers\": check the power of attorney"), "routing_rule");
  EXPECT_EQ(reason_kind("document type unsure: Ladung (confidence 0.55 < 0.80)"), "type_unsure");
  EXPECT_EQ(reason_kind("possible duplicate of document D1 (similarity 0.95)"), "near_duplicate");
  EXPECT_EQ(reason_kind("rescan needed: page 2 of a.tif — blurred"), "rescan_needed");
  EXPECT_EQ(reason_kind("OCR unsure: mean word confidence 41.0 is below"), "ocr_unsure");
  EXPECT_EQ(reason_kind("prepare failed after 3 attempts: timeout"), "stage_failed");
}

}  // namespace
}  // namespace zpe::clearing
