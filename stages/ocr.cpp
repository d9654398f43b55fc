#include "stages/ocr.h"

#include <dlfcn.h>

#include <cmath>
#include <cstdlib>
#include <new>

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include "stages/page_image.h"
#include "stages/stage_io.h"

namespace zpe {

namespace {

using nlohmann::json;

struct PageText {
  std::string text;
  double confidence = 0.0;  // 0..100
  int words = 0;
};

double round_to_tenths(double value) { return std::round(value * 10.0) / 10.0; }

// Keeps Tesseract to one thread. Debian's Tesseract uses OpenMP, whose runtime (libgomp)
// reads OMP_THREAD_LIMIT once, when it is loaded at process start — before any stage
// exists — so setenv here only helps runtimes loaded later. Setting max-active-levels to
// 0 makes every parallel region run on the calling thread, at any time. Looked up at run
// time so ZPE neither links OpenMP itself nor needs it when Tesseract is built without.
void limit_tesseract_to_one_thread() {
  setenv("OMP_THREAD_LIMIT", "1", 1);
  using SetLevels = void (*)(int);
  if (auto* set_levels = reinterpret_cast<SetLevels>(dlsym(RTLD_DEFAULT, "omp_set_max_active_levels"))) {
    set_levels(0);
  }
}

class OcrStage final : public Stage {
 public:
  OcrStage(std::string language, const std::string& tessdata_dir);
  ~OcrStage() override { api_.End(); }
  OcrStage(const OcrStage&) = delete;
  OcrStage& operator=(const OcrStage&) = delete;

  std::string_view name() const override { return "ocr"; }
  std::string version() const override { return version_; }
  StageOutcome run(const StageContext& context) override;

 private:
  StageOutcome recognise_document(const StageContext& context);
  StageValue<PageText> recognise_page(BlobAccess& blobs, const PageRef& page, const std::string& file);
  int count_words();

  tesseract::TessBaseAPI api_;
  std::string language_;
  std::string version_;
  std::string init_error_;  // empty when the model loaded
};

OcrStage::OcrStage(std::string language, const std::string& tessdata_dir) : language_(std::move(language)) {
  limit_tesseract_to_one_thread();
  quiet_leptonica();
  api_.SetVariable("debug_file", "/dev/null");
  const char* datapath = tessdata_dir.empty() ? nullptr : tessdata_dir.c_str();
  if (api_.Init(datapath, language_.c_str(), tesseract::OEM_DEFAULT) != 0) {
    const char* used = api_.GetDatapath();
    init_error_ = "ocr: the Tesseract model for language \"" + language_ + "\" cannot be loaded from " +
                  (used != nullptr ? std::string(used) : tessdata_dir.empty() ? "the default tessdata directory" : tessdata_dir) +
                  " — install the language data (Debian: tesseract-ocr-<language>) or correct [stages.ocr] "
                  "language / tessdata_dir";
  }
  api_.SetVariable("debug_file", "/dev/null");
  version_ = std::string("ocr/1 tesseract-") + tesseract::TessBaseAPI::Version() + " " + language_;
}

StageOutcome OcrStage::run(const StageContext& context) {
  if (!init_error_.empty()) return stage_failure(FailureKind::kFinal, init_error_);
  try {
    return recognise_document(context);
  } catch (const std::bad_alloc&) {
    api_.Clear();
    return stage_failure(FailureKind::kRetryable, source_file_name(context.record) + ": out of memory during OCR — retrying");
  }
}

int OcrStage::count_words() {
  std::unique_ptr<tesseract::ResultIterator> it(api_.GetIterator());
  if (!it) return 0;
  int words = 0;
  do {
    std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
    if (word && word[0] != '\0') ++words;
  } while (it->Next(tesseract::RIL_WORD));
  return words;
}

StageValue<PageText> OcrStage::recognise_page(BlobAccess& blobs, const PageRef& page, const std::string& file) {
  const std::string where = file + ": page " + std::to_string(page.page);
  auto png = read_blob(blobs, page.blob, where + " image");
  if (!png) return tl::unexpected(png.error());
  auto pix = decode_image(*png);
  if (!pix) {
    return stage_failure(FailureKind::kFinal, where + ": the stored page image cannot be decoded — report to IT");
  }
  api_.SetImage(pix->get());
  const int dpi = page.dpi_y > 0 ? page.dpi_y : pixGetYRes(pix->get());
  api_.SetSourceResolution(dpi > 0 ? dpi : 300);
  if (api_.Recognize(nullptr) != 0) {
    api_.Clear();
    return stage_failure(FailureKind::kFinal, where + ": Tesseract could not process the page — report to IT");
  }
  PageText result;
  std::unique_ptr<char[]> text(api_.GetUTF8Text());
  result.text = text ? text.get() : "";
  result.words = count_words();
  result.confidence = result.words > 0 ? api_.MeanTextConf() : 0.0;
  api_.Clear();
  return result;
}

StageOutcome OcrStage::recognise_document(const StageContext& context) {
  const std::string file = source_file_name(context.record);
  auto pages = read_page_refs(context.record, "ocr");
  if (!pages) return tl::unexpected(pages.error());
  json page_entries = json::array();
  std::string document_text;
  double weighted_confidence = 0.0;
  int total_words = 0;
  for (const PageRef& page : *pages) {
    auto recognised = recognise_page(context.blobs, page, file);
    if (!recognised) return tl::unexpected(recognised.error());
    auto text_blob = write_blob(context.blobs, recognised->text, file + ": page " + std::to_string(page.page) + " text");
    if (!text_blob) return tl::unexpected(text_blob.error());
    page_entries.push_back({{"page", page.page},
                            {"text_blob", *text_blob},
                            {"confidence", round_to_tenths(recognised->confidence)},
                            {"words", recognised->words}});
    if (page_entries.size() > 1) document_text += '\f';
    document_text += recognised->text;
    weighted_confidence += recognised->confidence * recognised->words;
    total_words += recognised->words;
  }
  auto text_blob = write_blob(context.blobs, document_text, file + ": document text");
  if (!text_blob) return tl::unexpected(text_blob.error());
  StageResult result;
  result.patch["ocr"] = {{"version", version_},
                         {"engine", std::string("tesseract ") + tesseract::TessBaseAPI::Version()},
                         {"language", language_},
                         {"pages", std::move(page_entries)},
                         {"text_blob", *text_blob},
                         {"confidence", total_words > 0 ? round_to_tenths(weighted_confidence / total_words) : 0.0}};
  return result;
}

}  // namespace

Result<std::unique_ptr<Stage>> make_ocr_stage(const nlohmann::json& settings) {
  auto language = string_setting(settings, "language", "deu");
  auto tessdata = string_setting(settings, "tessdata_dir", "");
  if (!language) return fail(ErrorKind::kInvalidInput, "stage ocr: " + language.error().message);
  if (!tessdata) return fail(ErrorKind::kInvalidInput, "stage ocr: " + tessdata.error().message);
  if (language->empty()) return fail(ErrorKind::kInvalidInput, "stage ocr: setting language must not be empty");
  return std::unique_ptr<Stage>(std::make_unique<OcrStage>(*language, *tessdata));
}

}  // namespace zpe
