#include "stages/prepare.h"

#include <chrono>
#include <new>

#include <leptonica/allheaders.h>
#include <poppler-version.h>

#include "pipeline/intake.h"
#include "stages/page_checkpoints.h"
#include "stages/page_decoder.h"
#include "stages/page_geometry.h"
#include "stages/page_image.h"
#include "stages/page_parallel.h"
#include "stages/stage_io.h"
#include "stages/step_times.h"

namespace zpe {

namespace {

using nlohmann::json;

std::string leptonica_version() {
  char* version = getLeptonicaVersion();  // "leptonica-1.82.0", allocated
  std::string out = version != nullptr ? version : "leptonica";
  lept_free(version);
  return out;
}

class PrepareStage final : public Stage {
 public:
  PrepareStage(DecodeLimits limits, GeometrySettings geometry, const std::string& tessdata_dir)
      : limits_(limits),
        geometry_(geometry, tessdata_dir),  // loads the orientation model as the worker starts, not with its first job
        version_("prepare/2 " + leptonica_version() + " poppler-" + poppler::version_string()) {}

  std::string_view name() const override { return "prepare"; }
  std::string version() const override { return version_; }

  StageOutcome run(const StageContext& context) override {
    try {
      return prepare(context);
    } catch (const std::bad_alloc&) {
      return stage_failure(FailureKind::kRetryable,
                           source_file_name(context.record) + ": out of memory while decoding — retrying");
    } catch (const std::exception& e) {
      return stage_failure(FailureKind::kFinal,
                           source_file_name(context.record) + ": decoding failed unexpectedly (" + e.what() +
                               ") — report to IT");
    }
  }

 private:
  StageOutcome prepare(const StageContext& context);
  // Frees page.image once converted: the clean-up then holds each page image only as long as
  // it needs it.
  StageValue<json> store_page(BlobAccess& blobs, DecodedPage& page, int page_number, const std::string& file,
                              StepTimes& times);

  DecodeLimits limits_;
  // The page clean-up of every page thread (one orientation model, used by one page at a
  // time); its init_error() says when the model cannot be loaded.
  PageGeometry geometry_;
  std::string version_;
};

// What decoding itself did to the page (EXIF turn), ahead of the clean-up transforms.
json with_decode_transforms(const DecodedPage& page, json transforms) {
  if (page.exif_orientation == 1) return transforms;
  json all = json::array({{{"op", "exif_orientation"}, {"orientation", page.exif_orientation}}});
  for (auto& t : transforms) all.push_back(std::move(t));
  return all;
}

StageValue<json> PrepareStage::store_page(BlobAccess& blobs, DecodedPage& page, int page_number,
                                          const std::string& file, StepTimes& times) {
  const std::string where = file + ": page " + std::to_string(page_number);
  auto stored = times.time("convert", [&] { return to_storage_depth(page.image.get()); });
  if (!stored) {
    return stage_failure(FailureKind::kBadInput,
                         where + " cannot be converted (" + stored.error().message + ") — check the scanner output");
  }
  page.image.reset();
  auto upright = geometry_.normalise(std::move(*stored), &times);
  if (!upright) return stage_failure(FailureKind::kFinal, where + ": " + upright.error().message + " — report to IT");
  Pix* prepared = upright->image.get();
  auto png = times.time("encode", [&] { return encode_png(prepared); });
  if (!png) return stage_failure(FailureKind::kFinal, where + ": " + png.error().message + " — report to IT");
  auto sha = times.time("store", [&] { return write_blob(blobs, *png, where + " image"); });
  if (!sha) return tl::unexpected(sha.error());
  return json{{"page", page_number},
              {"blob", *sha},
              {"width", pixGetWidth(prepared)},
              {"height", pixGetHeight(prepared)},
              {"dpi_x", page.dpi_x},
              {"dpi_y", page.dpi_y},
              {"depth", stored_depth(prepared)},
              {"source_page", page.source_page},
              {"dpi_assumed", page.dpi_assumed},
              {"dpi_native", page.dpi_native},
              {"transforms", with_decode_transforms(page, std::move(upright->transforms))}};
}

StageOutcome PrepareStage::prepare(const StageContext& context) {
  const std::string file = source_file_name(context.record);
  auto threads = page_threads_setting(context.settings);
  if (!threads) return stage_failure(FailureKind::kFinal, "stage prepare: " + threads.error().message + " — correct the configuration");
  if (!geometry_.init_error().empty()) return stage_failure(FailureKind::kFinal, geometry_.init_error());
  auto sha = required_string(context.record, {"original", "sha256"}, "prepare");
  if (!sha) return tl::unexpected(sha.error());
  auto bytes = read_blob(context.blobs, *sha, file + ": original");
  if (!bytes) return tl::unexpected(bytes.error());
  auto media_type = sniff_media_type(*bytes);
  if (!media_type) return stage_failure(FailureKind::kBadInput, file + ": " + media_type.error().message);
  const bool is_pdf = *media_type == "application/pdf";

  // Pages are decoded one after another (the decoders stream) and cleaned up in batches of
  // one page per lane, so at most `threads` decoded pages are held at a time.
  json pages = json::array();
  std::vector<DecodedPage> batch;
  std::optional<StageFailure> sink_failure;
  StepTimes times;
  SerialBlobAccess blobs(context.blobs);
  double page_work_ms = 0;
  // Pages an interrupted earlier attempt finished are taken from its checkpoints (decoded
  // again, as the decoders stream, but not cleaned up and stored again).
  ResumablePages resumable(context, "prepare", version_, 0);
  const auto work_on_batch = [&]() -> bool {
    const auto started = std::chrono::steady_clock::now();
    const int first_page = static_cast<int>(pages.size()) + 1;
    std::vector<json> entries(batch.size());
    sink_failure = for_each_page(batch.size(), *threads, [&](std::size_t i, int) -> std::optional<StageFailure> {
      const int number = first_page + static_cast<int>(i);
      auto entry = resumable.page(number - 1, *sha + " page " + std::to_string(number),
                                  [&] { return store_page(blobs, batch[i], number, file, times); });
      if (!entry) return entry.error();
      entries[i] = std::move(*entry);
      return std::nullopt;
    });
    batch.clear();
    page_work_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    for (json& entry : entries) pages.push_back(std::move(entry));
    return !sink_failure;
  };
  const PageSink sink = [&](DecodedPage page) -> Status {
    batch.push_back(std::move(page));
    if (static_cast<int>(batch.size()) < *threads || work_on_batch()) return {};
    return fail(ErrorKind::kInternal, "stopped");
  };
  const auto decode_started = std::chrono::steady_clock::now();
  const Status decoded = is_pdf ? decode_pdf_pages(*bytes, limits_, sink) : decode_raster_pages(*bytes, limits_, sink);
  if (decoded && !batch.empty()) work_on_batch();
  times.add("decode", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - decode_started).count() -
                          page_work_ms);
  if (sink_failure) return tl::unexpected(*sink_failure);
  if (!decoded) return stage_failure(FailureKind::kBadInput, file + ": " + decoded.error().message);
  if (pages.empty()) return stage_failure(FailureKind::kBadInput, file + ": contains no pages — check the scanner output");
  resumable.log_reuse(file, pages.size());

