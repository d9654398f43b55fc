#include "signing/xmp_binding.h"

#include <gtest/gtest.h>

namespace zpe::signing {
namespace {

const std::string kHash(64, 'a');

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A packet as the searchable PDF writes it: one Description for all schemas.
const std::string kZpePacket =
    "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
    "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
    "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>\n"
    "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";

TEST(XmpBinding, JoinsThePacketsDescriptionWithPropertyAndSchema) {
  const std::string bound = bind_transfer_note_hash(kZpePacket, kHash);
  EXPECT_EQ(count(bound, "<rdf:Description"), 1u) << bound;
  EXPECT_EQ(count(bound, "</rdf:Description>"), 1u) << bound;
  EXPECT_NE(bound.find("<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" "
                       "xmlns:zpe=\"https://zpe.example/ns/transfer-note/1.0/\" xmlns:pdfaExtension="),
            std::string::npos)
      << bound;
  EXPECT_NE(bound.find("<pdfaid:conformance>B</pdfaid:conformance><zpe:TransferNoteSHA256>" + kHash +
                       "</zpe:TransferNoteSHA256><pdfaExtension:schemas><rdf:Bag><rdf:li"),
            std::string::npos)
      << bound;
  EXPECT_EQ(bound_transfer_note_hash(bound), kHash);
  // 1,029 bytes more; the property and the schema in Descriptions of their own took 98 more.
  EXPECT_LT(bound.size(), kZpePacket.size() + 1100) << bound.size() - kZpePacket.size();
  const std::string again = bind_transfer_note_hash(bound, std::string(64, 'b'));
  EXPECT_EQ(bound_transfer_note_hash(again), std::string(64, 'b'));
  EXPECT_EQ(again.size(), bound.size());
}

TEST(XmpBinding, KeepsItsOwnDescriptionWhereJoiningIsNotSafe) {
  // A prefix the packet already declares; a last Description with one nested in it; no packet.
  std::string declared = kZpePacket;
  declared.replace(declared.find("xmlns:pdfaid="), 0, "xmlns:pdfaSchema=\"urn:other\" ");
  std::string nested = kZpePacket;
  nested.replace(nested.find("</rdf:RDF>"), 0,
                 "<rdf:Description rdf:about=\"\" xmlns:a=\"urn:a\"><a:s><rdf:Description><a:x>1</a:x>"
                 "</rdf:Description></a:s></rdf:Description>\n");
  for (const std::string& xmp : {declared, nested, std::string()}) {
    const std::string bound = bind_transfer_note_hash(xmp, kHash);
    EXPECT_EQ(bound_transfer_note_hash(bound), kHash);
    EXPECT_NE(bound.find("<rdf:Description rdf:about=\"\" xmlns:zpe="), std::string::npos) << bound;
    if (!xmp.empty()) {
      EXPECT_EQ(bound.find(xmp.substr(0, xmp.find("</rdf:RDF>"))), 0u) << "the packet as it was";
    }
  }
}

TEST(XmpBinding, AddsTheSchemaToAnExistingExtensionBag) {
  std::string with_bag = kZpePacket;
  with_bag.replace(with_bag.find("</rdf:RDF>"), 0,
                   "<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" "
                   "xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" "
                   "xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\"><pdfaExtension:schemas><rdf:Bag>"
                   "</rdf:Bag></pdfaExtension:schemas></rdf:Description>\n");
  const std::string bound = bind_transfer_note_hash(with_bag, kHash);
  EXPECT_EQ(count(bound, "<pdfaExtension:schemas>"), 1u) << bound;
  EXPECT_EQ(count(bound, "<rdf:Description"), 2u) << bound;
  EXPECT_NE(bound.find("<rdf:Bag><rdf:li rdf:parseType=\"Resource\"><pdfaSchema:schema>ZPE"), std::string::npos) << bound;
  EXPECT_EQ(bound_transfer_note_hash(bound), kHash);
}

}  // namespace
}  // namespace zpe::signing
