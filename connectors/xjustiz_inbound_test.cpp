#include "connectors/xjustiz_inbound.h"

#include <gtest/gtest.h>

#include "connectors/testing_xjustiz_packages.h"

namespace zpe {
namespace {

using testing::MessageDocument;
using testing::MessageSpec;
using testing::xjustiz_message;

MessageSpec two_documents() {
  MessageSpec spec;
  spec.documents = {MessageDocument{"urteil.pdf", "066", "2026-11-28", "", "001"},
                    MessageDocument{"anlage-scan.png", "213", "", "2026-11-29", "001"}};
  return spec;
}

std::string reason_of(const std::string& xml) {
  auto parsed = parse_inbound_message(xml);
  EXPECT_FALSE(parsed);
  return parsed ? "" : parsed.error().message;
}

TEST(XJustizInbound, XJustizInbound_ReadsHeaderBasicDataAndDocumentsByLocalName) {
  auto parsed = parse_inbound_message(xjustiz_message(two_documents()));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->message_id, "5f0c6a1e-6d3b-4a57-9c1e-0b8f4f2b7a10");
  EXPECT_EQ(parsed->xjustiz_version, "3.4.1");
  EXPECT_EQ(parsed->court_id, "D6248");
  EXPECT_EQ(parsed->court_file_number, "AN 5 K 23.50123");
  ASSERT_EQ(parsed->other_file_numbers.size(), 1u);
  EXPECT_EQ(parsed->other_file_numbers[0], "8513179-224");
  ASSERT_EQ(parsed->documents.size(), 2u);
  EXPECT_EQ(parsed->documents[0].doc_type_code, "066");
  EXPECT_EQ(parsed->documents[0].document_date, "2026-11-28");
  ASSERT_EQ(parsed->documents[0].files.size(), 1u);
  EXPECT_EQ(parsed->documents[0].files[0].name, "urteil.pdf");
  EXPECT_EQ(parsed->documents[0].files[0].part_code, "001");
  EXPECT_EQ(parsed->documents[1].scan_date, "2026-11-29");
}

TEST(XJustizInbound, XJustizInbound_ReadsStructuredFileNumbersAndDocumentsInsideAFile) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<nachricht.gds.uebermittlungSchriftgutobjekte.0005005 xmlns="http://www.xjustiz.de">
  <nachrichtenkopf xjustizVersion="3.5.1">
    <erstellungszeitpunkt>2026-11-30T10:15:00+01:00</erstellungszeitpunkt>
    <auswahl_absender><absender.gericht><code>D6262</code></absender.gericht></auswahl_absender>
    <auswahl_empfaenger><empfaenger.sonstige>BAMF</empfaenger.sonstige></auswahl_empfaenger>
    <eigeneNachrichtenID>a1</eigeneNachrichtenID>
  </nachrichtenkopf>
  <grunddaten><verfahrensdaten>
    <instanzdaten>
      <auswahl_instanzbehoerde><gericht><code>D6262</code></gericht></auswahl_instanzbehoerde>
      <aktenzeichen><auswahl_aktenzeichen><aktenzeichen.strukturiert>
        <abteilung>M 5</abteilung><register><code>K</code></register><laufendeNummer>31234</laufendeNummer><jahr>23</jahr>
      </aktenzeichen.strukturiert></auswahl_aktenzeichen></aktenzeichen>
    </instanzdaten>
    <instanzdaten>
      <auswahl_instanzbehoerde><sonstige>Bundesamt</sonstige></auswahl_instanzbehoerde>
      <aktenzeichen><auswahl_aktenzeichen><aktenzeichen.freitext>7196837-439</aktenzeichen.freitext></auswahl_aktenzeichen></aktenzeichen>
    </instanzdaten>
  </verfahrensdaten></grunddaten>
  <schriftgutobjekte><akte><akteninhalt><dokument>
    <identifikation><id>d1</id><nummerImUebergeordnetenContainer>1</nummerImUebergeordnetenContainer></identifikation>
    <xjustiz.fachspezifischeDaten>
      <dokumentklasse><code>001</code></dokumentklasse>
      <veraktungsdatum>2026-11-27</veraktungsdatum>
      <datei><dateiname>beschluss.pdf</dateiname><bestandteil><code>002</code></bestandteil></datei>
    </xjustiz.fachspezifischeDaten>
  </dokument></akteninhalt></akte></schriftgutobjekte>
</nachricht.gds.uebermittlungSchriftgutobjekte.0005005>
)";
  auto parsed = parse_inbound_message(xml);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->court_id, "D6262");
  EXPECT_EQ(parsed->court_file_number, "M 5 K 31234/23");
  ASSERT_EQ(parsed->other_file_numbers.size(), 1u);
  EXPECT_EQ(parsed->other_file_numbers[0], "7196837-439");
  ASSERT_EQ(parsed->documents.size(), 1u);
  EXPECT_EQ(parsed->documents[0].document_date, "2026-11-27") << "veraktungsdatum when there is no datumDesSchreibens";
  EXPECT_EQ(parsed->documents[0].files[0].part_code, "002");
}

