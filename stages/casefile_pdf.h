// CasefilePdf: builds the PDF that goes into a case file from JPEG page images, one PDF
// page per image, each page exactly the image's physical size (pixels * 72 / dpi points,
// so a 300-dpi A4 scan gives an A4 page). Used by the route stage (stages/route.cpp).
//
// PoDoFo stays behind this interface: its exceptions are caught here and returned as
// errors. The output is deterministic — the same pages and metadata give the same bytes
// (no "now" timestamps; the creation date is the one passed in) — so re-running a stage
// stores the same blob. Not thread-safe; one builder per document.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "pipeline/status.h"

namespace zpe {

struct CasefilePdfInfo {
  std::string title;          // e.g. "Aktenzeichen 8123456-423"
  std::string creation_date;  // ISO 8601 "2025-03-12T10:04:05Z"; empty: no date recorded
};

class CasefilePdf {
 public:
  explicit CasefilePdf(const CasefilePdfInfo& info);
  ~CasefilePdf();
  CasefilePdf(const CasefilePdf&) = delete;
  CasefilePdf& operator=(const CasefilePdf&) = delete;

  // Appends a page showing `jpeg` (baseline JPEG, grey or RGB) of width x height pixels
  // at dpi_x/dpi_y. Errors: the JPEG cannot be embedded or the sizes are not positive.
  Status add_jpeg_page(std::string_view jpeg, int width, int height, int dpi_x, int dpi_y);

  int page_count() const;

  // The finished PDF's bytes. Call once, after the last page.
  Result<std::string> finish();

 private:
  struct Document;
  std::unique_ptr<Document> document_;
  int pages_ = 0;
};

}  // namespace zpe
