// A trained document-type model: binarised multinomial naive Bayes over word unigrams,
// word bigrams and character 5-grams of the folded OCR text (fold_for_keywords). Trained
// by `zpe train DIR` (app/cmd_classify.cpp) from labelled letters, loaded once per classify
// worker, used by the classify stage together with the keyword rules (doc_type.h) and the
// tenant's configured rules. Predicting is pure and thread-safe on a loaded model.
//
// Why these features: word n-grams carry the wording ("im namen des volkes"), character
// 5-grams survive OCR damage inside words ("Vollrnacht" still shares "vollr"-free pieces
// such as "nacht" and "lrnac" is simply unknown). Binarised counts (a feature counts once
// per document) keep long briefs from swamping the estimate.
//
// Confidence: the posterior of the winning class after tempering the log-likelihoods by
// the number of features the document shares with the model (naive Bayes posteriors are
// overconfident because features are not independent); see predict().
//
// File format (JSON, docs/CLASSIFY.md): {"format": "zpe-doctype-nb", "format_version": 1,
// "version": "default-doctype-v1", "trained_on": {...}, "classes": [...], "log_prior": [...],
// "features": {"w:ladung": [log p(f|c) per class], ...}}.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/status.h"

namespace zpe::classifiers {

struct LabelledText {
  std::string label;  // a document type name ("Ladung")
  std::string text;
};

struct TypePrediction {
  std::string type;               // "" when the model is empty
  double confidence = 0.0;        // tempered posterior of `type`, 0..1
  std::string runner_up;
  double runner_up_confidence = 0.0;
};

// The distinct features of a text (sorted): "w:<word>", "b:<word>_<word>", "c:<5 chars>".
std::vector<std::string> text_features(std::string_view text);

class DocTypeModel {
 public:
  // Trains on the examples; keeps at most max_features features chosen by how unevenly
  // they spread over the classes (features seen in fewer than 2 documents are dropped).
  static DocTypeModel train(const std::vector<LabelledText>& examples, const std::string& version,
                            std::size_t max_features = 3000);
  static Result<DocTypeModel> from_json(const nlohmann::json& model);
  static Result<DocTypeModel> load(const std::filesystem::path& file);
  nlohmann::json to_json() const;
  Status save(const std::filesystem::path& file) const;

  TypePrediction predict(std::string_view text) const;
  const std::string& version() const { return version_; }
  const std::vector<std::string>& classes() const { return classes_; }
  bool empty() const { return classes_.empty(); }
  // Free-form facts about the training set, written into the file ("examples", ...).
  nlohmann::json trained_on = nlohmann::json::object();

 private:
  std::string version_;
  std::vector<std::string> classes_;
  std::vector<double> log_prior_;
  std::unordered_map<std::string, std::vector<double>> log_likelihood_;
};

}  // namespace zpe::classifiers
