// `zpe train DIR` and `zpe eval DIR`: train the document-type model from labelled letters
// and measure classification + the routing decision on a labelled set (docs/CLASSIFY.md).
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/labelled_letters.h"
#include "classifiers/doc_type_model.h"
#include "connectors/case_registry_source.h"
#include "stages/route_policy.h"
#include "stages/settings_path.h"
#include "stages/stage.h"

namespace zpe::app {

namespace {

using nlohmann::json;

struct TrainOptions {
  std::string dir, out = "models/default-doctype-v1.json", version = "default-doctype-v1";
  std::size_t max_features = 3000;
};

int run_train(const TrainOptions& o) {
  auto letters = read_labelled_letters(o.dir);
  if (!letters) { std::fprintf(stderr, "train: %s\n", letters.error().message.c_str()); return kNotFound; }
  std::vector<classifiers::LabelledText> examples;
  for (const auto& letter : *letters) {
    examples.push_back({letter.truth["doc_type"].get<std::string>(), letter.truth.value("text", "")});
  }
  if (examples.empty()) { std::fprintf(stderr, "train: no *.truth.json in %s\n", o.dir.c_str()); return kNotFound; }
  auto model = classifiers::DocTypeModel::train(examples, o.version, o.max_features);
  model.trained_on["text"] = "truth text (as rendered), see docs/CLASSIFY.md";
  if (auto st = model.save(o.out); !st) { std::fprintf(stderr, "train: %s\n", st.error().message.c_str()); return kFailed; }
  std::printf("trained %s on %zu letters, %s features -> %s\n", o.version.c_str(), examples.size(),
              model.trained_on["features"].dump().c_str(), o.out.c_str());
  return kOk;
}

struct EvalOptions {
  std::string dir, work, model, registry, tenant = "default";
  int jobs = 1;
  bool no_second_key = false;  // measure without the registry's second-key check
};

struct Outcome {
  std::string true_type, type, true_case, case_number, clearing;
  bool routed = false;
};

int print_report(const std::vector<Outcome>& all, const std::vector<std::string>& types);

int run_eval(const GlobalOptions& options, const EvalOptions& o) {
  auto env = load_environment(options);
  if (!env) return kBadArgs;
  auto letters = read_labelled_letters(o.dir);
  if (!letters) { std::fprintf(stderr, "eval: %s\n", letters.error().message.c_str()); return kNotFound; }
  json classify_settings = env->config.stage_settings("classify", o.tenant);
  classify_settings["home"] = env->home.root.string();
  if (!o.model.empty()) classify_settings["model"] = std::filesystem::absolute(o.model).string();
  const json route_settings = env->config.stage_settings("route", o.tenant);
  auto thresholds = route_thresholds(route_settings);
  if (!thresholds) { std::fprintf(stderr, "eval: %s\n", thresholds.error().message.c_str()); return kBadArgs; }
  if (o.no_second_key) thresholds->second_key = false;
  std::string registry_path = o.registry;
  if (registry_path.empty()) registry_path = (std::filesystem::path(o.dir) / "case_registry.csv").string();
  auto registry = load_case_registry(registry_path, o.tenant);
  if (!registry) { std::fprintf(stderr, "eval: %s\n", registry.error().message.c_str()); return kNotFound; }
  const std::filesystem::path work = o.work.empty() ? std::filesystem::path(o.dir) / "ocr-cache" : std::filesystem::path(o.work);

  std::vector<Outcome> outcomes(letters->size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex print;
  auto worker = [&] {
    auto stage = make_stage("classify", classify_settings);
    if (!stage) { std::lock_guard lock(print); std::fprintf(stderr, "eval: %s\n", stage.error().message.c_str()); failed = true; return; }
    for (std::size_t i = next++; i < letters->size() && !failed; i = next++) {
      const auto& letter = (*letters)[i];
      Outcome& out = outcomes[i];
      out.true_type = letter.truth["doc_type"].get<std::string>();
      out.true_case = letter.truth["case_number"].is_string() ? letter.truth["case_number"].get<std::string>() : "";
      auto ocr = letter_ocr(letter, work, env->config, o.tenant, &out.clearing);
      if (!ocr) { std::lock_guard lock(print); std::fprintf(stderr, "eval: %s: %s\n", letter.image.c_str(), ocr.error().message.c_str()); failed = true; return; }
      struct OcrBlobs final : BlobAccess {
        LetterOcr ocr;
        Result<std::string> read(const std::string& name) override { return name == "alto" ? ocr.alto : ocr.text; }
        Result<std::string> write(std::string_view) override { return std::string("-"); }
      } blobs;
      blobs.ocr = std::move(*ocr);
      const json record = {{"tenant", o.tenant}, {"source", {{"file", letter.image.filename().string()}}},
                           {"ocr", {{"text_blob", "text"}, {"alto_blob", "alto"}}}};
      auto result = (*stage)->run(StageContext{record, classify_settings, blobs});
      if (!result) { std::lock_guard lock(print); std::fprintf(stderr, "eval: %s\n", result.error().reason.c_str()); failed = true; return; }
      const json& c = result->patch["classification"];
      out.type = c["doc_type"].get<std::string>();
      out.case_number = c["case_number"].is_string() ? c["case_number"].get<std::string>() : "";
      const RouteDecision decision = decide_route(c, *thresholds, &*registry);
      out.routed = out.clearing.empty() && decision.route;
      if (out.clearing.empty()) out.clearing = decision.reason;
      std::lock_guard lock(print);
      const bool wrong = out.type != out.true_type || out.case_number != out.true_case;
      // The case number's confidence and OCR's word confidence where it was read ("-": none).
      const auto number_or_dash = [](const json& value) { return value.is_number() ? value.dump() : std::string("-"); };
      const json& position = c["case_number_position"];
      const std::string evidence = "conf " + number_or_dash(c["case_number_confidence"]) + " wc " +
                                   number_or_dash(position.is_object() ? position["word_confidence"] : json());
      std::fprintf(stderr, "%s %-22s %s %s %s%s\n", wrong ? (out.routed ? "MISROUTE" : "wrong   ") : "ok      ",
                   letter.image.filename().c_str(), (out.true_type + "->" + out.type).c_str(),
                   (out.true_case + "->" + out.case_number).c_str(), evidence.c_str(),
                   out.routed ? "" : (" | " + out.clearing).c_str());
    }
  };
  std::vector<std::thread> threads;
  for (int j = 0; j < std::max(1, o.jobs); ++j) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (failed) return kFailed;
  std::vector<std::string> types = {"Asylantrag", "Ladung", "Gerichtsentscheidung", "Schriftsatz",
                                    "Vollmacht", "Personenstandsurkunde", "Sonstiges"};
  return print_report(outcomes, types);
}

int print_report(const std::vector<Outcome>& all, const std::vector<std::string>& types) {
  std::map<std::string, std::map<std::string, int>> confusion;
  int correct_type = 0, case_predicted = 0, case_correct_predicted = 0, case_truth = 0, case_recalled = 0;
  int routed = 0, misroutes = 0, clearings = 0, second_key_clearings = 0, second_key_caught = 0;
  for (const auto& o : all) {
    ++confusion[o.true_type][o.type];
    correct_type += o.type == o.true_type;
    if (!o.case_number.empty()) { ++case_predicted; case_correct_predicted += o.case_number == o.true_case; }
    if (!o.true_case.empty()) { ++case_truth; case_recalled += o.case_number == o.true_case; }
    if (o.routed) {
      ++routed;
      misroutes += o.case_number != o.true_case || o.type != o.true_type;
    } else {
      ++clearings;
      // The second-key check's share: all it held back, and those it held back rightly
      // (the number read was not the letter's case).
      const bool second_key = o.clearing.rfind("case number and name disagree", 0) == 0 ||
                              o.clearing.rfind("no name or date of birth", 0) == 0;
      second_key_clearings += second_key;
      second_key_caught += second_key && o.case_number != o.true_case;
    }
  }
  const auto pct = [](int a, int b) { return b ? 100.0 * a / b : 0.0; };
  const int n = static_cast<int>(all.size());
  std::printf("documents: %d\n\nconfusion matrix (rows: truth, columns: predicted)\n%-22s", n, "");
  for (const auto& t : types) std::printf(" %5.5s", t.c_str());
  std::printf("\n");
  for (const auto& truth : types) {
    std::printf("%-22s", truth.c_str());
    for (const auto& predicted : types) std::printf(" %5d", confusion[truth][predicted]);
    std::printf("\n");
  }
  std::printf("\n%-22s %9s %9s\n", "type", "precision", "recall");
  for (const auto& t : types) {
    int tp = confusion[t][t], predicted = 0, actual = 0;
    for (const auto& u : types) { predicted += confusion[u][t]; actual += confusion[t][u]; }
    std::printf("%-22s %8.1f%% %8.1f%%\n", t.c_str(), pct(tp, predicted), pct(tp, actual));
  }
  std::printf("\ntype accuracy:          %6.2f%% (%d/%d)\n", pct(correct_type, n), correct_type, n);
  std::printf("case-number precision:  %6.2f%% (%d/%d numbers proposed were right)\n",
              pct(case_correct_predicted, case_predicted), case_correct_predicted, case_predicted);
  std::printf("case-number recall:     %6.2f%% (%d/%d letters with a number)\n", pct(case_recalled, case_truth),
              case_recalled, case_truth);
  std::printf("routed automatically:   %6.2f%% (%d)\nclearings:              %6.2f%% (%d)\n", pct(routed, n), routed,
              pct(clearings, n), clearings);
  std::printf("misroutes:              %6.2f%% (%d: routed with a wrong case number or type)\n", pct(misroutes, n),
              misroutes);
  std::printf("second-key clearings:   %6.2f%% (%d: %d held back a wrong case number)\n", pct(second_key_clearings, n),
              second_key_clearings, second_key_caught);
  return kOk;
}

}  // namespace

void add_classify_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  static TrainOptions train_options;
  auto* train = app.add_subcommand("train", "train the document-type model from letters with .truth.json");
  train->add_option("DIR", train_options.dir, "folder of letters with <file>.truth.json")->required();
  train->add_option("--out", train_options.out, "model file to write (default: models/default-doctype-v1.json)");
  train->add_option("--version", train_options.version, "version name recorded in the model");
  train->add_option("--max-features", train_options.max_features, "features kept (default 3000)");
  train->callback([&] { action = [] { return run_train(train_options); }; });

  static EvalOptions eval_options;
  auto* eval = app.add_subcommand("eval", "OCR, classify and decide on labelled letters; print the metrics");
  eval->add_option("DIR", eval_options.dir, "folder of letters with <file>.truth.json")->required();
  eval->add_option("--work", eval_options.work, "OCR text cache (default: DIR/ocr-cache)");
  eval->add_option("--model", eval_options.model, "model file (default: [stages.classify] model)");
  eval->add_option("--registry", eval_options.registry, "case registry, CSV or SQLite (default: DIR/case_registry.csv)");
  eval->add_option("--tenant", eval_options.tenant, "tenant whose settings apply (default: default)");
  eval->add_option("--jobs", eval_options.jobs, "letters processed in parallel (default 1)");
  eval->add_flag("--no-second-key", eval_options.no_second_key,
                 "decide without the registry's second-key check ([stages.route] second_key = false)");
  eval->callback([&] { action = [&] { return run_eval(options, eval_options); }; });
}

}  // namespace zpe::app
