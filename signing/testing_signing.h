// Test and bench support for signing/ (header-only; not linked into zpe): a temporary
// folder, a TEST CA made with scripts/make-test-ca.sh, sample PDFs made with the case-file
// PDF builder, and a SoftHSM2 token set up in a temporary folder with the signer key
// imported. Everything stays on this machine and is removed when the process ends.
#pragma once

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "pipeline/blob_store.h"
#include "stages/page_image.h"
#include "stages/searchable_pdf.h"
#include "stages/testing_page_images.h"

namespace zpe::testing {

struct CommandOutput {
  int status = -1;
  std::string text;  // stdout and stderr
};

inline CommandOutput run_command(const std::string& command) {
  CommandOutput out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out.text += buffer.data();
  out.status = pclose(pipe);
  return out;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// A folder under /tmp removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "zpe-sign-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The TEST CA of this process (kind "rsa" = RSA 3072 or "ec" = P-256), made once.
inline const std::filesystem::path& test_ca(const std::string& kind) {
  static TempDir rsa_dir, ec_dir;
  static bool made_rsa = false, made_ec = false;
  const bool ec = kind == "ec";
  TempDir& dir = ec ? ec_dir : rsa_dir;
  bool& made = ec ? made_ec : made_rsa;
  if (!made) {
    run_command("bash '" + std::string(ZPE_SOURCE_DIR) + "/scripts/make-test-ca.sh' '" + dir.path().string() + "' " + kind);
    made = true;
  }
  return dir.path();
}

// A PDF/A of `pages` A4 pages (150 dpi JPEG images with a line of text each), made by the
// ocr stage's searchable-PDF builder without a text layer.
inline std::string sample_pdf(int pages, const std::string& title = "Aktenzeichen 8123456-423") {
  auto pdf = SearchablePdf::create({title, "2025-03-12T10:04:05Z", "/usr/share/tesseract-ocr/5/tessdata/pdf.ttf",
                                    "/usr/share/color/icc/sRGB.icc"});
  if (!pdf) return std::string();
  for (int i = 1; i <= pages; ++i) {
    PixPtr page = render_text_page({"ZPE test letter", "page " + std::to_string(i)}, 1240, 1754, 150);
    PixPtr grey(pixConvertTo8(page.get(), 0));
    auto image = pdf_page_image(grey.get(), 60, 150, 150);
    RecognisedPage no_text;
    no_text.width = 1240;
    no_text.height = 1754;
    if (image) (void)(*pdf)->add_page(*image, no_text);
  }
  auto bytes = (*pdf)->finish();
  return bytes ? *bytes : std::string();
}

inline constexpr const char* kSoftHsmModule = "/usr/lib/softhsm/libsofthsm2.so";
inline constexpr const char* kSoftHsmPin = "4711-test";

// A SoftHSM2 token "zpe-test" holding the `kind` TEST CA's signer key as "signer", set up
// once per process ($SOFTHSM2_CONF points at a temporary config). Returns the key spec,
// or "" when softhsm2-util is missing or the setup failed.
inline std::string softhsm_key_spec(const std::string& kind) {
  static TempDir dir;
  static std::string rsa_spec, ec_spec;
  std::string& spec = kind == "ec" ? ec_spec : rsa_spec;
  if (!spec.empty()) return spec;
  const std::filesystem::path tokens = dir.path() / "tokens";
  std::filesystem::create_directories(tokens);
  write_file(dir.path() / "softhsm2.conf", "directories.tokendir = " + tokens.string() +
                                               "\nobjectstore.backend = file\nlog.level = ERROR\n");
  setenv("SOFTHSM2_CONF", (dir.path() / "softhsm2.conf").c_str(), 1);
  const std::string label = "zpe-" + kind;
  const std::string init = "softhsm2-util --init-token --free --label " + label + " --so-pin 12345678 --pin " +
                           kSoftHsmPin;
  const std::string import = "softhsm2-util --import '" + (test_ca(kind) / "signer.key").string() + "' --token " +
                             label + " --label signer --id 01 --pin " + kSoftHsmPin;
  if (run_command(init).status != 0 || run_command(import).status != 0) return "";
  spec = std::string("pkcs11:") + kSoftHsmModule + ";token=" + label + ";object=signer";
  return spec;
}

}  // namespace zpe::testing
