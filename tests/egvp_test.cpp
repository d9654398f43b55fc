// End-to-end tests of the court mailbox, outbound: scanned letters filed into a case become a
// message package for a court (`zpe egvp send`) whose XJustiz message validates against the
// subset schema and whose PDFs are the signed ones; a receipt marks it delivered, a missing
// one makes it overdue in `zpe status`; a court not in GDS.Gerichte is refused at start-up.
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "connectors/testing_xmllint.h"
#include "pipeline/blob_store.h"
#include "tests/harness.h"

namespace zpe::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kLetters = fs::path(ZPE_SOURCE_DIR) / "samples" / "letters";
constexpr const char* kCase = "8513179-224";

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

nlohmann::json json_after(const std::string& out, char open) {
  const auto start = out.find(open);
  return start == std::string::npos ? nlohmann::json() : nlohmann::json::parse(out.substr(start), nullptr, false);
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(EgvpTest, Egvp_FiledCaseGoesToCourtAsValidXJustizWithTheSignedPdfs_ReceiptOrOverdue) {
  TestHome home("[egvp]\nreceipt_timeout_ms = 3000\nsender_id = \"safe-1600000000000-000000042\"\n");
  home.drop(kLetters / "letter-0003.tif");  // Vollmacht, case 8513179-224
  home.drop(kLetters / "letter-0004.tif");  // Ladung, the same case
  std::string out;
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "300"}, &out), 0) << out;
  const auto filed = home.list_json("FILED");
  ASSERT_EQ(filed.size(), 2u) << home.list_json().dump(2);
  std::map<std::string, std::string> signed_sha;  // document id -> record.pdf.sha256
  for (const auto& doc : filed) {
    ASSERT_EQ(home.run({"show", "--json", doc["document_id"]}, &out, 60), 0) << out;
    const auto shown = json_after(out, '{');
    ASSERT_TRUE(shown["record"]["pdf"].contains("signature")) << shown["record"]["pdf"].dump();
    signed_sha[doc["document_id"]] = shown["record"]["pdf"]["sha256"];
  }

  ASSERT_EQ(home.run({"egvp", "send", "--court", "F6084", "--case", kCase, "--court-file-number", "VG 31 K 1234/26 A"}, &out, 60), 0)
      << out;
  ASSERT_EQ(home.run({"egvp", "list", "--json"}, &out, 60), 0) << out;
  auto packages = json_after(out, '[');
  ASSERT_EQ(packages.size(), 1u) << out;
  const auto package = packages[0];
  EXPECT_EQ(package["state"], "waiting");
  EXPECT_EQ(package["case_number"], kCase);
  const fs::path folder = package["folder"].get<std::string>();
  EXPECT_EQ(folder.parent_path(), home.root() / "outbox" / "egvp" / "F6084");

  // The message validates and says what the standard wants said.
  const auto verdict = validate_file_with_xmllint(folder / "xjustiz_nachricht.xml");
  EXPECT_TRUE(verdict.valid) << verdict.output;
  const std::string xml = file_bytes(folder / "xjustiz_nachricht.xml");
  EXPECT_NE(xml.find("xmlns:tns=\"http://www.xjustiz.de\""), std::string::npos);
  EXPECT_NE(xml.find("<tns:nachricht.gds.uebermittlungSchriftgutobjekte.0005005"), std::string::npos);
  EXPECT_NE(xml.find("<tns:gericht listVersionID=\"3.7\">"), std::string::npos);
  EXPECT_NE(xml.find("<code>F6084</code>"), std::string::npos);
  EXPECT_NE(xml.find("<tns:aktenzeichen.freitext>VG 31 K 1234/26 A</tns:aktenzeichen.freitext>"), std::string::npos);
  EXPECT_NE(xml.find("<tns:aktenzeichen>8513179-224</tns:aktenzeichen>"), std::string::npos);
  EXPECT_NE(xml.find("<tns:routingInformationAusSafeverzeichnis>safe-1600000000000-000000042<"), std::string::npos);
  EXPECT_NE(xml.find("<code>214</code>"), std::string::npos) << "Vollmacht";
  EXPECT_NE(xml.find("<code>198</code>"), std::string::npos) << "Ladung";
  EXPECT_EQ(count(xml, "<tns:dokument>"), 2u);
  EXPECT_EQ(count(xml, "<tns:ersetzenderScan>true</tns:ersetzenderScan>"), 2u) << "both are scans";

  // The PDFs are the signed ones (the blobs record.pdf names), byte for byte, and verify.
  BlobStore blobs(home.root() / "var" / "blobs");
  std::set<std::string> expected, found;
  for (const auto& [id, sha] : signed_sha) expected.insert(sha);
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.path().extension() != ".pdf") continue;
    const std::string bytes = file_bytes(e.path());
    const std::string sha = sha256_hex(bytes);
    found.insert(sha);
    ASSERT_TRUE(expected.count(sha)) << e.path() << " is not a signed PDF of the case";
    EXPECT_EQ(bytes, *blobs.get(sha)) << e.path();
    EXPECT_NE(xml.find("<tns:dateiname>" + e.path().filename().string() + "</tns:dateiname>"), std::string::npos);
    EXPECT_EQ(home.run({"verify", e.path().string()}, &out, 60), 0) << out;
  }
  EXPECT_EQ(found, expected);

  // A receipt marks it delivered.
  const std::string package_id = package["package_id"];
  std::ofstream(folder.parent_path() / (package_id + ".receipt.json"))
      << nlohmann::json{{"package_id", package_id}, {"status", "delivered"}, {"at", "2026-12-02T14:03:11Z"}}.dump();
  ASSERT_EQ(home.run({"egvp", "receipts"}, &out, 60), 0) << out;
  EXPECT_NE(out.find("1 delivered"), std::string::npos) << out;
  ASSERT_EQ(home.run({"egvp", "list", "--json"}, &out, 60), 0) << out;
  EXPECT_EQ(json_after(out, '[')[0]["state"], "delivered") << out;

  // A second package gets no receipt: past receipt_timeout_ms `zpe status` lists it as overdue.
  const std::string one = filed[0]["document_id"];
  const auto before_send = std::chrono::steady_clock::now();
  ASSERT_EQ(home.run({"egvp", "send", "--court", "F6084", one}, &out, 60), 0) << out;
  ASSERT_EQ(home.run({"egvp", "list", "--json"}, &out, 60), 0) << out;
  const std::string late = json_after(out, '[')[0]["package_id"];
  ASSERT_NE(late, package_id);
  ASSERT_EQ(home.run({"status"}, &out, 60), 0) << out;
  // Not yet overdue, when the three commands took less than the timeout (they do in the
  // normal build; under the sanitizers they may take longer).
  if (std::chrono::steady_clock::now() - before_send < std::chrono::milliseconds(2500)) {
    EXPECT_EQ(out.find("overdue: " + late), std::string::npos) << "not yet: " << out;
  }
  std::this_thread::sleep_until(before_send + std::chrono::milliseconds(3500));
  ASSERT_EQ(home.run({"status"}, &out, 60), 0) << out;
  EXPECT_NE(out.find("overdue: " + late), std::string::npos) << out;
  EXPECT_EQ(out.find("overdue: " + package_id), std::string::npos) << "the delivered one is not overdue: " << out;
  ASSERT_EQ(home.run({"status", "--json"}, &out, 60), 0) << out;
  const auto status = json_after(out, '{');
  ASSERT_EQ(status["egvp"]["overdue"].size(), 1u) << out;
  EXPECT_EQ(status["egvp"]["overdue"][0]["package_id"], late);

  // Refused: a court outside the tenant's directory, a document of no case in this tenant.
  EXPECT_EQ(home.run({"egvp", "send", "--court", "D6262", "--case", kCase}, &out, 60), 2) << out;
  EXPECT_NE(out.find("court D6262 is not in tenant default's court directory"), std::string::npos) << out;
  EXPECT_EQ(home.run({"egvp", "send", "--court", "F6084", "--case", kCase, "--tenant", "nobody"}, &out, 60), 2) << out;
  EXPECT_EQ(home.run({"egvp", "send", "--court", "F6084", "--case", "1111111-111"}, &out, 60), 4) << out;
}

TEST(EgvpTest, Egvp_CourtNotInGdsGerichteIsRefusedAtStartUp) {
  TestHome home("[[tenants.default.courts]]\nid = \"X9999\"\nname = \"Verwaltungsgericht Atlantis\"\n");
  std::string out;
  EXPECT_EQ(home.run({"run", "--until-idle", "--max-seconds", "30"}, &out, 60), 2) << out;
  EXPECT_NE(out.find("[[tenants.default.courts]] id = \"X9999\" is not a court in GDS.Gerichte 3.7"), std::string::npos)
      << out;
  EXPECT_EQ(home.run({"egvp", "list"}, &out, 60), 2) << out;
  EXPECT_NE(out.find("X9999"), std::string::npos) << out;
}

}  // namespace
}  // namespace zpe::testing
