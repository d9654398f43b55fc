#include "stages/second_reading.h"

#include <cmath>

#include "classifiers/case_number.h"
#include "classifiers/ocr_layout.h"

namespace zpe {

namespace {

namespace cls = zpe::classifiers;

// What a case number may be written with; everything else is refused by the second reader.
constexpr const char* kCaseNumberCharacters = "0123456789-";

// The page's words as the layout the classifiers locate text in.
cls::OcrLayout layout_of(const RecognisedPage& page) {
  cls::LayoutPage out;
  out.width = page.width;
  out.height = page.height;
  for (const RecognisedLine& line : page.lines) {
    for (const RecognisedWord& word : line.words) {
      out.words.push_back({word.text, {word.box.left, word.box.top, word.box.right, word.box.bottom},
                           word.confidence / 100.0});
    }
  }
  return cls::OcrLayout{{std::move(out)}};
}

}  // namespace

std::vector<SecondReading> read_case_numbers_again(OcrEngine& engine, Pix* image, int dpi,
                                                   const RecognisedPage& page, int page_number) {
  std::vector<SecondReading> readings;
  const auto candidates = cls::find_case_numbers(page.text);
  if (candidates.empty()) return readings;
  const cls::OcrLayout layout = layout_of(page);
  for (const cls::CaseNumberCandidate& candidate : candidates) {
    const auto located = cls::locate_words(layout, page.text, candidate.position);
    if (!located) continue;
    SecondReading reading;
    reading.page = page_number;
    reading.first = candidate.number;
    reading.first_text = candidate.position.text;
    reading.box = {located->box.left, located->box.top, located->box.right, located->box.bottom};
    if (auto second = engine.read_line(image, reading.box, dpi, kCaseNumberCharacters)) {
      reading.second_text = second->text;
      reading.second_confidence = second->confidence;
      reading.second = cls::normalise_case_number(second->text).value_or("");
    }
    readings.push_back(std::move(reading));
  }
  return readings;
}

nlohmann::json second_readings_json(const std::vector<SecondReading>& readings) {
  nlohmann::json out = nlohmann::json::array();
  for (const SecondReading& r : readings) {
    out.push_back({{"page", r.page},
                   {"first", r.first},
                   {"first_text", r.first_text},
                   {"second", r.second.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.second)},
                   {"second_text", r.second_text},
                   {"second_confidence", std::round(r.second_confidence * 10.0) / 10.0},
                   {"agrees", r.agrees()},
                   {"box", {{"left", r.box.left}, {"top", r.box.top}, {"right", r.box.right}, {"bottom", r.box.bottom}}}});
  }
  return out;
}

nlohmann::json second_reading_verdict(const nlohmann::json& readings, const std::string& number) {
  if (!readings.is_array()) return nullptr;
  int count = 0;
  nlohmann::json verdict = {{"agrees", true}};
  for (const auto& reading : readings) {
    if (!reading.is_object() || reading.value("first", "") != number) continue;
    ++count;
    if (!reading.value("agrees", false) && verdict["agrees"].get<bool>()) {
      verdict["agrees"] = false;
      verdict["second_text"] = reading.value("second_text", "");
    }
  }
  if (count == 0) return nullptr;
  verdict["readings"] = count;
  return verdict;
}

}  // namespace zpe
