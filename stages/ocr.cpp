#include "stages/ocr.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <new>

#include <leptonica/allheaders.h>

#include "stages/alto.h"
#include "stages/born_digital.h"
#include "stages/ocr_checkpoint.h"
#include "stages/ocr_engine.h"
#include "stages/page_compression.h"
#include "stages/page_checkpoints.h"
#include "stages/page_image.h"
#include "stages/page_parallel.h"
#include "stages/searchable_pdf.h"
#include "stages/stage_io.h"
#include "stages/step_times.h"

namespace zpe {

namespace {

using nlohmann::json;

constexpr const char* kDefaultFont = "/usr/share/tesseract-ocr/5/tessdata/pdf.ttf";
constexpr const char* kDefaultIcc = "/usr/share/color/icc/sRGB.icc";
constexpr const char* kDefaultGreyIcc = "/usr/share/color/icc/Gray.icc";

double round_to_tenths(double value) { return std::round(value * 10.0) / 10.0; }

// The settings of one job: [stages.ocr] overlaid by the tenant's (config.stage_settings).
struct JobSettings {
  std::string language;
  int jpeg_quality = 80;
  bool bilevel_text_pages = true;
  BilevelCodec bilevel_codec = BilevelCodec::kJbig2;
  double min_confidence = 60;
  std::string font_file;
  std::string icc_profile;
  std::string grey_icc_profile;
  bool mixed_raster_pages = true;
  int mixed_background_dpi = 150;
};

// Tesseract language names: letters, digits, '_' and '+' between several ("deu+eng").
bool is_language_name(const std::string& language) {
  if (language.empty() || language.front() == '+' || language.back() == '+') return false;
  for (char c : language) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '+') return false;
  }
  return true;
}

Result<JobSettings> read_settings(const json& settings, const JobSettings& defaults) {
  JobSettings out;
  auto language = string_setting(settings, "language", defaults.language);
  auto quality = integer_setting(settings, "jpeg_quality", defaults.jpeg_quality, 1, 100);
  auto threshold = integer_setting(settings, "min_confidence", static_cast<int64_t>(defaults.min_confidence), 0, 100);
  auto font = string_setting(settings, "pdf_font", defaults.font_file);
  auto icc = string_setting(settings, "icc_profile", defaults.icc_profile);
  auto grey_icc = string_setting(settings, "grey_icc_profile", defaults.grey_icc_profile);
  auto bilevel = boolean_setting(settings, "bilevel_text_pages", defaults.bilevel_text_pages);
  auto codec_name = string_setting(settings, "bilevel_codec", bilevel_codec_name(defaults.bilevel_codec));
  auto codec = codec_name ? bilevel_codec_named(*codec_name) : fail(codec_name.error());
  auto mixed = boolean_setting(settings, "mixed_raster_pages", defaults.mixed_raster_pages);
  auto background_dpi = integer_setting(settings, "mixed_background_dpi", defaults.mixed_background_dpi, 50, 300);
  for (const auto* error : {language ? nullptr : &language.error(), quality ? nullptr : &quality.error(),
                            threshold ? nullptr : &threshold.error(), font ? nullptr : &font.error(),
                            icc ? nullptr : &icc.error(), grey_icc ? nullptr : &grey_icc.error(),
                            bilevel ? nullptr : &bilevel.error(),
                            codec ? nullptr : &codec.error(), mixed ? nullptr : &mixed.error(),
                            background_dpi ? nullptr : &background_dpi.error()}) {
    if (error != nullptr) return fail(ErrorKind::kInvalidInput, "stage ocr: " + error->message);
  }
  if (!is_language_name(*language)) {
    return fail(ErrorKind::kInvalidInput, "stage ocr: setting language \"" + *language +
                                              "\" is not a Tesseract language such as \"deu\" or \"deu+eng\"");
  }
  out.language = *language;
  out.jpeg_quality = static_cast<int>(*quality);
  out.bilevel_text_pages = *bilevel;
  out.bilevel_codec = *codec;
  out.mixed_raster_pages = *mixed;
  out.mixed_background_dpi = static_cast<int>(*background_dpi);
  out.min_confidence = static_cast<double>(*threshold);
  out.font_file = *font;
  out.icc_profile = *icc;
  out.grey_icc_profile = *grey_icc;
  return out;
}

std::string received_at(const json& record) {
  const auto source = record.find("source");
  if (source == record.end() || !source->is_object()) return "";
  return source->value("received_at", "");
}

