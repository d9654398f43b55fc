// The recognised text of one page with its layout: lines of words, each with a box in the
// page image's pixels (origin top left) and a confidence. Produced by Tesseract
// (stages/ocr_engine.h) or taken from a born-digital PDF's own text (stages/born_digital.h);
// consumed by the searchable-PDF writer (invisible text layer) and the ALTO writer.
// Plain values; no behaviour.
#pragma once

#include <string>
#include <vector>

namespace zpe {

struct PixelBox {
  int left = 0;
  int top = 0;
  int right = 0;   // exclusive
  int bottom = 0;  // exclusive
  int width() const { return right - left; }
  int height() const { return bottom - top; }
};

struct RecognisedWord {
  std::string text;  // UTF-8, no spaces
  PixelBox box;
  double confidence = 0.0;  // 0..100
};

struct RecognisedLine {
  int block = 0;     // lines of one text block share this number (ALTO TextBlock)
  PixelBox box;
  int baseline = 0;  // y of the baseline in pixels
  std::vector<RecognisedWord> words;
};

struct RecognisedPage {
  int width = 0;   // pixels of the page image
  int height = 0;
  std::vector<RecognisedLine> lines;
  std::string text;         // plain text, lines ending in '\n'
  double confidence = 0.0;  // mean word confidence, 0 when there are no words
  int words = 0;
};

}  // namespace zpe
