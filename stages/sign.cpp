#include "stages/sign.h"

#include <optional>

#include <leptonica/allheaders.h>
#include <spdlog/spdlog.h>

#include "pipeline/blob_store.h"
#include "signing/pades_signer.h"
#include "signing/sign_settings.h"
#include "signing/transfer_note.h"
#include "stages/casefile_pdf.h"
#include "stages/page_image.h"
#include "stages/stage_io.h"

namespace zpe {

namespace {

using nlohmann::json;

constexpr const char* kNoKey =
    "no signing key configured — set [stages.sign] key and certificate (scripts/make-test-ca.sh makes a TEST key)";

class SignStage final : public Stage {
 public:
  SignStage(signing::SignSettings settings, bool build_missing_pdf, int jpeg_quality)
      : settings_(std::move(settings)), build_missing_pdf_(build_missing_pdf), jpeg_quality_(jpeg_quality) {}

  std::string_view name() const override { return "sign"; }
  std::string version() const override { return std::string("sign/1 ") + (settings_.tsa.url.empty() ? "B-B" : "B-T"); }
  StageOutcome run(const StageContext& context) override;

 private:
  StageValue<signing::SigningKey*> key();
  StageValue<json> input_pdf(const StageContext& context, const std::string& file);

  signing::SignSettings settings_;
  bool build_missing_pdf_;
  int jpeg_quality_;
  std::unique_ptr<signing::SigningKey> key_;  // opened on first use, kept for the worker's life
};

StageValue<signing::SigningKey*> SignStage::key() {
  if (key_) return key_.get();
  auto opened = signing::SigningKey::open(settings_.key);
  if (!opened) {
    const bool passing = opened.error().kind == ErrorKind::kUnavailable;
    return stage_failure(passing ? FailureKind::kRetryable : FailureKind::kFinal,
                         "signing key: " + opened.error().message);
  }
  key_ = std::move(*opened);
  spdlog::info("sign: using {}", key_->description());
  if (settings_.key.key.rfind("pem:", 0) == 0) {
    spdlog::warn("sign: a PEM key file is for development and demos only — production keys live in an HSM (pkcs11:)");
  }
  return key_.get();
}

// Interim (until the ocr stage writes record.pdf): the case-file PDF of the page images.
StageValue<std::string> build_pdf(const StageContext& context, const std::string& file, int jpeg_quality) {
  auto pages = read_page_refs(context.record, "sign");
  if (!pages) return tl::unexpected(pages.error());
  CasefilePdf pdf({"Dokument " + context.record.value("document_id", std::string()),
                   context.record.contains("source") ? context.record["source"].value("received_at", "") : ""});
  for (const PageRef& page : *pages) {
    const std::string where = file + ": page " + std::to_string(page.page);
    auto png = read_blob(context.blobs, page.blob, where + " image");
    if (!png) return tl::unexpected(png.error());
    auto pix = decode_image(*png);
    auto jpeg = pix ? encode_jpeg(pix->get(), jpeg_quality) : Result<std::string>(fail(pix.error()));
    if (!jpeg) return stage_failure(FailureKind::kFinal, where + ": " + jpeg.error().message + " — report to IT");
    auto added = pdf.add_jpeg_page(*jpeg, pixGetWidth(pix->get()), pixGetHeight(pix->get()),
                                   page.dpi_x > 0 ? page.dpi_x : 300, page.dpi_y > 0 ? page.dpi_y : 300);
    if (!added) return stage_failure(FailureKind::kFinal, where + ": " + added.error().message + " — report to IT");
  }
  auto bytes = pdf.finish();
  if (!bytes) return stage_failure(FailureKind::kFinal, file + ": " + bytes.error().message + " — report to IT");
  return *bytes;
}

StageValue<json> SignStage::input_pdf(const StageContext& context, const std::string& file) {
  for (const char* key : {"pdf_unsigned", "pdf"}) {
    const auto it = context.record.find(key);
    if (it != context.record.end() && it->is_object() && it->contains("sha256")) return *it;
  }
  if (!build_missing_pdf_) {
    return stage_failure(FailureKind::kFinal, file + ": there is no PDF to sign (record.pdf is missing; the ocr "
                                                     "stage writes it) — check the pipeline order, sign runs after ocr");
  }
  auto bytes = build_pdf(context, file, jpeg_quality_);
  if (!bytes) return tl::unexpected(bytes.error());
  auto sha = write_blob(context.blobs, *bytes, file + ": unsigned PDF");
  if (!sha) return tl::unexpected(sha.error());
  return json{{"sha256", *sha}, {"size", bytes->size()}, {"pages", context.record.value("page_count", 0)}};
}

StageOutcome SignStage::run(const StageContext& context) {
  const std::string file = source_file_name(context.record);
  if (settings_.key.key.empty()) {
    StageResult result;
    result.patch["sign"] = {{"version", version()}, {"level", nullptr}};
    result.clearing_reason = kNoKey;
    return result;
  }
  auto input = input_pdf(context, file);
  if (!input) return tl::unexpected(input.error());
  auto pdf = read_blob(context.blobs, (*input)["sha256"].get<std::string>(), file + ": PDF to sign");
  if (!pdf) return tl::unexpected(pdf.error());
  auto signer = key();
  if (!signer) return tl::unexpected(signer.error());

  char name[512];
  X509_NAME_oneline(X509_get_subject_name((*signer)->certificate()), name, sizeof name);
  const json note = signing::build_transfer_note(context.record, {settings_.site, settings_.scanner, name});
  const std::string note_bytes = signing::transfer_note_bytes(note);
  auto note_sha = write_blob(context.blobs, note_bytes, file + ": transfer note");
  if (!note_sha) return tl::unexpected(note_sha.error());

  signing::PadesOptions options = settings_.pades;
  options.transfer_note_sha256 = *note_sha;
  std::optional<signing::TimestampClient> tsa;
  if (!settings_.tsa.url.empty()) tsa.emplace(settings_.tsa);
  auto signed_pdf = signing::sign_pdf(*pdf, **signer, tsa ? &*tsa : nullptr, options);
  if (!signed_pdf) {
    const ErrorKind kind = signed_pdf.error().kind;
    return stage_failure(kind == ErrorKind::kUnavailable ? FailureKind::kRetryable : FailureKind::kFinal,
                         file + ": signing failed: " + signed_pdf.error().message);
  }
  auto sha = write_blob(context.blobs, *signed_pdf, file + ": signed PDF");
  if (!sha) return tl::unexpected(sha.error());
  const std::string level = tsa ? "PAdES B-T" : "PAdES B-B";
  StageResult result;
  result.patch["pdf"] = {{"sha256", *sha}, {"size", signed_pdf->size()}, {"pages", (*input).value("pages", 0)},
                         {"signature", {{"level", level}, {"signer", name}}}};
  result.patch["pdf_unsigned"] = *input;
  result.patch["transfer_note"] = {{"sha256", *note_sha}, {"size", note_bytes.size()}, {"format", note["format"]}};
  result.patch["sign"] = {{"version", version()}, {"level", level}, {"key", (*signer)->description()},
                          {"signer", name}, {"tsa", tsa ? json(tsa->url()) : json(nullptr)}};
  return result;
}

}  // namespace

Result<std::unique_ptr<Stage>> make_sign_stage(const nlohmann::json& settings) {
  auto parsed = signing::parse_sign_settings(settings);
  if (!parsed) return fail(ErrorKind::kInvalidInput, "stage sign: " + parsed.error().message);
  const auto build = settings.find("build_missing_pdf");
  if (build != settings.end() && !build->is_boolean()) {
    return fail(ErrorKind::kInvalidInput, "stage sign: build_missing_pdf must be true or false");
  }
  auto quality = integer_setting(settings, "jpeg_quality", 80, 1, 100);
  if (!quality) return fail(ErrorKind::kInvalidInput, "stage sign: " + quality.error().message);
  return std::unique_ptr<Stage>(std::make_unique<SignStage>(std::move(*parsed), build != settings.end() && build->get<bool>(),
                                                            static_cast<int>(*quality)));
}

}  // namespace zpe
