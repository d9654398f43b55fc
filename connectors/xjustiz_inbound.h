// Reading an XJustiz message that arrived through the court mailbox (EGVP): the file
// xjustiz_nachricht.xml of an inbound package (connectors/egvp_package.h), message type
// nachricht.gds.uebermittlungSchriftgutobjekte.0005005 in namespace http://www.xjustiz.de,
// XJustiz 3.4 or later. Called by connectors/egvp_intake.h; pure and thread-safe.
//
// Elements are found by the standard's local names (nachrichtenkopf, grunddaten,
// schriftgutobjekte/dokument, xjustiz.fachspezifischeDaten/datei/dateiname, ...); namespace
// prefixes are ignored below the root, whose namespace is checked. Only the fields ZPE uses
// are read (docs/EGVP.md, "Inbound"); the rest of the message stays in the package, which
// is kept whole as the original.
//
// Refused (kInvalidInput, with a reason an operator can read): text that is not
// well-formed XML; any DOCTYPE or ENTITY declaration (no entity is ever expanded, a
// "billion laughs" message is refused before parsing); a root that is not the message
// above or not in the XJustiz namespace; a version below 3.4; a message without
// eigeneNachrichtenID, without documents, or with a document that names no file; a file
// name that is not a plain base name (validate_package_name); one file named twice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/status.h"

namespace zpe {

inline constexpr const char* kXJustizNamespace = "http://www.xjustiz.de";
inline constexpr const char* kXJustizMessageFile = "xjustiz_nachricht.xml";
inline constexpr const char* kTransferMessageType = "nachricht.gds.uebermittlungSchriftgutobjekte.0005005";

// One file of a document (xjustiz.fachspezifischeDaten/datei).
struct InboundFile {
  std::string name;       // dateiname, a validated base name
  std::string part_code;  // bestandteil (GDS.Bestandteiltyp): 001 Original, 002 Repräsentat, ...
};

// One document (schriftgutobjekte/dokument, also inside an akte).
struct InboundDocument {
  std::string id;             // identifikation/id
  std::string doc_type_code;  // dokumententyp/code (GDS.Dokumenttyp), "" when absent
  std::string display_name;   // anzeigename
  std::string document_date;  // datumDesSchreibens, else veraktungsdatum (YYYY-MM-DD), or ""
  std::string scan_date;      // scanDatum: the court scanned a paper document
  std::vector<InboundFile> files;
};

struct InboundMessage {
  std::string message_id;         // nachrichtenkopf/eigeneNachrichtenID
  std::string created_at;         // nachrichtenkopf/erstellungszeitpunkt
  std::string xjustiz_version;    // nachrichtenkopf/@xjustizVersion
  std::string court_id;           // auswahl_absender/absender.gericht/code (GDS.Gerichte), or ""
  std::string sender_name;        // auswahl_absender/absender.sonstige, or ""
  std::string court_file_number;  // the court's own file number, or ""
  // Every other file number the message carries (aktenzeichen.empfaenger, the file numbers
  // of instances that are not the sending court), in document order; the intake picks the
  // BAMF case number among them.
  std::vector<std::string> other_file_numbers;
  std::vector<InboundDocument> documents;
};

// A name from a package (zip entry, folder entry, dateiname) as one safe path component,
// or an error naming what is wrong: empty, too long (> 200 bytes), "." / "..", a leading
// dot, a slash or backslash (a path, "../" traversal or an absolute path), a drive colon,
// control characters, characters Windows refuses (*?"<>|), a trailing space or dot.
Status validate_package_name(std::string_view name);

Result<InboundMessage> parse_inbound_message(std::string_view xml);

}  // namespace zpe