// The PDF page each page image shows (prepare writes source_page for PDF originals).
std::vector<RenderedPdfPage> rendered_pages(const json& record, const std::vector<PageRef>& pages) {
  std::vector<RenderedPdfPage> out;
  for (size_t i = 0; i < pages.size(); ++i) {
    const json& entry = record["pages"][i];
    out.push_back({entry.value("source_page", pages[i].page), pages[i].width, pages[i].height});
  }
  return out;
}

class OcrStage final : public Stage {
 public:
  explicit OcrStage(JobSettings defaults, std::string tessdata_dir)
      : defaults_(std::move(defaults)), tessdata_dir_(std::move(tessdata_dir)) {
    // Load the default model now, as a worker starts, so the first job does not wait.
    (void)engine_for(defaults_.language);
  }

  std::string_view name() const override { return "ocr"; }
  std::string version() const override {
    return "ocr/2 " + OcrEngine::engine_name() + " " + defaults_.language + " pdfa-2b";
  }

  StageOutcome run(const StageContext& context) override {
    auto settings = read_settings(context.settings, defaults_);
    if (!settings) return stage_failure(FailureKind::kFinal, settings.error().message + " — correct the config");
    try {
      return recognise_document(context, *settings);
    } catch (const std::bad_alloc&) {
      return stage_failure(FailureKind::kRetryable, source_file_name(context.record) + ": out of memory during OCR — retrying");
    }
  }

 private:
  // The engine of `lane` (one per thread working on a document's pages) for `language`.
  StageValue<OcrEngine*> engine_for(const std::string& language, int lane = 0);
  // Text of a born-digital PDF original, or nothing when the document needs OCR.
  StageValue<std::optional<std::vector<RecognisedPage>>> own_text(const StageContext& context,
                                                                  const std::vector<PageRef>& pages);
  StageOutcome recognise_document(const StageContext& context, const JobSettings& settings);

  JobSettings defaults_;
  std::string tessdata_dir_;
  std::map<std::pair<std::string, int>, std::unique_ptr<OcrEngine>> engines_;  // per language and lane
  std::map<std::string, std::string> engine_errors_;           // languages whose model is missing
};

StageValue<OcrEngine*> OcrStage::engine_for(const std::string& language, int lane) {
  if (auto found = engines_.find({language, lane}); found != engines_.end()) return found->second.get();
  if (auto failed = engine_errors_.find(language); failed != engine_errors_.end()) {
    return stage_failure(FailureKind::kFinal, "ocr: " + failed->second);
  }
  auto loaded = OcrEngine::load(language, tessdata_dir_);
  if (!loaded) {
    engine_errors_[language] = loaded.error().message;
    return stage_failure(FailureKind::kFinal, "ocr: " + loaded.error().message);
  }
  return (engines_[{language, lane}] = std::move(*loaded)).get();
}

StageValue<std::optional<std::vector<RecognisedPage>>> OcrStage::own_text(const StageContext& context,
                                                                          const std::vector<PageRef>& pages) {
  const json& record = context.record;
  const auto original = record.find("original");
  if (original == record.end() || !original->is_object() || original->value("media_type", "") != "application/pdf") {
    return std::optional<std::vector<RecognisedPage>>{};
  }
  auto sha = required_string(record, {"original", "sha256"}, "ocr");
  if (!sha) return tl::unexpected(sha.error());
  auto bytes = read_blob(context.blobs, *sha, source_file_name(record) + " original");
  if (!bytes) return tl::unexpected(bytes.error());
  auto text = born_digital_text(*bytes, rendered_pages(record, pages));
  // A PDF whose text poppler cannot read is OCR'd like a scan.
  if (!text) return std::optional<std::vector<RecognisedPage>>{};
  return *text;
}

