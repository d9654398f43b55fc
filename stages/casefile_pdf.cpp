#include "stages/casefile_pdf.h"

#include <podofo/podofo.h>

namespace zpe {

namespace {

constexpr double kPointsPerInch = 72.0;

// "2025-03-12T10:04:05Z" -> "D:20250312100405Z"; "" when it is not such a time.
std::string pdf_date(const std::string& iso) {
  std::string digits;
  for (char c : iso.substr(0, 19)) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  return digits.size() == 14 ? "D:" + digits + "Z" : std::string();
}

void quiet_podofo() {
  PoDoFo::PdfError::EnableLogging(false);
  PoDoFo::PdfError::EnableDebug(false);
}

std::string describe(const PoDoFo::PdfError& error) {
  const char* name = PoDoFo::PdfError::ErrorName(error.GetError());
  return name != nullptr ? name : "PoDoFo error";
}

}  // namespace

struct CasefilePdf::Document {
  PoDoFo::PdfMemDocument pdf;
};

CasefilePdf::CasefilePdf(const CasefilePdfInfo& info) : document_(std::make_unique<Document>()) {
  quiet_podofo();
  PoDoFo::PdfInfo* metadata = document_->pdf.GetInfo();
  metadata->SetTitle(PoDoFo::PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(info.title.c_str())));
  metadata->SetCreator(PoDoFo::PdfString("ZPE"));
  PoDoFo::PdfDictionary& dictionary = metadata->GetObject()->GetDictionary();
  dictionary.RemoveKey(PoDoFo::PdfName("CreationDate"));  // PoDoFo sets "now"
  if (const std::string date = pdf_date(info.creation_date); !date.empty()) {
    dictionary.AddKey(PoDoFo::PdfName("CreationDate"), PoDoFo::PdfString(date));
  }
}

CasefilePdf::~CasefilePdf() = default;

int CasefilePdf::page_count() const { return pages_; }

Status CasefilePdf::add_jpeg_page(std::string_view jpeg, int width, int height, int dpi_x, int dpi_y) {
  if (width <= 0 || height <= 0 || dpi_x <= 0 || dpi_y <= 0 || jpeg.empty()) {
    return fail(ErrorKind::kInvalidInput, "page image has no size or resolution");
  }
  const double width_pt = width * kPointsPerInch / dpi_x;
  const double height_pt = height * kPointsPerInch / dpi_y;
  try {
    PoDoFo::PdfPage* page = document_->pdf.CreatePage(PoDoFo::PdfRect(0.0, 0.0, width_pt, height_pt));
    PoDoFo::PdfImage image(&document_->pdf);
    image.LoadFromJpegData(reinterpret_cast<const unsigned char*>(jpeg.data()),
                           static_cast<PoDoFo::pdf_long>(jpeg.size()));
    if (image.GetWidth() <= 0 || image.GetHeight() <= 0) {
      return fail(ErrorKind::kInvalidInput, "page image has no size after embedding");
    }
    PoDoFo::PdfPainter painter;
    painter.SetPage(page);
    painter.DrawImage(0.0, 0.0, &image, width_pt / image.GetWidth(), height_pt / image.GetHeight());
    painter.FinishPage();
  } catch (const PoDoFo::PdfError& error) {
    return fail(ErrorKind::kInternal, "cannot add page " + std::to_string(pages_ + 1) + " to the PDF (" +
                                          describe(error) + ")");
  }
  ++pages_;
  return {};
}

Result<std::string> CasefilePdf::finish() {
  if (pages_ == 0) return fail(ErrorKind::kInvalidInput, "a case-file PDF needs at least one page");
  try {
    PoDoFo::PdfRefCountedBuffer buffer;
    PoDoFo::PdfOutputDevice device(&buffer);
    document_->pdf.Write(&device);
    return std::string(buffer.GetBuffer(), device.GetLength());
  } catch (const PoDoFo::PdfError& error) {
    return fail(ErrorKind::kInternal, "cannot write the PDF (" + describe(error) + ")");
  }
}

}  // namespace zpe
