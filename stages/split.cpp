#include "stages/split.h"

#include <cctype>
#include <charconv>
#include <new>
#include <set>

#include "classifiers/case_number.h"
#include "stages/page_geometry.h"
#include "stages/page_image.h"
#include "stages/page_parallel.h"
#include "stages/separator_sheet.h"
#include "stages/stage_io.h"
#include "stages/step_times.h"

namespace zpe {

namespace {

using nlohmann::json;

Result<SeparatorSettings> separator_settings(const json& settings) {
  SeparatorSettings out;
  for (const auto& [key, target] : {std::pair{"qr_codes", &out.qr_codes}, std::pair{"patch_t", &out.patch_t}}) {
    if (!settings.is_object() || !settings.contains(key)) continue;
    if (!settings[key].is_boolean()) return fail(ErrorKind::kInvalidInput, std::string("setting ") + key + " must be true or false");
    *target = settings[key].get<bool>();
  }
  auto dpi = integer_setting(settings, "scan_dpi", out.scan_dpi, 72, 600);
  if (!dpi) return fail(dpi.error());
  out.scan_dpi = static_cast<int>(*dpi);
  if (settings.is_object() && settings.contains("min_patch_length_in")) {
    const json& length = settings["min_patch_length_in"];
    if (!length.is_number() || length.get<double>() < 0.2 || length.get<double>() > 11) {
      return fail(ErrorKind::kInvalidInput, "setting min_patch_length_in must be a number of inches in 0.2..11");
    }
    out.min_patch_length_in = length.get<double>();
  }
  return out;
}

// One document of the batch while it is being assembled.
struct Part {
  std::vector<int> indexes;       // into record.pages
  std::vector<int> source_pages;  // pages of the original
  json hints = json::object();
};

json part_json(const Part& part) {
  return {{"pages", part.indexes}, {"source_pages", page_range_text(part.source_pages)}, {"hints", part.hints}};
}

int source_page_of(const json& page, int index) {
  const json fallback = index + 1;
  const json& value = page.contains("source_page") ? page["source_page"] : page.value("page", fallback);
  return value.is_number_integer() ? value.get<int>() : index + 1;
}

// Above any page count a file may have (DecodeLimits::max_pages is 1000 by default); keeps
// hostile numbers in a manifest from overflowing the page arithmetic below.
constexpr int kMaxManifestPage = 1'000'000;

// A page number in a manifest: digits (spaces around allowed), 1..kMaxManifestPage.
std::optional<int> parse_page_number(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  int page = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), page);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (page < 1 || page > kMaxManifestPage) return std::nullopt;
  return page;
}

// "3-5" or "4" (or a number) -> {first, last}; nothing when malformed or out of range.
std::optional<std::pair<int, int>> parse_range(const json& pages) {
  if (pages.is_number_integer()) {
    const auto page = pages.get<int64_t>();
    if (page < 1 || page > kMaxManifestPage) return std::nullopt;
    return std::pair{static_cast<int>(page), static_cast<int>(page)};
  }
  if (!pages.is_string()) return std::nullopt;
  const std::string text = pages.get<std::string>();
  const std::size_t dash = text.find('-');
  const auto first = parse_page_number(std::string_view(text).substr(0, dash));
  if (dash == std::string::npos) return first ? std::optional(std::pair{*first, *first}) : std::nullopt;
  const auto last = parse_page_number(std::string_view(text).substr(dash + 1));
  if (first && last && *first <= *last) return std::pair{*first, *last};
  return std::nullopt;
}

json manifest_hints(const json& entry) {
  json hints = json::object();
  if (entry.contains("doc_type") && entry["doc_type"].is_string()) hints["doc_type"] = entry["doc_type"];
  if (entry.contains("case_number") && entry["case_number"].is_string()) {
    const auto number = classifiers::normalise_case_number(entry["case_number"].get<std::string>());
    hints["case_number"] = number ? *number : entry["case_number"].get<std::string>();
  }
  return hints;
}

