#include "classifiers/doc_type_model.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "classifiers/ocr_text.h"

namespace zpe::classifiers {

namespace {

constexpr int kFormatVersion = 1;
constexpr double kSmoothing = 1.0;         // Laplace smoothing of feature counts
constexpr std::size_t kCharGram = 5;
constexpr std::size_t kMinimumWord = 2;
constexpr double kTemperaturePerFeature = 1.0 / 12.0;  // see predict()

bool is_word_byte(char c) {
  return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
}

double round4(double value) { return std::round(value * 10000.0) / 10000.0; }

}  // namespace

std::vector<std::string> text_features(std::string_view text) {
  const std::string folded = fold_for_keywords(text);
  std::vector<std::string> words;
  for (std::size_t i = 0; i < folded.size();) {
    if (!is_word_byte(folded[i])) { ++i; continue; }
    std::size_t end = i;
    while (end < folded.size() && is_word_byte(folded[end])) ++end;
    if (end - i >= kMinimumWord) words.emplace_back(folded.substr(i, end - i));
    i = end;
  }
  std::set<std::string> features;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    features.insert("w:" + word);
    if (i + 1 < words.size()) features.insert("b:" + word + "_" + words[i + 1]);
    if (word.size() > kCharGram) {
      for (std::size_t at = 0; at + kCharGram <= word.size(); ++at) features.insert("c:" + word.substr(at, kCharGram));
    }
  }
  return {features.begin(), features.end()};
}

DocTypeModel DocTypeModel::train(const std::vector<LabelledText>& examples, const std::string& version,
                                 std::size_t max_features) {
  DocTypeModel model;
  model.version_ = version;
  std::map<std::string, std::size_t> class_index;
  for (const auto& example : examples) class_index.emplace(example.label, 0);
  for (auto& [label, index] : class_index) {
    index = model.classes_.size();
    model.classes_.push_back(label);
  }
  const std::size_t classes = model.classes_.size();
  std::vector<double> documents(classes, 0.0);
  std::map<std::string, std::vector<double>> counts;  // feature -> documents per class
  for (const auto& example : examples) {
    const std::size_t c = class_index[example.label];
    documents[c] += 1.0;
    for (auto& feature : text_features(example.text)) {
      auto& row = counts[feature];
      if (row.empty()) row.assign(classes, 0.0);
      row[c] += 1.0;
    }
  }
  // Keep the features whose spread over the classes says most: sum over classes of
  // p(f|c) * log(p(f|c) / p(f)), a mutual-information-like score, on document frequencies.
  const double total = static_cast<double>(examples.size());
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [feature, row] : counts) {
    double df = 0.0;
    for (double n : row) df += n;
    if (df < 2.0) continue;
    const double p_f = (df + kSmoothing) / (total + 2 * kSmoothing);
    double score = 0.0;
    for (std::size_t c = 0; c < classes; ++c) {
      const double p_fc = (row[c] + kSmoothing) / (documents[c] + 2 * kSmoothing);
      score += (documents[c] / total) * p_fc * std::log(p_fc / p_f);
    }
    ranked.emplace_back(score, feature);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  if (ranked.size() > max_features) ranked.resize(max_features);
  // Multinomial estimate over the kept features: p(f|c) = (n_fc + 1) / (N_c + |V|).
  std::vector<double> class_total(classes, 0.0);
  for (const auto& [score, feature] : ranked) {
    for (std::size_t c = 0; c < classes; ++c) class_total[c] += counts[feature][c];
  }
  const double vocabulary = static_cast<double>(ranked.size());
  for (const auto& [score, feature] : ranked) {
    std::vector<double> row(classes);
    for (std::size_t c = 0; c < classes; ++c) {
      row[c] = round4(std::log((counts[feature][c] + kSmoothing) / (class_total[c] + kSmoothing * vocabulary)));
    }
    model.log_likelihood_.emplace(feature, std::move(row));
  }
  for (std::size_t c = 0; c < classes; ++c) model.log_prior_.push_back(round4(std::log(documents[c] / total)));
  model.trained_on = {{"examples", examples.size()}, {"features", ranked.size()}};
  return model;
}

