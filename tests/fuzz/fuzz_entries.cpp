#include "tests/fuzz/fuzz_entries.h"

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "connectors/casefile_event.h"
#include "connectors/egvp_package.h"
#include "connectors/xjustiz_inbound.h"
#include "pipeline/intake.h"
#include "signing/pdf_verifier.h"
#include "signing/transfer_note.h"
#include "stages/born_digital.h"
#include "stages/page_decoder.h"
#include "stages/stage.h"

namespace zpe::fuzz {

namespace {

using nlohmann::json;

FuzzOutcome accepted() { return FuzzOutcome{true, ""}; }
FuzzOutcome refused(std::string reason) { return FuzzOutcome{false, std::move(reason)}; }

// Smaller than production (100 Mpx, 300 dpi) so one input costs milliseconds, not seconds;
// the size checks themselves run the same way.
DecodeLimits fuzz_decode_limits() {
  DecodeLimits limits;
  limits.max_page_pixels = 4'000'000;
  limits.max_pages = 8;
  limits.pdf_dpi = 36;
  return limits;
}

// A blob store that holds nothing: the split stage only reads page images when the manifest
// names no documents, and then gets the same "blob missing" failure a worker would.
class EmptyBlobs final : public BlobAccess {
 public:
  Result<std::string> read(const std::string& sha256) override {
    return fail(ErrorKind::kNotFound, "blob " + sha256 + " not found");
  }
  Result<std::string> write(std::string_view) override { return fail(ErrorKind::kIOError, "read-only"); }
};

// The record the intake writes for a six-page scan with this manifest, after prepare.
json record_with_manifest(const json& manifest) {
  json pages = json::array();
  for (int page = 1; page <= 6; ++page) {
    pages.push_back({{"page", page}, {"source_page", page}, {"blob", std::string(64, static_cast<char>('a' + page))},
                     {"width", 2480}, {"height", 3508}, {"dpi_x", 300}, {"dpi_y", 300}});
  }
  json record = {{"document_id", "fuzz"},
                 {"tenant", "fuzz"},
                 {"source", {{"file", "batch.tif"}, {"channel", "scan"}, {"manifest", manifest}}},
                 {"original", {{"sha256", std::string(64, 'a')}, {"size", 1}, {"media_type", "image/tiff"}}},
                 {"pages", pages}};
  if (manifest.contains("rescan_of") && manifest["rescan_of"].is_string()) record["rescan_of"] = manifest["rescan_of"];
  return record;
}

Status drop_page(DecodedPage) { return {}; }

}  // namespace

FuzzOutcome feed_manifest(std::string_view bytes) {
  auto manifest = read_intake_manifest(bytes);
  if (!manifest) return refused(manifest.error().message);
  const json record = record_with_manifest(*manifest);
  static const json settings = json::object();
  static std::unique_ptr<Stage> split = [] {
    auto made = make_stage("split", settings);
    return made ? std::move(*made) : nullptr;
  }();
  if (!split) return refused("the split stage cannot be made");
  EmptyBlobs blobs;
  const StageOutcome outcome = split->run(StageContext{record, settings, blobs, nullptr});
  // What the manifest feeds downstream: the transfer note (scan site, operator, scanner)
  // and the case-file event (batch_id).
  signing::transfer_note_bytes(signing::build_transfer_note(record, {"site", "scanner", "signer"}));
  build_filed_event(record, "event").dump();
  if (!outcome) return refused(outcome.error().reason);
  if (outcome->clearing_reason) return refused(*outcome->clearing_reason);
  return accepted();
}

FuzzOutcome feed_raster_decoder(std::string_view bytes) {
  auto media_type = sniff_media_type(bytes);
  if (!media_type) return refused(media_type.error().message);
  if (*media_type == "application/pdf") return refused("a PDF: the pdf_reader target reads it");
  const Status decoded = decode_raster_pages(bytes, fuzz_decode_limits(), drop_page);
  return decoded ? accepted() : refused(decoded.error().message);
}

FuzzOutcome feed_pdf_reader(std::string_view bytes) {
  std::vector<RenderedPdfPage> rendered;
  const Status decoded = decode_pdf_pages(bytes, fuzz_decode_limits(), [&](DecodedPage page) -> Status {
    rendered.push_back(RenderedPdfPage{page.source_page, 0, 0});
    return {};
  });
  if (!decoded) return refused(decoded.error().message);
  // The ocr stage reads the text of what prepare rendered; sizes as a 300 dpi A4 page.
  for (RenderedPdfPage& page : rendered) {
    page.width_px = 2480;
    page.height_px = 3508;
  }
  auto text = born_digital_text(bytes, rendered);
  return text ? accepted() : refused(text.error().message);
}

FuzzOutcome feed_egvp_package(std::string_view bytes) {
  auto package = read_zip_package("fuzz.zip", std::string(bytes), PackageLimits{});
  if (!package) return refused(package.error().message);
  auto message = parse_inbound_message(package->message_xml);
  return message ? accepted() : refused(message.error().message);
}

FuzzOutcome feed_signature_verifier(std::string_view bytes) {
  const signing::VerifyReport report = signing::verify_pdf(bytes, signing::VerifyOptions{});
  report.text("fuzz.pdf");
  if (report.valid()) return accepted();
  std::string reason;
  for (const std::string& problem : report.problems) reason += problem + "; ";
  for (const signing::SignatureReport& signature : report.signatures) {
    for (const signing::Check& check : signature.checks) {
      if (!check.passed) reason += signature.field + " " + check.name + ": " + check.detail + "; ";
    }
  }
  return refused(reason);
}

const std::vector<NamedFuzzEntry>& fuzz_entries() {
  static const std::vector<NamedFuzzEntry> entries = {
      {"manifest", feed_manifest},
      {"raster_decoder", feed_raster_decoder},
      {"pdf_reader", feed_pdf_reader},
      {"egvp_package", feed_egvp_package},
      {"signature_verifier", feed_signature_verifier},
  };
  return entries;
}

FuzzEntry find_fuzz_entry(std::string_view name) {
  for (const NamedFuzzEntry& entry : fuzz_entries()) {
    if (name == entry.name) return entry.entry;
  }
  return nullptr;
}

}  // namespace zpe::fuzz
