#include "stages/route.h"

#include <new>

#include <leptonica/allheaders.h>

#include "classifiers/case_number.h"
#include "stages/casefile_pdf.h"
#include "stages/page_image.h"
#include "stages/stage_io.h"

namespace zpe {

namespace {

using nlohmann::json;

constexpr const char* kNoCaseNumber =
    "no case number found in the letter — enter the case number at the clearing station";

// record.classification.case_number as a string; "" when null or absent.
std::string classified_case_number(const json& record) {
  const auto classification = record.find("classification");
  if (classification == record.end() || !classification->is_object()) return "";
  const auto number = classification->find("case_number");
  return number != classification->end() && number->is_string() ? number->get<std::string>() : "";
}

std::string received_at(const json& record) {
  const auto source = record.find("source");
  if (source == record.end() || !source->is_object()) return "";
  const auto at = source->find("received_at");
  return at != source->end() && at->is_string() ? at->get<std::string>() : "";
}

class RouteStage final : public Stage {
 public:
  explicit RouteStage(int jpeg_quality) : jpeg_quality_(jpeg_quality) {}

  std::string_view name() const override { return "route"; }
  std::string version() const override { return "route/1 jpeg-q" + std::to_string(jpeg_quality_); }

  StageOutcome run(const StageContext& context) override {
    try {
      return route(context);
    } catch (const std::bad_alloc&) {
      return stage_failure(FailureKind::kRetryable,
                           source_file_name(context.record) + ": out of memory building the PDF — retrying");
    }
  }

 private:
  StageOutcome route(const StageContext& context);
  StageResult to_clearing(std::string reason) const;
  StageValue<void> add_page(CasefilePdf& pdf, BlobAccess& blobs, const PageRef& page, const std::string& file) const;

  int jpeg_quality_;
};

StageResult RouteStage::to_clearing(std::string reason) const {
  StageResult result;
  result.patch["route"] = {{"version", version()}, {"target", nullptr}};
  result.clearing_reason = std::move(reason);
  return result;
}

StageValue<void> RouteStage::add_page(CasefilePdf& pdf, BlobAccess& blobs, const PageRef& page,
                                      const std::string& file) const {
  const std::string where = file + ": page " + std::to_string(page.page);
  const auto broken = [&](const std::string& problem) {
    return stage_failure(FailureKind::kFinal, where + ": " + problem + " — report to IT");
  };
  auto png = read_blob(blobs, page.blob, where + " image");
  if (!png) return tl::unexpected(png.error());
  auto pix = decode_image(*png);
  if (!pix) return broken("the stored page image cannot be decoded");
  auto jpeg = encode_jpeg(pix->get(), jpeg_quality_);
  if (!jpeg) return broken(jpeg.error().message);
  const int dpi_x = page.dpi_x > 0 ? page.dpi_x : 300;
  const int dpi_y = page.dpi_y > 0 ? page.dpi_y : 300;
  auto added = pdf.add_jpeg_page(*jpeg, pixGetWidth(pix->get()), pixGetHeight(pix->get()), dpi_x, dpi_y);
  if (!added) return broken(added.error().message);
  return {};
}

StageOutcome RouteStage::route(const StageContext& context) {
  const std::string case_number = classified_case_number(context.record);
  if (case_number.empty()) return to_clearing(kNoCaseNumber);
  if (!classifiers::is_valid_case_number(case_number)) {
    return to_clearing("the case number \"" + case_number +
                       "\" is not of the form 1234567-123 — correct it at the clearing station");
  }
  const std::string file = source_file_name(context.record);
  if (const auto pdf = context.record.find("pdf"); pdf != context.record.end() && pdf->is_object()) {
    StageResult kept;  // made (and signed) upstream: deliver it as it is, never rebuild it
    kept.patch["route"] = {{"version", version()}, {"target", "casefile"}, {"case_number", case_number}};
    return kept;
  }
  auto pages = read_page_refs(context.record, "route");
  if (!pages) return tl::unexpected(pages.error());

  CasefilePdf pdf({"Aktenzeichen " + case_number, received_at(context.record)});
  for (const PageRef& page : *pages) {
    if (auto added = add_page(pdf, context.blobs, page, file); !added) return tl::unexpected(added.error());
  }
  auto bytes = pdf.finish();
  if (!bytes) return stage_failure(FailureKind::kFinal, file + ": " + bytes.error().message + " — report to IT");
  auto sha = write_blob(context.blobs, *bytes, file + ": case-file PDF");
  if (!sha) return tl::unexpected(sha.error());

  StageResult result;
  result.patch["route"] = {{"version", version()}, {"target", "casefile"}, {"case_number", case_number}};
  result.patch["pdf"] = {{"sha256", *sha}, {"size", bytes->size()}, {"pages", pdf.page_count()}};
  return result;
}

}  // namespace

Result<std::unique_ptr<Stage>> make_route_stage(const nlohmann::json& settings) {
  auto quality = integer_setting(settings, "jpeg_quality", 80, 1, 100);
  if (!quality) return fail(ErrorKind::kInvalidInput, "stage route: " + quality.error().message);
  return std::unique_ptr<Stage>(std::make_unique<RouteStage>(static_cast<int>(*quality)));
}

}  // namespace zpe
