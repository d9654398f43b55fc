#include "stages/ocr_engine.h"


#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include "stages/one_openmp_thread.h"
#include "stages/page_image.h"

namespace zpe {

namespace {

PixelBox box_of(const tesseract::ResultIterator& it, tesseract::PageIteratorLevel level) {
  PixelBox box;
  it.BoundingBox(level, &box.left, &box.top, &box.right, &box.bottom);
  return box;
}

// Lines and words with boxes and confidences from Tesseract's last recognition.
void collect_layout(tesseract::TessBaseAPI& api, RecognisedPage& page) {
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (!it) return;
  using tesseract::RIL_BLOCK;
  using tesseract::RIL_TEXTLINE;
  using tesseract::RIL_WORD;
  int block = 0;
  double confidence_sum = 0.0;
  while (!it->Empty(RIL_BLOCK)) {
    if (it->Empty(RIL_WORD)) {
      it->Next(RIL_WORD);
      continue;
    }
    if (it->IsAtBeginningOf(RIL_BLOCK)) ++block;
    if (it->IsAtBeginningOf(RIL_TEXTLINE) || page.lines.empty()) {
      RecognisedLine line;
      line.block = block;
      line.box = box_of(*it, RIL_TEXTLINE);
      int x1 = 0, y1 = 0, x2 = 0, y2 = 0;
      line.baseline = it->Baseline(RIL_TEXTLINE, &x1, &y1, &x2, &y2) ? (y1 + y2) / 2 : line.box.bottom;
      page.lines.push_back(std::move(line));
    }
    std::unique_ptr<char[]> text(it->GetUTF8Text(RIL_WORD));
    if (text && text[0] != '\0') {
      RecognisedWord word{text.get(), box_of(*it, RIL_WORD), it->Confidence(RIL_WORD)};
      confidence_sum += word.confidence;
      page.lines.back().words.push_back(std::move(word));
      ++page.words;
    }
    it->Next(RIL_WORD);
  }
  page.confidence = page.words > 0 ? confidence_sum / page.words : 0.0;
}

}  // namespace

struct OcrEngine::Api {
  tesseract::TessBaseAPI tesseract;
  ~Api() { tesseract.End(); }
};

OcrEngine::OcrEngine(std::unique_ptr<Api> api, std::string language) : api_(std::move(api)), language_(std::move(language)) {}
OcrEngine::~OcrEngine() = default;

std::string OcrEngine::engine_name() { return std::string("tesseract ") + tesseract::TessBaseAPI::Version(); }

Result<std::unique_ptr<OcrEngine>> OcrEngine::load(const std::string& language, const std::string& tessdata_dir) {
  keep_openmp_on_this_thread();
  quiet_leptonica();
  auto api = std::make_unique<Api>();
  api->tesseract.SetVariable("debug_file", "/dev/null");
  const char* datapath = tessdata_dir.empty() ? nullptr : tessdata_dir.c_str();
  if (api->tesseract.Init(datapath, language.c_str(), tesseract::OEM_DEFAULT) != 0) {
    const char* used = api->tesseract.GetDatapath();
    return fail(ErrorKind::kNotFound,
                "the Tesseract model for language \"" + language + "\" cannot be loaded from " +
                    (used != nullptr ? std::string(used)
                                     : tessdata_dir.empty() ? "the default tessdata directory" : tessdata_dir) +
                    " — install the language data (Debian: tesseract-ocr-<language>) or correct [stages.ocr] "
                    "language / tessdata_dir (also per tenant)");
  }
  api->tesseract.SetVariable("debug_file", "/dev/null");
  // Full page layout analysis (what the tesseract command and OCRmyPDF use). The API's own
  // default reads the whole page as one block of text, which turns punch holes, stamps and
  // specks beside the text into words ("*", "j j"): measured on 24 held-out letters, see
  // docs/ARCHITECTURE.md "The searchable PDF".
  api->tesseract.SetPageSegMode(tesseract::PSM_AUTO);
  return std::unique_ptr<OcrEngine>(new OcrEngine(std::move(api), language));
}

Result<RecognisedPage> OcrEngine::recognise(Pix* pix, int dpi) { return recognise(PixPtr(pixClone(pix)), dpi); }

Result<RecognisedPage> OcrEngine::recognise(PixPtr pix, int dpi) {
  if (!pix) return fail(ErrorKind::kInternal, "no page image");
  keep_openmp_on_this_thread();  // each page lane is its own thread
  tesseract::TessBaseAPI& api = api_->tesseract;
  api.SetImage(pix.get());  // Tesseract copies the page (its thresholder keeps its own)
  RecognisedPage page;
  page.width = pixGetWidth(pix.get());
  page.height = pixGetHeight(pix.get());
  pix.reset();
  api.SetSourceResolution(dpi > 0 ? dpi : 300);
  if (api.Recognize(nullptr) != 0) {
    api.Clear();
    return fail(ErrorKind::kInternal, "Tesseract could not process the page");
  }
  std::unique_ptr<char[]> text(api.GetUTF8Text());
  page.text = text ? text.get() : "";
  collect_layout(api, page);
  api.Clear();
  return page;
}

}  // namespace zpe
