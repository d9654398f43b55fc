#include "connectors/xjustiz_message.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "connectors/testing_xmllint.h"

namespace zpe {
namespace {

const std::filesystem::path kCodeLists = std::filesystem::path(ZPE_SOURCE_DIR) / "data" / "xjustiz";

class XJustizMessageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lists = load_xjustiz_code_lists(kCodeLists);
    ASSERT_TRUE(lists) << lists.error().message;
    lists_ = std::move(*lists);
  }

  XJustizMessage message() const {
    XJustizMessage m;
    m.message_id = random_uuid();
    m.created_at = "2026-12-02T19:40:05Z";
    m.sender_name = "Bundesamt für Migration und Flüchtlinge";
    m.sender_safe_id = "safe-1600000000000-000123456";
    m.case_number = "8513179-224";
    m.court_id = "F6084";
    m.court_file_number = "VG 31 K 123/24 A";
    m.product_version = "0.1.0";
    const std::string scanned = uuid_for_name("D20261202-aaaaaa");
    const std::string born_digital = uuid_for_name("D20261202-bbbbbb");
    m.documents.push_back({scanned, xjustiz_file_name("Ladung", scanned), "Ladung", *lists_.describe("Ladung"),
                           "2024-11-26", "2026-12-02", std::string("2026-12-01"), true});
    m.documents.push_back({born_digital, xjustiz_file_name("Asylantrag", born_digital), "Asylantrag",
                           *lists_.describe("Asylantrag"), "", "2026-12-02", std::nullopt, true});
    return m;
  }

  XJustizCodeLists lists_;
};

// Namespace-aware look-ups: pugixml keeps prefixes, so match on the local name and check the
// namespace the prefix is bound to where it matters.
std::string local_name(const pugi::xml_node& node) {
  const std::string name = node.name();
  const auto colon = name.find(':');
  return colon == std::string::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& node, const std::string& name) {
  for (pugi::xml_node c : node.children()) {
    if (local_name(c) == name) return c;
  }
  return {};
}

pugi::xml_node path(pugi::xml_node node, std::initializer_list<const char*> names) {
  for (const char* name : names) node = child(node, name);
  return node;
}

TEST_F(XJustizMessageTest, CodeLists_CarryNameVersionAndTheAdministrativeCourts) {
  EXPECT_EQ(lists_.gerichte.urn, "urn:xoev-de:xjustiz:codeliste:gds.gerichte");
  EXPECT_EQ(lists_.gerichte.version, "3.7");
  EXPECT_EQ(lists_.gerichte.value("F6084"), "Verwaltungsgericht Berlin");
  EXPECT_EQ(lists_.gerichte.value("U8572"), "Bundesverwaltungsgericht");
  EXPECT_EQ(lists_.gerichte.value("K6046"), "aufgelöst-Verwaltungsgericht Hamburg") << "the published list, dissolved courts marked";
  EXPECT_EQ(lists_.zpe_doc_type("066"), "Gerichtsentscheidung") << "inbound: Endurteil";
  EXPECT_EQ(lists_.zpe_doc_type("000"), "Sonstiges");
  EXPECT_EQ(lists_.dokumenttyp.version, "4.0");
  EXPECT_EQ(lists_.dokumentklasse.version, "1.4");
  for (const char* type : {"Asylantrag", "Ladung", "Gerichtsentscheidung", "Schriftsatz", "Vollmacht",
                           "Personenstandsurkunde", "Sonstiges"}) {
    EXPECT_TRUE(lists_.doc_types.count(type)) << type;
  }
  EXPECT_EQ(lists_.describe("Ladung")->dokumenttyp, "198");
  EXPECT_EQ(lists_.dokumenttyp.value("198"), "Ladung");
  EXPECT_EQ(lists_.describe("Personenstandsurkunde")->dokumenttyp, "081");
  EXPECT_EQ(lists_.describe("Unbekannt")->dokumentklasse, lists_.describe("Sonstiges")->dokumentklasse);
}

TEST_F(XJustizMessageTest, CodeLists_MissingDirectoryIsAnErrorNamingTheFile) {
  auto lists = load_xjustiz_code_lists("/nonexistent/xjustiz");
  ASSERT_FALSE(lists);
  EXPECT_NE(lists.error().message.find("GDS.Gerichte.json"), std::string::npos) << lists.error().message;
}

