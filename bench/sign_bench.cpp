// Signing throughput: PAdES B-B signatures per second with a PEM key and with a key inside
// SoftHSM2 (PKCS#11), on a 1-page and a 20-page document, for RSA 3072 and ECDSA P-256.
// Sets up its own TEST CA and SoftHSM token in temporary folders. Run: bench/sign_bench.sh
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "signing/pades_signer.h"
#include "signing/testing_signing.h"

namespace {

using namespace zpe;

// Signs `pdf` repeatedly for about `seconds`; returns signatures per second (0 on error).
double measure(const signing::SigningKey& key, const std::string& pdf, double seconds) {
  const auto start = std::chrono::steady_clock::now();
  int count = 0;
  double elapsed = 0;
  while (elapsed < seconds) {
    auto signed_pdf = signing::sign_pdf(pdf, key, nullptr, {});
    if (!signed_pdf) {
      std::fprintf(stderr, "sign failed: %s\n", signed_pdf.error().message.c_str());
      return 0;
    }
    ++count;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return count / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  const std::string hsm_rsa = testing::softhsm_key_spec("rsa");
  const std::string hsm_ec = testing::softhsm_key_spec("ec");
  setenv("ZPE_SIGN_PIN", testing::kSoftHsmPin, 1);
  const std::string one_page = testing::sample_pdf(1);
  const std::string twenty_pages = testing::sample_pdf(20);
  std::printf("document sizes: 1 page %zu bytes, 20 pages %zu bytes; %.1f s per measurement, one thread\n",
              one_page.size(), twenty_pages.size(), seconds);
  std::printf("%-8s %-22s %12s %12s\n", "key", "where", "1 page/s", "20 pages/s");
  for (const std::string kind : {"rsa", "ec"}) {
    const std::string cert = (testing::test_ca(kind) / "signer.pem").string();
    const std::string pem = "pem:" + (testing::test_ca(kind) / "signer.key").string();
    for (const auto& [where, spec] : {std::pair<std::string, std::string>{"PEM key file", pem},
                                      {"SoftHSM2 (PKCS#11)", kind == "rsa" ? hsm_rsa : hsm_ec}}) {
      if (spec.empty()) {
        std::printf("%-8s %-22s %12s %12s\n", kind.c_str(), where.c_str(), "n/a", "n/a");
        continue;
      }
      auto key = signing::SigningKey::open({spec, cert, {}, ""});
      if (!key) {
        std::fprintf(stderr, "%s\n", key.error().message.c_str());
        return 1;
      }
      std::printf("%-8s %-22s %12.1f %12.1f\n", kind == "rsa" ? "RSA3072" : "P-256", where.c_str(),
                  measure(**key, one_page, seconds), measure(**key, twenty_pages, seconds));
      std::fflush(stdout);
    }
  }
  return 0;
}
