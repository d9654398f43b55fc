// Builds the XJustiz message ZPE sends to a court: nachricht.gds.uebermittlungSchriftgutobjekte.0005005
// (XJustiz 3.6.2, namespace http://www.xjustiz.de) — the file xjustiz_nachricht.xml of an EGVP
// package (connectors/egvp_outbox.h). What goes where is written down in docs/EGVP.md; the
// subset of the schema it uses is data/xjustiz/zpe-xjustiz-subset.xsd, which tests validate
// every message against.
//
//   nachrichtenkopf  sender (the agency by name, its SAFE ID, its case number as its file
//                    reference), recipient (the court by its GDS.Gerichte code, the court's
//                    file number or "unknown"), own message id (UUID), creation time, product
//   grunddaten       instanzdaten 1: the court with its file number; 2: the agency with its
//                    case number (the header's sender and recipient refer to them)
//   schriftgutobjekte one dokument per PDF: id (UUID), position, letter date, Dokumentklasse,
//                    Dokumenttyp (GDS.Dokumenttyp), display name, filing date, for scanned
//                    documents scanDatum and ersetzenderScan, the file name
//
// build_xjustiz_message is a pure function of its input and the code lists: it checks what a
// court's system would refuse (a court or code not in the shipped lists, a malformed UUID,
// date or file name, empty required text, control characters) and returns kInvalidInput
// naming the field, so no invalid message is ever written. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "connectors/xjustiz_codelists.h"
#include "pipeline/status.h"

namespace zpe {

constexpr const char* kXJustizNamespace = "http://www.xjustiz.de";
constexpr const char* kXJustizVersion = "3.6.2";
constexpr const char* kXJustizMessageName = "nachricht.gds.uebermittlungSchriftgutobjekte.0005005";
constexpr const char* kXJustizMessageFile = "xjustiz_nachricht.xml";

struct XJustizDocument {
  std::string id;                  // UUID of the document (identifikation/id)
  std::string file_name;           // the PDF in the package: "<name>_<UUID>.pdf", at most 90 characters
  std::string display_name;        // anzeigename: ZPE's document type, e.g. "Ladung"
  XJustizDocType codes;            // Dokumentklasse and Dokumenttyp codes
  std::string letter_date;         // datumDesSchreibens, YYYY-MM-DD; "" when unknown
  std::string filed_date;          // veraktungsdatum: when it was filed into the case file, YYYY-MM-DD
  std::optional<std::string> scan_date;  // scanDatum for a scanned document, YYYY-MM-DD; nullopt: born digital
  bool replacing_scan = true;      // ersetzenderScan: the paper is (to be) destroyed after scanning
};

struct XJustizMessage {
  std::string message_id;          // eigeneNachrichtenID, a UUID
  std::string created_at;          // erstellungszeitpunkt, xs:dateTime (UTC: "2026-12-02T19:40:00Z")
  std::string sender_name;         // the agency, e.g. "Bundesamt für Migration und Flüchtlinge"
  std::string sender_safe_id;      // the agency's SAFE ID (routingInformationAusSafeverzeichnis); "" to omit
  std::string case_number;         // the agency's case number (its file reference)
  std::string court_id;            // GDS.Gerichte code of the recipient
  std::string court_file_number;   // the court's Aktenzeichen; "" when not known (aktenzeichen.unbekannt)
  std::string product_version;     // herstellerinformation/version
  std::vector<XJustizDocument> documents;  // in this order (nummerImUebergeordnetenContainer 1..n)
};

// The message as UTF-8 XML, or kInvalidInput naming the first field a court would refuse.
Result<std::string> build_xjustiz_message(const XJustizMessage& message, const XJustizCodeLists& lists);

// True for the lower-case 8-4-4-4-12 hex form XJustiz's stringUUIDType takes.
bool is_uuid(const std::string& text);
// A UUID (RFC 9562 version 8, name-based) derived from SHA-256 of `name`: the same document
// always gets the same id, in every package it is sent in.
std::string uuid_for_name(const std::string& name);
// A random UUID (version 4).
std::string random_uuid();
// "<stem>_<uuid>.pdf" with the stem reduced to what XJustiz allows in a file name (German
// letters, digits, "_", "-"; "Dokument" when nothing is left) and shortened to fit 90 characters.
std::string xjustiz_file_name(const std::string& stem, const std::string& uuid);

}  // namespace zpe
