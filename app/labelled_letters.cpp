#include "app/labelled_letters.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "pipeline/blob_store.h"
#include "stages/stage.h"

namespace zpe::app {

namespace {

// Blobs in memory: eval runs the stages without a dispatcher or a home.
class MemoryBlobs final : public BlobAccess {
 public:
  Result<std::string> read(const std::string& sha256) override {
    const auto it = blobs_.find(sha256);
    if (it == blobs_.end()) return fail(ErrorKind::kNotFound, "blob " + sha256 + " does not exist");
    return it->second;
  }
  Result<std::string> write(std::string_view bytes) override {
    std::string sha = sha256_hex(bytes);
    blobs_.emplace(sha, std::string(bytes));
    return sha;
  }

 private:
  std::map<std::string, std::string> blobs_;
};

Result<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(ErrorKind::kNotFound, file.string() + " cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs one stage and merges its patch into the record.
Status run_stage(const char* name, const Config& config, const std::string& tenant, nlohmann::json& record,
                 BlobAccess& blobs, std::string* clearing) {
  const auto settings = config.stage_settings(name, tenant);
  auto stage = make_stage(name, settings);
  if (!stage) return fail(stage.error());
  auto outcome = (*stage)->run(StageContext{record, settings, blobs});
  if (!outcome) return fail(ErrorKind::kInvalidInput, std::string(name) + ": " + outcome.error().reason);
  for (auto& [key, value] : outcome->patch.items()) record[key] = value;
  if (outcome->clearing_reason && clearing) *clearing = *outcome->clearing_reason;
  return {};
}

}  // namespace

Result<std::vector<LabelledLetter>> read_labelled_letters(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return fail(ErrorKind::kNotFound, dir.string() + " is not a folder");
  std::vector<LabelledLetter> letters;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const std::string suffix = ".truth.json";
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    auto text = read_file(entry.path());
    if (!text) return fail(text.error());
    auto truth = nlohmann::json::parse(*text, nullptr, false);
    if (truth.is_discarded() || !truth.contains("doc_type")) {
      return fail(ErrorKind::kInvalidInput, entry.path().string() + " is not a truth file (no doc_type)");
    }
    letters.push_back({dir / name.substr(0, name.size() - suffix.size()), std::move(truth)});
  }
  std::sort(letters.begin(), letters.end(), [](const auto& a, const auto& b) { return a.image < b.image; });
  return letters;
}

Result<LetterOcr> letter_ocr(const LabelledLetter& letter, const std::filesystem::path& work_dir, const Config& config,
                             const std::string& tenant, std::string* ocr_clearing) {
  const std::string name = letter.image.filename().string();
  const auto text_cache = work_dir / (name + ".ocr.txt");
  const auto alto_cache = work_dir / (name + ".alto.xml");
  const auto clearing_cache = work_dir / (name + ".ocr-clearing.txt");
  auto cached_text = read_file(text_cache);
  auto cached_alto = read_file(alto_cache);
  if (cached_text && cached_alto) {
    if (auto reason = read_file(clearing_cache); reason && ocr_clearing) *ocr_clearing = *reason;
    return LetterOcr{std::move(*cached_text), std::move(*cached_alto)};
  }
  auto bytes = read_file(letter.image);
  if (!bytes) return fail(bytes.error());
  MemoryBlobs blobs;
  auto original = blobs.write(*bytes);
  if (!original) return fail(original.error());
  nlohmann::json record = {{"document_id", "eval-" + name},
                           {"tenant", tenant},
                           {"source", {{"file", name}}},
                           {"original", {{"sha256", *original}, {"size", bytes->size()}}}};
  std::string clearing;
  if (auto st = run_stage("prepare", config, tenant, record, blobs, &clearing); !st) return fail(st.error());
  if (auto st = run_stage("ocr", config, tenant, record, blobs, &clearing); !st) return fail(st.error());
  LetterOcr ocr;
  for (auto [blob, out] : {std::pair{"text_blob", &ocr.text}, std::pair{"alto_blob", &ocr.alto}}) {
    auto bytes_of_blob = blobs.read(record["ocr"][blob].get<std::string>());
    if (!bytes_of_blob) return fail(bytes_of_blob.error());
    *out = std::move(*bytes_of_blob);
  }
  std::filesystem::create_directories(work_dir);
  std::ofstream(text_cache, std::ios::binary) << ocr.text;
  std::ofstream(alto_cache, std::ios::binary) << ocr.alto;
  if (!clearing.empty()) std::ofstream(clearing_cache) << clearing;
  if (ocr_clearing) *ocr_clearing = clearing;
  return ocr;
}

}  // namespace zpe::app
