#include "stages/searchable_pdf.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <leptonica/allheaders.h>
#include <podofo/podofo.h>

#include "pipeline/durable_file.h"
#include "pipeline/xml_text.h"
#include "stages/page_image.h"

namespace zpe {

namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfString;
using PoDoFo::PdfVariant;

constexpr double kPointsPerInch = 72.0;

// An integer PDF object. (Passing a plain integer 0 to PdfDictionary::AddKey picks its
// PdfObject* overload — a null pointer — and crashes.)
PdfObject number(int64_t value) { return PdfObject(static_cast<PoDoFo::pdf_int64>(value)); }
// The glyphless font's one glyph is half an em wide; /DW says so and the text layer
// stretches each word to its box with horizontal scaling (Tz).
constexpr double kGlyphWidthEm = 0.5;
// PODOFO_VERSION_STRING ends in an embedded NUL, which cut the name short before its ")".
#define ZPE_PODOFO_TEXT(x) #x
#define ZPE_PODOFO_VERSION(M, m, p) ZPE_PODOFO_TEXT(M) "." ZPE_PODOFO_TEXT(m) "." ZPE_PODOFO_TEXT(p)
constexpr const char* kProducer = "ZPE searchable-pdf/1 (PoDoFo " ZPE_PODOFO_VERSION(
    PODOFO_VERSION_MAJOR, PODOFO_VERSION_MINOR, PODOFO_VERSION_PATCH) ")";

constexpr const char* kToUnicodeCMap =
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    "1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\n"
    "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

// "2025-03-12T10:04:05Z" -> "20250312100405"; "" when it is not such a time.
std::string date_digits(const std::string& iso) {
  std::string digits;
  for (char c : iso.substr(0, 19)) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  return digits.size() == 14 ? digits : std::string();
}

// The XMP packet: PDF/A identification plus the same title, tool, producer and dates as
// the Info dictionary (PDF/A requires the two to agree), in one rdf:Description: one per
// schema said the same in 140 more bytes, which a signed file carries twice (the signing
// update writes the packet again with the transfer note's hash).
std::string xmp_packet(const std::string& title, const std::string& iso_date) {
  std::string dates;
  if (!iso_date.empty()) {
    dates = "<xmp:CreateDate>" + iso_date + "</xmp:CreateDate><xmp:ModifyDate>" + iso_date + "</xmp:ModifyDate>";
  }
  return "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
         "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
         "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
         "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" "
         "xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
         "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>\n"
         "<dc:format>application/pdf</dc:format>"
         "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(title) +
         "</rdf:li></rdf:Alt></dc:title>\n"
         "<xmp:CreatorTool>ZPE</xmp:CreatorTool>" + dates + "\n"
         "<pdf:Producer>" + xml_escape(kProducer) + "</pdf:Producer></rdf:Description>\n"
         "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
}

// UTF-8 to big-endian UTF-16 code units as the body of a PDF literal string, for a Tj on
// the Identity-H font: two bytes a unit, backslash-escaped where a byte is "(", ")", "\\",
// CR or LF (a reader would take CR for LF). Hex strings took twice the bytes (101 more
// stored on a one-page letter). Returns the number of code units in *units. Malformed
// bytes become U+FFFD.
std::string utf16_literal(const std::string& utf8, int* units) {
  std::string literal;
  *units = 0;
  const auto put = [&literal](unsigned char byte) {
    if (byte == '(' || byte == ')' || byte == '\\') {
      literal += '\\';
      literal += static_cast<char>(byte);
    } else if (byte == '\r' || byte == '\n') {
      literal += byte == '\r' ? "\\r" : "\\n";
    } else {
      literal += static_cast<char>(byte);
    }
  };
  const auto emit = [&](unsigned unit) {
    put(static_cast<unsigned char>((unit >> 8) & 0xFFu));
    put(static_cast<unsigned char>(unit & 0xFFu));
    ++*units;
  };
  for (size_t i = 0; i < utf8.size();) {
    const auto byte = static_cast<unsigned char>(utf8[i]);
    int extra = 0;
    unsigned code = byte;
    if (byte >= 0x80) {
      extra = (byte >> 5) == 0x6 ? 1 : (byte >> 4) == 0xE ? 2 : (byte >> 3) == 0x1E ? 3 : -1;
      code = byte & (extra == 1 ? 0x1Fu : extra == 2 ? 0x0Fu : 0x07u);
    }
    bool valid = extra >= 0 && i + extra < utf8.size();
    for (int k = 1; valid && k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(utf8[i + k]);
      valid = (next & 0xC0u) == 0x80u;
      code = (code << 6) | (next & 0x3Fu);
    }
    if (!valid) {
      emit(0xFFFD);
      ++i;
      continue;
    }
    i += extra + 1;
    if (code >= 0x10000) {
      code -= 0x10000;
      emit(0xD800 + (code >> 10));
      emit(0xDC00 + (code & 0x3FF));
    } else {
      emit(code);
    }
  }
  return literal;
}

// `value` with at most `decimals` places and no trailing zeros: 62.0 -> "62", 0.2400 -> "0.24".
std::string decimal(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string text = buf;
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

// The content stream of the invisible text layer, in the page image's pixels (origin bottom
// left; the caller's cm scales them to points). One horizontally scaled string per word,
// with the space after it so extracted text keeps word gaps. For bytes: positions and font
// sizes are whole pixels, each word moves from the last one with Td instead of a full Tm,
// the size (Tf) is set when a line's height changes and the scaling (Tz, in 0.1 % steps,
// under half a pixel on a 1,000-pixel word) when a word's differs from the last.
std::string text_layer(const RecognisedPage& text, int height_px) {
  std::string out = "BT\n3 Tr\n";
  int size_px = 0;
  int x_px = 0;  // the last word's origin (Td is relative to it)
  int y_px = 0;
  std::string scale_set = "100";  // Tz's initial value
  for (const RecognisedLine& line : text.lines) {
    if (line.words.empty() || line.box.height() <= 0) continue;
    const int baseline_px = height_px - line.baseline;
    for (size_t i = 0; i < line.words.size(); ++i) {
      const RecognisedWord& word = line.words[i];
      const bool last = i + 1 == line.words.size();
      int units = 0;
      const std::string literal = utf16_literal(last ? word.text : word.text + " ", &units);
      if (units == 0) continue;
      if (line.box.height() != size_px) {
        size_px = line.box.height();
        out += "/F0 " + std::to_string(size_px) + " Tf\n";
      }
      const int width_px = last ? word.box.width() : line.words[i + 1].box.left - word.box.left;
      const double natural_px = units * kGlyphWidthEm * size_px;
      const std::string scale = decimal(width_px > 0 ? 100.0 * width_px / natural_px : 100.0, 1);
      if (scale != scale_set) {
        out += scale + " Tz\n";
        scale_set = scale;
      }
      out += std::to_string(word.box.left - x_px) + " " + std::to_string(baseline_px - y_px) + " Td\n";
      x_px = word.box.left;
      y_px = baseline_px;
      out += "(" + literal + ") Tj\n";
    }
  }
  return out + "ET\n";
}

std::string describe(const PoDoFo::PdfError& error) {
  const char* name = PoDoFo::PdfError::ErrorName(error.GetError());
  return name != nullptr ? name : "PoDoFo error";
}

}  // namespace

struct SearchablePdf::Document {
  PoDoFo::PdfMemDocument pdf;
  PdfObject* font = nullptr;  // the Type0 font every page uses
  std::string srgb_icc;       // the profiles' bytes; the OutputIntent is added by finish()
  std::string grey_icc;       // empty: none configured
  std::string grey_icc_name;  // its file name, for the OutputIntent's /Info
  bool colour = false;        // a page with three components was added
};

SearchablePdf::SearchablePdf(std::unique_ptr<Document> document) : document_(std::move(document)) {}
SearchablePdf::~SearchablePdf() = default;

namespace {

PdfObject* stream_object(PoDoFo::PdfMemDocument& pdf, const std::string& bytes, bool compress) {
  PdfObject* object = pdf.GetObjects().CreateObject();
  if (compress) {
    object->GetStream()->Set(bytes.data(), static_cast<PoDoFo::pdf_long>(bytes.size()));
  } else {
    object->GetStream()->Set(bytes.data(), static_cast<PoDoFo::pdf_long>(bytes.size()), PoDoFo::TVecFilters());
  }
  return object;
}

// The glyphless Type0 font (as Tesseract's PDF renderer writes it), fully embedded.
PdfObject* add_glyphless_font(PoDoFo::PdfMemDocument& pdf, const std::string& ttf) {
  PdfObject* file = stream_object(pdf, ttf, true);
  file->GetDictionary().AddKey(PdfName("Length1"), number(ttf.size()));

  PdfObject* descriptor = pdf.GetObjects().CreateObject("FontDescriptor");
  PdfDictionary& d = descriptor->GetDictionary();
  d.AddKey(PdfName("FontName"), PdfName("GlyphLessFont"));
  d.AddKey(PdfName("Flags"), number(5));
  PdfArray bbox;
  for (int v : {0, 0, 500, 1000}) bbox.push_back(number(v));
  d.AddKey(PdfName("FontBBox"), bbox);
  d.AddKey(PdfName("ItalicAngle"), number(0));
  d.AddKey(PdfName("Ascent"), number(1000));
  d.AddKey(PdfName("Descent"), number(-1));
  d.AddKey(PdfName("CapHeight"), number(1000));
  d.AddKey(PdfName("StemV"), number(80));
  d.AddKey(PdfName("FontFile2"), file->Reference());

  std::string cid_to_gid(65536 * 2, '\0');
  for (size_t i = 1; i < cid_to_gid.size(); i += 2) cid_to_gid[i] = '\x01';  // every CID -> glyph 1
  PdfObject* map = stream_object(pdf, cid_to_gid, true);

  PdfObject* cid_font = pdf.GetObjects().CreateObject("Font");
  PdfDictionary& c = cid_font->GetDictionary();
  c.AddKey(PdfName("Subtype"), PdfName("CIDFontType2"));
  c.AddKey(PdfName("BaseFont"), PdfName("GlyphLessFont"));
  PdfDictionary system_info;
  system_info.AddKey(PdfName("Registry"), PdfString("Adobe"));
  system_info.AddKey(PdfName("Ordering"), PdfString("Identity"));
  system_info.AddKey(PdfName("Supplement"), number(0));
  c.AddKey(PdfName("CIDSystemInfo"), system_info);
  c.AddKey(PdfName("FontDescriptor"), descriptor->Reference());
  c.AddKey(PdfName("DW"), number(500));
  c.AddKey(PdfName("CIDToGIDMap"), map->Reference());

  PdfObject* font = pdf.GetObjects().CreateObject("Font");
  PdfDictionary& f = font->GetDictionary();
  f.AddKey(PdfName("Subtype"), PdfName("Type0"));
  f.AddKey(PdfName("BaseFont"), PdfName("GlyphLessFont"));
  f.AddKey(PdfName("Encoding"), PdfName("Identity-H"));
  PdfArray descendants;
  descendants.push_back(cid_font->Reference());
  f.AddKey(PdfName("DescendantFonts"), descendants);
  f.AddKey(PdfName("ToUnicode"), stream_object(pdf, kToUnicodeCMap, true)->Reference());
  return font;
}

// The OutputIntent: sRGB (a registered condition) or, for a document without colour, the
// grey profile as a custom condition named by its file.
void add_output_intent(PoDoFo::PdfMemDocument& pdf, const std::string& icc, bool grey, const std::string& grey_name) {
  PdfObject* profile = stream_object(pdf, icc, true);
  profile->GetDictionary().AddKey(PdfName("N"), number(grey ? 1 : 3));
  PdfObject* intent = pdf.GetObjects().CreateObject("OutputIntent");
  PdfDictionary& i = intent->GetDictionary();
  i.AddKey(PdfName("S"), PdfName("GTS_PDFA1"));
  if (grey) {
    i.AddKey(PdfName("OutputConditionIdentifier"), PdfString("Custom"));
    i.AddKey(PdfName("Info"), PdfString(grey_name));
  } else {
    i.AddKey(PdfName("OutputConditionIdentifier"), PdfString("sRGB IEC61966-2.1"));
    i.AddKey(PdfName("RegistryName"), PdfString("http://www.color.org"));
    i.AddKey(PdfName("Info"), PdfString("sRGB IEC61966-2.1"));
  }
  i.AddKey(PdfName("DestOutputProfile"), profile->Reference());
  PdfArray intents;
  intents.push_back(intent->Reference());
  pdf.GetCatalog()->GetDictionary().AddKey(PdfName("OutputIntents"), intents);
}

void set_metadata(PoDoFo::PdfMemDocument& pdf, const SearchablePdfInfo& info) {
  PdfDictionary& dictionary = pdf.GetInfo()->GetObject()->GetDictionary();
  for (const char* key : {"CreationDate", "ModDate", "Producer", "Creator", "Title", "Author"}) {
    dictionary.RemoveKey(PdfName(key));
  }
  dictionary.AddKey(PdfName("Title"), PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(info.title.c_str())));
  dictionary.AddKey(PdfName("Creator"), PdfString("ZPE"));
  dictionary.AddKey(PdfName("Producer"), PdfString(kProducer));
  const std::string digits = date_digits(info.creation_date);
  std::string iso;
  if (!digits.empty()) {
    dictionary.AddKey(PdfName("CreationDate"), PdfString("D:" + digits + "Z"));
    dictionary.AddKey(PdfName("ModDate"), PdfString("D:" + digits + "Z"));
    iso = digits.substr(0, 4) + "-" + digits.substr(4, 2) + "-" + digits.substr(6, 2) + "T" + digits.substr(8, 2) +
          ":" + digits.substr(10, 2) + ":" + digits.substr(12, 2) + "Z";
  }
  PdfObject* xmp = stream_object(pdf, xmp_packet(info.title, iso), false);
  xmp->GetDictionary().AddKey(PdfName("Type"), PdfName("Metadata"));
  xmp->GetDictionary().AddKey(PdfName("Subtype"), PdfName("XML"));
  pdf.GetCatalog()->GetDictionary().AddKey(PdfName("Metadata"), xmp->Reference());
}

void set_raw_stream(PdfObject* object, const std::string& bytes) {
  PoDoFo::PdfMemoryInputStream input(bytes.data(), static_cast<PoDoFo::pdf_long>(bytes.size()));
  object->GetStream()->SetRawData(&input, static_cast<PoDoFo::pdf_long>(bytes.size()));
}

// /Filter /CCITTFaxDecode with the parameters of a Group 4 image of width x height.
void add_ccitt_g4_filter(PdfDictionary& d, int width, int height) {
  d.AddKey(PdfName("Filter"), PdfName("CCITTFaxDecode"));
  PdfDictionary parms;
  parms.AddKey(PdfName("K"), number(-1));
  parms.AddKey(PdfName("Columns"), number(width));
  parms.AddKey(PdfName("Rows"), number(height));
  d.AddKey(PdfName("DecodeParms"), parms);
}

PdfObject* add_image(PoDoFo::PdfMemDocument& pdf, const PdfPageImage& image) {
  PdfObject* object = pdf.GetObjects().CreateObject("XObject");
  PdfDictionary& d = object->GetDictionary();
  d.AddKey(PdfName("Subtype"), PdfName("Image"));
  const bool background = image.mask.has_value();
  d.AddKey(PdfName("Width"), number(background ? image.background_width : image.width));
  d.AddKey(PdfName("Height"), number(background ? image.background_height : image.height));
  d.AddKey(PdfName("ColorSpace"), PdfName(image.components == 3 ? "DeviceRGB" : "DeviceGray"));
  if (image.encoding == PdfPageImage::Encoding::kCcittG4) {
    d.AddKey(PdfName("BitsPerComponent"), number(1));
    add_ccitt_g4_filter(d, image.width, image.height);
  } else if (image.encoding == PdfPageImage::Encoding::kJbig2) {
    // Lossless generic-region coding, one page per stream, no /JBIG2Globals, so no
    // /DecodeParms: each page is self-contained. PDF/A-2 allows /JBIG2Decode (it bans LZW).
    d.AddKey(PdfName("BitsPerComponent"), number(1));
    d.AddKey(PdfName("Filter"), PdfName("JBIG2Decode"));
  } else if (image.encoding == PdfPageImage::Encoding::kFlate) {
    d.AddKey(PdfName("BitsPerComponent"), number(8));
    d.AddKey(PdfName("Filter"), PdfName("FlateDecode"));
    PdfDictionary parms;
    parms.AddKey(PdfName("Predictor"), number(15));
    parms.AddKey(PdfName("Colors"), number(image.components));
    parms.AddKey(PdfName("BitsPerComponent"), number(8));
    parms.AddKey(PdfName("Columns"), number(image.width));
    d.AddKey(PdfName("DecodeParms"), parms);
  } else {
    d.AddKey(PdfName("BitsPerComponent"), number(8));
    d.AddKey(PdfName("Filter"), PdfName("DCTDecode"));
  }
  set_raw_stream(object, image.bytes);
  return object;
}

// A mixed-raster page's text: a stencil (/ImageMask) whose 0 samples — the decoded ink of
// a JBIG2 or G4 image — are painted in the fill colour; no /ColorSpace, 1 bit.
PdfObject* add_text_mask(PoDoFo::PdfMemDocument& pdf, const PdfPageImage& image) {
  PdfObject* object = pdf.GetObjects().CreateObject("XObject");
  PdfDictionary& d = object->GetDictionary();
  d.AddKey(PdfName("Subtype"), PdfName("Image"));
  d.AddKey(PdfName("Width"), number(image.width));
  d.AddKey(PdfName("Height"), number(image.height));
  d.AddKey(PdfName("ImageMask"), PdfObject(true));
  d.AddKey(PdfName("BitsPerComponent"), number(1));
  if (image.mask->encoding == PdfPageImage::Encoding::kCcittG4) {
    add_ccitt_g4_filter(d, image.width, image.height);
  } else {
    d.AddKey(PdfName("Filter"), PdfName("JBIG2Decode"));
  }
  set_raw_stream(object, image.mask->bytes);
  return object;
}

}  // namespace

