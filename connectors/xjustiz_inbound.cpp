#include "connectors/xjustiz_inbound.h"

#include <cstdio>
#include <set>

#include <pugixml.hpp>

namespace zpe {

namespace {

constexpr size_t kMaxNameBytes = 200;

std::string_view local_name(const char* qualified) {
  std::string_view name(qualified);
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The first child element with this local name (any prefix).
pugi::xml_node child(pugi::xml_node parent, std::string_view name) {
  for (pugi::xml_node node : parent.children()) {
    if (node.type() == pugi::node_element && local_name(node.name()) == name) return node;
  }
  return {};
}

std::vector<pugi::xml_node> children(pugi::xml_node parent, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node node : parent.children()) {
    if (node.type() == pugi::node_element && local_name(node.name()) == name) out.push_back(node);
  }
  return out;
}

// Follows a path of local names; an empty node when any step is missing.
pugi::xml_node path(pugi::xml_node from, std::initializer_list<std::string_view> steps) {
  for (std::string_view step : steps) {
    if (!from) return {};
    from = child(from, step);
  }
  return from;
}

std::string trimmed_text(pugi::xml_node node) {
  std::string text = node ? node.child_value() : "";
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// A code-list value (<x><code>...</code></x>) or plain text.
std::string code_of(pugi::xml_node node) {
  if (!node) return "";
  if (pugi::xml_node code = child(node, "code")) return trimmed_text(code);
  return trimmed_text(node);
}

// Type.GDS.Aktenzeichen as one string: the free text, or the structured parts as a court
// writes them ("5 K 1234/23").
std::string file_number(pugi::xml_node aktenzeichen) {
  pugi::xml_node choice = child(aktenzeichen, "auswahl_aktenzeichen");
  if (pugi::xml_node free = child(choice, "aktenzeichen.freitext")) return trimmed_text(free);
  pugi::xml_node parts = child(choice, "aktenzeichen.strukturiert");
  if (!parts) return "";
  std::string out;
  for (const char* part : {"abteilung", "register"}) {
    const std::string value = code_of(child(parts, part));
    if (!value.empty()) out += (out.empty() ? "" : " ") + value;
  }
  const std::string number = trimmed_text(child(parts, "laufendeNummer"));
  const std::string year = trimmed_text(child(parts, "jahr"));
  if (!number.empty()) out += (out.empty() ? "" : " ") + number + (year.empty() ? "" : "/" + year);
  return out;
}

// "3.4.1" -> {3, 4}; {0, 0} when it is not a version.
std::pair<int, int> major_minor(const std::string& version) {
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2) return {0, 0};
  return {major, minor};
}

void read_file_numbers(pugi::xml_node kopf, pugi::xml_node grunddaten, InboundMessage& message) {
  for (pugi::xml_node own : children(kopf, "aktenzeichen.absender")) {
    if (message.court_file_number.empty()) message.court_file_number = trimmed_text(own);
  }
  for (pugi::xml_node theirs : children(kopf, "aktenzeichen.empfaenger")) {
    if (const std::string n = trimmed_text(theirs); !n.empty()) message.other_file_numbers.push_back(n);
  }
  for (pugi::xml_node instance : children(child(grunddaten, "verfahrensdaten"), "instanzdaten")) {
    const std::string number = file_number(child(instance, "aktenzeichen"));
    if (number.empty()) continue;
    const bool is_court = static_cast<bool>(path(instance, {"auswahl_instanzbehoerde", "gericht"}));
    if (is_court && message.court_file_number.empty()) message.court_file_number = number;
    else if (number != message.court_file_number) message.other_file_numbers.push_back(number);
  }
}

Result<InboundDocument> read_document(pugi::xml_node dokument, size_t index, std::set<std::string>& names_seen) {
  InboundDocument doc;
  const std::string where = "document " + std::to_string(index + 1);
  doc.id = trimmed_text(path(dokument, {"identifikation", "id"}));
  pugi::xml_node data = child(dokument, "xjustiz.fachspezifischeDaten");
  doc.doc_type_code = code_of(child(data, "dokumententyp"));
  doc.display_name = trimmed_text(child(data, "anzeigename"));
  doc.document_date = trimmed_text(child(dokument, "datumDesSchreibens"));
  if (doc.document_date.empty()) doc.document_date = trimmed_text(child(data, "veraktungsdatum"));
  doc.scan_date = trimmed_text(child(data, "scanDatum"));
  for (pugi::xml_node datei : children(data, "datei")) {
    InboundFile file{trimmed_text(child(datei, "dateiname")), code_of(child(datei, "bestandteil"))};
    if (auto valid = validate_package_name(file.name); !valid) {
      return fail(ErrorKind::kInvalidInput, where + " names the file '" + file.name + "': " + valid.error().message);
    }
    if (!names_seen.insert(file.name).second) {
      return fail(ErrorKind::kInvalidInput, "the file '" + file.name + "' is named twice in the message");
    }
    doc.files.push_back(std::move(file));
  }
  if (doc.files.empty()) {
    return fail(ErrorKind::kInvalidInput, where + " (" + (doc.id.empty() ? "without id" : doc.id) +
                                              ") names no file (xjustiz.fachspezifischeDaten/datei/dateiname)");
  }
  return doc;
}

// Every dokument under schriftgutobjekte, also those inside an akte, in document order.
// Walked without recursion: a hostile message nests hundreds of thousands of elements in a
// few kilobytes of zip, and one stack frame per level crashed the intake.
void collect_documents(pugi::xml_node top, std::vector<pugi::xml_node>& out) {
  pugi::xml_node node = top.first_child();
  while (node) {
    const bool element = node.type() == pugi::node_element;
    const bool document = element && local_name(node.name()) == "dokument";
    if (document) out.push_back(node);
    if (element && !document && node.first_child()) {
      node = node.first_child();
      continue;
    }
    while (node != top && !node.next_sibling()) node = node.parent();
    if (node == top) break;
    node = node.next_sibling();
  }
}

}  // namespace

Status validate_package_name(std::string_view name) {
  if (name.empty()) return fail(ErrorKind::kInvalidInput, "the name is empty");
  if (name.size() > kMaxNameBytes) {
    return fail(ErrorKind::kInvalidInput, "the name has " + std::to_string(name.size()) + " bytes, more than " +
                                              std::to_string(kMaxNameBytes));
  }
  if (name.front() == '/' || name.front() == '\\') {
    return fail(ErrorKind::kInvalidInput, "an absolute path — a package holds plain file names only");
  }
  if (name == "." || name == ".." || name.starts_with("../") || name.starts_with("..\\") ||
      name.find("/../") != std::string_view::npos || name.ends_with("/..") || name.find("\\..") != std::string_view::npos) {
    return fail(ErrorKind::kInvalidInput, "a path leading out of the package (\"..\") — refused");
  }
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos) {
    return fail(ErrorKind::kInvalidInput, "a path with folders — a package holds plain file names only");
  }
  if (name.size() >= 2 && name[1] == ':') return fail(ErrorKind::kInvalidInput, "a drive letter path");
  if (name.front() == '.') return fail(ErrorKind::kInvalidInput, "a hidden name (leading dot)");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return fail(ErrorKind::kInvalidInput, "a control character in the name");
    if (std::string_view("*?\"<>|:").find(static_cast<char>(c)) != std::string_view::npos) {
      return fail(ErrorKind::kInvalidInput, std::string("the character '") + static_cast<char>(c) + "' in the name");
    }
  }
  if (name.back() == ' ' || name.back() == '.') return fail(ErrorKind::kInvalidInput, "a trailing space or dot");
  return {};
}

