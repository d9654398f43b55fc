#include "stages/pdf_image_resolution.h"

#include <algorithm>
#include <cmath>

#include <podofo/podofo.h>

namespace zpe {

namespace {

// Width and height in pixels of the largest image XObject drawn from these resources.
std::pair<double, double> largest_image(PoDoFo::PdfMemDocument& doc, PoDoFo::PdfObject* resources) {
  std::pair<double, double> best{0, 0};
  if (!resources || !resources->IsDictionary()) return best;
  PoDoFo::PdfObject* xobjects = resources->GetIndirectKey("XObject");
  if (!xobjects || !xobjects->IsDictionary()) return best;
  for (const auto& [name, value] : xobjects->GetDictionary().GetKeys()) {
    PoDoFo::PdfObject* object = value->IsReference() ? doc.GetObjects().GetObject(value->GetReference()) : value;
    if (!object || !object->IsDictionary()) continue;
    PoDoFo::PdfObject* subtype = object->GetDictionary().GetKey("Subtype");
    if (!subtype || !subtype->IsName() || subtype->GetName().GetName() != "Image") continue;
    PoDoFo::PdfObject* width = object->GetDictionary().GetKey("Width");
    PoDoFo::PdfObject* height = object->GetDictionary().GetKey("Height");
    if (!width || !height || !width->IsNumber() || !height->IsNumber()) continue;
    double w = static_cast<double>(width->GetNumber());
    double h = static_cast<double>(height->GetNumber());
    if (w * h > best.first * best.second) best = {w, h};
  }
  return best;
}

}  // namespace

std::vector<int> scanned_image_dpi(std::string_view pdf_bytes, int pages) {
  std::vector<int> dpi(static_cast<size_t>(std::max(pages, 0)), 0);
  try {
    PoDoFo::PdfMemDocument doc;
    doc.LoadFromBuffer(pdf_bytes.data(), static_cast<long>(pdf_bytes.size()));
    const int count = std::min(pages, doc.GetPageCount());
    for (int i = 0; i < count; ++i) {
      PoDoFo::PdfPage* page = doc.GetPage(i);
      if (!page) continue;
      auto [w_px, h_px] = largest_image(doc, page->GetResources());
      PoDoFo::PdfRect box = page->GetMediaBox();
      double w_in = box.GetWidth() / 72.0, h_in = box.GetHeight() / 72.0;
      if (w_px <= 0 || h_px <= 0 || w_in <= 0 || h_in <= 0) continue;
      // The long sides match whatever the page's /Rotate: the image fills the page.
      dpi[static_cast<size_t>(i)] = static_cast<int>(std::lround(std::max(w_px, h_px) / std::max(w_in, h_in)));
    }
  } catch (...) {
    // Uninspectable: the caller renders at its default resolution.
  }
  return dpi;
}

}  // namespace zpe
