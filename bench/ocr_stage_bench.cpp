// ZPE's OCR stage alone, the model loaded once: the real ocr stage (stages/ocr.h) over the
// page images the real prepare stage (stages/prepare.h) makes of the given files, on both
// cores, and its pages per second. bench/throughput.sh runs it as column (e) of its table.
//
// Usage: zpe_ocr_stage_bench OUT_DIR --letters FILE... [--long FILE]
//   Prepare runs first, untimed, for every file (pages held in memory). Then:
//   - letters: two OCR stage instances on two threads, each with page_threads = 1, take the
//     letters from one queue (a one-page letter cannot use two lanes of one stage);
//   - long: one OCR stage instance with page_threads = 2 (the stage's own page lanes).
//   Model loading happens before the clock starts (one warm-up page per instance).
// Writes each document's searchable PDF to OUT_DIR/<file name>.pdf (for CER and size) and
// prints one JSON object: pages, seconds and pages/s for letters, long and both together,
// and the process's peak RSS (which includes every prepared page image held in memory).
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/process_memory.h"
#include "stages/ocr.h"
#include "stages/prepare.h"
#include "stages/testing_blob_access.h"

namespace {

using namespace zpe;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// One input file after prepare: its record (with "pages") and the blobs it refers to.
struct PreparedDocument {
  std::string name;
  json record;
  testing::InMemoryBlobAccess blobs;
  int pages = 0;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

bool prepare(Stage& stage, const std::filesystem::path& file, PreparedDocument& out) {
  out.name = file.filename().string();
  const std::string bytes = read_file(file);
  if (bytes.empty()) {
    std::fprintf(stderr, "ocr_stage_bench: %s is empty or unreadable\n", file.c_str());
    return false;
  }
  out.record = {{"original", {{"sha256", out.blobs.put(bytes)}}},
                {"source", {{"file", out.name}, {"received_at", "2026-01-01T00:00:00Z"}}}};
  const json settings = json::object();
  auto result = stage.run({out.record, settings, out.blobs});
  if (!result) {
    std::fprintf(stderr, "ocr_stage_bench: prepare %s: %s\n", out.name.c_str(), result.error().reason.c_str());
    return false;
  }
  for (const auto& [key, value] : result->patch.items()) out.record[key] = value;
  out.pages = static_cast<int>(out.record["pages"].size());
  return true;
}

// Runs the OCR stage on one document and writes its PDF; false on failure.
bool recognise(Stage& stage, const json& settings, PreparedDocument& doc, const std::filesystem::path& out_dir) {
  auto result = stage.run({doc.record, settings, doc.blobs});
  if (!result) {
    std::fprintf(stderr, "ocr_stage_bench: ocr %s: %s\n", doc.name.c_str(), result.error().reason.c_str());
    return false;
  }
  std::ofstream(out_dir / (doc.name + ".pdf"), std::ios::binary) << doc.blobs.get(result->patch["pdf"]["sha256"]);
  return true;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

json figures(int pages, double seconds) {
  return {{"pages", pages}, {"seconds", seconds}, {"pages_per_s", seconds > 0 ? pages / seconds : 0.0}};
}

}  // namespace

int main(int argc, char** argv) {
  zpe::keep_freed_page_memory();  // as zpe itself does
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT_DIR --letters FILE... [--long FILE]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path out_dir = argv[1];
  std::filesystem::create_directories(out_dir);
  std::vector<std::filesystem::path> letter_files;
  std::filesystem::path long_file;
  bool next_is_long = false;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--letters") continue;
    if (arg == "--long") { next_is_long = true; continue; }
    if (next_is_long) { long_file = arg; next_is_long = false; } else { letter_files.emplace_back(arg); }
  }

  auto prepare_stage = make_prepare_stage(json::object());
  if (!prepare_stage) {
    std::fprintf(stderr, "ocr_stage_bench: %s\n", prepare_stage.error().message.c_str());
    return 1;
  }
  std::vector<PreparedDocument> letters(letter_files.size());
  int letter_pages = 0;
  for (size_t i = 0; i < letter_files.size(); ++i) {
    if (!prepare(**prepare_stage, letter_files[i], letters[i])) return 1;
    letter_pages += letters[i].pages;
  }
  PreparedDocument long_doc;
  if (!long_file.empty() && !prepare(**prepare_stage, long_file, long_doc)) return 1;

  // Two instances for the letters (one lane each), one with two lanes for the long document.
  const json one_lane = {{"page_threads", 1}};
  const json two_lanes = {{"page_threads", 2}};
  std::vector<std::unique_ptr<Stage>> letter_stages;
  for (int i = 0; i < 2; ++i) {
    auto stage = make_ocr_stage(one_lane);
    if (!stage) {
      std::fprintf(stderr, "ocr_stage_bench: %s\n", stage.error().message.c_str());
      return 1;
    }
    letter_stages.push_back(std::move(*stage));
  }
  auto long_stage = make_ocr_stage(two_lanes);
  if (!long_stage) {
    std::fprintf(stderr, "ocr_stage_bench: %s\n", long_stage.error().message.c_str());
    return 1;
  }
  // Warm-up (untimed): each instance recognises a letter once, so every lane's model is loaded.
  const std::filesystem::path warm_dir = out_dir / "warm-up";
  std::filesystem::create_directories(warm_dir);
  if (!letters.empty()) {
    for (auto& stage : letter_stages) {
      if (!recognise(*stage, one_lane, letters.front(), warm_dir)) return 1;
    }
    PreparedDocument* two_pages = nullptr;
    for (auto& doc : letters) {
      if (doc.pages >= 2) { two_pages = &doc; break; }
    }
    if (two_pages != nullptr && !recognise(**long_stage, two_lanes, *two_pages, warm_dir)) return 1;
  }
  std::filesystem::remove_all(warm_dir);

  const auto start = Clock::now();
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (auto& stage : letter_stages) {
    threads.emplace_back([&, stage = stage.get()] {
      for (size_t i = next++; i < letters.size() && !failed; i = next++) {
        if (!recognise(*stage, one_lane, letters[i], out_dir)) failed = true;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double letter_seconds = seconds_since(start);
  if (failed) return 1;
  const auto long_start = Clock::now();
  if (!long_file.empty() && !recognise(**long_stage, two_lanes, long_doc, out_dir)) return 1;
  const double long_seconds = long_file.empty() ? 0.0 : seconds_since(long_start);

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const json report = {{"letters", figures(letter_pages, letter_seconds)},
                       {"long", figures(long_doc.pages, long_seconds)},
                       {"all", figures(letter_pages + long_doc.pages, letter_seconds + long_seconds)},
                       {"peak_rss_kb", usage.ru_maxrss},
                       {"threads", 2}};
  std::cout << report.dump(2) << "\n";
  return 0;
}
