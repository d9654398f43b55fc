// Test helpers for the court mailbox in: an XJustiz uebermittlungSchriftgutobjekte message
// as a court's EGVP client would send it (prefixed elements, the 3.4.1 structure), and zip
// archives with any entry names and attributes (also hostile ones: "../", absolute paths,
// symbolic links, bombs). Used by unit and integration tests only.
#pragma once

#include <sys/stat.h>
#include <zip.h>

#include <string>
#include <vector>

namespace zpe::testing {

struct MessageDocument {
  std::string file_name;           // dateiname
  std::string doc_type_code;       // GDS.Dokumenttyp, e.g. "066" Endurteil
  std::string date;                // datumDesSchreibens
  std::string scan_date;           // scanDatum (a scanned paper document)
  std::string part_code = "001";   // bestandteil: Original
};

struct MessageSpec {
  std::string message_id = "5f0c6a1e-6d3b-4a57-9c1e-0b8f4f2b7a10";
  std::string version = "3.4.1";
  std::string court_id = "D6248";  // Verwaltungsgericht Ansbach
  std::string court_file_number = "AN 5 K 23.50123";
  std::string case_number = "8513179-224";
  std::string root = "nachricht.gds.uebermittlungSchriftgutobjekte.0005005";
  std::string ns = "http://www.xjustiz.de";
  std::vector<MessageDocument> documents;
};

inline std::string xjustiz_message(const MessageSpec& spec) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<xjustiz:" + spec.root + " xmlns:xjustiz=\"" + spec.ns + "\">\n";
  x += "  <xjustiz:nachrichtenkopf xjustizVersion=\"" + spec.version + "\">\n";
  x += "    <xjustiz:aktenzeichen.absender>" + spec.court_file_number + "</xjustiz:aktenzeichen.absender>\n";
  if (!spec.case_number.empty()) {
    x += "    <xjustiz:aktenzeichen.empfaenger>" + spec.case_number + "</xjustiz:aktenzeichen.empfaenger>\n";
  }
  x += "    <xjustiz:erstellungszeitpunkt>2026-11-30T10:15:00+01:00</xjustiz:erstellungszeitpunkt>\n";
  x += "    <xjustiz:auswahl_absender><xjustiz:absender.gericht listVersionID=\"3.7\"><code>" + spec.court_id +
       "</code></xjustiz:absender.gericht></xjustiz:auswahl_absender>\n";
  x += "    <xjustiz:auswahl_empfaenger><xjustiz:empfaenger.sonstige>Bundesamt für Migration und "
       "Flüchtlinge</xjustiz:empfaenger.sonstige></xjustiz:auswahl_empfaenger>\n";
  x += "    <xjustiz:eigeneNachrichtenID>" + spec.message_id + "</xjustiz:eigeneNachrichtenID>\n";
  x += "  </xjustiz:nachrichtenkopf>\n";
  x += "  <xjustiz:grunddaten><xjustiz:verfahrensdaten><xjustiz:instanzdaten>\n";
  x += "    <xjustiz:auswahl_instanzbehoerde><xjustiz:gericht><code>" + spec.court_id +
       "</code></xjustiz:gericht></xjustiz:auswahl_instanzbehoerde>\n";
  x += "    <xjustiz:aktenzeichen><xjustiz:auswahl_aktenzeichen><xjustiz:aktenzeichen.freitext>" + spec.court_file_number +
       "</xjustiz:aktenzeichen.freitext></xjustiz:auswahl_aktenzeichen></xjustiz:aktenzeichen>\n";
  x += "  </xjustiz:instanzdaten></xjustiz:verfahrensdaten></xjustiz:grunddaten>\n";
  x += "  <xjustiz:schriftgutobjekte>\n";
  int n = 0;
  for (const MessageDocument& d : spec.documents) {
    ++n;
    x += "    <xjustiz:dokument>\n";
    x += "      <xjustiz:identifikation><xjustiz:id>7d9b2c4e-0000-4000-8000-00000000000" + std::to_string(n) +
         "</xjustiz:id><xjustiz:nummerImUebergeordnetenContainer>" + std::to_string(n) +
         "</xjustiz:nummerImUebergeordnetenContainer></xjustiz:identifikation>\n";
    if (!d.date.empty()) x += "      <xjustiz:datumDesSchreibens>" + d.date + "</xjustiz:datumDesSchreibens>\n";
    x += "      <xjustiz:xjustiz.fachspezifischeDaten>\n";
    x += "        <xjustiz:dokumentklasse><code>001</code></xjustiz:dokumentklasse>\n";
    if (!d.doc_type_code.empty()) {
      x += "        <xjustiz:dokumententyp listVersionID=\"4.0\"><code>" + d.doc_type_code + "</code></xjustiz:dokumententyp>\n";
    }
    if (!d.scan_date.empty()) x += "        <xjustiz:scanDatum>" + d.scan_date + "</xjustiz:scanDatum>\n";
    x += "        <xjustiz:datei><xjustiz:dateiname>" + d.file_name + "</xjustiz:dateiname><xjustiz:bestandteil><code>" +
         d.part_code + "</code></xjustiz:bestandteil></xjustiz:datei>\n";
    x += "      </xjustiz:xjustiz.fachspezifischeDaten>\n";
    x += "    </xjustiz:dokument>\n";
  }
  x += "  </xjustiz:schriftgutobjekte>\n";
  x += "</xjustiz:" + spec.root + ">\n";
  return x;
}

struct ZipEntry {
  std::string name;
  std::string bytes;
  bool symlink = false;  // stored with the Unix mode of a symbolic link
};

// A zip of the entries in the given order (deflated); empty on a libzip failure.
inline std::string zip_of(const std::vector<ZipEntry>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* archive = zip_open_from_source(target, ZIP_TRUNCATE, &error);
  if (!archive) return "";
  zip_source_keep(target);
  for (const ZipEntry& e : entries) {
    zip_source_t* source = zip_source_buffer(archive, e.bytes.data(), e.bytes.size(), 0);
    const zip_int64_t index = zip_file_add(archive, e.name.c_str(), source, ZIP_FL_ENC_RAW);
    if (index < 0) return "";
    const zip_uint32_t mode = e.symlink ? (S_IFLNK | 0777) : (S_IFREG | 0644);
    zip_file_set_external_attributes(archive, static_cast<zip_uint64_t>(index), 0, ZIP_OPSYS_UNIX, mode << 16);
  }
  if (zip_close(archive) != 0) return "";
  std::string out;
  if (zip_source_open(target) == 0) {
    char chunk[65536];
    zip_int64_t got = 0;
    while ((got = zip_source_read(target, chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<size_t>(got));
    zip_source_close(target);
  }
  zip_source_free(target);
  return out;
}

}  // namespace zpe::testing
