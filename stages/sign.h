// The sign stage: gives the document's PDF a PAdES baseline signature (signing/) and binds
// its transfer note (Transfervermerk) into it. Runs before route, so the case file, the
// court mailbox and the archive all receive the signed PDF.
// Created through make_stage("sign", settings) (stages/registry.cpp).
//
// Reads record["pdf"] (the PDF/A to sign; when a previous run already signed it,
// record["pdf_unsigned"] is signed again instead, so a re-run never signs twice) and the
// record's source, original, pages and stage versions for the transfer note.
// Patch:
//   pdf:           {"sha256", "size", "pages", "signature": {"level", "signer"}}   the signed PDF
//   pdf_unsigned:  the record["pdf"] it signed
//   transfer_note: {"sha256", "size", "format"}   the note's blob; its hash is in the PDF's XMP
//   sign:          {"version", "level", "key", "signer", "tsa"}
// Failures: no signing key configured -> CLEARING "no signing key configured"; no PDF (the ocr
// stage writes it) -> kFinal; token or TSA
// unreachable -> kRetryable; a PDF that cannot be parsed -> kFinal. The PIN is never logged.
// Not byte-idempotent: a re-run makes a new signature (new time, new timestamp) over the same PDF.
//
// Settings ([stages.sign], see config/zpe.toml): key, certificate, chain, pin_file, tsa_url,
// tsa_trust, tsa_timeout_ms, reason, location, visible_stamp, site, scanner, trust.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_sign_stage(const nlohmann::json& settings);

}  // namespace zpe
