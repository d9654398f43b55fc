// Signing commands: `zpe sign` (sign one PDF with the configured key), `zpe verify`
// (check every signature of a PDF, refuse known attacks) and `zpe test-tsa` (a local
// RFC 3161 time-stamp authority for the demo and tests).
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include "app/app.h"
#include "pipeline/blob_store.h"
#include "signing/pades_signer.h"
#include "signing/pdf_verifier.h"
#include "signing/sign_settings.h"
#include "signing/test_tsa.h"

namespace zpe::app {

namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

int sign(const GlobalOptions& options, const std::string& in, const std::string& out, const std::string& note) {
  set_up_logging("zpe", options);
  auto env = load_environment(options);
  if (!env) return kBadArgs;
  auto settings = signing::parse_sign_settings(env->config.json()["stages"].value("sign", nlohmann::json::object()));
  if (!settings) {
    spdlog::error("{}", settings.error().message);
    return kBadArgs;
  }
  auto pdf = read_file(in);
  if (!pdf) {
    spdlog::error("{}: cannot be read", in);
    return kNotFound;
  }
  if (!note.empty()) {
    auto note_bytes = read_file(note);
    if (!note_bytes) {
      spdlog::error("{}: cannot be read", note);
      return kNotFound;
    }
    settings->pades.transfer_note_sha256 = sha256_hex(*note_bytes);
  }
  auto key = signing::SigningKey::open(settings->key);
  if (!key) {
    spdlog::error("{}", key.error().message);
    return kBadArgs;
  }
  std::optional<signing::TimestampClient> tsa;
  if (!settings->tsa.url.empty()) tsa.emplace(settings->tsa);
  auto signed_pdf = signing::sign_pdf(*pdf, **key, tsa ? &*tsa : nullptr, settings->pades);
  if (!signed_pdf) {
    spdlog::error("{}: {}", in, signed_pdf.error().message);
    return kFailed;
  }
  std::ofstream(out, std::ios::binary) << *signed_pdf;
  std::printf("%s: signed with %s (%s) -> %s\n", in.c_str(), (*key)->description().c_str(),
              tsa ? "PAdES B-T" : "PAdES B-B", out.c_str());
  return kOk;
}

int verify(const GlobalOptions& options, const std::string& file, std::vector<std::string> trust,
           bool require_timestamp, const std::string& note) {
  set_up_logging("zpe", options);
  if (trust.empty()) {
    auto env = load_environment(options);
    if (!env) return kBadArgs;
    auto settings = signing::parse_sign_settings(env->config.json()["stages"].value("sign", nlohmann::json::object()));
    if (settings) trust = settings->trust;
  }
  auto pdf = read_file(file);
  if (!pdf) {
    std::fprintf(stderr, "%s: cannot be read\n", file.c_str());
    return kNotFound;
  }
  signing::VerifyReport report = signing::verify_pdf(*pdf, {trust, require_timestamp});
  if (!note.empty()) {
    auto note_bytes = read_file(note);
    const std::string actual = note_bytes ? sha256_hex(*note_bytes) : "";
    if (!report.transfer_note_sha256 || *report.transfer_note_sha256 != actual) {
      report.problems.push_back("the transfer note " + note + " is not the one bound into the signed PDF");
    }
  }
  std::fputs(report.text(file).c_str(), stdout);
  return report.valid() ? kOk : kFailed;
}

int test_tsa(const GlobalOptions& options, const std::string& cert, const std::string& key, int port) {
  set_up_logging("zpe-test-tsa", options);
  install_stop_signals();
  auto tsa = signing::TestTsa::start(cert, key, port);
  if (!tsa) {
    spdlog::error("{}", tsa.error().message);
    return kUnavailable;
  }
  std::printf("test TSA (NOT for production) listening at %s\n", (*tsa)->url().c_str());
  std::fflush(stdout);
  while (!stop_flag().load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return kOk;
}

}  // namespace

void add_sign_commands(CLI::App& app, GlobalOptions& options, Action& action) {
  auto* sign_cmd = app.add_subcommand("sign", "sign a PDF with the configured key ([stages.sign]); "
                                              "PIN from $ZPE_SIGN_PIN or pin_file, never an argument");
  auto in = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto note = std::make_shared<std::string>();
  sign_cmd->add_option("input", *in, "PDF to sign")->required();
  sign_cmd->add_option("output", *out, "where to write the signed PDF")->required();
  sign_cmd->add_option("--transfer-note", *note, "transfer note file whose SHA-256 is bound into the XMP");
  sign_cmd->callback([&options, &action, in, out, note] { action = [&options, in, out, note] { return sign(options, *in, *out, *note); }; });

  auto* verify_cmd = app.add_subcommand("verify", "check every signature of a PDF; exit 0 only when all are valid");
  auto file = std::make_shared<std::string>();
  auto trust = std::make_shared<std::vector<std::string>>();
  auto require_ts = std::make_shared<bool>(false);
  auto verify_note = std::make_shared<std::string>();
  verify_cmd->add_option("file", *file, "signed PDF")->required();
  verify_cmd->add_option("--trust", *trust, "PEM file of trusted roots (repeatable; default: [stages.sign] trust)");
  verify_cmd->add_flag("--require-timestamp", *require_ts, "fail signatures without an RFC 3161 timestamp");
  verify_cmd->add_option("--transfer-note", *verify_note, "check that this transfer note is the one bound in the PDF");
  verify_cmd->callback([&options, &action, file, trust, require_ts, verify_note] {
    action = [&options, file, trust, require_ts, verify_note] {
      return verify(options, *file, *trust, *require_ts, *verify_note);
    };
  });

  auto* tsa_cmd = app.add_subcommand("test-tsa", "run a local RFC 3161 test time-stamp authority on 127.0.0.1");
  auto cert = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  auto port = std::make_shared<int>(8318);
  tsa_cmd->add_option("--cert", *cert, "TSA certificate PEM (scripts/make-test-ca.sh tsa.pem)")->required();
  tsa_cmd->add_option("--key", *key, "TSA key PEM")->required();
  tsa_cmd->add_option("--port", *port, "port on 127.0.0.1 (0: any)");
  tsa_cmd->callback([&options, &action, cert, key, port] {
    action = [&options, cert, key, port] { return test_tsa(options, *cert, *key, *port); };
  });
}

}  // namespace zpe::app
