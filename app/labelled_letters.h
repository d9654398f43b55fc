// Labelled letters for `zpe train` and `zpe eval`: the image files of a folder that have
// a <file>.truth.json beside them (samples/generate_letters.py writes these), and the
// OCR text cache <work>/<file>.ocr.txt that lets a re-run of eval skip the OCR.
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

// The letter's OCR text from the cache <work_dir>/<name>.ocr.txt, or — when absent —
// from running the prepare and ocr stages in-process (with the tenant's settings from
// `config`), then stored in the cache. An OCR-unsure verdict still yields the text;
// *ocr_clearing then holds the reason the pipeline would give.
Result<std::string> letter_ocr_text(const LabelledLetter& letter, const std::filesystem::path& work_dir,
                                    const Config& config, const std::string& tenant, std::string* ocr_clearing);

}  // namespace zpe::app
