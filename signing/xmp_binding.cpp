#include "signing/xmp_binding.h"

namespace zpe::signing {

namespace {

constexpr std::string_view kOpen = "<zpe:TransferNoteSHA256>";
constexpr std::string_view kClose = "</zpe:TransferNoteSHA256>";

std::string property_description(const std::string& sha256_hex) {
  return std::string("<rdf:Description rdf:about=\"\" xmlns:zpe=\"") + kZpeXmpNamespace + "\">" +
         std::string(kOpen) + sha256_hex + std::string(kClose) + "</rdf:Description>\n";
}

// The pdfaExtension schema entry (one rdf:li) declaring zpe:TransferNoteSHA256.
std::string schema_entry() {
  return std::string(
             "<rdf:li rdf:parseType=\"Resource\">"
             "<pdfaSchema:schema>ZPE transfer note binding</pdfaSchema:schema>"
             "<pdfaSchema:namespaceURI>") +
         kZpeXmpNamespace +
         "</pdfaSchema:namespaceURI><pdfaSchema:prefix>zpe</pdfaSchema:prefix>"
         "<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">"
         "<pdfaProperty:name>TransferNoteSHA256</pdfaProperty:name>"
         "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
         "<pdfaProperty:category>external</pdfaProperty:category>"
         "<pdfaProperty:description>SHA-256 of the transfer note (Transfervermerk, TR-RESISCAN)"
         "</pdfaProperty:description></rdf:li></rdf:Seq></pdfaSchema:property></rdf:li>";
}

std::string schema_description() {
  return "<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" "
         "xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" "
         "xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">"
         "<pdfaExtension:schemas><rdf:Bag>" +
         schema_entry() + "</rdf:Bag></pdfaExtension:schemas></rdf:Description>\n";
}

std::string fresh_packet() {
  return "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
         "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
         "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
         "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
}

}  // namespace

std::string bind_transfer_note_hash(std::string_view existing_xmp, const std::string& sha256_hex) {
  std::string xmp(existing_xmp);
  if (const std::size_t at = xmp.find(kOpen); at != std::string::npos) {
    const std::size_t value = at + kOpen.size();
    const std::size_t end = xmp.find(kClose, value);
    if (end != std::string::npos) return xmp.replace(value, end - value, sha256_hex);
  }
  if (xmp.find("</rdf:RDF>") == std::string::npos) xmp = fresh_packet();
  std::string insert = property_description(sha256_hex);
  const std::size_t schemas = xmp.find("<pdfaExtension:schemas>");
  const std::size_t bag = schemas == std::string::npos ? std::string::npos : xmp.find("<rdf:Bag>", schemas);
  if (bag != std::string::npos) {
    xmp.insert(bag + std::string_view("<rdf:Bag>").size(), schema_entry());
  } else {
    insert += schema_description();
  }
  xmp.insert(xmp.rfind("</rdf:RDF>"), insert);
  return xmp;
}

std::optional<std::string> bound_transfer_note_hash(std::string_view xmp) {
  const std::size_t at = xmp.find(kOpen);
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t value = at + kOpen.size();
  const std::size_t end = xmp.find(kClose, value);
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(xmp.substr(value, end - value));
}

}  // namespace zpe::signing
