#include "stages/pdf_inspection.h"

#include <algorithm>
#include <cmath>

#include <podofo/podofo.h>

#include "pipeline/pdf_names.h"

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

// The first kind of active content any object of the file carries, or "".
std::string find_active_content(PoDoFo::PdfMemDocument& doc) {
  const std::pair<const char*, const char*> keys[] = {
      {"JS", "JavaScript"}, {"JavaScript", "JavaScript"}, {"XFA", "an XFA form"},
      {"EmbeddedFiles", "embedded files"}, {"EmbeddedFile", "embedded files"}};
  for (PoDoFo::PdfObject* object : doc.GetObjects()) {
    if (!object || !object->IsDictionary()) continue;
    const PoDoFo::PdfDictionary& dict = object->GetDictionary();
    for (const auto& [key, what] : keys) {
      if (dict.HasKey(key)) return what;
    }
    const PoDoFo::PdfObject* s = dict.GetKey("S");
    if (s && s->IsName() && (s->GetName().GetName() == "JavaScript" || s->GetName().GetName() == "Launch")) {
      return s->GetName().GetName() == "Launch" ? "a launch action" : "JavaScript";
    }
  }
  return {};
}

}  // namespace

PdfInspection inspect_pdf(std::string_view pdf_bytes, int pages) {
  PdfInspection out;
  out.image_dpi.assign(static_cast<size_t>(std::max(pages, 0)), 0);
  std::vector<int>& dpi = out.image_dpi;
  if (pdf_uses_name(pdf_bytes, "Encrypt")) return out;  // PoDoFo 0.9.8 crashes on damaged ones (pipeline/pdf_names.h)
  try {
    PoDoFo::PdfMemDocument doc;
    doc.LoadFromBuffer(pdf_bytes.data(), static_cast<long>(pdf_bytes.size()));
    out.parsed = true;
    out.active_content = find_active_content(doc);
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
    // Uninspectable by PoDoFo (poppler could open it): rendered at the default resolution,
    // and the raw-byte search for active content still applies.
  }
  return out;
}

}  // namespace zpe
