// End-to-end tests of the court mailbox in: an XJustiz package from a court (a born-digital
// judgment and a scanned certificate) dropped into inbox-egvp/default/ is filed into the
// case the message names and archived with the package; hostile packages are quarantined,
// each with its reason, and nothing crashes or hangs.
#include <fstream>

#include <gtest/gtest.h>

#include "connectors/testing_xjustiz_packages.h"
#include "pipeline/blob_store.h"
#include "stages/testing_pdf_checks.h"
#include "tests/harness.h"

namespace zpe::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kCase = "8513179-224";  // in samples/case_registry.csv

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// A born-digital judgment: one A4 page of real text (no image), as a court's software writes it.
std::string judgment_pdf() {
  return text_pdf({"Verwaltungsgericht Ansbach", "Promenade 24-28, 91522 Ansbach", "", "Az.: AN 5 K 23.50123",
                   "Ihr Zeichen: 8513179-224", "", "Im Namen des Volkes", "Urteil", "", "In der Verwaltungsstreitsache",
                   "wegen Asylrecht", "hat die 5. Kammer des Verwaltungsgerichts Ansbach", "ohne muendliche Verhandlung",
                   "am 28. November 2026 fuer Recht erkannt:", "", "1. Die Klage wird abgewiesen.",
                   "2. Der Klaeger traegt die Kosten des Verfahrens."},
                  760, 18);
}

MessageSpec court_message() {
  MessageSpec spec;
  spec.case_number = kCase;
  spec.documents = {MessageDocument{"urteil.pdf", "066", "2026-11-28", "", "001"},
                    MessageDocument{"geburtsurkunde.tif", "081", "2024-09-10", "2026-11-29", "001"}};
  return spec;
}

// Writes a package the way an EGVP client should: under a .part name, then renamed.
void drop_package(const TestHome& home, const std::string& name, const std::string& zip) {
  const fs::path dir = home.root() / "inbox-egvp" / "default";
  fs::create_directories(dir);
  std::ofstream(dir / (name + ".part"), std::ios::binary) << zip;
  fs::rename(dir / (name + ".part"), dir / name);
}

// Package folder of each archived document, by document id.
std::map<std::string, fs::path> archived(const TestHome& home) {
  std::map<std::string, fs::path> found;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(home.root() / "archive", ec)) {
    if (e.is_regular_file() && e.path().filename() == "manifest-sha256.txt") {
      found[e.path().parent_path().filename().string()] = e.path().parent_path();
    }
  }
  return found;
}

TEST(EgvpInbound, EgvpInbound_CourtPackageIsFiledIntoItsCaseAndArchivedWithThePackage) {
  TestHome home;
  const fs::path scan = fs::path(ZPE_SOURCE_DIR) / "samples" / "letters" / "letter-0001.tif";
  const std::string pdf = judgment_pdf();
  const std::string zip = zip_of({{"xjustiz_nachricht.xml", xjustiz_message(court_message()), false},
                                  {"urteil.pdf", pdf, false}, {"geburtsurkunde.tif", file_bytes(scan), false}});
  drop_package(home, "egvp-nachricht-0001.zip", zip);
  // A court may name a case the registry does not know: the route stage checks it as for any letter.
  MessageSpec unknown_case;
  unknown_case.message_id = "0b3c9d2e-1f4a-4b5c-8d6e-7f8091a2b3c4";
  unknown_case.case_number = "1234567-891";
  unknown_case.documents = {MessageDocument{"ladung.pdf", "198", "2026-11-30", "", "001"}};
  const std::string summons = text_pdf({"Verwaltungsgericht Ansbach", "Ladung zur muendlichen Verhandlung",
                                        "Ihr Zeichen: 1234567-891", "Termin: 14. Januar 2027, 10:00 Uhr"});
  drop_package(home, "egvp-nachricht-0002.zip",
               zip_of({{"xjustiz_nachricht.xml", xjustiz_message(unknown_case), false}, {"ladung.pdf", summons, false}}));
  std::string out;
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "300"}, &out), 0) << out;

  const json filed = home.list_json("FILED");
  ASSERT_EQ(filed.size(), 2u) << home.list_json().dump(2) << home.log("cmd-1");
  EXPECT_TRUE(fs::is_empty(home.root() / "inbox-egvp" / "default"));
  const auto packages = archived(home);
  for (const json& row : filed) {
    const std::string id = row["document_id"];
    EXPECT_TRUE(fs::exists(home.root() / "casefiles" / "default" / kCase / (id + ".pdf"))) << id;
    ASSERT_TRUE(packages.count(id)) << "archived: " << id;
    const fs::path package = packages.at(id);
    EXPECT_EQ(file_bytes(package / "original" / "egvp-package" / "egvp-nachricht-0001.zip"), zip)
        << "the package as received is kept as the original";
    const json meta = read_json(package / "metadata.json");
    EXPECT_EQ(meta["case_number"], kCase);
    EXPECT_EQ(meta["source"]["channel"], "egvp");
    EXPECT_EQ(meta["source"]["egvp"]["court_name"], "Verwaltungsgericht Ansbach");
    EXPECT_EQ(meta["hashes"]["egvp_package"]["sha256"], sha256_hex(zip));
    if (meta["source"]["file"] == "urteil.pdf") {
      EXPECT_EQ(meta["ocr"]["text_source"], "born_digital") << "a born-digital PDF keeps its text without OCR";
      EXPECT_EQ(meta["doc_type"], "Gerichtsentscheidung");
      EXPECT_EQ(file_bytes(package / "original" / "urteil.pdf"), pdf);
    } else {
      EXPECT_EQ(meta["source"]["file"], "geburtsurkunde.tif");
      EXPECT_EQ(meta["ocr"]["text_source"], "ocr") << "a scanned attachment goes through OCR";
      EXPECT_EQ(meta["doc_type"], "Personenstandsurkunde");
    }
  }
  EXPECT_EQ(home.run({"archive", "verify", "--all"}, &out, 60), 0) << out;

  const json held = home.list_json("CLEARING");
  ASSERT_EQ(held.size(), 1u) << held.dump(2);
  EXPECT_EQ(held[0]["source_file"], "egvp-nachricht-0002.zip/ladung.pdf");
  EXPECT_NE(held[0]["reason"].get<std::string>().find("unknown case number 1234567-891"), std::string::npos)
      << held[0]["reason"];
}