Result<InboundMessage> parse_inbound_message(std::string_view xml) {
  // pugixml expands no entities of its own, but a declaration has no business in a message:
  // refuse it before parsing so no parser ever sees one.
  for (const char* declaration : {"<!DOCTYPE", "<!ENTITY"}) {
    if (xml.find(declaration) != std::string_view::npos) {
      return fail(ErrorKind::kInvalidInput, std::string(kXJustizMessageFile) + " contains a " + (declaration + 2) +
                                                " declaration — XJustiz messages carry none (entity expansion refused)");
    }
  }
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return fail(ErrorKind::kInvalidInput, std::string(kXJustizMessageFile) + " is not well-formed XML (" +
                                              parsed.description() + " at byte " + std::to_string(parsed.offset) + ")");
  }
  pugi::xml_node root = document.document_element();
  const std::string_view root_name = local_name(root.name());
  if (root_name != kTransferMessageType) {
    return fail(ErrorKind::kInvalidInput, std::string(kXJustizMessageFile) + " is a '" + std::string(root_name) +
                                              "', not an XJustiz " + kTransferMessageType + " message");
  }
  const std::string qualified = root.name();
  const size_t colon = qualified.find(':');
  const std::string ns_attribute = colon == std::string::npos ? "xmlns" : "xmlns:" + qualified.substr(0, colon);
  const std::string ns = root.attribute(ns_attribute.c_str()).value();
  if (ns != kXJustizNamespace) {
    return fail(ErrorKind::kInvalidInput, std::string(kXJustizMessageFile) + ": the message is in namespace '" + ns +
                                              "', not " + kXJustizNamespace);
  }
  InboundMessage message;
  pugi::xml_node kopf = child(root, "nachrichtenkopf");
  if (!kopf) return fail(ErrorKind::kInvalidInput, std::string(kXJustizMessageFile) + " has no nachrichtenkopf");
  message.xjustiz_version = kopf.attribute("xjustizVersion").value();
  if (major_minor(message.xjustiz_version) < std::pair{3, 4}) {
    return fail(ErrorKind::kInvalidInput, std::string(kXJustizMessageFile) + ": XJustiz version '" +
                                              message.xjustiz_version + "' — ZPE reads 3.4 and later");
  }
  message.message_id = trimmed_text(child(kopf, "eigeneNachrichtenID"));
  if (message.message_id.empty()) {
    return fail(ErrorKind::kInvalidInput, std::string(kXJustizMessageFile) + " has no eigeneNachrichtenID");
  }
  message.created_at = trimmed_text(child(kopf, "erstellungszeitpunkt"));
  message.court_id = code_of(path(kopf, {"auswahl_absender", "absender.gericht"}));
  message.sender_name = trimmed_text(path(kopf, {"auswahl_absender", "absender.sonstige"}));
  read_file_numbers(kopf, child(root, "grunddaten"), message);

  std::vector<pugi::xml_node> dokumente;
  collect_documents(child(root, "schriftgutobjekte"), dokumente);
  if (dokumente.empty()) {
    return fail(ErrorKind::kInvalidInput, std::string(kXJustizMessageFile) + " lists no document (schriftgutobjekte/dokument)");
  }
  std::set<std::string> names_seen;
  for (size_t i = 0; i < dokumente.size(); ++i) {
    auto doc = read_document(dokumente[i], i, names_seen);
    if (!doc) return fail(ErrorKind::kInvalidInput, std::string(kXJustizMessageFile) + ": " + doc.error().message);
    message.documents.push_back(std::move(*doc));
  }
  return message;
}

}  // namespace zpe