StageOutcome OcrStage::recognise_document(const StageContext& context, const JobSettings& settings) {
  const std::string file = source_file_name(context.record);
  auto pages = read_page_refs(context.record, "ocr");
  if (!pages) return tl::unexpected(pages.error());
  auto born_digital = own_text(context, *pages);
  if (!born_digital) return tl::unexpected(born_digital.error());
  auto threads = page_threads_setting(context.settings);
  if (!threads) return stage_failure(FailureKind::kFinal, "stage ocr: " + threads.error().message + " — correct the config");
  const int lanes = std::max(1, std::min(*threads, static_cast<int>(pages->size())));
  std::vector<OcrEngine*> engines(lanes, nullptr);  // one per lane; none for a born-digital PDF
  if (!*born_digital) {
    for (int lane = 0; lane < lanes; ++lane) {
      auto found = engine_for(settings.language, lane);
      if (!found) return tl::unexpected(found.error());
      engines[lane] = *found;
    }
  }
  OcrEngine* engine = engines[0];
  auto pdf = SearchablePdf::create(
      {file, received_at(context.record), settings.font_file, settings.icc_profile, settings.grey_icc_profile});
  if (!pdf) {
    return stage_failure(FailureKind::kFinal,
                         "ocr: " + pdf.error().message + " — check [stages.ocr] pdf_font / icc_profile / grey_icc_profile");
  }

  // Each page is recognised and its PDF image encoded on one of the lanes; the PDF, the
  // text blobs and the ALTO are then put together in page order.
  std::vector<RecognisedPage> texts(pages->size());
  std::vector<std::optional<StoredPageImage>> images(pages->size());
  PageStoragePolicy storage;
  storage.bilevel_text_pages = settings.bilevel_text_pages;
  storage.jpeg_quality = settings.jpeg_quality;
  storage.bilevel_codec = settings.bilevel_codec;
  storage.mixed_raster_pages = settings.mixed_raster_pages;
  storage.mixed_background_dpi = settings.mixed_background_dpi;
  StepTimes times;
  SerialBlobAccess blobs(context.blobs);
  const auto where_of = [&](const PageRef& page) { return file + ": page " + std::to_string(page.page); };
  const auto broken = [&](const PageRef& page, const std::string& problem) {
    return StageFailure{FailureKind::kFinal, where_of(page) + ": " + problem + " — report to IT"};
  };
  // A page recorded by an interrupted earlier attempt is taken from its checkpoint when its
  // image, resolution and text source are unchanged (stages/page_checkpoints.h).
  ResumablePages resumable(context, "ocr", version(), pages->size());
  const std::string text_source = engine != nullptr ? "tesseract" : "pdf-text of " + context.record["original"].value("sha256", "");
  const auto failed = for_each_page(pages->size(), lanes, [&](std::size_t i, int lane) -> std::optional<StageFailure> {
    const PageRef& page = (*pages)[i];
    const std::string input = page.blob + " " + std::to_string(page.dpi_x) + "x" + std::to_string(page.dpi_y) + " " + text_source;
    const auto recognise_page = [&]() -> StageValue<json> {
      auto png = times.time("read", [&] { return read_blob(blobs, page.blob, where_of(page) + " image"); });
      if (!png) return tl::unexpected(png.error());
      auto pix = times.time("decode", [&] { return decode_image(*png); });
      if (!pix) return tl::unexpected(broken(page, "the stored page image cannot be decoded"));
      std::string().swap(*png);
      const int dpi_y = page.dpi_y > 0 ? page.dpi_y : pixGetYRes(pix->get());
      // The PDF's image first: then the page is handed to Tesseract, which keeps its own
      // copy, and ours is freed while it recognises.
      auto image = times.time("pdf_image", [&] { return store_page_image(pix->get(), storage, page.dpi_x, page.dpi_y); });
      if (!image) return tl::unexpected(broken(page, image.error().message));
      images[i] = std::move(*image);
      if (engines[lane] != nullptr) {
        auto recognised = times.time("recognise", [&] { return engines[lane]->recognise(std::move(*pix), dpi_y); });
        if (!recognised) return tl::unexpected(broken(page, recognised.error().message));
        texts[i] = std::move(*recognised);
      } else {
        texts[i] = std::move((**born_digital)[i]);
      }
      if (!resumable.recording()) return json::object();
      return times.time("checkpoint", [&] { return save_ocr_page(blobs, texts[i], *images[i], where_of(page)); });
    };
    const auto take_earlier = [&](const json& earlier) {
      auto restored = times.time("checkpoint", [&] { return restore_ocr_page(blobs, earlier); });
      if (!restored) return false;
      texts[i] = std::move(restored->text);
      images[i] = std::move(restored->image);
      return true;
    };
    auto done = resumable.page(i, input, recognise_page, take_earlier);
    if (!done) return done.error();
    return std::nullopt;
  });
  if (failed) return tl::unexpected(*failed);
  resumable.log_reuse(file, pages->size());

  json page_entries = json::array();
  std::string document_text;
  double weighted_confidence = 0.0;
  int total_words = 0;
  std::map<std::string, int> pages_by_encoding{
      {"jbig2_generic", 0}, {"ccitt_g4", 0}, {"jpeg", 0}, {"flate", 0}, {"mixed_raster", 0}};
  json page_images = json::array();
  for (size_t i = 0; i < pages->size(); ++i) {
    const PageRef& page = (*pages)[i];
    const RecognisedPage& text = texts[i];
    ++pages_by_encoding[stored_as_name(images[i]->image)];
    images[i]->record["page"] = page.page;
    page_images.push_back(std::move(images[i]->record));
    if (auto added = (*pdf)->add_page(images[i]->image, text); !added) return tl::unexpected(broken(page, added.error().message));
    images[i].reset();
    auto text_blob = write_blob(context.blobs, text.text, where_of(page) + " text");
    if (!text_blob) return tl::unexpected(text_blob.error());
    page_entries.push_back({{"page", page.page},
                            {"text_blob", *text_blob},
                            {"confidence", round_to_tenths(text.confidence)},
                            {"words", text.words}});
    if (i > 0) document_text += '\f';
    document_text += text.text;
    weighted_confidence += text.confidence * text.words;
    total_words += text.words;
  }
  const std::string software = engine != nullptr ? OcrEngine::engine_name() : "pdf-text (poppler)";
  auto text_blob = write_blob(context.blobs, document_text, file + ": document text");
  if (!text_blob) return tl::unexpected(text_blob.error());
  auto alto_blob = write_blob(context.blobs, alto_xml(texts, file, software), file + ": ALTO XML");
  if (!alto_blob) return tl::unexpected(alto_blob.error());
  auto pdf_bytes = times.time("pdf_finish", [&] { return (*pdf)->finish(); });
  if (!pdf_bytes) return stage_failure(FailureKind::kFinal, file + ": " + pdf_bytes.error().message + " — report to IT");
  auto pdf_blob = write_blob(context.blobs, *pdf_bytes, file + ": searchable PDF");
  if (!pdf_blob) return tl::unexpected(pdf_blob.error());

  const double confidence = total_words > 0 ? round_to_tenths(weighted_confidence / total_words) : 0.0;
  StageResult result;
  result.patch["ocr"] = {{"version", version()},
                         {"engine", software},
                         {"text_source", engine != nullptr ? "ocr" : "born_digital"},
                         {"language", engine != nullptr ? json(settings.language) : json()},
                         {"pages", std::move(page_entries)},
                         {"text_blob", *text_blob},
                         {"alto_blob", *alto_blob},
                         {"confidence", confidence},
                         {"min_confidence", settings.min_confidence}};
  const int page_count = (*pdf)->page_count();
  result.patch["pdf"] = {{"sha256", *pdf_blob},
                         {"size", pdf_bytes->size()},
                         {"pages", page_count},
                         {"media_type", "application/pdf"},
                         {"conformance", "PDF/A-2b"},
                         {"images", pages_by_encoding},
                         {"page_images", std::move(page_images)},
                         {"bilevel_text_pages", settings.bilevel_text_pages},
                         {"bilevel_codec", bilevel_codec_name(settings.bilevel_codec)},
                         {"mixed_raster_pages", settings.mixed_raster_pages},
                         {"mixed_background_dpi", settings.mixed_background_dpi},
                         {"jpeg_quality", settings.jpeg_quality}};
  result.patch["step_ms"] = times.merged_into(context.record, "ocr");
  if (engine != nullptr && confidence < settings.min_confidence) {
    char reason[256];
    std::snprintf(reason, sizeof reason,
                  "OCR unsure: mean word confidence %.1f is below this tenant's threshold %.0f — check the "
                  "text against the scan, correct or rescan",
                  confidence, settings.min_confidence);
    result.clearing_reason = reason;
  }
  return result;
}

}  // namespace

Result<std::unique_ptr<Stage>> make_ocr_stage(const nlohmann::json& settings) {
  const JobSettings builtin{"deu", 80, true, BilevelCodec::kJbig2, 60, kDefaultFont, kDefaultIcc, kDefaultGreyIcc};
  auto defaults = read_settings(settings, builtin);
  if (!defaults) return fail(defaults.error());
  auto tessdata = string_setting(settings, "tessdata_dir", "");
  if (!tessdata) return fail(ErrorKind::kInvalidInput, "stage ocr: " + tessdata.error().message);
  if (auto threads = page_threads_setting(settings); !threads) {
    return fail(ErrorKind::kInvalidInput, "stage ocr: " + threads.error().message);
  }
  return std::unique_ptr<Stage>(std::make_unique<OcrStage>(std::move(*defaults), *tessdata));
}

}  // namespace zpe
