#include "signing/pkcs11_key.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "signing/pades_signer.h"
#include "signing/pdf_verifier.h"
#include "signing/testing_signing.h"

namespace zpe::signing {
namespace {

using zpe::testing::run_command;
using zpe::testing::test_ca;

class Pkcs11KeyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Both tokens before the module is first initialised: SoftHSM reads its tokens then.
    rsa_ = new std::string(zpe::testing::softhsm_key_spec("rsa"));
    ec_ = new std::string(zpe::testing::softhsm_key_spec("ec"));
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete ec_;
  }
  void SetUp() override {
    ASSERT_FALSE(rsa_->empty() || ec_->empty()) << "SoftHSM2 (softhsm2-util) is not installed: scripts/setup.sh";
    setenv("ZPE_SIGN_PIN", zpe::testing::kSoftHsmPin, 1);
  }
  void TearDown() override { unsetenv("ZPE_SIGN_PIN"); }

  static std::string* rsa_;
  static std::string* ec_;
};

std::string* Pkcs11KeyTest::rsa_ = nullptr;
std::string* Pkcs11KeyTest::ec_ = nullptr;

TEST(Pkcs11Spec, ParsesModuleTokenAndObject) {
  auto spec = parse_pkcs11_spec("/usr/lib/softhsm/libsofthsm2.so;token=zpe;object=signer");
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->module, "/usr/lib/softhsm/libsofthsm2.so");
  EXPECT_EQ(spec->token, "zpe");
  EXPECT_EQ(spec->object, "signer");
  EXPECT_FALSE(parse_pkcs11_spec("/x.so;token=zpe"));
  EXPECT_FALSE(parse_pkcs11_spec("/x.so;token=a;object=b;pin=1234"));  // no PIN in the spec
}

TEST_F(Pkcs11KeyTest, SignsInsideSoftHsmAndPdfsigAcceptsTheSignature) {
  for (const auto& [kind, spec] : {std::pair<std::string, std::string>{"rsa", *rsa_}, {"ec", *ec_}}) {
    auto key = SigningKey::open({spec, (test_ca(kind) / "signer.pem").string(), {}, ""});
    ASSERT_TRUE(key) << kind << ": " << key.error().message;
    EXPECT_NE((*key)->description().find("PKCS#11 token"), std::string::npos);
    auto signed_pdf = sign_pdf(zpe::testing::sample_pdf(1), **key, nullptr, {});
    ASSERT_TRUE(signed_pdf) << kind << ": " << signed_pdf.error().message;
    const VerifyReport report = verify_pdf(*signed_pdf, {{(test_ca(kind) / "ca.pem").string()}, false});
    EXPECT_TRUE(report.valid()) << report.text(kind);
    zpe::testing::TempDir dir;
    zpe::testing::write_file(dir.path() / "hsm.pdf", *signed_pdf);
    const auto pdfsig = run_command("pdfsig '" + (dir.path() / "hsm.pdf").string() + "'");
    EXPECT_NE(pdfsig.text.find("Signature is Valid."), std::string::npos) << kind << "\n" << pdfsig.text;
  }
}

TEST_F(Pkcs11KeyTest, WrongPinIsRefusedAndNeverAppearsInTheMessage) {
  setenv("ZPE_SIGN_PIN", "9999-wrong-pin", 1);
  auto key = SigningKey::open({*ec_, (test_ca("ec") / "signer.pem").string(), {}, ""});
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message.find("login"), std::string::npos) << key.error().message;
  EXPECT_EQ(key.error().message.find("9999-wrong-pin"), std::string::npos);
}

TEST_F(Pkcs11KeyTest, PinComesFromTheConfiguredFileWhenTheEnvironmentHasNone) {
  unsetenv("ZPE_SIGN_PIN");
  zpe::testing::TempDir dir;
  zpe::testing::write_file(dir.path() / "pin", std::string(zpe::testing::kSoftHsmPin) + "\n");
  auto key = SigningKey::open({*ec_, (test_ca("ec") / "signer.pem").string(), {}, (dir.path() / "pin").string()});
  EXPECT_TRUE(key) << key.error().message;
}

TEST_F(Pkcs11KeyTest, UnknownTokenOrKeyIsNamedInTheError) {
  auto token = SigningKey::open({std::string("pkcs11:") + zpe::testing::kSoftHsmModule + ";token=nope;object=signer",
                                 (test_ca("ec") / "signer.pem").string(), {}, ""});
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("'nope'"), std::string::npos);
  auto object = SigningKey::open({std::string("pkcs11:") + zpe::testing::kSoftHsmModule + ";token=zpe-ec;object=nope",
                                  (test_ca("ec") / "signer.pem").string(), {}, ""});
  ASSERT_FALSE(object);
  EXPECT_NE(object.error().message.find("'nope'"), std::string::npos);
}

}  // namespace
}  // namespace zpe::signing