TEST(EgvpInbound, EgvpInbound_HostilePackagesAreQuarantinedEachWithItsReason) {
  TestHome home;
  const std::string pdf = "%PDF-1.7\n%hostile test\n";
  MessageSpec one;
  one.documents = {MessageDocument{"urteil.pdf", "066", "", "", "001"}};
  const std::string xml = xjustiz_message(one);
  std::string laughs = xml;
  laughs.insert(laughs.find('\n') + 1,
                "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]>\n");
  const std::string good = zip_of({{"xjustiz_nachricht.xml", xml, false}, {"urteil.pdf", pdf, false}});
  MessageSpec other = one;
  other.root = "nachricht.straf.mitteilung.0500010";
  const std::map<std::string, std::pair<std::string, std::string>> hostile = {
      {"bomb.zip", {zip_of({{"xjustiz_nachricht.xml", xml, false}, {"urteil.pdf", std::string(30 << 20, '0'), false}}),
                    "zip bomb"}},
      {"traversal.zip", {zip_of({{"xjustiz_nachricht.xml", xml, false}, {"../../urteil.pdf", pdf, false}}),
                         "out of the package"}},
      {"absolute.zip", {zip_of({{"xjustiz_nachricht.xml", xml, false}, {"/tmp/urteil.pdf", pdf, false}}),
                        "absolute path"}},
      {"laughs.zip", {zip_of({{"xjustiz_nachricht.xml", laughs, false}, {"urteil.pdf", pdf, false}}), "DOCTYPE"}},
      {"missing.zip", {zip_of({{"xjustiz_nachricht.xml", xml, false}}), "missing from the package"}},
      {"not-xjustiz.zip", {zip_of({{"xjustiz_nachricht.xml", xjustiz_message(other), false}, {"urteil.pdf", pdf, false}}),
                           "not an XJustiz nachricht.gds.uebermittlungSchriftgutobjekte"}},
      {"truncated.zip", {good.substr(0, good.size() / 2), "truncated or damaged"}},
  };
  for (const auto& [name, package] : hostile) drop_package(home, name, package.first);
  std::string out;
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "120"}, &out), 0) << out;

  const json quarantined = home.list_json("QUARANTINED");
  EXPECT_EQ(quarantined.size(), hostile.size()) << quarantined.dump(2);
  EXPECT_EQ(home.list_json().size(), hostile.size()) << "nothing of a hostile package entered the pipeline";
  for (const json& row : quarantined) {
    const std::string name = row["source_file"];
    ASSERT_TRUE(hostile.count(name)) << name;
    const std::string reason = row["reason"];
    EXPECT_NE(reason.find(hostile.at(name).second), std::string::npos) << name << ": " << reason;
    const fs::path kept = home.root() / "quarantine" / "default" / (row["document_id"].get<std::string>() + "-" + name);
    EXPECT_EQ(file_bytes(kept), hostile.at(name).first) << name << " is kept exactly as received";
    EXPECT_NE(file_bytes(kept.string() + ".reason.txt").find(reason), std::string::npos);
  }
  EXPECT_TRUE(fs::is_empty(home.root() / "inbox-egvp" / "default"));
  EXPECT_FALSE(fs::exists("/tmp/urteil.pdf") && file_bytes("/tmp/urteil.pdf") == pdf) << "nothing was extracted";
}

}  // namespace
}  // namespace zpe::testing
