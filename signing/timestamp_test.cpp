#include "signing/timestamp.h"

#include <cstdio>

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

std::unique_ptr<SigningKey> rsa_key() {
  auto key = SigningKey::open({"pem:" + (test_ca("rsa") / "signer.key").string(), (test_ca("rsa") / "signer.pem").string(), {}, ""});
  EXPECT_TRUE(key) << key.error().message;
  return key ? std::move(*key) : nullptr;
}

// A client of the test TSA that checks its token against the test root.
TimestampConfig trusting(const TestTsa& tsa) { return {tsa.url(), (test_ca("rsa") / "ca.pem").string(), 5000}; }

TEST(Timestamp, TokenFromTheLocalTestTsaVerifiesOverTheStampedBytes) {
  auto tsa = start_tsa();
  ASSERT_TRUE(tsa);
  TimestampClient client(trusting(*tsa));
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
  auto key = rsa_key();
  ASSERT_TRUE(key);
  TimestampClient client(trusting(*tsa));
  auto signed_pdf = sign_pdf(zpe::testing::sample_pdf(1), *key, &client, {});
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

// The spare room in /Contents (hex zeros after the CMS), in bytes of CMS.
std::size_t spare_contents(const std::string& pdf) {
  const std::size_t open = pdf.rfind("/Contents<");
  const std::string hex = pdf.substr(open + 10, pdf.find('>', open) - open - 10);
  return (hex.size() - (hex.find_last_not_of('0') + 1)) / 2;
}

TEST(Timestamp, ReserveForTheTokenIsLearnedFromTheTokensSeen) {
  auto tsa = start_tsa();
  ASSERT_TRUE(tsa);
  auto key = rsa_key();
  ASSERT_TRUE(key);
  TimestampClient client(trusting(*tsa));
  auto first = sign_pdf(zpe::testing::sample_pdf(1), *key, &client, {});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_GT(spare_contents(*first), 8000u) << "16 KiB reserved before any token was seen";
  EXPECT_GT(client.largest_token_bytes(), 0u);
  auto second = sign_pdf(zpe::testing::sample_pdf(1), *key, &client, {});
  ASSERT_TRUE(second) << second.error().message;
  std::printf("[ INFO     ] token %zu bytes; spare in /Contents: first %zu, then %zu bytes; PDF %zu -> %zu bytes\n",
              client.largest_token_bytes(), spare_contents(*first), spare_contents(*second), first->size(),
              second->size());
  EXPECT_LT(spare_contents(*second), 3000u);
  const VerifyReport report = verify_pdf(*second, {{(test_ca("rsa") / "ca.pem").string()}, true});
  EXPECT_TRUE(report.valid()) << report.text("second.pdf");
  EXPECT_EQ(report.signatures.at(0).level, "PAdES B-T");
}

TEST(Timestamp, TokenLargerThanLearnedIsSignedAgainWithRoomToSpare) {
  auto tsa = start_tsa();
  ASSERT_TRUE(tsa);
  auto key = rsa_key();
  ASSERT_TRUE(key);
  // As if an earlier token of this TSA had been tiny (it changed its certificates since).
  TimestampClient client(trusting(*tsa), 100);
  auto signed_pdf = sign_pdf(zpe::testing::sample_pdf(1), *key, &client, {});
  ASSERT_TRUE(signed_pdf) << signed_pdf.error().message;
  EXPECT_EQ(tsa->requests_served(), 2) << "the first attempt's token did not fit";
  EXPECT_TRUE(verify_pdf(*signed_pdf, {{(test_ca("rsa") / "ca.pem").string()}, true}).valid());
}

TEST(Timestamp, RequireTimestampFailsABBSignature) {
  auto key = rsa_key();
  ASSERT_TRUE(key);
  auto signed_pdf = sign_pdf(zpe::testing::sample_pdf(1), *key, nullptr, {});
  ASSERT_TRUE(signed_pdf);
  EXPECT_FALSE(verify_pdf(*signed_pdf, {{(test_ca("rsa") / "ca.pem").string()}, true}).valid());
}

}  // namespace
}  // namespace zpe::signing
