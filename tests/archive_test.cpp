// End-to-end tests of the evidence trail: a filed sample letter becomes a write-once
// archival package; `zpe archive verify` and `zpe audit verify` find tampering and say where.
#include <sqlite3.h>

#include <fstream>

#include <gtest/gtest.h>

#include "pipeline/blob_store.h"
#include "tests/harness.h"

namespace zpe::testing {
namespace {

namespace fs = std::filesystem;

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The only package under <home>/archive/<yyyy>/<mm>/.
fs::path only_package(const TestHome& home) {
  std::vector<fs::path> found;
  for (const auto& e : fs::recursive_directory_iterator(home.root() / "archive")) {
    if (e.is_regular_file() && e.path().filename() == "manifest-sha256.txt") found.push_back(e.path().parent_path());
  }
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? fs::path() : found[0];
}

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    letter_ = sample_letters().front();  // letter-0001.tif: has a case number, is filed
    home_.drop(letter_);
    std::string out;
    ASSERT_EQ(home_.run({"run", "--until-idle", "--max-seconds", "300"}, &out), 0) << out;
    package_ = only_package(home_);
    ASSERT_FALSE(package_.empty());
  }

  int zpe(const std::vector<std::string>& args, std::string* out) { return home_.run(args, out, 60); }

  TestHome home_;
  fs::path letter_;
  fs::path package_;
};

TEST_F(ArchiveTest, Archive_FiledDocumentBecomesACompletePackage) {
  const auto docs = home_.list_json("FILED");
  ASSERT_EQ(docs.size(), 1u);
  const std::string id = docs[0]["document_id"];
  EXPECT_EQ(package_.filename(), id);
  for (const char* name : {"document.pdf", "metadata.json", "metadata.xml", "audit.jsonl", "text.txt", "alto.xml", "transfer-note.json"}) {
    EXPECT_TRUE(fs::exists(package_ / name)) << name;
  }
  EXPECT_EQ(file_bytes(package_ / "original" / letter_.filename()), file_bytes(letter_)) << "the original as received";
  const auto meta = read_json(package_ / "metadata.json");
  EXPECT_EQ(meta["schema"], "zpe.archive-package/1");
  EXPECT_EQ(meta["tenant"], "default");
  EXPECT_EQ(meta["case_number"], read_json(letter_.string() + ".truth.json")["case_number"]);
  EXPECT_EQ(meta["hashes"]["pdf"]["sha256"], sha256_hex(file_bytes(package_ / "document.pdf")));
  EXPECT_EQ(meta["hashes"]["original"]["sha256"], sha256_hex(file_bytes(letter_)));
  EXPECT_TRUE(meta["stage_versions"].contains("ocr")) << meta.dump(2);
  EXPECT_NE(file_bytes(package_ / "alto.xml").find("<String "), std::string::npos);
  std::string out;
  EXPECT_EQ(zpe({"archive", "verify", "--all"}, &out), 0) << out;
  EXPECT_EQ(zpe({"archive", "verify", id}, &out), 0) << out;
  EXPECT_EQ(zpe({"audit", "verify"}, &out), 0) << out;
  // Write-once: another run neither rewrites nor duplicates the package.
  const auto written = fs::last_write_time(package_ / "manifest-sha256.txt");
  ASSERT_EQ(zpe({"run", "--until-idle", "--max-seconds", "60"}, &out), 0) << out;
  EXPECT_EQ(fs::last_write_time(package_ / "manifest-sha256.txt"), written);
}

TEST_F(ArchiveTest, Archive_VerifyNamesEveryTamperedFile) {
  std::string pdf = file_bytes(package_ / "document.pdf");
  pdf[pdf.size() / 2] ^= 0x01;
  std::ofstream(package_ / "document.pdf", std::ios::binary) << pdf;
  fs::remove(package_ / "text.txt");
  std::ofstream(package_ / "extra.txt") << "slipped in\n";
  std::string out;
  EXPECT_EQ(zpe({"archive", "verify", "--all"}, &out), 1) << out;
  EXPECT_NE(out.find("file document.pdf was changed"), std::string::npos) << out;
  EXPECT_NE(out.find("missing file text.txt"), std::string::npos) << out;
  EXPECT_NE(out.find("file extra.txt is not in the manifest"), std::string::npos) << out;
  // Rewriting the manifest to match does not help: its hash is recorded in the job store.
  std::ofstream(package_ / "manifest-sha256.txt", std::ios::app) << std::string(64, '0') << "  extra.txt\n";
  EXPECT_EQ(zpe({"archive", "verify", "--all"}, &out), 1) << out;
  EXPECT_NE(out.find("manifest-sha256.txt was changed"), std::string::npos) << out;
}

TEST_F(ArchiveTest, Audit_VerifyNamesTheTamperedRecord) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((home_.root() / "var" / "jobs.sqlite").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE audit SET actor = 'someone else' WHERE action = 'filed'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT seq FROM audit WHERE action = 'filed'", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  const std::string seq = std::to_string(sqlite3_column_int64(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  std::string out;
  EXPECT_EQ(zpe({"audit", "verify"}, &out), 1) << out;
  EXPECT_NE(out.find("record " + seq + " ("), std::string::npos) << out;
  EXPECT_NE(out.find("modified"), std::string::npos) << out;
  // The package's copy of the trail exposes the same change.
  EXPECT_EQ(zpe({"archive", "verify", "--all"}, &out), 1) << out;
  EXPECT_NE(out.find("audit record " + seq + " differs"), std::string::npos) << out;
}

}  // namespace
}  // namespace zpe::testing