  const std::size_t count = pages.size();
  StageResult result;
  result.patch["original"] = {{"sha256", *sha}, {"size", bytes->size()}, {"media_type", *media_type}};
  result.patch["pages"] = std::move(pages);
  result.patch["page_count"] = count;
  result.patch["source_pages"] = count == 1 ? std::string("1") : "1-" + std::to_string(count);
  result.patch["prepare"] = {{"version", version_}, {"decoder", is_pdf ? "poppler" : "leptonica"}};
  result.patch["step_ms"] = times.merged_into(context.record, "prepare");
  return result;
}

// The page clean-up switches ([stages.prepare] correct_orientation, deskew, crop_borders, despeckle).
Result<GeometrySettings> geometry_settings(const json& settings) {
  GeometrySettings out;
  const std::pair<const char*, bool*> switches[] = {{"correct_orientation", &out.correct_orientation},
                                                    {"deskew", &out.deskew},
                                                    {"crop_borders", &out.crop_borders},
                                                    {"despeckle", &out.despeckle}};
  for (const auto& [key, target] : switches) {
    if (!settings.contains(key)) continue;
    if (!settings[key].is_boolean()) return fail(ErrorKind::kInvalidInput, std::string("setting ") + key + " must be true or false");
    *target = settings[key].get<bool>();
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Stage>> make_prepare_stage(const nlohmann::json& settings) {
  DecodeLimits limits;
  auto max_pixels = integer_setting(settings, "max_page_pixels", limits.max_page_pixels, 1, int64_t{1} << 40);
  auto max_pages = integer_setting(settings, "max_pages", limits.max_pages, 1, 1'000'000);
  auto dpi = integer_setting(settings, "pdf_dpi", limits.pdf_dpi, 50, 1200);
  for (const auto* setting : {&max_pixels, &max_pages, &dpi}) {
    if (!*setting) return fail(ErrorKind::kInvalidInput, "stage prepare: " + setting->error().message);
  }
  limits.max_page_pixels = *max_pixels;
  limits.max_pages = static_cast<int>(*max_pages);
  limits.pdf_dpi = static_cast<int>(*dpi);
  auto geometry = geometry_settings(settings);
  if (!geometry) return fail(ErrorKind::kInvalidInput, "stage prepare: " + geometry.error().message);
  auto tessdata = string_setting(settings, "tessdata_dir", "");
  if (!tessdata) return fail(ErrorKind::kInvalidInput, "stage prepare: " + tessdata.error().message);
  if (auto threads = page_threads_setting(settings); !threads) {
    return fail(ErrorKind::kInvalidInput, "stage prepare: " + threads.error().message);
  }
  quiet_leptonica();
  return std::unique_ptr<Stage>(std::make_unique<PrepareStage>(limits, *geometry, *tessdata));
}

}  // namespace zpe