TEST_F(XJustizMessageTest, Message_ValidatesAgainstTheSubsetSchema) {
  auto xml = build_xjustiz_message(message(), lists_);
  ASSERT_TRUE(xml) << xml.error().message;
  const auto verdict = testing::validate_xml_with_xmllint(*xml);
  EXPECT_TRUE(verdict.valid) << verdict.output << "\n" << *xml;
}

TEST_F(XJustizMessageTest, Message_CarriesHeaderBasicDataAndDocumentsInTheXJustizNamespace) {
  const XJustizMessage m = message();
  auto xml = build_xjustiz_message(m, lists_);
  ASSERT_TRUE(xml) << xml.error().message;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml->c_str()));
  const pugi::xml_node root = doc.document_element();
  EXPECT_EQ(local_name(root), "nachricht.gds.uebermittlungSchriftgutobjekte.0005005");
  EXPECT_STREQ(root.attribute("xmlns:tns").value(), "http://www.xjustiz.de");
  const pugi::xml_node head = child(root, "nachrichtenkopf");
  EXPECT_STREQ(head.attribute("xjustizVersion").value(), "3.6.2");
  EXPECT_EQ(std::string(child(head, "erstellungszeitpunkt").text().get()), m.created_at);
  EXPECT_EQ(std::string(path(head, {"absender", "eigeneNachrichtenID"}).text().get()), m.message_id);
  EXPECT_EQ(std::string(path(head, {"absender", "aktenzeichen"}).text().get()), "8513179-224");
  EXPECT_EQ(std::string(path(head, {"absender", "informationen", "auswahl_kommunikationspartner", "sonstige"}).text().get()),
            "Bundesamt für Migration und Flüchtlinge");
  const pugi::xml_node court = path(head, {"empfaenger", "informationen", "auswahl_kommunikationspartner", "gericht"});
  EXPECT_STREQ(court.attribute("listVersionID").value(), "3.7");
  EXPECT_STREQ(court.child("code").text().get(), "F6084") << "code is unqualified (no prefix)";
  EXPECT_EQ(std::string(path(head, {"empfaenger", "auswahl_aktenzeichen", "aktenzeichen.freitext"}).text().get()),
            "VG 31 K 123/24 A");

  const pugi::xml_node procedure = path(root, {"grunddaten", "verfahrensdaten"});
  std::vector<std::string> file_numbers;
  for (pugi::xml_node instance : procedure.children()) {
    file_numbers.push_back(path(instance, {"aktenzeichen", "auswahl_aktenzeichen", "aktenzeichen.freitext"}).text().get());
  }
  EXPECT_EQ(file_numbers, (std::vector<std::string>{"VG 31 K 123/24 A", "8513179-224"}));

  std::vector<pugi::xml_node> documents;
  for (pugi::xml_node d : child(root, "schriftgutobjekte").children()) documents.push_back(d);
  ASSERT_EQ(documents.size(), 2u);
  const pugi::xml_node scanned = child(documents[0], "xjustiz.fachspezifischeDaten");
  EXPECT_STREQ(child(scanned, "dokumententyp").attribute("listVersionID").value(), "4.0");
  EXPECT_STREQ(child(scanned, "dokumententyp").child("code").text().get(), "198");
  EXPECT_STREQ(child(scanned, "dokumentklasse").child("code").text().get(), "015");
  EXPECT_STREQ(path(scanned, {"scan", "scanDatum"}).text().get(), "2026-12-01");
  EXPECT_STREQ(path(scanned, {"scan", "ersetzenderScan"}).text().get(), "true");
  EXPECT_EQ(std::string(path(scanned, {"datei", "dateiname"}).text().get()), m.documents[0].file_name);
  EXPECT_STREQ(path(documents[0], {"identifikation", "nummerImUebergeordnetenContainer"}).text().get(), "1");
  EXPECT_STREQ(child(documents[0], "datumDesSchreibens").text().get(), "2024-11-26");
  const pugi::xml_node born_digital = child(documents[1], "xjustiz.fachspezifischeDaten");
  EXPECT_FALSE(child(born_digital, "scan")) << "a born-digital document carries no scan data";
  EXPECT_FALSE(child(born_digital, "dokumententyp")) << "GDS.Dokumenttyp has no asylum application";
  EXPECT_STREQ(child(born_digital, "dokumentklasse").child("code").text().get(), "003");
  EXPECT_FALSE(child(documents[1], "datumDesSchreibens"));
}

