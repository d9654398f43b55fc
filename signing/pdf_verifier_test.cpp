// The attack classes of "1 Trillion Dollar Refund" (Mladenov et al. 2019) and the shadow
// attacks (Mainka et al. 2021), built here byte by byte from a file we signed: each must
// make verify_pdf and `zpe verify` fail with a reason naming the class.
#include "signing/pdf_verifier.h"

#include <gtest/gtest.h>
#include <podofo/podofo.h>

#include "signing/pades_signer.h"
#include "signing/testing_signing.h"

namespace zpe::signing {
namespace {

using zpe::testing::run_command;
using zpe::testing::test_ca;

class PdfVerifierAttackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto key = SigningKey::open({"pem:" + (test_ca("ec") / "signer.key").string(), (test_ca("ec") / "signer.pem").string(), {}, ""});
    ASSERT_TRUE(key) << key.error().message;
    auto pdf = sign_pdf(zpe::testing::sample_pdf(1), **key, nullptr, {});
    ASSERT_TRUE(pdf) << pdf.error().message;
    signed_ = new std::string(*pdf);
    key_ = key->release();
  }
  static void TearDownTestSuite() {
    delete signed_;
    delete key_;
  }

  static VerifyOptions options() { return {{(test_ca("ec") / "ca.pem").string()}, false}; }

  // Fails when `pdf` verifies or the reason does not name `attack`; also runs `zpe verify`.
  static void expect_rejected(const std::string& pdf, const std::string& attack) {
    const VerifyReport report = verify_pdf(pdf, options());
    const std::string text = report.text("attack.pdf");
    EXPECT_FALSE(report.valid()) << text;
    EXPECT_NE(text.find(attack), std::string::npos) << "expected \"" << attack << "\" in:\n" << text;
    zpe::testing::TempDir dir;
    zpe::testing::write_file(dir.path() / "attack.pdf", pdf);
    const auto cli = run_command(std::string(ZPE_BINARY) + " verify --trust '" + (test_ca("ec") / "ca.pem").string() +
                                 "' '" + (dir.path() / "attack.pdf").string() + "'");
    EXPECT_NE(cli.status, 0) << cli.text;
    EXPECT_NE(cli.text.find(attack), std::string::npos) << cli.text;
  }

  // The signed file with [begin, end) replaced by `text` padded with spaces (offsets kept).
  static std::string overwrite(std::size_t begin, std::size_t end, const std::string& text) {
    std::string out = *signed_;
    std::string padded = text;
    padded.resize(end - begin, ' ');
    return out.replace(begin, end - begin, padded);
  }

  static std::size_t contents_begin() { return signed_->find("/Contents<") + 9; }
  static std::size_t contents_end() { return signed_->find('>', contents_begin()) + 1; }
  static std::size_t byte_range_begin() { return signed_->find("/ByteRange") + 10; }
  static std::size_t byte_range_end() { return signed_->find(']', byte_range_begin()) + 1; }

  // An incremental update made with PoDoFo on top of the signed file.
  template <class Change>
  static std::string with_update(Change change) {
    PoDoFo::PdfMemDocument document;
    document.LoadFromBuffer(signed_->data(), static_cast<long>(signed_->size()), true);
    change(document);
    PoDoFo::PdfRefCountedBuffer buffer;
    PoDoFo::PdfOutputDevice device(&buffer);
    document.WriteUpdate(&device, true);
    return std::string(buffer.GetBuffer(), device.GetLength());
  }

  static std::string* signed_;
  static SigningKey* key_;
};

std::string* PdfVerifierAttackTest::signed_ = nullptr;
SigningKey* PdfVerifierAttackTest::key_ = nullptr;

TEST_F(PdfVerifierAttackTest, UntouchedSignedFileIsValid) {
  const VerifyReport report = verify_pdf(*signed_, options());
  EXPECT_TRUE(report.valid()) << report.text("signed.pdf");
}

TEST_F(PdfVerifierAttackTest, UniversalSignatureForgery_EmptyContents) {
  expect_rejected(overwrite(contents_begin(), contents_end(), "<>"), "universal signature forgery");
}

TEST_F(PdfVerifierAttackTest, UniversalSignatureForgery_NullContents) {
  expect_rejected(overwrite(contents_begin(), contents_end(), "null"), "universal signature forgery");
}

TEST_F(PdfVerifierAttackTest, UniversalSignatureForgery_ContentsNotCms) {
  std::string junk = "<" + std::string(contents_end() - contents_begin() - 2, '0') + ">";
  junk.replace(1, 8, "DEADBEEF");
  expect_rejected(overwrite(contents_begin(), contents_end(), junk), "universal signature forgery");
}

TEST_F(PdfVerifierAttackTest, UniversalSignatureForgery_NullByteRange) {
  expect_rejected(overwrite(byte_range_begin(), byte_range_end(), "null"), "universal signature forgery");
}

TEST_F(PdfVerifierAttackTest, UniversalSignatureForgery_ByteRangeOfZeros) {
  expect_rejected(overwrite(byte_range_begin(), byte_range_end(), "[0 0 0 0]"), "universal signature forgery");
}