TEST(XJustizInbound, XJustizInbound_RefusesDoctypeAndEntitiesBeforeParsing) {
  const std::string laughs =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
      " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n<lolz>&lol2;</lolz>\n";
  EXPECT_NE(reason_of(laughs).find("DOCTYPE declaration"), std::string::npos);
  std::string with_entity = xjustiz_message(two_documents());
  with_entity.insert(with_entity.find('\n') + 1, "<!ENTITY x \"y\">\n");
  EXPECT_NE(reason_of(with_entity).find("ENTITY declaration"), std::string::npos);
}

TEST(XJustizInbound, XJustizInbound_RefusesBrokenXmlOtherMessagesNamespacesAndOldVersions) {
  std::string broken = xjustiz_message(two_documents());
  broken.resize(broken.size() / 2);
  EXPECT_NE(reason_of(broken).find("not well-formed XML"), std::string::npos);
  MessageSpec other = two_documents();
  other.root = "nachricht.gds.basisnachricht.0005006";
  EXPECT_NE(reason_of(xjustiz_message(other)).find("not an XJustiz nachricht.gds.uebermittlungSchriftgutobjekte"),
            std::string::npos);
  MessageSpec foreign = two_documents();
  foreign.ns = "http://example.org/not-xjustiz";
  EXPECT_NE(reason_of(xjustiz_message(foreign)).find("namespace"), std::string::npos);
  MessageSpec old = two_documents();
  old.version = "3.2.1";
  EXPECT_NE(reason_of(xjustiz_message(old)).find("3.4 and later"), std::string::npos);
  MessageSpec empty = two_documents();
  empty.documents.clear();
  EXPECT_NE(reason_of(xjustiz_message(empty)).find("lists no document"), std::string::npos);
}

TEST(XJustizInbound, XJustizInbound_RefusesFileNamesThatArePaths) {
  for (const std::string name : {"../etc/passwd", "/etc/passwd", "sub/file.pdf", "..", ".hidden.pdf", "C:evil.pdf",
                                 "a\\b.pdf", "bad\x01name.pdf"}) {
    MessageSpec spec;
    spec.documents = {MessageDocument{name, "066", "", "", "001"}};
    EXPECT_NE(reason_of(xjustiz_message(spec)).find("names the file"), std::string::npos) << name;
  }
  MessageSpec twice;
  twice.documents = {MessageDocument{"a.pdf", "066", "", "", "001"}, MessageDocument{"a.pdf", "206", "", "", "001"}};
  EXPECT_NE(reason_of(xjustiz_message(twice)).find("named twice"), std::string::npos);
}

TEST(XJustizInbound, XJustizInbound_ValidatesNamesOneByOne) {
  EXPECT_TRUE(validate_package_name("Urteil vom 28.11.2026 (Abschrift).pdf"));
  EXPECT_TRUE(validate_package_name("Schriftsatz_Kläger.pdf"));
  EXPECT_NE(validate_package_name("../x").error().message.find(".."), std::string::npos);
  EXPECT_NE(validate_package_name("/abs").error().message.find("absolute"), std::string::npos);
  EXPECT_FALSE(validate_package_name(""));
  EXPECT_FALSE(validate_package_name(std::string(201, 'a')));
  EXPECT_FALSE(validate_package_name("trailing."));
}

}  // namespace
}  // namespace zpe
