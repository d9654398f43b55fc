#include "stages/sign.h"

#include <map>

#include <optional>

#include <leptonica/allheaders.h>
#include <spdlog/spdlog.h>

#include "pipeline/blob_store.h"
#include "signing/pades_signer.h"
#include "signing/sign_settings.h"
#include "signing/transfer_note.h"
#include "stages/page_image.h"
#include "stages/stage_io.h"

namespace zpe {

namespace {

using nlohmann::json;

constexpr const char* kNoKey =
    "no signing key configured — set [stages.sign] key and certificate (scripts/make-test-ca.sh makes a TEST key)";

// Each tenant may sign with its own key and certificate ([tenants.<t>.stages.sign]): the
// settings come with every job, and a key is opened on first use and kept for the worker's
// life, one per distinct key configuration.
class SignStage final : public Stage {
 public:
  explicit SignStage(signing::SignSettings settings) : settings_(std::move(settings)) {}

  std::string_view name() const override { return "sign"; }
  std::string version() const override { return std::string("sign/2 ") + (settings_.tsa.url.empty() ? "B-B" : "B-T"); }
  StageOutcome run(const StageContext& context) override;

 private:
  StageValue<signing::SigningKey*> key(const signing::SigningKeyConfig& config);
  StageValue<json> input_pdf(const StageContext& context, const std::string& file);

  signing::SignSettings settings_;  // the worker's own (global) settings, for version()
  std::map<std::string, std::unique_ptr<signing::SigningKey>> keys_;  // by key configuration
  // The largest timestamp token each TSA (by URL) sent this worker: the signer reserves room
  // for the next one from it instead of 16 KiB of hex zeros per document.
  std::map<std::string, std::size_t> token_bytes_;
};

std::string key_identity(const signing::SigningKeyConfig& config) {
  std::string id = config.key + "\n" + config.certificate + "\n" + config.pin_file;
  for (const auto& chain : config.chain) id += "\n" + chain;
  return id;
}

StageValue<signing::SigningKey*> SignStage::key(const signing::SigningKeyConfig& config) {
  auto& slot = keys_[key_identity(config)];
  if (slot) return slot.get();
  auto opened = signing::SigningKey::open(config);
  if (!opened) {
    const bool passing = opened.error().kind == ErrorKind::kUnavailable;
    return stage_failure(passing ? FailureKind::kRetryable : FailureKind::kFinal,
                         "signing key: " + opened.error().message);
  }
  slot = std::move(*opened);
  spdlog::info("sign: using {}", slot->description());
  if (config.key.rfind("pem:", 0) == 0) {
    spdlog::warn("sign: a PEM key file is for development and demos only — production keys live in an HSM (pkcs11:)");
  }
  return slot.get();
}

StageValue<json> SignStage::input_pdf(const StageContext& context, const std::string& file) {
  for (const char* key : {"pdf_unsigned", "pdf"}) {
    const auto it = context.record.find(key);
    if (it != context.record.end() && it->is_object() && it->contains("sha256")) return *it;
  }
  return stage_failure(FailureKind::kFinal, file + ": there is no PDF to sign (record.pdf is missing; the ocr "
                                                   "stage writes it) — check the pipeline order, sign runs after ocr");
}

StageOutcome SignStage::run(const StageContext& context) {
  const std::string file = source_file_name(context.record);
  // The document's tenant's settings ([stages.sign] overlaid by [tenants.<t>.stages.sign]).
  auto tenant_settings = signing::parse_sign_settings(context.settings);
  if (!tenant_settings) return stage_failure(FailureKind::kFinal, "stage sign: " + tenant_settings.error().message);
  const signing::SignSettings& settings = *tenant_settings;
  if (settings.key.key.empty()) {
    StageResult result;
    result.patch["sign"] = {{"version", version()}, {"level", nullptr}};
    result.clearing_reason = kNoKey;
    return result;
  }
  auto input = input_pdf(context, file);
  if (!input) return tl::unexpected(input.error());
  auto pdf = read_blob(context.blobs, (*input)["sha256"].get<std::string>(), file + ": PDF to sign");
  if (!pdf) return tl::unexpected(pdf.error());
  auto signer = key(settings.key);
  if (!signer) return tl::unexpected(signer.error());

  char name[512];
  X509_NAME_oneline(X509_get_subject_name((*signer)->certificate()), name, sizeof name);
  const json note = signing::build_transfer_note(context.record, {settings.site, settings.scanner, name});
  const std::string note_bytes = signing::transfer_note_bytes(note);
  auto note_sha = write_blob(context.blobs, note_bytes, file + ": transfer note");
  if (!note_sha) return tl::unexpected(note_sha.error());

  signing::PadesOptions options = settings.pades;
  options.transfer_note_sha256 = *note_sha;
  std::optional<signing::TimestampClient> tsa;
  if (!settings.tsa.url.empty()) tsa.emplace(settings.tsa, token_bytes_[settings.tsa.url]);
  auto signed_pdf = signing::sign_pdf(*pdf, **signer, tsa ? &*tsa : nullptr, options);
  if (tsa) token_bytes_[settings.tsa.url] = tsa->largest_token_bytes();
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
  result.patch["sign"] = {{"version", std::string("sign/2 ") + (tsa ? "B-T" : "B-B")}, {"level", level}, {"key", (*signer)->description()},
                          {"signer", name}, {"tsa", tsa ? json(tsa->url()) : json(nullptr)}};
  return result;
}

}  // namespace

Result<std::unique_ptr<Stage>> make_sign_stage(const nlohmann::json& settings) {
  auto parsed = signing::parse_sign_settings(settings);
  if (!parsed) return fail(ErrorKind::kInvalidInput, "stage sign: " + parsed.error().message);
  return std::unique_ptr<Stage>(std::make_unique<SignStage>(std::move(*parsed)));
}

}  // namespace zpe