// The parts a manifest's documents list names, or the reason it cannot be followed.
tl::expected<std::vector<Part>, std::string> parts_from_manifest(const json& documents, const json& pages) {
  std::vector<Part> parts;
  std::set<int> taken;
  for (size_t d = 0; d < documents.size(); ++d) {
    const std::string which = "manifest document " + std::to_string(d + 1);
    const json& entry = documents[d];
    auto range = entry.is_object() && entry.contains("pages") ? parse_range(entry["pages"]) : std::nullopt;
    if (!range) return tl::unexpected(which + ": \"pages\" must be like \"1-3\" or \"4\"");
    Part part;
    part.hints = manifest_hints(entry);
    for (size_t i = 0; i < pages.size(); ++i) {
      const int source = source_page_of(pages[i], static_cast<int>(i));
      if (source < range->first || source > range->second) continue;
      if (!taken.insert(source).second) return tl::unexpected(which + ": page " + std::to_string(source) + " is already in another document");
      part.indexes.push_back(static_cast<int>(i));
      part.source_pages.push_back(source);
    }
    if (static_cast<int>(part.source_pages.size()) != range->second - range->first + 1) {
      return tl::unexpected(which + ": pages " + entry["pages"].dump() + " are not all in the file (" +
                            std::to_string(pages.size()) + " pages)");
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

class SplitStage final : public Stage {
 public:
  std::string_view name() const override { return "split"; }
  std::string version() const override { return "split/1"; }

  StageOutcome run(const StageContext& context) override {
    try {
      return split(context);
    } catch (const std::bad_alloc&) {
      return stage_failure(FailureKind::kRetryable,
                           source_file_name(context.record) + ": out of memory while looking for separator sheets — retrying");
    }
  }

 private:
  StageOutcome split(const StageContext& context);
  StageOutcome split_at_separators(const StageContext& context, const SeparatorSettings& settings);
};

// The result for the parts found: nothing, a split, or CLEARING when nothing is left.
StageOutcome result_for(const std::string& file, const std::string& mode, const std::vector<Part>& parts,
                        const json& separators, size_t page_count) {
  std::vector<int> separator_pages;
  for (const json& sheet : separators) separator_pages.push_back(sheet["source_page"]);
  StageResult result;
  if (parts.size() == 1 && parts[0].indexes.size() == page_count) return result;  // goes on unchanged
  json documents = json::array();
  for (const Part& part : parts) documents.push_back(part_json(part));
  result.patch["split"] = {{"mode", mode}, {"documents", std::move(documents)}, {"separators", separator_pages},
                           {"separator_sheets", separators}};
  if (parts.empty()) {
    result.clearing_reason = mode == "manifest"
                                 ? file + ": the manifest's documents list names no page — fix the manifest and resubmit"
                                 : file + ": batch holds only separator sheets (pages " + page_range_text(separator_pages) +
                                       ") — nothing to file; check the scan";
  }
  return result;
}

StageOutcome SplitStage::split(const StageContext& context) {
  const std::string file = source_file_name(context.record);
  auto settings = separator_settings(context.settings);
  if (!settings) return stage_failure(FailureKind::kFinal, "stage split: " + settings.error().message + " — fix the configuration");
  auto refs = read_page_refs(context.record, "split");
  if (!refs) return tl::unexpected(refs.error());
  const json* manifest = nullptr;
  if (context.record.contains("source") && context.record["source"].is_object()) {
    const json& source = context.record["source"];
    if (source.contains("manifest") && source["manifest"].is_object()) manifest = &source["manifest"];
  }
  if (manifest == nullptr || !manifest->contains("documents")) return split_at_separators(context, *settings);
  if (!(*manifest)["documents"].is_array()) {
    StageResult result;
    result.clearing_reason = file + ": the manifest's \"documents\" is not a list — fix the manifest and resubmit";
    return result;
  }
  auto parts = parts_from_manifest((*manifest)["documents"], context.record["pages"]);
  if (!parts) {
    StageResult result;
    result.clearing_reason = file + ": " + parts.error() + " — fix the manifest and resubmit";
    return result;
  }
  return result_for(file, "manifest", *parts, json::array(), refs->size());
}

StageOutcome SplitStage::split_at_separators(const StageContext& context, const SeparatorSettings& settings) {
  const std::string file = source_file_name(context.record);
  const json& pages = context.record["pages"];
  auto threads = page_threads_setting(context.settings);
  if (!threads) return stage_failure(FailureKind::kFinal, "stage split: " + threads.error().message + " — fix the configuration");
  // Each page is looked at on one of the threads; the parts are then put together in order.
  std::vector<std::optional<SeparatorSheet>> sheets(pages.size());
  StepTimes times;
  SerialBlobAccess blobs(context.blobs);
  const auto failed = for_each_page(pages.size(), *threads, [&](std::size_t i, int) -> std::optional<StageFailure> {
    const std::string where = file + ": page " + std::to_string(source_page_of(pages[i], static_cast<int>(i)));
    auto png = times.time("read", [&] { return read_blob(blobs, pages[i].value("blob", ""), where + " image"); });
    if (!png) return png.error();
    // Leptonica decodes the PNG, as everywhere else: OpenCV's image codecs would make every
    // zpe process load GDAL and its libraries at start.
    auto pix = times.time("decode", [&] { return decode_image(*png); });
    png->clear();
    if (!pix) return StageFailure{FailureKind::kFinal, where + ": the stored page image cannot be read — report to IT"};
    const cv::Mat grey = times.time("grey", [&] { return grey_mat(pix->get()); });
    pix->reset();
    if (grey.empty()) return StageFailure{FailureKind::kFinal, where + ": the stored page image cannot be greyed — report to IT"};
    const int dpi = pages[i].value("dpi_x", 300);
    sheets[i] = find_separator(grey, dpi > 0 ? dpi : 300, settings, &times);
    return std::nullopt;
  });
  if (failed) return tl::unexpected(*failed);

  std::vector<Part> parts;
  Part current;
  json next_hints = json::object();  // from the last separator, for the document after it
  json separators = json::array();
  for (size_t i = 0; i < pages.size(); ++i) {
    const int source = source_page_of(pages[i], static_cast<int>(i));
    const auto& sheet = sheets[i];
    if (!sheet) {
      if (current.indexes.empty()) current.hints = next_hints;
      current.indexes.push_back(static_cast<int>(i));
      current.source_pages.push_back(source);
      continue;
    }
    separators.push_back({{"source_page", source}, {"kind", separator_kind_name(sheet->kind)}, {"text", sheet->text}});
    if (!current.indexes.empty()) parts.push_back(std::move(current));
    current = Part{};
    next_hints = json::object();
    if (!sheet->hints.doc_type.empty()) next_hints["doc_type"] = sheet->hints.doc_type;
    if (!sheet->hints.case_number.empty()) next_hints["case_number"] = sheet->hints.case_number;
  }
  if (!current.indexes.empty()) parts.push_back(std::move(current));
  StageOutcome outcome = result_for(file, "separators", parts, separators, pages.size());
  if (outcome) outcome->patch["step_ms"] = times.merged_into(context.record, "split");
  return outcome;
}

}  // namespace

std::string page_range_text(const std::vector<int>& pages) {
  std::string out;
  for (size_t i = 0; i < pages.size();) {
    size_t j = i;
    while (j + 1 < pages.size() && pages[j + 1] == pages[j] + 1) ++j;
    out += (out.empty() ? "" : ", ") + std::to_string(pages[i]);
    if (j > i) out += "-" + std::to_string(pages[j]);
    i = j + 1;
  }
  return out;
}

Result<std::unique_ptr<Stage>> make_split_stage(const nlohmann::json& settings) {
  if (auto checked = separator_settings(settings); !checked) {
    return fail(ErrorKind::kInvalidInput, "stage split: " + checked.error().message);
  }
  if (auto threads = page_threads_setting(settings); !threads) {
    return fail(ErrorKind::kInvalidInput, "stage split: " + threads.error().message);
  }
  return std::unique_ptr<Stage>(std::make_unique<SplitStage>());
}

}  // namespace zpe
