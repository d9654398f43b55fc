// The transfer note (Transfervermerk, BSI TR-RESISCAN): the record of how a paper document
// became this electronic copy — who scanned it, where, when, with which device and settings,
// which quality checks it passed, the SHA-256 of every original scan file, and the statement
// that the image matches the original. Built by the sign stage from the document record;
// stored as a blob with the document (record["transfer_note"]) and in the archive package;
// its SHA-256 is bound into the signed PDF's XMP (xmp_binding.h). Format: docs/TRANSFER_NOTE.md.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace zpe::signing {

struct TransferNoteDefaults {
  std::string site;     // scan site when the manifest names none ([stages.sign] site)
  std::string scanner;  // scanning device when the manifest names none ([stages.sign] scanner)
  std::string signer;   // subject of the signing certificate
};

// The note for `record` (fields the record lacks are recorded as null, never guessed).
nlohmann::json build_transfer_note(const nlohmann::json& record, const TransferNoteDefaults& defaults);

// The exact bytes that are stored and hashed (UTF-8 JSON, keys sorted, 2-space indent).
std::string transfer_note_bytes(const nlohmann::json& note);

}  // namespace zpe::signing