Result<PdfPageImage> pdf_page_image(Pix* page, int jpeg_quality, int dpi_x, int dpi_y) {
  PdfPageImage image;
  image.width = pixGetWidth(page);
  image.height = pixGetHeight(page);
  image.dpi_x = dpi_x > 0 ? dpi_x : 300;
  image.dpi_y = dpi_y > 0 ? dpi_y : 300;
  if (pixGetDepth(page) == 1 && pixGetColormap(page) == nullptr) {
    auto g4 = encode_g4(page);
    if (!g4) return tl::unexpected(g4.error());
    image.encoding = PdfPageImage::Encoding::kCcittG4;
    image.bytes = std::move(*g4);
    return image;
  }
  auto jpeg = encode_jpeg(page, jpeg_quality);
  if (!jpeg) return tl::unexpected(jpeg.error());
  image.encoding = PdfPageImage::Encoding::kJpeg;
  image.components = pixGetDepth(page) == 32 ? 3 : 1;
  image.bytes = std::move(*jpeg);
  return image;
}

Result<std::unique_ptr<SearchablePdf>> SearchablePdf::create(const SearchablePdfInfo& info) {
  PoDoFo::PdfError::EnableLogging(false);
  PoDoFo::PdfError::EnableDebug(false);
  auto font = read_whole_file(info.font_file);
  if (!font) return fail(ErrorKind::kIOError, "cannot read the PDF text-layer font " + info.font_file);
  auto icc = read_whole_file(info.icc_profile);
  if (!icc) return fail(ErrorKind::kIOError, "cannot read the sRGB ICC profile " + info.icc_profile);
  auto document = std::make_unique<Document>();
  document->srgb_icc = std::move(*icc);
  if (!info.grey_icc_profile.empty()) {
    auto grey = read_whole_file(info.grey_icc_profile);
    if (!grey) return fail(ErrorKind::kIOError, "cannot read the grey ICC profile " + info.grey_icc_profile);
    document->grey_icc = std::move(*grey);
    document->grey_icc_name = std::filesystem::path(info.grey_icc_profile).filename().string();
  }
  try {
    document->pdf.SetPdfVersion(PoDoFo::ePdfVersion_1_7);
    set_metadata(document->pdf, info);
    document->font = add_glyphless_font(document->pdf, *font);
  } catch (const PoDoFo::PdfError& error) {
    return fail(ErrorKind::kInternal, "cannot start the PDF (" + describe(error) + ")");
  }
  return std::unique_ptr<SearchablePdf>(new SearchablePdf(std::move(document)));
}

