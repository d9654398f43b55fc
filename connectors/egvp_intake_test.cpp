#include "connectors/egvp_intake.h"

#include <algorithm>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "connectors/testing_xjustiz_packages.h"
#include "connectors/xjustiz_inbound.h"
#include "pipeline/durable_file.h"
#include "pipeline/testing_intake_home.h"

namespace zpe {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::MessageDocument;
using testing::MessageSpec;
using testing::xjustiz_message;
using testing::zip_of;

const std::string kPdf = "%PDF-1.7\nborn digital";
const std::string kPng("\x89PNG\r\n\x1a\nscanned", 15);

MessageSpec judgment_and_scan() {
  MessageSpec spec;
  spec.case_number = "8513179 - 224";  // as a court clerk may type it
  spec.documents = {MessageDocument{"urteil.pdf", "066", "2026-11-28", "", "001"},
                    MessageDocument{"anlage.png", "213", "", "2026-11-29", "001"}};
  return spec;
}

class EgvpIntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lists = load_xjustiz_code_lists(fs::path(ZPE_SOURCE_DIR) / "data" / "xjustiz");
    ASSERT_TRUE(lists) << lists.error().message;
    intake_ = std::make_unique<EgvpIntake>(*config_, home_, *jobs_, *blobs_, std::move(*lists), PackageLimits{});
  }

  fs::path drop_zip(const std::string& name, const std::string& bytes) {
    const fs::path path = home_.inbox_egvp("default") / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  fs::path drop_folder(const std::string& name, const std::map<std::string, std::string>& files) {
    const fs::path dir = home_.inbox_egvp("default") / name;
    fs::create_directories(dir);
    for (const auto& [file, bytes] : files) std::ofstream(dir / file, std::ios::binary) << bytes;
    return dir;
  }
  std::vector<DocumentRow> rows(const std::string& state) {
    auto listed = jobs_->list(state, 100);
    EXPECT_TRUE(listed);
    return listed ? *listed : std::vector<DocumentRow>{};
  }
  // The one quarantined package's reason, checked to be on disk beside the package.
  std::string quarantined_reason() {
    const auto quarantined = rows("QUARANTINED");
    EXPECT_EQ(quarantined.size(), 1u);
    if (quarantined.size() != 1) return "";
    EXPECT_TRUE(fs::is_empty(home_.inbox_egvp("default"))) << "the package left the inbox";
    const fs::path kept = home_.quarantine("default") / (quarantined[0].id + "-" + quarantined[0].source_file);
    EXPECT_TRUE(fs::exists(kept)) << kept;
    auto text = read_whole_file(kept.string() + ".reason.txt");
    EXPECT_TRUE(text);
    if (text) {
      EXPECT_NE(text->find(quarantined[0].reason), std::string::npos);
    }
    EXPECT_EQ(quarantined[0].record["source"]["channel"], "egvp");
    return quarantined[0].reason;
  }

  testing::IntakeHome store_;
  Home& home_ = store_.home;
  std::unique_ptr<Config>& config_ = store_.config;
  std::unique_ptr<JobStore>& jobs_ = store_.jobs;
  std::unique_ptr<BlobStore>& blobs_ = store_.blobs;
  std::unique_ptr<EgvpIntake> intake_;
};

