// OcrEngine: one loaded Tesseract model (a language or a "deu+eng" combination) that
// recognises page images into RecognisedPage values (lines, words, boxes, confidences,
// plain text). Used by the ocr stage, which keeps one engine per language a tenant asks for.
//
// Loading a model is slow (about a second), so engines live as long as the worker. If the
// model cannot be loaded, load() returns an error naming the language and tessdata folder.
// Every thread that recognises keeps Tesseract to itself (stages/one_openmp_thread.h).
// Not thread-safe: one engine is used by one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "pipeline/status.h"
#include "stages/page_image.h"
#include "stages/page_text.h"

struct Pix;

namespace zpe {

class OcrEngine {
 public:
  static Result<std::unique_ptr<OcrEngine>> load(const std::string& language, const std::string& tessdata_dir);
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Recognises one page at `dpi`. Errors: Tesseract refused the image.
  Result<RecognisedPage> recognise(Pix* page, int dpi);
  // The same on a page the caller hands over: Tesseract takes its own copy of the page, and
  // the caller's is freed then, before recognition (a colour A4 page: 35 MB less per page
  // thread while Tesseract works).
  Result<RecognisedPage> recognise(PixPtr page, int dpi);

  const std::string& language() const { return language_; }
  // "tesseract 5.3.0"
  static std::string engine_name();

 private:
  struct Api;
  OcrEngine(std::unique_ptr<Api> api, std::string language);
  std::unique_ptr<Api> api_;
  std::string language_;
};

}  // namespace zpe
