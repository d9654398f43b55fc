#include "signing/xmp_binding.h"

#include <cstddef>

namespace zpe::signing {

namespace {

constexpr std::string_view kOpen = "<zpe:TransferNoteSHA256>";
constexpr std::string_view kClose = "</zpe:TransferNoteSHA256>";

std::string property_element(const std::string& sha256_hex) {
  return std::string(kOpen) + sha256_hex + std::string(kClose);
}

constexpr const char* kExtensionNamespaces =
    " xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\""
    " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\""
    " xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\"";

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

std::string schemas_element() { return "<pdfaExtension:schemas><rdf:Bag>" + schema_entry() + "</rdf:Bag></pdfaExtension:schemas>"; }

// Where new properties can join the packet's last rdf:Description (rdf:about="", not
// self-closing, no Description nested in it): the end of its start tag and its closing tag.
// Joining it instead of adding a Description of their own saves 49 bytes each.
struct Host {
  std::size_t start_tag_end = 0;  // its '>'
  std::size_t close = 0;          // "</rdf:Description>"
};
std::optional<Host> last_description(const std::string& xmp) {
  constexpr std::string_view kCloseTag = "</rdf:Description>";
  const std::size_t close = xmp.rfind(kCloseTag);
  if (close == std::string::npos) return std::nullopt;
  const std::size_t open = xmp.rfind("<rdf:Description", close);
  if (open == std::string::npos || xmp.find(kCloseTag, open) != close) return std::nullopt;
  const std::size_t tag_end = xmp.find('>', open);
  if (tag_end == std::string::npos || tag_end > close || xmp[tag_end - 1] == '/') return std::nullopt;
  if (std::string_view(xmp).substr(open, tag_end - open).find("rdf:about=\"\"") == std::string_view::npos) {
    return std::nullopt;
  }
  return Host{tag_end, close};
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
  std::string namespaces = std::string(" xmlns:zpe=\"") + kZpeXmpNamespace + "\"";
  std::string properties = property_element(sha256_hex);
  const std::size_t schemas = xmp.find("<pdfaExtension:schemas>");
  const std::size_t bag = schemas == std::string::npos ? std::string::npos : xmp.find("<rdf:Bag>", schemas);
  if (bag != std::string::npos) {
    xmp.insert(bag + std::string_view("<rdf:Bag>").size(), schema_entry());
  } else {
    namespaces += kExtensionNamespaces;
    properties += schemas_element();
  }
  // A prefix the packet already declares elsewhere might mean another namespace there.
  bool prefixes_free = xmp.find("xmlns:zpe=") == std::string::npos;
  for (const char* prefix : {"xmlns:pdfaExtension=", "xmlns:pdfaSchema=", "xmlns:pdfaProperty="}) {
    if (bag == std::string::npos && xmp.find(prefix) != std::string::npos) prefixes_free = false;
  }
  if (const auto host = last_description(xmp); host && prefixes_free) {
    xmp.insert(host->close, properties);
    xmp.insert(host->start_tag_end, namespaces);
    return xmp;
  }
  xmp.insert(xmp.rfind("</rdf:RDF>"), "<rdf:Description rdf:about=\"\"" + namespaces + ">" + properties +
                                         "</rdf:Description>\n");
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