TEST_F(EgvpIntakeTest, EgvpIntake_MakesOneDocumentPerMessageDocumentWithTheCourtsData) {
  const std::string zip = zip_of({{kXJustizMessageFile, xjustiz_message(judgment_and_scan()), false},
                                  {"urteil.pdf", kPdf, false}, {"anlage.png", kPng, false}});
  drop_zip("nachricht-1.zip", zip);
  EXPECT_EQ(intake_->scan_once(now_ms()), 1);
  EXPECT_TRUE(fs::is_empty(home_.inbox_egvp("default")));
  auto queued = rows("QUEUED");
  ASSERT_EQ(queued.size(), 2u);
  std::sort(queued.begin(), queued.end(), [](const auto& a, const auto& b) { return a.source_file < b.source_file; });
  const json& judgment = queued[1].record;
  EXPECT_EQ(queued[1].source_file, "nachricht-1.zip/urteil.pdf");
  EXPECT_EQ(judgment["source"]["file"], "urteil.pdf");
  EXPECT_EQ(judgment["source"]["channel"], "egvp");
  EXPECT_EQ(judgment["original"]["media_type"], "application/pdf");
  EXPECT_EQ(*blobs_->get(judgment["original"]["sha256"]), kPdf);
  const json& egvp = judgment["source"]["egvp"];
  EXPECT_EQ(egvp["court_id"], "D6248");
  EXPECT_EQ(egvp["court_name"], "Verwaltungsgericht Ansbach");
  EXPECT_EQ(egvp["court_file_number"], "AN 5 K 23.50123");
  EXPECT_EQ(egvp["case_number"], "8513179-224");
  EXPECT_EQ(egvp["doc_type_code"], "066");
  EXPECT_EQ(egvp["doc_type"], "Gerichtsentscheidung");
  EXPECT_EQ(egvp["document_date"], "2026-11-28");
  EXPECT_EQ(egvp["message_id"], "5f0c6a1e-6d3b-4a57-9c1e-0b8f4f2b7a10");
  EXPECT_EQ(egvp["package_sha256"], sha256_hex(zip));
  EXPECT_EQ(*blobs_->get(egvp["package_sha256"]), zip) << "the package as received";
  const json& scan = queued[0].record;
  EXPECT_EQ(scan["original"]["media_type"], "image/png");
  EXPECT_EQ(scan["source"]["egvp"]["doc_type"], "Sonstiges") << "213 Urkunde maps to no ZPE type";
  EXPECT_EQ(scan["source"]["egvp"]["scan_date"], "2026-11-29");
}

TEST_F(EgvpIntakeTest, EgvpIntake_TakesAFolderAndKeepsItZipped) {
  drop_folder("nachricht-2", {{kXJustizMessageFile, xjustiz_message(judgment_and_scan())},
                              {"urteil.pdf", kPdf}, {"anlage.png", kPng}});
  drop_folder("nachricht-3.part", {{"urteil.pdf", kPdf}});  // still being written: left alone
  EXPECT_EQ(intake_->scan_once(now_ms()), 1);
  const auto queued = rows("QUEUED");
  ASSERT_EQ(queued.size(), 2u);
  const json& egvp = queued[0].record["source"]["egvp"];
  EXPECT_EQ(egvp["package_file"], "nachricht-2.zip");
  auto package = blobs_->get(egvp["package_sha256"]);
  ASSERT_TRUE(package);
  auto unzipped = read_zip_package("nachricht-2.zip", *package, {});
  ASSERT_TRUE(unzipped) << unzipped.error().message;
  EXPECT_EQ(unzipped->files.at("urteil.pdf"), kPdf);
  EXPECT_TRUE(fs::exists(home_.inbox_egvp("default") / "nachricht-3.part"));
  EXPECT_EQ(EgvpIntake::count_waiting(home_, {"default"}), 0);
}

TEST_F(EgvpIntakeTest, EgvpIntake_APackageLeftInTheInboxAfterACrashIsNotFiledTwice) {
  const std::string zip = zip_of({{kXJustizMessageFile, xjustiz_message(judgment_and_scan()), false},
                                  {"urteil.pdf", kPdf, false}, {"anlage.png", kPng, false}});
  const fs::path path = drop_zip("nachricht-4.zip", zip);
  auto first = intake_->ingest(path, "default", "test");
  ASSERT_TRUE(first);
  drop_zip("nachricht-4.zip", zip);  // as if the crash came before the package was removed
  auto second = intake_->ingest(path, "default", "test");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->document_ids, first->document_ids);
  EXPECT_EQ(rows("QUEUED").size(), 2u);
}

TEST_F(EgvpIntakeTest, EgvpIntake_QuarantinesAnEmptyFolderInsteadOfWaitingForItForever) {
  fs::create_directories(home_.inbox_egvp("default") / "empty");
  EXPECT_EQ(intake_->scan_once(now_ms()), 1);
  EXPECT_NE(quarantined_reason().find("the folder is empty"), std::string::npos);
  EXPECT_EQ(EgvpIntake::count_waiting(home_, {"default"}), 0);
}

