#include "signing/timestamp.h"

#include <gtest/gtest.h>

#include "signing/pades_signer.h"
#include "signing/pdf_verifier.h"
#include "signing/test_tsa.h"
#include "signing/testing_signing.h"

namespace zpe::signing {
namespace {

using zpe::testing::test_ca;

std::unique_ptr<TestTsa> start_tsa() {
  auto tsa = TestTsa::start((test_ca("rsa") / "tsa.pem").string(), (test_ca("rsa") / "tsa.key").string());
  EXPECT_TRUE(tsa) << tsa.error().message;
  return tsa ? std::move(*tsa) : nullptr;
}

TEST(Timestamp, TokenFromTheLocalTestTsaVerifiesOverTheStampedBytes) {
  auto tsa = start_tsa();
  ASSERT_TRUE(tsa);
  TimestampClient client({tsa->url(), (test_ca("rsa") / "ca.pem").string(), 5000});
  auto token = client.timestamp("signature value");
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(tsa->requests_served(), 1);
  X509_STORE* trust = X509_STORE_new();
  X509_STORE_load_file(trust, (test_ca("rsa") / "ca.pem").c_str());
  auto time = verify_timestamp_token(*token, "signature value", trust);
  EXPECT_TRUE(time) << time.error().message;
  EXPECT_FALSE(verify_timestamp_token(*token, "other bytes", trust));
  X509_STORE_free(trust);
}

TEST(Timestamp, TsaThatDoesNotAnswerIsUnavailableNotFinal) {
  int port = 0;
  {
    auto tsa = start_tsa();
    ASSERT_TRUE(tsa);
    port = std::stoi(tsa->url().substr(17));
  }  // stopped: nothing listens on the port now
  TimestampClient client({"http://127.0.0.1:" + std::to_string(port) + "/", "", 1000});
  auto token = client.timestamp("x");
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().kind, ErrorKind::kUnavailable) << token.error().message;
}

TEST(Timestamp, TsaCertificateFromAnotherRootIsRefused) {
  auto tsa = start_tsa();
  ASSERT_TRUE(tsa);
  TimestampClient client({tsa->url(), (test_ca("ec") / "ca.pem").string(), 5000});  // wrong root
  EXPECT_FALSE(client.timestamp("x"));
}

TEST(Timestamp, SignedPdfWithTimestampIsLevelBTAndPdfsigValid) {
  auto tsa = start_tsa();
  ASSERT_TRUE(tsa);
  auto key = SigningKey::open({"pem:" + (test_ca("rsa") / "signer.key").string(), (test_ca("rsa") / "signer.pem").string(), {}, ""});
  ASSERT_TRUE(key) << key.error().message;
  TimestampClient client({tsa->url(), (test_ca("rsa") / "ca.pem").string(), 5000});
  auto signed_pdf = sign_pdf(zpe::testing::sample_pdf(1), **key, &client, {});
  ASSERT_TRUE(signed_pdf) << signed_pdf.error().message;
  const VerifyReport report = verify_pdf(*signed_pdf, {{(test_ca("rsa") / "ca.pem").string()}, true});
  EXPECT_TRUE(report.valid()) << report.text("bt.pdf");
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.signatures[0].level, "PAdES B-T");
  EXPECT_FALSE(report.signatures[0].timestamp_time.empty());
  zpe::testing::TempDir dir;
  zpe::testing::write_file(dir.path() / "bt.pdf", *signed_pdf);
  const auto pdfsig = zpe::testing::run_command("pdfsig '" + (dir.path() / "bt.pdf").string() + "'");
  EXPECT_NE(pdfsig.text.find("Signature is Valid."), std::string::npos) << pdfsig.text;
}

TEST(Timestamp, RequireTimestampFailsABBSignature) {
  auto key = SigningKey::open({"pem:" + (test_ca("rsa") / "signer.key").string(), (test_ca("rsa") / "signer.pem").string(), {}, ""});
  ASSERT_TRUE(key);
  auto signed_pdf = sign_pdf(zpe::testing::sample_pdf(1), **key, nullptr, {});
  ASSERT_TRUE(signed_pdf);
  EXPECT_FALSE(verify_pdf(*signed_pdf, {{(test_ca("rsa") / "ca.pem").string()}, true}).valid());
}

}  // namespace
}  // namespace zpe::signing
