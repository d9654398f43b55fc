// The layout behind a document's OCR text: the words of each page with their boxes and
// the confidence OCR had in each, read back from the ALTO XML the ocr stage writes
// (stages/alto.h, record.ocr.alto_blob). With it a field found in the plain text
// (a TextPosition from classifiers/ocr_text.h) gets a box on the page image, for the
// clearing station to highlight, and the lowest confidence of the words it was read from,
// which tells a cleanly read case number from one whose digits OCR was unsure of.
//
// The text and the ALTO come from the same recognition: a page's text lists its words in
// ALTO order, separated by blanks and line breaks, pages by '\f'. locate_words relies on
// that and checks it: when the words at the expected place do not spell the text there,
// it looks for them elsewhere on the page, and gives up (nullopt) rather than guess.
// Pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "classifiers/ocr_text.h"
#include "pipeline/status.h"

namespace zpe::classifiers {

struct WordBox {
  int left = 0;
  int top = 0;
  int right = 0;   // exclusive
  int bottom = 0;  // exclusive
};

struct LayoutWord {
  std::string text;          // as OCR read it (ALTO CONTENT, unescaped)
  WordBox box;               // pixels of the page image, origin top left
  double confidence = 1.0;   // ALTO WC, 0..1 (1 when the file gives none)
};

struct LayoutPage {
  int width = 0;   // pixels of the page image the boxes refer to
  int height = 0;
  std::vector<LayoutWord> words;  // reading order, as in the text
};

struct OcrLayout {
  std::vector<LayoutPage> pages;
};

// Reads an ALTO v2-v4 document (the String elements of each Page). Malformed XML is an
// error (kInvalidInput) naming the parser's complaint and byte offset.
Result<OcrLayout> parse_alto(std::string_view xml);

// Where a piece of the text stands on its page.
struct LocatedText {
  int page_index = 0;                 // 0-based
  int page_width = 0;                 // the page image's pixels, to scale the box
  int page_height = 0;
  WordBox box;                        // union of the words the text was read from
  double min_word_confidence = 1.0;   // the least sure of those words, 0..1
  int words = 0;                      // how many words
};

// The words `text` [position.offset, position.offset + position.text.size()) was read
// from; nullopt when the layout has no such page or its words do not match the text.
std::optional<LocatedText> locate_words(const OcrLayout& layout, std::string_view text, const TextPosition& position);

}  // namespace zpe::classifiers
