#include "connectors/xjustiz_message.h"

#include <regex>
#include <sstream>

#include <pugixml.hpp>

#include "pipeline/blob_store.h"
#include "pipeline/durable_file.h"

namespace zpe {

namespace {

constexpr size_t kMaxFileNameChars = 90;  // XJustiz: dateiname, extension included

// Characters of a UTF-8 string (continuation bytes not counted).
size_t utf8_length(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// The German letters beyond ASCII that XJustiz allows in a file name, as UTF-8.
bool is_allowed_umlaut(const std::string& text, size_t at) {
  if (at + 1 >= text.size() || static_cast<unsigned char>(text[at]) != 0xC3) return false;
  switch (static_cast<unsigned char>(text[at + 1])) {
    case 0x84: case 0x96: case 0x9C: case 0xA4: case 0xB6: case 0xBC: case 0x9F: return true;  // ÄÖÜäöüß
    default: return false;
  }
}

bool is_allowed_ascii(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_date(const std::string& text) {
  static const std::regex pattern("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])");
  return std::regex_match(text, pattern);
}

bool is_utc_date_time(const std::string& text) {
  static const std::regex pattern("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z");
  return std::regex_match(text, pattern);
}

bool is_text(const std::string& text) {
  if (text.find_first_not_of(" \t") == std::string::npos) return false;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

bool is_file_name(const std::string& name) {
  constexpr std::string_view kExtension = ".pdf";
  if (name.size() <= kExtension.size() || !name.ends_with(kExtension) || utf8_length(name) > kMaxFileNameChars) return false;
  const size_t stem = name.size() - kExtension.size();
  for (size_t i = 0; i < stem; ++i) {
    if (is_allowed_ascii(name[i])) continue;
    if (!is_allowed_umlaut(name, i)) return false;
    ++i;
  }
  return true;
}

// Collects the first problem; later checks are skipped once there is one.
struct Checker {
  std::string problem;
  void require(bool ok, const std::string& what) {
    if (problem.empty() && !ok) problem = what;
  }
};

Status check_message(const XJustizMessage& m, const XJustizCodeLists& lists) {
  Checker c;
  c.require(is_uuid(m.message_id), "message id \"" + m.message_id + "\" is not a UUID");
  c.require(is_utc_date_time(m.created_at), "creation time \"" + m.created_at + "\" is not YYYY-MM-DDThh:mm:ssZ");
  c.require(is_text(m.sender_name), "the sender's name is empty or has control characters ([egvp] sender_name)");
  c.require(m.sender_safe_id.empty() || is_text(m.sender_safe_id), "the sender's SAFE ID has control characters ([egvp] sender_id)");
  c.require(is_text(m.case_number), "the case number is empty or has control characters");
  c.require(lists.gerichte.value(m.court_id).has_value(),
            "court \"" + m.court_id + "\" is not in " + lists.gerichte.name + " " + lists.gerichte.version);
  c.require(m.court_file_number.empty() || is_text(m.court_file_number), "the court file number has control characters");
  c.require(is_text(m.product_version), "the product version is empty");
  c.require(!m.documents.empty(), "the message lists no document");
  for (size_t i = 0; i < m.documents.size() && c.problem.empty(); ++i) {
    const XJustizDocument& d = m.documents[i];
    const std::string where = "document " + std::to_string(i + 1) + " (" + d.file_name + "): ";
    c.require(is_uuid(d.id), where + "id \"" + d.id + "\" is not a UUID");
    c.require(is_file_name(d.file_name), where + "the file name breaks XJustiz's rule (at most 90 characters: letters, "
                                                 "digits, _ and -, then .pdf)");
    c.require(is_text(d.display_name), where + "the display name is empty");
    c.require(lists.dokumentklasse.value(d.codes.dokumentklasse).has_value(),
              where + "Dokumentklasse \"" + d.codes.dokumentklasse + "\" is not in " + lists.dokumentklasse.name);
    c.require(d.codes.dokumenttyp.empty() || lists.dokumenttyp.value(d.codes.dokumenttyp).has_value(),
              where + "Dokumenttyp \"" + d.codes.dokumenttyp + "\" is not in " + lists.dokumenttyp.name);
    c.require(d.letter_date.empty() || is_date(d.letter_date), where + "letter date \"" + d.letter_date + "\" is not YYYY-MM-DD");
    c.require(is_date(d.filed_date), where + "filing date \"" + d.filed_date + "\" is not YYYY-MM-DD");
    c.require(!d.scan_date || is_date(*d.scan_date), where + "scan date \"" + d.scan_date.value_or("") + "\" is not YYYY-MM-DD");
  }
  if (!c.problem.empty()) return fail(ErrorKind::kInvalidInput, "XJustiz message: " + c.problem);
  return {};
}

// A child element in the XJustiz namespace (prefix tns, declared on the root).
pugi::xml_node add(pugi::xml_node parent, const char* name) { return parent.append_child((std::string("tns:") + name).c_str()); }

pugi::xml_node add_text(pugi::xml_node parent, const char* name, const std::string& text) {
  pugi::xml_node node = add(parent, name);
  node.text().set(text.c_str());
  return node;
}

// An XÖV code: <tns:name listVersionID="v"><code>c</code></tns:name>. The code element is in
// no namespace (xoev-code:Code declares it unqualified), hence no prefix.
void add_code(pugi::xml_node parent, const char* name, const XJustizCodeList& list, const std::string& code) {
  pugi::xml_node node = add(parent, name);
  node.append_attribute("listVersionID").set_value(list.version.c_str());
  node.append_child("code").text().set(code.c_str());
}

void add_party(pugi::xml_node informationen, const XJustizCodeLists& lists, const std::string& court_id,
               const std::string& name, const std::string& safe_id, const char* instance) {
  pugi::xml_node choice = add(informationen, "auswahl_kommunikationspartner");
  if (!court_id.empty()) add_code(choice, "gericht", lists.gerichte, court_id);
  else add_text(choice, "sonstige", name);
  if (!safe_id.empty()) add_text(informationen, "routingInformationAusSafeverzeichnis", safe_id);
  add_text(add(informationen, "auswahl_verweisGrunddaten"), "ref.instanznummer", instance);
}

void add_instance(pugi::xml_node verfahrensdaten, const XJustizCodeLists& lists, const char* number,
                  const std::string& court_id, const std::string& name, const std::string& file_number) {
  pugi::xml_node instance = add(verfahrensdaten, "instanzdaten");
  add_text(instance, "instanznummer", number);
  pugi::xml_node authority = add(instance, "auswahl_instanzbehoerde");
  if (!court_id.empty()) add_code(authority, "gericht", lists.gerichte, court_id);
  else add_text(authority, "sonstige", name);
  if (!file_number.empty()) {
    add_text(add(add(instance, "aktenzeichen"), "auswahl_aktenzeichen"), "aktenzeichen.freitext", file_number);
  }
}

void add_document(pugi::xml_node container, const XJustizCodeLists& lists, const XJustizDocument& d, size_t position) {
  pugi::xml_node doc = add(container, "dokument");
  pugi::xml_node id = add(doc, "identifikation");
  add_text(id, "id", d.id);
  add_text(id, "nummerImUebergeordnetenContainer", std::to_string(position));
  if (!d.letter_date.empty()) add_text(doc, "datumDesSchreibens", d.letter_date);
  pugi::xml_node data = add(doc, "xjustiz.fachspezifischeDaten");
  add_code(data, "dokumentklasse", lists.dokumentklasse, d.codes.dokumentklasse);
  if (!d.codes.dokumenttyp.empty()) add_code(data, "dokumententyp", lists.dokumenttyp, d.codes.dokumenttyp);
  add_text(data, "anzeigename", d.display_name);
  add_text(data, "veraktungsdatum", d.filed_date);
  if (d.scan_date) {
    pugi::xml_node scan = add(data, "scan");
    add_text(scan, "scanDatum", *d.scan_date);
    add_text(scan, "ersetzenderScan", d.replacing_scan ? "true" : "false");
  }
  pugi::xml_node file = add(data, "datei");
  add_text(file, "dateiname", d.file_name);
  add_code(file, "bestandteil", lists.bestandteiltyp, "001");  // Original: the signed PDF itself
}

}  // namespace

Result<std::string> build_xjustiz_message(const XJustizMessage& m, const XJustizCodeLists& lists) {
  if (auto st = check_message(m, lists); !st) return fail(st.error());
  pugi::xml_document xml;
  pugi::xml_node declaration = xml.append_child(pugi::node_declaration);
  declaration.append_attribute("version").set_value("1.0");
  declaration.append_attribute("encoding").set_value("UTF-8");
  pugi::xml_node root = xml.append_child((std::string("tns:") + kXJustizMessageName).c_str());
  root.append_attribute("xmlns:tns").set_value(kXJustizNamespace);

  pugi::xml_node head = add(root, "nachrichtenkopf");
  head.append_attribute("xjustizVersion").set_value(kXJustizVersion);
  add_text(head, "erstellungszeitpunkt", m.created_at);
  pugi::xml_node sender = add(head, "absender");
  add_party(add(sender, "informationen"), lists, "", m.sender_name, m.sender_safe_id, "2");
  add_text(sender, "aktenzeichen", m.case_number);
  add_text(sender, "eigeneNachrichtenID", m.message_id);
  pugi::xml_node recipient = add(head, "empfaenger");
  add_party(add(recipient, "informationen"), lists, m.court_id, "", "", "1");
  pugi::xml_node file_number = add(recipient, "auswahl_aktenzeichen");
  if (m.court_file_number.empty()) add_text(file_number, "aktenzeichen.unbekannt", "true");
  else add_text(file_number, "aktenzeichen.freitext", m.court_file_number);
  pugi::xml_node product = add(head, "herstellerinformation");
  add_text(product, "nameDesProdukts", "ZPE");
  add_text(product, "herstellerDesProdukts", "ZPE project");
  add_text(product, "version", m.product_version);

  pugi::xml_node procedure = add(add(root, "grunddaten"), "verfahrensdaten");
  add_instance(procedure, lists, "1", m.court_id, "", m.court_file_number);
  add_instance(procedure, lists, "2", "", m.sender_name, m.case_number);

  pugi::xml_node objects = add(root, "schriftgutobjekte");
  for (size_t i = 0; i < m.documents.size(); ++i) add_document(objects, lists, m.documents[i], i + 1);

  std::ostringstream out;
  xml.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
  return out.str();
}

bool is_uuid(const std::string& text) {
  static const std::regex pattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  return std::regex_match(text, pattern);
}

namespace {

// Formats 32 hex digits as a UUID with the given version nibble and the RFC 9562 variant.
std::string format_uuid(std::string hex, char version) {
  static const char* digits = "0123456789abcdef";
  hex[12] = version;
  hex[16] = digits[8 + (std::stoi(hex.substr(16, 1), nullptr, 16) & 3)];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

}  // namespace

std::string uuid_for_name(const std::string& name) { return format_uuid(sha256_hex(name).substr(0, 32), '8'); }

std::string random_uuid() { return format_uuid(random_hex(16), '4'); }

std::string xjustiz_file_name(const std::string& stem, const std::string& uuid) {
  const size_t room = kMaxFileNameChars - 1 - utf8_length(uuid) - 4;
  std::string kept;
  size_t chars = 0;
  for (size_t i = 0; i < stem.size() && chars < room; ++i) {
    if (is_allowed_ascii(stem[i])) {
      kept += stem[i];
    } else if (is_allowed_umlaut(stem, i)) {
      kept += stem.substr(i, 2);
      ++i;
    } else {
      continue;
    }
    ++chars;
  }
  if (kept.empty()) kept = "Dokument";
  return kept + "_" + uuid + ".pdf";
}

}  // namespace zpe
