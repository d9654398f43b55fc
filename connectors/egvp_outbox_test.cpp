#include "connectors/egvp_outbox.h"

#include <fstream>

#include <gtest/gtest.h>

#include "connectors/testing_xmllint.h"
#include "connectors/xjustiz_message.h"
#include "pipeline/durable_file.h"

namespace zpe {
namespace {

namespace fs = std::filesystem;

const fs::path kCodeLists = fs::path(ZPE_SOURCE_DIR) / "data" / "xjustiz";
const std::vector<std::string> kStages = {"route"};

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

class EgvpOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("zpe-egvp-" + random_hex(4));
    fs::create_directories(dir_);
    auto store = JobStore::open(dir_ / "jobs.sqlite");
    ASSERT_TRUE(store) << store.error().message;
    jobs_ = std::move(*store);
    blobs_ = std::make_unique<BlobStore>(dir_ / "blobs");
    auto lists = load_xjustiz_code_lists(kCodeLists);
    ASSERT_TRUE(lists) << lists.error().message;
    auto config = Config::from_text(
        "[egvp]\nsender_id = \"safe-1600000000000-000000001\"\nreceipt_timeout_ms = 60000\n"
        "[tenants.other]\ndisplay_name = \"Other\"\n[[tenants.other.courts]]\nid = \"P6126\"\n");
    ASSERT_TRUE(config) << config.error().message;
    auto settings = read_egvp_settings(*config, dir_, *lists);
    ASSERT_TRUE(settings) << settings.error().message;
    outbox_ = std::make_unique<EgvpOutbox>(*jobs_, *blobs_, *settings, *lists);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A document run through a one-stage pipeline whose route patch files it with a signed PDF.
  std::string file(const std::string& tenant, const std::string& case_number, const std::string& type,
                   const nlohmann::json& extra_route = nlohmann::json::object(), bool signed_pdf = true) {
    const std::string pdf = "%PDF-1.7 signed " + random_hex(8);
    auto sha = blobs_->put(pdf);
    EXPECT_TRUE(sha);
    NewDocument doc{new_document_id(), tenant, "letter.tif", std::string(64, 'a'),
                    {{"source", {{"file", "letter.tif"}, {"received_at", "2026-11-30T08:15:00Z"}}}}, "route", ""};
    EXPECT_TRUE(jobs_->add_document(doc, 1000, "test"));
    clock_ms_ += 1000;  // each filing at its own time: "filing order" is well defined
    auto job = jobs_->claim("route", "w", clock_ms_, 10000);
    EXPECT_TRUE(job && *job);
    nlohmann::json route = {{"target", "casefile"}, {"case_number", case_number}};
    route.update(extra_route);
    nlohmann::json pdf_field = {{"sha256", *sha}};
    if (signed_pdf) pdf_field["signature"] = {{"level", "PAdES B-B"}};
    const nlohmann::json patch = {{"classification", {{"doc_type", type}, {"letter_date", "2026-11-20"}}},
                                  {"ocr", {{"text_source", "ocr"}}}, {"pdf", pdf_field}, {"route", route}};
    EXPECT_TRUE(*jobs_->complete({(*job)->lease_id, "w", patch, "route/1", std::nullopt, clock_ms_ + 1}, kStages,
                                 [](const nlohmann::json&, const std::string& id) { return nlohmann::json{{"event_id", id}}; }));
    pdfs_[doc.id] = pdf;
    return doc.id;
  }

  std::vector<fs::path> package_dirs() const {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "outbox", ec)) {
      if (e.is_directory() && fs::exists(e.path() / kXJustizMessageFile)) out.push_back(e.path());
    }
    return out;
  }

  fs::path dir_;
  std::unique_ptr<JobStore> jobs_;
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<EgvpOutbox> outbox_;
  std::map<std::string, std::string> pdfs_;
  int64_t clock_ms_ = 1000;
};