TEST_F(XJustizMessageTest, Message_WithoutCourtFileNumberSaysItIsUnknown) {
  XJustizMessage m = message();
  m.court_file_number.clear();
  auto xml = build_xjustiz_message(m, lists_);
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_NE(xml->find("<tns:aktenzeichen.unbekannt>true</tns:aktenzeichen.unbekannt>"), std::string::npos) << *xml;
  EXPECT_TRUE(testing::validate_xml_with_xmllint(*xml).valid);
}

TEST_F(XJustizMessageTest, Message_RefusesWhatACourtWouldRefuse) {
  const auto refused = [&](XJustizMessage m, const std::string& expected) {
    auto xml = build_xjustiz_message(m, lists_);
    ASSERT_FALSE(xml) << expected;
    EXPECT_EQ(xml.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(xml.error().message.find(expected), std::string::npos) << xml.error().message;
  };
  XJustizMessage m = message();
  m.court_id = "Z9999";
  refused(m, "court \"Z9999\" is not in GDS.Gerichte 3.7");
  m = message();
  m.documents[0].file_name = "../Ladung.pdf";
  refused(m, "file name breaks XJustiz's rule");
  m = message();
  m.documents[0].letter_date = "26.11.2024";
  refused(m, "letter date \"26.11.2024\"");
  m = message();
  m.documents[1].codes.dokumenttyp = "999";
  refused(m, "Dokumenttyp \"999\"");
  m = message();
  m.court_file_number = "VG 1\n K 2";
  refused(m, "court file number has control characters");
  m = message();
  m.documents.clear();
  refused(m, "lists no document");
}

TEST_F(XJustizMessageTest, Schema_RejectsAnElementOutOfPlace) {
  auto xml = build_xjustiz_message(message(), lists_);
  ASSERT_TRUE(xml);
  std::string broken = *xml;
  const std::string anchor = "<tns:anzeigename>";
  broken.insert(broken.find(anchor), "<tns:bemerkung>x</tns:bemerkung>");
  const auto verdict = testing::validate_xml_with_xmllint(broken);
  EXPECT_FALSE(verdict.valid) << "the schema check must be able to fail";
  EXPECT_NE(verdict.output.find("bemerkung"), std::string::npos) << verdict.output;
}

TEST(XJustizNames, FileNamesFollowTheXJustizRule) {
  const std::string uuid = uuid_for_name("x");
  EXPECT_EQ(xjustiz_file_name("Personenstandsurkunde", uuid), "Personenstandsurkunde_" + uuid + ".pdf");
  EXPECT_EQ(xjustiz_file_name("Bescheid über Asyl/..", uuid), "BescheidüberAsyl_" + uuid + ".pdf");
  EXPECT_EQ(xjustiz_file_name("../..", uuid), "Dokument_" + uuid + ".pdf");
  EXPECT_EQ(xjustiz_file_name(std::string(200, 'A'), uuid).size(), 90u);
}

TEST(XJustizNames, UuidsHaveTheStandardFormAndNameBasedOnesAreStable) {
  EXPECT_TRUE(is_uuid(random_uuid()));
  EXPECT_NE(random_uuid(), random_uuid());
  EXPECT_EQ(uuid_for_name("D1"), uuid_for_name("D1"));
  EXPECT_NE(uuid_for_name("D1"), uuid_for_name("D2"));
  EXPECT_TRUE(is_uuid(uuid_for_name("D1")));
  EXPECT_EQ(uuid_for_name("D1")[14], '8');
  EXPECT_FALSE(is_uuid("0B7C8F0E-3A2D-4F5E-9A1B-2C3D4E5F6A7B"));
}

}  // namespace
}  // namespace zpe
