// The stages around OCR alone: the real prepare, split and quality stages (stages/prepare.h,
// split.h, quality.h) over the given files, one after another on one thread
// (page_threads = 1), and what each costs per page. bench/eval_prepare_cost.sh runs it on
// a generated corpus; bench/BENCHMARKS.md "Stages around OCR" keeps its figures.
//
// Usage: zpe_prepare_stage_bench FILE...
//   Models are loaded before the clock (the stages are made first). Per stage: the CPU time
//   of the process (user + system, getrusage) over all files, divided by the pages, and the
//   record's step_ms (stages/step_times.h) summed over the files, per page.
//   Where FILE.truth.json exists (samples/generate_letters.py) with one rotation_deg per
//   page, the prepared pages are checked against it: pages turned by 90/180/270° (the
//   generator turns none, so any is a wrong turn) and the residual skew |truth - deskew|.
// Prints one JSON object; exit 1 when a stage fails on a file.
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/process_memory.h"
#include "stages/stage.h"
#include "stages/testing_blob_access.h"

namespace {

using namespace zpe;
using json = nlohmann::json;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

double cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto ms = [](const timeval& t) { return t.tv_sec * 1000.0 + t.tv_usec / 1000.0; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

double rounded(double value) { return std::round(value * 10) / 10; }

// Compares the prepare transforms of each page with the generator's truth.
struct GeometryCheck {
  int pages = 0, wrong_turns = 0;
  double residual_sum = 0, residual_max = 0;

  void add(const json& record, const json& truth) {
    const json& rotations = truth["rotation_deg"];
    const json& pages_json = record["pages"];
    if (!rotations.is_array() || rotations.size() != pages_json.size()) return;
    for (std::size_t i = 0; i < pages_json.size(); ++i) {
      double deskew_cw = 0;
      for (const json& t : pages_json[i]["transforms"]) {
        if (t["op"] == "rotate") ++wrong_turns;
        if (t["op"] == "deskew") deskew_cw = t["degrees_clockwise"].get<double>();
      }
      const double residual = std::abs(rotations[i].get<double>() - deskew_cw);
      residual_sum += residual;
      residual_max = std::max(residual_max, residual);
      ++pages;
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  zpe::keep_freed_page_memory();  // as zpe itself does
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE...\n", argv[0]);
    return 2;
  }
  const json settings = {{"page_threads", 1}};
  const char* names[] = {"prepare", "split", "quality"};
  std::vector<std::unique_ptr<Stage>> stages;
  for (const char* name : names) {
    auto stage = make_stage(name, settings);
    if (!stage) {
      std::fprintf(stderr, "prepare_stage_bench: %s\n", stage.error().message.c_str());
      return 1;
    }
    stages.push_back(std::move(*stage));
  }
  std::map<std::string, double> cpu_by_stage;
  std::map<std::string, std::map<std::string, double>> steps_by_stage;
  GeometryCheck check;
  int pages = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path file = argv[i];
    testing::InMemoryBlobAccess blobs;
    json record = {{"original", {{"sha256", blobs.put(read_file(file))}}},
                   {"source", {{"file", file.filename().string()}, {"received_at", "2026-01-01T00:00:00Z"}}}};
    for (auto& stage : stages) {
      const double before = cpu_ms();
      auto result = stage->run({record, settings, blobs});
      cpu_by_stage[std::string(stage->name())] += cpu_ms() - before;
      if (!result) {
        std::fprintf(stderr, "prepare_stage_bench: %s %s: %s\n", std::string(stage->name()).c_str(), file.c_str(),
                     result.error().reason.c_str());
        return 1;
      }
      for (const auto& [key, value] : result->patch.items()) record[key] = value;
    }
    pages += static_cast<int>(record["pages"].size());
    const json step_ms = record.contains("step_ms") ? record["step_ms"] : json::object();
    for (const auto& [stage, steps] : step_ms.items()) {
      for (const auto& [step, ms] : steps.items()) steps_by_stage[stage][step] += ms.get<double>();
    }
    const std::filesystem::path truth_file = file.string() + ".truth.json";
    if (std::filesystem::exists(truth_file)) check.add(record, json::parse(read_file(truth_file)));
  }
  json report = {{"files", argc - 1}, {"pages", pages}, {"cpu_ms_per_page", json::object()}, {"step_ms_per_page", json::object()}};
  double around_ocr = 0;
  for (const auto& [stage, ms] : cpu_by_stage) {
    report["cpu_ms_per_page"][stage] = rounded(ms / pages);
    around_ocr += ms;
  }
  report["cpu_ms_per_page"]["all three"] = rounded(around_ocr / pages);
  for (const auto& [stage, steps] : steps_by_stage) {
    for (const auto& [step, ms] : steps) report["step_ms_per_page"][stage][step] = rounded(ms / pages);
  }
  if (check.pages > 0) {
    report["truth_checked_pages"] = check.pages;
    report["wrong_turns"] = check.wrong_turns;
    report["residual_skew_deg"] = {{"mean", std::round(check.residual_sum / check.pages * 1000) / 1000},
                                   {"max", std::round(check.residual_max * 1000) / 1000}};
  }
  std::cout << report.dump(2) << "\n";
  return 0;
}