TEST_F(EgvpOutboxTest, Send_WritesTheMessageAndTheSignedPdfsAtomically) {
  const std::string a = file("default", "8513179-224", "Vollmacht");
  const std::string b = file("default", "8513179-224", "Ladung");
  auto ids = outbox_->filed_documents_of_case("default", "8513179-224");
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(*ids, (std::vector<std::string>{a, b}));
  auto package = outbox_->send({"default", "F6084", "VG 31 K 123/24 A", *ids, "test"}, 5000);
  ASSERT_TRUE(package) << package.error().message;
  const fs::path folder = dir_ / "outbox" / "egvp" / "F6084" / package->package_id;
  EXPECT_EQ(outbox_->package_dir(*package), folder);
  ASSERT_TRUE(fs::exists(folder / "xjustiz_nachricht.xml"));
  const auto verdict = testing::validate_file_with_xmllint(folder / "xjustiz_nachricht.xml");
  EXPECT_TRUE(verdict.valid) << verdict.output;
  const std::string xml = file_bytes(folder / "xjustiz_nachricht.xml");
  EXPECT_NE(xml.find(package->message_id), std::string::npos);
  EXPECT_NE(xml.find("<tns:scanDatum>2026-11-30</tns:scanDatum>"), std::string::npos) << "scanned when intake received it";
  EXPECT_NE(xml.find("<tns:aktenzeichen.freitext>VG 31 K 123/24 A</tns:aktenzeichen.freitext>"), std::string::npos);
  int pdfs = 0;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.path().extension() != ".pdf") continue;
    ++pdfs;
    const std::string name = e.path().filename().string();
    const std::string id = name.starts_with("Vollmacht_") ? a : b;
    EXPECT_EQ(file_bytes(e.path()), pdfs_[id]) << name;
    EXPECT_NE(xml.find("<tns:dateiname>" + name + "</tns:dateiname>"), std::string::npos) << name;
  }
  EXPECT_EQ(pdfs, 2);
  EXPECT_FALSE(fs::exists(folder.parent_path() / ("." + package->package_id + ".tmp")));
  auto recorded = jobs_->egvp_packages("default", 10);
  ASSERT_TRUE(recorded && recorded->size() == 1u);
  EXPECT_EQ((*recorded)[0].document_ids, (std::vector<std::string>{a, b}));
  EXPECT_EQ((*recorded)[0].written_ms, 5000);
  auto trail = jobs_->audit_trail(a);
  ASSERT_TRUE(trail);
  EXPECT_EQ(trail->back().action, "egvp_packaged");
}

TEST_F(EgvpOutboxTest, Send_RefusesWhatBreaksARuleAndLeavesNothingBehind) {
  const std::string mine = file("default", "8513179-224", "Vollmacht");
  const std::string other_case = file("default", "7196837-439", "Schriftsatz");
  const std::string unsigned_doc = file("default", "8513179-224", "Ladung", nlohmann::json::object(), false);
  const std::string other_tenant = file("other", "8513179-224", "Ladung");
  const auto refused = [&](const SendRequest& request, ErrorKind kind, const std::string& expected) {
    auto package = outbox_->send(request, 5000);
    ASSERT_FALSE(package) << expected;
    EXPECT_EQ(package.error().kind, kind) << package.error().message;
    EXPECT_NE(package.error().message.find(expected), std::string::npos) << package.error().message;
  };
  refused({"default", "F6084", "", {mine, other_tenant}, "t"}, ErrorKind::kNotFound,
          "document " + other_tenant + " does not exist in tenant default");
  refused({"default", "F6084", "", {mine, other_case}, "t"}, ErrorKind::kInvalidInput, "one package carries the documents of one case");
  refused({"default", "F6084", "", {unsigned_doc}, "t"}, ErrorKind::kInvalidInput, "has no signed PDF");
  refused({"default", "P6126", "", {mine}, "t"}, ErrorKind::kInvalidInput, "not in tenant default's court directory");
  refused({"default", "F6084", "", {"D20260101-000000"}, "t"}, ErrorKind::kNotFound, "does not exist in tenant default");
  EXPECT_TRUE(package_dirs().empty());
  EXPECT_TRUE(jobs_->egvp_packages("", 10)->empty());
  // The other tenant's case holds only its own document.
  auto theirs = outbox_->filed_documents_of_case("other", "8513179-224");
  ASSERT_TRUE(theirs);
  EXPECT_EQ(*theirs, std::vector<std::string>{other_tenant});
}

