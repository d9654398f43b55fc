// Measures the near-duplicate fingerprint (classifiers/near_duplicate.h) on generated
// letters: how similar different letters of the same type and case score (they must stay
// below the threshold) and how similar a rescan or fax of the same letter scores (it must
// reach it). bench/eval_near_duplicate.sh runs it; docs/CLASSIFY.md has its figures.
//
//   zpe_near_duplicate_bench --letters DIR [--ocr CACHE] [--rescan-ocr CACHE2] [--threshold 0.5]
// DIR: letters with <file>.truth.json (samples/generate_letters.py). Each letter's text is
// CACHE/<file>.ocr.txt when --ocr is given (what `zpe eval --work CACHE` wrote), else its
// truth text. --rescan-ocr: the OCR texts of the second copies (bench/make_rescans.py),
// matched to the letters by name before the first '.'.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "classifiers/near_duplicate.h"

namespace {

namespace fs = std::filesystem;
namespace cls = zpe::classifiers;

struct Letter {
  std::string stem, doc_type, case_number, text;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string stem_of(const std::string& name) { return name.substr(0, name.find('.')); }

double exact_jaccard(const std::string& a, const std::string& b) {
  const auto x = cls::text_shingles(a), y = cls::text_shingles(b);
  std::vector<std::uint64_t> common;
  std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(common));
  const std::size_t all = x.size() + y.size() - common.size();
  return all == 0 ? 0.0 : static_cast<double>(common.size()) / static_cast<double>(all);
}

// Estimated similarity, or -1 when either text is too short to fingerprint.
double estimated(const std::string& a, const std::string& b) {
  const auto x = cls::fingerprint_text(a), y = cls::fingerprint_text(b);
  return x && y ? cls::estimate_similarity(*x, *y) : -1.0;
}

struct Scores {
  std::vector<double> exact, estimate;
  int too_short = 0;
  void add(const std::string& a, const std::string& b) {
    const double e = estimated(a, b);
    if (e < 0) { ++too_short; return; }
    exact.push_back(exact_jaccard(a, b));
    estimate.push_back(e);
  }
};

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5)];
}

void report(const char* label, const Scores& s, double threshold) {
  const auto above = std::count_if(s.estimate.begin(), s.estimate.end(), [&](double v) { return v >= threshold; });
  std::printf("%-34s pairs %5zu (too short %d)  exact J min %.2f median %.2f max %.2f | estimate min %.2f "
              "p5 %.2f median %.2f p95 %.2f max %.2f | >= %.2f: %ld\n",
              label, s.estimate.size(), s.too_short, quantile(s.exact, 0), quantile(s.exact, 0.5),
              quantile(s.exact, 1), quantile(s.estimate, 0), quantile(s.estimate, 0.05), quantile(s.estimate, 0.5),
              quantile(s.estimate, 0.95), quantile(s.estimate, 1), threshold, static_cast<long>(above));
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args = {{"--threshold", "0.5"}};
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  if (!args.count("--letters")) {
    std::fprintf(stderr, "usage: %s --letters DIR [--ocr CACHE] [--rescan-ocr CACHE2] [--threshold 0.5]\n", argv[0]);
    return 2;
  }
  const double threshold = std::stod(args["--threshold"]);
  std::vector<Letter> letters;
  std::vector<fs::path> truths;
  for (const auto& entry : fs::directory_iterator(args["--letters"])) {
    if (entry.path().string().ends_with(".truth.json")) truths.push_back(entry.path());
  }
  std::sort(truths.begin(), truths.end());
  for (const auto& path : truths) {
    const auto truth = nlohmann::json::parse(read_text(path), nullptr, false);
    if (!truth.is_object()) continue;
    const std::string file = truth.value("file", "");
    Letter letter{stem_of(file), truth.value("doc_type", ""),
                  truth["case_number"].is_string() ? truth["case_number"].get<std::string>() : "",
                  truth.value("text", "")};
    if (args.count("--ocr")) letter.text = read_text(fs::path(args["--ocr"]) / (file + ".ocr.txt"));
    letters.push_back(std::move(letter));
  }
  Scores same_type, same_case, other;
  for (std::size_t i = 0; i < letters.size(); ++i) {
    for (std::size_t j = i + 1; j < letters.size(); ++j) {
      const Letter &a = letters[i], &b = letters[j];
      if (!a.case_number.empty() && a.case_number == b.case_number) same_case.add(a.text, b.text);
      (a.doc_type == b.doc_type ? same_type : other).add(a.text, b.text);
    }
  }
  std::printf("%zu letters (%s text)\n", letters.size(), args.count("--ocr") ? "OCR" : "truth");
  report("different letters, same type", same_type, threshold);
  report("different letters, same case", same_case, threshold);
  report("different letters, other type", other, threshold);
  if (args.count("--rescan-ocr")) {
    std::map<std::string, std::string> second;
    for (const auto& entry : fs::directory_iterator(args["--rescan-ocr"])) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with(".ocr.txt")) second[stem_of(name)] = read_text(entry.path());
    }
    Scores rescans;
    for (const auto& letter : letters) {
      if (!second.count(letter.stem)) continue;
      rescans.add(letter.text, second[letter.stem]);
      std::printf("  %s (%s) vs its second copy: estimate %.2f exact %.2f\n", letter.stem.c_str(),
                  letter.doc_type.c_str(), estimated(letter.text, second[letter.stem]),
                  exact_jaccard(letter.text, second[letter.stem]));
    }
    report("same letter, rescan or fax", rescans, threshold);
  }
  return 0;
}