TEST_F(EgvpIntakeTest, EgvpIntake_QuarantinesAPackageWhoseAttachmentIsMissing) {
  drop_zip("missing.zip", zip_of({{kXJustizMessageFile, xjustiz_message(judgment_and_scan()), false},
                                  {"urteil.pdf", kPdf, false}}));
  EXPECT_EQ(intake_->scan_once(now_ms()), 1);
  EXPECT_NE(quarantined_reason().find("'anlage.png', which is missing from the package"), std::string::npos);
  EXPECT_TRUE(rows("QUEUED").empty()) << "nothing of a refused package enters the pipeline";
}

TEST_F(EgvpIntakeTest, EgvpIntake_QuarantinesFilesTheMessageDoesNotName) {
  drop_folder("extra", {{kXJustizMessageFile, xjustiz_message(judgment_and_scan())},
                        {"urteil.pdf", kPdf}, {"anlage.png", kPng}, {"run-me.sh", "#!/bin/sh\n"}});
  EXPECT_EQ(intake_->scan_once(now_ms()), 1);
  EXPECT_NE(quarantined_reason().find("'run-me.sh', which xjustiz_nachricht.xml does not name"), std::string::npos);
}

TEST_F(EgvpIntakeTest, EgvpIntake_QuarantinesEntityExpansionWithTheParsersReason) {
  std::string xml = xjustiz_message(judgment_and_scan());
  xml.insert(xml.find('\n') + 1, "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>\n");
  drop_zip("laughs.zip", zip_of({{kXJustizMessageFile, xml, false}, {"urteil.pdf", kPdf, false}, {"anlage.png", kPng, false}}));
  EXPECT_EQ(intake_->scan_once(now_ms()), 1);
  EXPECT_NE(quarantined_reason().find("DOCTYPE declaration"), std::string::npos);
}

TEST_F(EgvpIntakeTest, EgvpIntake_QuarantinesADocumentWithoutAReadableFile) {
  drop_zip("word.zip", zip_of({{kXJustizMessageFile, xjustiz_message(judgment_and_scan()), false},
                               {"urteil.pdf", "PK\x03\x04 a word file", false}, {"anlage.png", kPng, false}}));
  EXPECT_EQ(intake_->scan_once(now_ms()), 1);
  EXPECT_NE(quarantined_reason().find("document 1 has no PDF, TIFF, PNG or JPEG"), std::string::npos);
}

// The intake loop (pipeline/intake_loop.h) watches the court mailbox too. The stable-size
// wait and the scan interval are ten minutes: only the rename's inotify event can explain
// a package taken within the test.
TEST(EgvpIntakeLoopTest, EgvpIntake_TakesAPackageFolderRenamedIntoTheInboxAtOnce) {
  testing::IntakeHome store("[intake]\nstable_ms = 600000\nscan_interval_ms = 600000\n");
  auto lists = load_xjustiz_code_lists(fs::path(ZPE_SOURCE_DIR) / "data" / "xjustiz");
  ASSERT_TRUE(lists) << lists.error().message;
  EgvpIntake intake(*store.config, store.home, *store.jobs, *store.blobs, std::move(*lists), PackageLimits{});
  IntakeLoop loop(std::vector<WatchedInbox*>{&intake}, store.config->intake_scan_interval_ms());
  ASSERT_TRUE(loop.watching()) << "inotify is unavailable on this machine (fs.inotify.max_user_instances?)";
  EXPECT_EQ(loop.run_once(0), 0);  // watches the inbox

  const fs::path part = store.home.inbox_egvp("default") / "nachricht-4.part";
  fs::create_directories(part);
  for (const auto& [file, bytes] : std::map<std::string, std::string>{
           {kXJustizMessageFile, xjustiz_message(judgment_and_scan())}, {"urteil.pdf", kPdf}, {"anlage.png", kPng}}) {
    std::ofstream(part / file, std::ios::binary) << bytes;
  }
  EXPECT_EQ(loop.run_once(200), 0);
  fs::rename(part, store.home.inbox_egvp("default") / "nachricht-4");
  EXPECT_EQ(loop.run_once(30000), 1);  // the round the rename woke
  auto queued = store.jobs->list(std::string("QUEUED"), 10);
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->size(), 2u);
  EXPECT_TRUE(fs::is_empty(store.home.inbox_egvp("default")));
}

}  // namespace
}  // namespace zpe