TEST_F(PdfVerifierAttackTest, UniversalSignatureForgery_ByteRangeBeyondTheFile) {
  const std::string range = "[0 " + std::to_string(contents_begin()) + " " + std::to_string(contents_end()) + " " +
                            std::to_string(signed_->size()) + "]";
  expect_rejected(overwrite(byte_range_begin(), byte_range_end(), range), "universal signature forgery");
}

TEST_F(PdfVerifierAttackTest, SignatureWrapping_ByteRangeShiftedToACopyOfTheSignedData) {
  // The gap is widened to hold injected objects; the signed tail is copied behind them and
  // the ByteRange (padded, so offsets stay) points at the copy.
  const std::size_t a = contents_begin(), b = contents_end();
  const std::string injected = "\n99 0 obj\n<< /Type /Page /Contents 100 0 R >>\nendobj\n";
  std::string attack = signed_->substr(0, b) + injected + signed_->substr(b);
  const std::size_t new_b = b + injected.size();
  const std::string range = "[0 " + std::to_string(a) + " " + std::to_string(new_b) + " " +
                            std::to_string(attack.size() - new_b) + "]";
  std::string padded = range;
  padded.resize(byte_range_end() - byte_range_begin(), ' ');
  attack.replace(byte_range_begin(), padded.size(), padded);
  expect_rejected(attack, "signature wrapping");
}

TEST_F(PdfVerifierAttackTest, SignatureWrapping_SignedRangeEndsInsideTheRevision) {
  const std::string range = "[0 " + std::to_string(contents_begin()) + " " + std::to_string(contents_end()) + " " +
                            std::to_string(signed_->size() - contents_end() - 40) + "]";
  expect_rejected(overwrite(byte_range_begin(), byte_range_end(), range), "signature wrapping");
}

TEST_F(PdfVerifierAttackTest, IncrementalSavingAttack_UpdateAddsPageContent) {
  const std::string attack = with_update([](PoDoFo::PdfMemDocument& document) {
    PoDoFo::PdfPainter painter;
    painter.SetPage(document.GetPage(0));
    painter.Rectangle(50, 50, 300, 100);
    painter.Fill();
    painter.FinishPage();
  });
  expect_rejected(attack, "incremental saving attack");
}

TEST_F(PdfVerifierAttackTest, IncrementalSavingAttack_GarbageAppendedAfterTheSignature) {
  expect_rejected(*signed_ + "\n5 0 obj\n<< /Length 0 >>\nstream\n\nendstream\nendobj\n", "incremental saving attack");
}

TEST_F(PdfVerifierAttackTest, ShadowAttack_UpdateReplacesAnObjectOfTheSignedRevision) {
  // Shadow replace: the page's image XObject is swapped for other content; the page itself
  // and its content stream are untouched.
  const std::string attack = with_update([](PoDoFo::PdfMemDocument& document) {
    PoDoFo::PdfObject* resources = document.GetPage(0)->GetResources();
    PoDoFo::PdfObject* xobjects = resources->GetIndirectKey(PoDoFo::PdfName("XObject"));
    for (const auto& [name, value] : xobjects->GetDictionary().GetKeys()) {
      PoDoFo::PdfObject* image = document.GetObjects().GetObject(value->GetReference());
      const std::string other = zpe::testing::sample_pdf(1, "other");  // any other bytes
      image->GetStream()->Set(other.data(), 64);
      break;
    }
  });
  expect_rejected(attack, "shadow attack");
}

TEST_F(PdfVerifierAttackTest, ShadowAttack_RedefinitionHiddenFromTheCrossReference) {
  // An object of the signed revision defined again in appended bytes that a proper update's
  // xref does not point to: viewers that rebuild the xref would show it.
  const std::string update = with_update([](PoDoFo::PdfMemDocument& document) {
    document.GetInfo()->SetAuthor(PoDoFo::PdfString("x"));  // a harmless-looking real update
  });
  const std::string hidden = "\n4 0 obj\n<< /Length 2 >>\nstream\nq\nendstream\nendobj\n";
  const std::size_t tail = update.rfind("\nxref") + 1;
  std::string attack = update.substr(0, tail) + hidden + update.substr(tail);
  const std::size_t number = attack.rfind("startxref") + 10;  // keep the xref reachable
  const std::size_t number_end = attack.find_first_of("\r\n", number);
  attack.replace(number, number_end - number, std::to_string(tail + hidden.size()));
  expect_rejected(attack, "shadow attack");
}

TEST_F(PdfVerifierAttackTest, SecondSignatureInALaterUpdateIsAllowed) {
  auto twice = sign_pdf(*signed_, *key_, nullptr, {});
  ASSERT_TRUE(twice) << twice.error().message;
  const VerifyReport report = verify_pdf(*twice, options());
  EXPECT_TRUE(report.valid()) << report.text("twice.pdf");
  EXPECT_EQ(report.signatures.size(), 2u);
}

TEST(PdfVerifier, UnsignedPdfIsInvalid) {
  const VerifyReport report = verify_pdf(zpe::testing::sample_pdf(1), {});
  EXPECT_FALSE(report.valid());
  EXPECT_NE(report.text("x").find("no signature"), std::string::npos);
}

}  // namespace
}  // namespace zpe::signing
