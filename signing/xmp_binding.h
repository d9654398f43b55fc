// Binds a transfer note (Transfervermerk, transfer_note.h) to a PDF: its SHA-256 becomes the
// XMP property zpe:TransferNoteSHA256 in the document's metadata stream. The signer writes
// that stream inside the signed revision, so swapping the note afterwards shows — the note's
// hash no longer matches the signed PDF. Pure text functions; thread-safe.
//
// The property is declared in a PDF/A extension schema (pdfaExtension), so a PDF/A document
// stays PDF/A. An existing packet keeps everything it had; a second binding replaces the value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zpe::signing {

inline constexpr const char* kZpeXmpNamespace = "https://zpe.example/ns/transfer-note/1.0/";

// `existing_xmp` (may be empty: a fresh packet is made) with the property set to sha256_hex.
std::string bind_transfer_note_hash(std::string_view existing_xmp, const std::string& sha256_hex);

// The bound hash, or nothing when the packet has none.
std::optional<std::string> bound_transfer_note_hash(std::string_view xmp);

}  // namespace zpe::signing