Status SearchablePdf::add_page(const PdfPageImage& image, const RecognisedPage& text) {
  if (image.width <= 0 || image.height <= 0 || image.dpi_x <= 0 || image.dpi_y <= 0 || image.bytes.empty()) {
    return fail(ErrorKind::kInvalidInput, "page image has no size or resolution");
  }
  if (image.mask && (image.background_width <= 0 || image.background_height <= 0 || image.mask->bytes.empty() ||
                     image.mask->grey < 0 || image.mask->grey > 255 ||
                     (image.mask->encoding != PdfPageImage::Encoding::kJbig2 &&
                      image.mask->encoding != PdfPageImage::Encoding::kCcittG4))) {
    return fail(ErrorKind::kInvalidInput, "mixed-raster page has no background size, or a text mask that is not 1-bit");
  }
  const double pt_per_px_x = kPointsPerInch / image.dpi_x;
  const double pt_per_px_y = kPointsPerInch / image.dpi_y;
  const double width_pt = image.width * pt_per_px_x;
  const double height_pt = image.height * pt_per_px_y;
  try {
    PoDoFo::PdfPage* page = document_->pdf.CreatePage(PoDoFo::PdfRect(0.0, 0.0, width_pt, height_pt));
    PdfObject* xobject = add_image(document_->pdf, image);
    if (image.components == 3) document_->colour = true;
    PdfDictionary& resources = page->GetResources()->GetDictionary();
    resources.RemoveKey(PdfName("ProcSet"));  // PoDoFo adds it; obsolete since PDF 1.4, 39 bytes a page
    PdfDictionary xobjects;
    xobjects.AddKey(PdfName("Im0"), xobject->Reference());
    std::string text_mask;  // mixed raster: the mask over the background, in the ink's grey
    if (image.mask) {
      xobjects.AddKey(PdfName("Im1"), add_text_mask(document_->pdf, image)->Reference());
      text_mask = "q\n" + decimal(image.mask->grey / 255.0, 4) + " g\n" + decimal(width_pt, 4) + " 0 0 " +
                  decimal(height_pt, 4) + " 0 0 cm\n/Im1 Do\nQ\n";
    }
    resources.AddKey(PdfName("XObject"), xobjects);
    PdfDictionary fonts;
    fonts.AddKey(PdfName("F0"), document_->font->Reference());
    resources.AddKey(PdfName("Font"), fonts);
    // The image at the page's size, then the text layer in the image's pixels.
    const std::string content =
        "q\n" + decimal(width_pt, 4) + " 0 0 " + decimal(height_pt, 4) + " 0 0 cm\n/Im0 Do\nQ\n" + text_mask +
        "q\n" + decimal(pt_per_px_x, 8) + " 0 0 " + decimal(pt_per_px_y, 8) + " 0 0 cm\n" +
        text_layer(text, image.height) + "Q\n";
    page->GetContentsForAppending()->GetStream()->Set(content.data(), static_cast<PoDoFo::pdf_long>(content.size()));
  } catch (const PoDoFo::PdfError& error) {
    return fail(ErrorKind::kInternal, "cannot add page " + std::to_string(pages_ + 1) + " to the PDF (" +
                                          describe(error) + ")");
  }
  ++pages_;
  return {};
}

Result<std::string> SearchablePdf::finish() {
  if (pages_ == 0) return fail(ErrorKind::kInvalidInput, "a PDF needs at least one page");
  try {
    const bool grey = !document_->colour && !document_->grey_icc.empty();
    add_output_intent(document_->pdf, grey ? document_->grey_icc : document_->srgb_icc, grey, document_->grey_icc_name);
    PoDoFo::PdfRefCountedBuffer buffer;
    PoDoFo::PdfOutputDevice device(&buffer);
    document_->pdf.Write(&device);
    return std::string(buffer.GetBuffer(), device.GetLength());
  } catch (const PoDoFo::PdfError& error) {
    return fail(ErrorKind::kInternal, "cannot write the PDF (" + describe(error) + ")");
  }
}

}  // namespace zpe