TypePrediction DocTypeModel::predict(std::string_view text) const {
  TypePrediction prediction;
  if (classes_.empty()) return prediction;
  std::vector<double> score(classes_.size(), 0.0);
  std::size_t matched = 0;
  for (const auto& feature : text_features(text)) {
    const auto it = log_likelihood_.find(feature);
    if (it == log_likelihood_.end()) continue;
    ++matched;
    for (std::size_t c = 0; c < classes_.size(); ++c) score[c] += it->second[c];
  }
  // Tempering: features of one letter are strongly correlated, so the raw posterior is
  // near 1 for almost any letter. Dividing the log-likelihood by a temperature growing with
  // the number of matched features gives a confidence that separates clear from doubtful.
  const double temperature = 1.0 + kTemperaturePerFeature * static_cast<double>(matched);
  for (std::size_t c = 0; c < classes_.size(); ++c) score[c] = log_prior_[c] + score[c] / temperature;
  const double top = *std::max_element(score.begin(), score.end());
  double sum = 0.0;
  for (double s : score) sum += std::exp(s - top);
  std::vector<std::size_t> order(classes_.size());
  for (std::size_t c = 0; c < order.size(); ++c) order[c] = c;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  prediction.type = classes_[order[0]];
  prediction.confidence = std::exp(score[order[0]] - top) / sum;
  if (order.size() > 1) {
    prediction.runner_up = classes_[order[1]];
    prediction.runner_up_confidence = std::exp(score[order[1]] - top) / sum;
  }
  return prediction;
}

nlohmann::json DocTypeModel::to_json() const {
  nlohmann::json features = nlohmann::json::object();
  for (const auto& [feature, row] : log_likelihood_) features[feature] = row;
  return {{"format", "zpe-doctype-nb"}, {"format_version", kFormatVersion}, {"version", version_},
          {"trained_on", trained_on},   {"classes", classes_},               {"log_prior", log_prior_},
          {"features", std::move(features)}};
}

Result<DocTypeModel> DocTypeModel::from_json(const nlohmann::json& json) {
  if (!json.is_object() || json.value("format", "") != "zpe-doctype-nb") {
    return fail(ErrorKind::kInvalidInput, "not a zpe-doctype-nb model (\"format\" missing or different)");
  }
  if (json.value("format_version", 0) != kFormatVersion) {
    return fail(ErrorKind::kInvalidInput, "model format_version " + json.value("format_version", nlohmann::json()).dump() +
                                              " is not supported (expected 1) — retrain with `zpe train`");
  }
  try {
    DocTypeModel model;
    model.version_ = json.at("version").get<std::string>();
    model.classes_ = json.at("classes").get<std::vector<std::string>>();
    model.log_prior_ = json.at("log_prior").get<std::vector<double>>();
    model.trained_on = json.value("trained_on", nlohmann::json::object());
    if (model.log_prior_.size() != model.classes_.size()) {
      return fail(ErrorKind::kInvalidInput, "model: log_prior has not one entry per class");
    }
    for (const auto& [feature, row] : json.at("features").items()) {
      auto values = row.get<std::vector<double>>();
      if (values.size() != model.classes_.size()) {
        return fail(ErrorKind::kInvalidInput, "model: feature \"" + feature + "\" has not one value per class");
      }
      model.log_likelihood_.emplace(feature, std::move(values));
    }
    return model;
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorKind::kInvalidInput, std::string("model: ") + e.what());
  }
}

Result<DocTypeModel> DocTypeModel::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return fail(ErrorKind::kNotFound, "model file " + file.string() + " cannot be read");
  auto json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded()) return fail(ErrorKind::kInvalidInput, "model file " + file.string() + " is not JSON");
  auto model = from_json(json);
  if (!model) return fail(model.error().kind, file.string() + ": " + model.error().message);
  return model;
}

Status DocTypeModel::save(const std::filesystem::path& file) const {
  const auto temp = file.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << to_json().dump() << "\n";
    if (!out.flush()) return fail(ErrorKind::kIOError, "cannot write " + temp);
  }
  std::error_code error;
  std::filesystem::rename(temp, file, error);
  if (error) return fail(ErrorKind::kIOError, "cannot rename " + temp + " to " + file.string() + ": " + error.message());
  return {};
}

}  // namespace zpe::classifiers
