// The quality stage: checks every prepared page and decides per page ok / blank / reject
// (stages/page_quality.h), after prepare (and split) and before OCR. Created through
// make_stage("quality", settings) (stages/registry.cpp).
//
// Reads record["pages"] (written by prepare, possibly narrowed by a split) and the page
// images. Blank pages are handled by the tenant's blank_pages setting:
//   "drop" (default) — removed from the document's pages (the original keeps them);
//   "keep"           — stay in the document, marked blank;
//   "flag"           — stay, and the document goes to CLEARING so a person confirms them.
// Any rejected page sends the document to CLEARING with "rescan needed", the page numbers
// and one reason per problem; a document whose pages are all blank goes there too.
//
// Patch:
//   pages, page_count: the pages that stay, renumbered 1..N (each keeps its source_page)
//   quality: {"version", "blank_pages", "verdicts": [{"page", "source_page", "verdict",
//             "reasons", "measured": {...}}], "dropped_source_pages": [..],
//             "rejected_source_pages": [..]}
// Page numbers in reasons are pages of the original file (source_page), since that is the
// paper the operator rescans. Idempotent; blob faults follow blob_failure (stage_io.h).
//
// Settings ([stages.quality], per tenant): blank_pages, min_dpi, min_sharpness,
// min_contrast, min_brightness, max_residual_skew_deg, max_edge_touch, blank_max_ink.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_quality_stage(const nlohmann::json& settings);

}  // namespace zpe
