// Labelled letters for `zpe train` and `zpe eval`: the image files of a folder that have
// a <file>.truth.json beside them (samples/generate_letters.py writes these), and the
// OCR cache <work>/<file>.ocr.txt + .alto.xml that lets a re-run of eval skip the OCR.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/config.h"
#include "pipeline/status.h"

namespace zpe::app {

struct LabelledLetter {
  std::filesystem::path image;  // the letter's image file
  nlohmann::json truth;         // its .truth.json
};

// All letters of `dir` with a readable truth file, sorted by name.
Result<std::vector<LabelledLetter>> read_labelled_letters(const std::filesystem::path& dir);

// What OCR made of a letter: its text and the ALTO layout (word boxes and confidences).
struct LetterOcr {
  std::string text;
  std::string alto;
};

// The letter's OCR output from the cache <work_dir>/<name>.ocr.txt and <name>.alto.xml, or
// — when either is absent — from running the prepare and ocr stages in-process (with the
// tenant's settings from `config`), then stored in the cache. An OCR-unsure verdict still
// yields the output; *ocr_clearing then holds the reason the pipeline would give.
Result<LetterOcr> letter_ocr(const LabelledLetter& letter, const std::filesystem::path& work_dir, const Config& config,
                             const std::string& tenant, std::string* ocr_clearing);

}  // namespace zpe::app