TEST_F(EgvpOutboxTest, Send_RefusesADocumentThatIsNotFiled) {
  NewDocument doc{new_document_id(), "default", "x.tif", std::string(64, 'b'), {{"source", {{"file", "x.tif"}}}}, "route", ""};
  ASSERT_TRUE(jobs_->add_document(doc, 1000, "test"));
  auto package = outbox_->send({"default", "F6084", "", {doc.id}, "t"}, 5000);
  ASSERT_FALSE(package);
  EXPECT_NE(package.error().message.find("is QUEUED: only filed documents"), std::string::npos) << package.error().message;
}

TEST_F(EgvpOutboxTest, Receipts_MarkDeliveredOrFailed_AndWithoutOneAPackageBecomesOverdue) {
  auto first = outbox_->send({"default", "F6084", "", {file("default", "8513179-224", "Ladung")}, "t"}, 5000);
  auto second = outbox_->send({"default", "F6084", "", {file("default", "8969538-423", "Sonstiges")}, "t"}, 5000);
  auto third = outbox_->send({"default", "F6084", "", {file("default", "8193707-438", "Schriftsatz")}, "t"}, 5000);
  ASSERT_TRUE(first && second && third);
  EXPECT_FALSE(outbox_->overdue(*first, 5000 + 60000));
  EXPECT_TRUE(outbox_->overdue(*first, 5000 + 60001));
  write_file_durably(outbox_->receipt_file(*first),
                     nlohmann::json{{"package_id", first->package_id}, {"status", "delivered"}}.dump());
  write_file_durably(outbox_->receipt_file(*second),
                     nlohmann::json{{"package_id", second->package_id}, {"status", "failed"}, {"reason", "court mailbox full"}}.dump());
  write_file_durably(outbox_->receipt_file(*third), nlohmann::json{{"package_id", "P-someone-else"}, {"status", "delivered"}}.dump());
  auto report = outbox_->collect_receipts(9000);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->delivered, 1);
  EXPECT_EQ(report->failed, 1);
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_NE(report->problems[0].find("names package \"P-someone-else\""), std::string::npos) << report->problems[0];
  auto open = jobs_->egvp_packages_without_receipt();
  ASSERT_TRUE(open && open->size() == 1u);
  EXPECT_EQ((*open)[0].package_id, third->package_id);
  EXPECT_TRUE(outbox_->overdue((*open)[0], 5000 + 60001));
  const auto all = jobs_->egvp_packages("default", 10);
  ASSERT_TRUE(all);
  for (const auto& p : *all) {
    if (p.package_id == first->package_id) {
      EXPECT_EQ(p.delivered_ms, 9000);
    } else if (p.package_id == second->package_id) {
      EXPECT_EQ(p.failure, "court mailbox full");
    }
  }
  // Reading again changes nothing.
  report = outbox_->collect_receipts(10000);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->delivered + report->failed, 0);
  EXPECT_EQ(jobs_->audit_trail(first->document_ids[0])->back().action, "egvp_delivered");
}

