// Test helpers for output PDFs: running the command-line checkers (qpdf, pdfinfo,
// pdftotext) on bytes, and checking the PDF/A-2b markers ZPE promises
// (stages/searchable_pdf.h) by walking the PDF's objects with PoDoFo. veraPDF is not in
// Debian, so pdfa_problems checks what it can see: XMP pdfaid part 2 / conformance B, an
// OutputIntent GTS_PDFA1 with an ICC DestOutputProfile, every font embedded (FontFile2/3 or
// FontFile), no /Encrypt, no JavaScript. Used by unit and integration tests only.
#pragma once

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <podofo/podofo.h>

namespace zpe::testing {

struct CommandOutput {
  int status = -1;
  std::string text;  // stdout and stderr
};

inline CommandOutput run_command(const std::string& command, bool with_stderr = true) {
  CommandOutput out;
  FILE* pipe = popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out.text += buffer.data();
  out.status = pclose(pipe);
  return out;
}

inline bool have_tool(const char* tool) { return run_command(std::string("command -v ") + tool).status == 0; }

// The value of a "Name:   value" line of pdfinfo's output, or "".
inline std::string pdfinfo_field(const std::string& info, const std::string& name) {
  const std::string text = "\n" + info;
  const std::size_t at = text.find("\n" + name + ":");
  if (at == std::string::npos) return "";
  const std::size_t begin = text.find_first_not_of(' ', at + name.size() + 2);
  return text.substr(begin, text.find('\n', begin) - begin);
}

// Bytes written to a temporary file for the command-line checkers; removed on destruction.
class TemporaryPdf {
 public:
  explicit TemporaryPdf(const std::string& bytes) {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("zpe-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".pdf");
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~TemporaryPdf() { std::filesystem::remove(path_); }
  TemporaryPdf(const TemporaryPdf&) = delete;
  TemporaryPdf& operator=(const TemporaryPdf&) = delete;
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

inline std::string stream_text(const PoDoFo::PdfObject* object) {
  if (object == nullptr || !object->HasStream()) return "";
  char* buffer = nullptr;
  PoDoFo::pdf_long length = 0;
  object->GetStream()->GetFilteredCopy(&buffer, &length);
  std::string text(buffer, static_cast<size_t>(length));
  PoDoFo::podofo_free(buffer);
  return text;
}

// A born-digital PDF: one A4 page of real text in Helvetica (no image), one line each
// `line_step` points from `top` down, as office or court software writes it.
inline std::string text_pdf(const std::vector<std::string>& lines, double top = 700, double line_step = 20) {
  PoDoFo::PdfMemDocument document;
  PoDoFo::PdfPage* page = document.CreatePage(PoDoFo::PdfPage::CreateStandardPageSize(PoDoFo::ePdfPageSize_A4));
  PoDoFo::PdfPainter painter;
  painter.SetPage(page);
  painter.SetFont(document.CreateFont("Helvetica"));
  painter.GetFont()->SetFontSize(12);
  double y = top;
  for (const std::string& line : lines) {
    painter.DrawText(72, y, PoDoFo::PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(line.c_str())));
    y -= line_step;
  }
  painter.FinishPage();
  PoDoFo::PdfRefCountedBuffer buffer;
  PoDoFo::PdfOutputDevice device(&buffer);
  document.Write(&device);
  return std::string(buffer.GetBuffer(), device.GetLength());
}

// Everything that keeps `pdf` from carrying the PDF/A-2b markers; empty when all are there.
inline std::vector<std::string> pdfa_problems(const std::string& pdf) {
  std::vector<std::string> problems;
  PoDoFo::PdfError::EnableLogging(false);
  PoDoFo::PdfMemDocument document;
  try {
    document.LoadFromBuffer(pdf.data(), static_cast<long>(pdf.size()));
  } catch (const PoDoFo::PdfError& error) {
    return {std::string("cannot parse: ") + PoDoFo::PdfError::ErrorName(error.GetError())};
  }
  const PoDoFo::PdfMemDocument& loaded = document;
  if (document.GetEncrypted()) problems.push_back("encrypted (/Encrypt in the trailer)");
  const PoDoFo::PdfObject* catalog = document.GetCatalog();
  const PoDoFo::PdfObject* metadata = catalog->GetIndirectKey("Metadata");
  const std::string xmp = stream_text(metadata);
  if (xmp.find("<pdfaid:part>2</pdfaid:part>") == std::string::npos) problems.push_back("XMP lacks pdfaid:part 2");
  if (xmp.find("<pdfaid:conformance>B</pdfaid:conformance>") == std::string::npos) {
    problems.push_back("XMP lacks pdfaid:conformance B");
  }
  const PoDoFo::PdfObject* intents = catalog->GetIndirectKey("OutputIntents");
  bool has_intent = false;
  std::string intent_space;  // the output profile's colour space: "GRAY", "RGB " (ICC header bytes 16..19)
  if (intents != nullptr && intents->IsArray()) {
    for (const auto& entry : intents->GetArray()) {
      const PoDoFo::PdfObject* intent = entry.IsReference() ? loaded.GetObjects().GetObject(entry.GetReference()) : &entry;
      if (intent == nullptr || !intent->IsDictionary()) continue;
      const PoDoFo::PdfObject* s = intent->GetDictionary().GetKey("S");
      const PoDoFo::PdfObject* profile = intent->GetIndirectKey("DestOutputProfile");
      const bool pdfa = s != nullptr && s->IsName() && s->GetName().GetName() == "GTS_PDFA1" && profile != nullptr &&
                        profile->HasStream() && stream_text(profile).size() > 128;
      if (!pdfa) continue;
      has_intent = true;
      const std::string icc = stream_text(profile);
      intent_space = icc.substr(16, 4);
      const PoDoFo::PdfObject* n = profile->GetDictionary().GetKey("N");
      const int64_t components = n != nullptr && n->IsNumber() ? n->GetNumber() : 0;
      if ((intent_space == "GRAY" && components != 1) || (intent_space == "RGB " && components != 3)) {
        problems.push_back("the output profile's /N " + std::to_string(components) + " does not match its colour space " +
                           intent_space);
      }
    }
  }
  if (!has_intent) problems.push_back("no OutputIntent /GTS_PDFA1 with a DestOutputProfile");
  int fonts = 0;
  for (const PoDoFo::PdfObject* object : loaded.GetObjects()) {
    if (!object->IsDictionary()) continue;
    const PoDoFo::PdfDictionary& d = object->GetDictionary();
    for (const char* forbidden : {"JS", "JavaScript", "Encrypt"}) {
      if (d.HasKey(forbidden)) problems.push_back("object " + object->Reference().ToString() + " has /" + forbidden);
    }
    // PDF/A-2 6.2.4.3: DeviceRGB only with an RGB output intent (DeviceGray with any).
    const PoDoFo::PdfObject* space = d.GetKey("ColorSpace");
    if (has_intent && intent_space != "RGB " && space != nullptr && space->IsName() &&
        space->GetName().GetName() == "DeviceRGB") {
      problems.push_back("object " + object->Reference().ToString() + " uses DeviceRGB under a " + intent_space +
                         " output intent");
    }
    const PoDoFo::PdfObject* type = d.GetKey("Type");
    if (type != nullptr && type->IsName() && type->GetName().GetName() == "FontDescriptor") {
      ++fonts;
      if (!d.HasKey("FontFile2") && !d.HasKey("FontFile3") && !d.HasKey("FontFile")) {
        problems.push_back("font descriptor " + object->Reference().ToString() + " has no embedded font program");
      }
    }
    const PoDoFo::PdfObject* subtype = d.GetKey("Subtype");
    if (type != nullptr && type->IsName() && type->GetName().GetName() == "Font" && subtype != nullptr &&
        subtype->IsName() && subtype->GetName().GetName() != "Type0" && !d.HasKey("FontDescriptor")) {
      problems.push_back("font " + object->Reference().ToString() + " is not embedded (no FontDescriptor)");
    }
  }
  if (fonts == 0) problems.push_back("no embedded font (the text layer is missing)");
  return problems;
}

}  // namespace zpe::testing
