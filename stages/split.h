// The split stage: separates a batch file holding many documents, after prepare and before
// quality. Created through make_stage("split", settings) (stages/registry.cpp).
//
// Where a batch splits comes from one of two places:
//   - the intake manifest, when it lists documents (docs/PROTOCOL.md §3):
//     record.source.manifest.documents = [{"pages": "1-3", "doc_type"?, "case_number"?}, ...]
//     with pages of the original file. The manifest is then authoritative: no page is
//     scanned for separators, and pages no entry names belong to no document;
//   - otherwise separator sheets found on the pages (stages/separator_sheet.h): a ZPE-SEP QR
//     code (its hint applies to the document after it) or a patch code T. Separator sheets
//     belong to no document.
//
// Result:
//   - one document of all pages and no separator: an empty patch (the document goes on as it is);
//   - otherwise patch split: {"mode": "separators"|"manifest",
//       "documents": [{"pages": [indexes into record.pages], "source_pages": "3-5",
//                      "hints": {"doc_type"?, "case_number"?}}, ...],
//       "separators": [source page numbers], "separator_sheets": [{"source_page", "kind", "text"}]}
//     and the job store makes one child document per entry (JobStore::complete);
//   - only separator sheets, or a manifest that names no page or names pages that are not
//     there or overlap: CLEARING with a reason.
// Idempotent (a pure function of the record and the page images); blob faults follow
// blob_failure (stage_io.h).
//
// Settings ([stages.split]): qr_codes (true), patch_t (true), scan_dpi (150),
// min_patch_length_in (0.75).
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_split_stage(const nlohmann::json& settings);

// "3-5" for {3, 4, 5}; "3" for {3}; "1-2, 4" for {1, 2, 4} (sorted input).
std::string page_range_text(const std::vector<int>& pages);

}  // namespace zpe