TEST_F(EgvpOutboxTest, PendingCourtRoutes_OnePackagePerDocumentOnce) {
  const nlohmann::json to_court = {{"destinations", {{{"to", "casefile"}}, {{"to", "court"}, {"court_id", "F6084"},
                                                                             {"court_file_number", "VG 1 K 2/26 A"}}}}};
  const std::string routed = file("default", "8513179-224", "Schriftsatz", to_court);
  file("default", "8513179-224", "Ladung", {{"destinations", {{{"to", "casefile"}}, "archive"}}});
  const std::string stray = file("default", "7196837-439", "Ladung",
                                 {{"destinations", {{{"to", "court"}, {"court_id", "D6262"}}}}});
  auto report = outbox_->send_pending_court_routes(6000);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->written.size(), 1u);
  EXPECT_EQ(report->written[0].document_ids, std::vector<std::string>{routed});
  EXPECT_EQ(report->written[0].court_file_number, "VG 1 K 2/26 A");
  ASSERT_EQ(report->refused.size(), 1u);
  EXPECT_NE(report->refused[0].find(stray + ": court D6262 is not in tenant default's court directory"), std::string::npos)
      << report->refused[0];
  report = outbox_->send_pending_court_routes(7000);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->written.empty()) << "a routed document is packaged once";
  EXPECT_EQ(package_dirs().size(), 1u);
}

TEST_F(EgvpOutboxTest, FinishUnwritten_WritesARecordedPackageWithItsOwnMessageId) {
  const std::string id = file("default", "8513179-224", "Ladung");
  EgvpPackage recorded{"P20261202-abcdef", "default", "F6084", "8513179-224", "", random_uuid(), {id}, 4000, 0, 0, ""};
  ASSERT_TRUE(jobs_->add_egvp_package(recorded, "test"));  // a crash came before the folder was written
  auto finished = outbox_->finish_unwritten(8000);
  ASSERT_TRUE(finished) << finished.error().message;
  EXPECT_EQ(*finished, 1);
  const fs::path xml = outbox_->package_dir(recorded) / "xjustiz_nachricht.xml";
  ASSERT_TRUE(fs::exists(xml));
  EXPECT_NE(file_bytes(xml).find(recorded.message_id), std::string::npos);
  EXPECT_NE(file_bytes(xml).find("<tns:erstellungszeitpunkt>1970-01-01T00:00:04Z<"), std::string::npos)
      << "the time recorded with the package, not the time of writing";
  EXPECT_EQ(jobs_->egvp_packages("default", 10)->front().written_ms, 8000);
  EXPECT_EQ(*outbox_->finish_unwritten(9000), 0);
}

TEST(EgvpSettings, RefusesACourtThatIsNotInGdsGerichte) {
  auto lists = load_xjustiz_code_lists(kCodeLists);
  ASSERT_TRUE(lists);
  auto config = Config::from_text("[[tenants.default.courts]]\nid = \"X9999\"\nname = \"Verwaltungsgericht Atlantis\"\n");
  ASSERT_TRUE(config);
  auto settings = read_egvp_settings(*config, "/tmp", *lists);
  ASSERT_FALSE(settings);
  EXPECT_NE(settings.error().message.find("[[tenants.default.courts]] id = \"X9999\" is not a court in GDS.Gerichte 3.7"),
            std::string::npos)
      << settings.error().message;
}

TEST(EgvpSettings, ReadsTheDefaultCourtDirectory) {
  auto lists = load_xjustiz_code_lists(kCodeLists);
  ASSERT_TRUE(lists);
  auto config = Config::from_text("");
  ASSERT_TRUE(config);
  auto settings = read_egvp_settings(*config, "/home/zpe", *lists);
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->outbox, fs::path("/home/zpe/outbox/egvp"));
  EXPECT_EQ(settings->receipt_timeout_ms, 14400000);
  ASSERT_EQ(settings->courts["default"].size(), 1u);
  EXPECT_EQ(settings->courts["default"][0].id, "F6084");
  EXPECT_EQ(settings->courts["default"][0].name, "Verwaltungsgericht Berlin");
}

}  // namespace
}  // namespace zpe
