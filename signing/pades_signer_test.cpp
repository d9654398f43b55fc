#include "signing/pades_signer.h"

#include <cstdio>

#include <gtest/gtest.h>
#include <podofo/podofo.h>

#include "signing/pdf_verifier.h"
#include "signing/testing_signing.h"

namespace zpe::signing {
namespace {

using zpe::testing::run_command;
using zpe::testing::TempDir;
using zpe::testing::test_ca;

bool have_tool(const char* tool) { return run_command(std::string("command -v ") + tool).status == 0; }

std::unique_ptr<SigningKey> pem_key(const std::string& kind) {
  auto key = SigningKey::open({"pem:" + (test_ca(kind) / "signer.key").string(), (test_ca(kind) / "signer.pem").string(), {}, ""});
  EXPECT_TRUE(key) << key.error().message;
  return key ? std::move(*key) : nullptr;
}

VerifyOptions trust(const std::string& kind) { return {{(test_ca(kind) / "ca.pem").string()}, false}; }

class PadesSignerTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PadesSignerTest, SignedPdfIsValidForPdfsigQpdfAndZpeVerify) {
  ASSERT_TRUE(have_tool("pdfsig") && have_tool("qpdf"));
  const std::string kind = GetParam();
  auto key = pem_key(kind);
  ASSERT_TRUE(key);
  const std::string pdf = zpe::testing::sample_pdf(2);
  auto signed_pdf = sign_pdf(pdf, *key, nullptr, {});
  ASSERT_TRUE(signed_pdf) << signed_pdf.error().message;
  EXPECT_EQ(signed_pdf->compare(0, pdf.size(), pdf), 0) << "the original bytes must stay in front (incremental update)";

  TempDir dir;
  const auto file = dir.path() / "signed.pdf";
  zpe::testing::write_file(file, *signed_pdf);
  const auto pdfsig = run_command("pdfsig '" + file.string() + "'");
  EXPECT_NE(pdfsig.text.find("Signature Validation: Signature is Valid."), std::string::npos) << pdfsig.text;
  EXPECT_NE(pdfsig.text.find("Total document signed"), std::string::npos) << pdfsig.text;
  EXPECT_NE(pdfsig.text.find("ETSI.CAdES.detached"), std::string::npos) << pdfsig.text;
  EXPECT_EQ(run_command("qpdf --check '" + file.string() + "'").status, 0);

  const VerifyReport report = verify_pdf(*signed_pdf, trust(kind));
  EXPECT_TRUE(report.valid()) << report.text("signed.pdf");
  ASSERT_EQ(report.signatures.size(), 1u);
  EXPECT_EQ(report.signatures[0].level, "PAdES B-B");

  // The reserved /Contents fits the CMS: each spare byte is two hex zeros in every document
  // (an estimate left 219 with the RSA signer, a looser reserve once about 3 KB). An ECDSA
  // value is 70 to 72 DER bytes for P-256 (fewer once in 128), RSA's always the key's size.
  // The CMS's size is in its DER header: SEQUENCE, then the length in 0x80 | n bytes.
  const std::size_t open = signed_pdf->find("/Contents<", pdf.size());
  ASSERT_NE(open, std::string::npos);
  const std::string hex = signed_pdf->substr(open + 10, signed_pdf->find('>', open) - open - 10);
  ASSERT_EQ(hex.substr(0, 3), "308") << hex.substr(0, 16);
  const std::size_t length_bytes = std::stoul(hex.substr(3, 1), nullptr, 16);
  const std::size_t cms = 2 + length_bytes + std::stoul(hex.substr(4, 2 * length_bytes), nullptr, 16);
  std::printf("[ INFO     ] %s: CMS %zu bytes, reserve %zu bytes\n", kind.c_str(), cms, hex.size() / 2);
  EXPECT_LE(hex.size() / 2 - cms, kind == "rsa" ? 0u : 4u) << "reserve " << hex.size() / 2 << " bytes";
}

INSTANTIATE_TEST_SUITE_P(RsaAndEcdsa, PadesSignerTest, ::testing::Values("rsa", "ec"));

TEST(PadesSigner, TamperedByteAnywhereInTheSignedRangeFailsPdfsigAndZpeVerify) {
  auto key = pem_key("ec");
  ASSERT_TRUE(key);
  auto signed_pdf = sign_pdf(zpe::testing::sample_pdf(1), *key, nullptr, {});
  ASSERT_TRUE(signed_pdf);
  const std::size_t contents = signed_pdf->find("/Contents<");
  ASSERT_NE(contents, std::string::npos);
  TempDir dir;
  // A byte in an image stream (first range), in the signature dictionary, and in the trailer (second range).
  for (std::size_t at : {signed_pdf->size() / 4, contents - 20, signed_pdf->size() - 30}) {
    std::string tampered = *signed_pdf;
    tampered[at] = static_cast<char>(tampered[at] ^ 0x01);
    const auto file = dir.path() / ("tampered-" + std::to_string(at) + ".pdf");
    zpe::testing::write_file(file, tampered);
    const auto pdfsig = run_command("pdfsig '" + file.string() + "'");
    EXPECT_EQ(pdfsig.text.find("Signature is Valid."), std::string::npos) << "byte " << at << "\n" << pdfsig.text;
    const VerifyReport report = verify_pdf(tampered, trust("ec"));
    EXPECT_FALSE(report.valid()) << "byte " << at << "\n" << report.text("tampered.pdf");
    const auto cli = run_command(std::string(ZPE_BINARY) + " verify --trust '" + (test_ca("ec") / "ca.pem").string() +
                                 "' '" + file.string() + "'");
    EXPECT_NE(cli.status, 0) << cli.text;
  }
}

TEST(PadesSigner, VisibleStampAndTransferNoteHashAreInTheSignedRevision) {
  auto key = pem_key("ec");
  ASSERT_TRUE(key);
  PadesOptions options;
  options.stamp.enabled = true;
  options.transfer_note_sha256 = std::string(64, 'a');
  const std::string unsigned_pdf = zpe::testing::sample_pdf(1);
  auto signed_pdf = sign_pdf(unsigned_pdf, *key, nullptr, options);
  ASSERT_TRUE(signed_pdf) << signed_pdf.error().message;
  const VerifyReport report = verify_pdf(*signed_pdf, trust("ec"));
  EXPECT_TRUE(report.valid()) << report.text("stamped.pdf");
  ASSERT_TRUE(report.transfer_note_sha256.has_value());
  EXPECT_EQ(*report.transfer_note_sha256, std::string(64, 'a'));
  // The update holds one XMP packet, the bound one, not a copy of the old one beside it.
  const auto packets = [](const std::string& pdf) {
    int count = 0;
    for (size_t at = pdf.find("<?xpacket begin"); at != std::string::npos; at = pdf.find("<?xpacket begin", at + 1)) ++count;
    return count;
  };
  ASSERT_EQ(packets(unsigned_pdf), 1);
  EXPECT_EQ(packets(*signed_pdf), 2);
}

TEST(PadesSigner, AsciiTextIsOneByteACharacterOtherTextUtf16) {
  auto key = pem_key("ec");
  ASSERT_TRUE(key);
  PadesOptions options;  // the default reason is ASCII; the location is not
  options.location = "Münster";
  auto signed_pdf = sign_pdf(zpe::testing::sample_pdf(1), *key, nullptr, options);
  ASSERT_TRUE(signed_pdf) << signed_pdf.error().message;
  EXPECT_NE(signed_pdf->find("/Reason(Qualifizierte elektronische Signatur des Scanprodukts \\(TR-RESISCAN\\))"),
            std::string::npos);
  EXPECT_NE(signed_pdf->find("/Name(ZPE TEST"), std::string::npos);
  EXPECT_NE(signed_pdf->find("/Location(\xFE\xFF"), std::string::npos) << "UTF-16BE with its byte-order mark";
  PoDoFo::PdfMemDocument document;
  document.LoadFromBuffer(signed_pdf->data(), static_cast<long>(signed_pdf->size()));
  const PoDoFo::PdfObject* signature = nullptr;
  for (const PoDoFo::PdfObject* object : document.GetObjects()) {
    const PoDoFo::PdfObject* type = object->IsDictionary() ? object->GetDictionary().GetKey("Type") : nullptr;
    if (type != nullptr && type->IsName() && type->GetName().GetName() == "Sig") signature = object;
  }
  ASSERT_NE(signature, nullptr);
  const auto text = [&](const char* key) { return signature->GetDictionary().GetKey(key)->GetString().GetStringUtf8(); };
  EXPECT_EQ(text("Reason"), options.reason);
  EXPECT_EQ(text("Location"), "Münster");
}

TEST(PadesSigner, UpdateLeavesTheInfoDictionaryAsItWas) {
  // PoDoFo stamps /ModDate on loading; written again it would disagree with the XMP
  // (PDF/A) and cost the bytes of a second Info dictionary.
  auto key = pem_key("ec");
  ASSERT_TRUE(key);
  const std::string unsigned_pdf = zpe::testing::sample_pdf(1);
  auto signed_pdf = sign_pdf(unsigned_pdf, *key, nullptr, {});
  ASSERT_TRUE(signed_pdf) << signed_pdf.error().message;
  const std::string update = signed_pdf->substr(unsigned_pdf.size());
  EXPECT_EQ(update.find("/ModDate"), std::string::npos) << update.substr(0, 400);
  EXPECT_EQ(update.find("/Producer"), std::string::npos) << update.substr(0, 400);
  const auto info = [](const std::string& pdf) {  // as parsed: PdfMemDocument would stamp it too
    PoDoFo::PdfVecObjects objects;
    objects.SetAutoDelete(true);
    PoDoFo::PdfParser parser(&objects, pdf.data(), static_cast<long>(pdf.size()));
    const PoDoFo::PdfObject* reference = parser.GetTrailer()->GetDictionary().GetKey("Info");
    std::string text;
    objects.GetObject(reference->GetReference())->ToString(text);
    return text;
  };
  EXPECT_EQ(info(*signed_pdf), info(unsigned_pdf));
  EXPECT_TRUE(verify_pdf(*signed_pdf, trust("ec")).valid());
}

TEST(PadesSigner, EmbedsIntermediatesButNoSelfSignedRoot) {
  // signer.pem holds the signer and the TEST root; tsa.pem (issued by that root) stands in
  // for an intermediate.
  auto key = SigningKey::open({"pem:" + (test_ca("rsa") / "signer.key").string(),
                               (test_ca("rsa") / "signer.pem").string(),
                               {(test_ca("rsa") / "tsa.pem").string(), (test_ca("rsa") / "ca.pem").string()}, ""});
  ASSERT_TRUE(key) << key.error().message;
  ASSERT_EQ(sk_X509_num((*key)->chain()), 1);
  EXPECT_NE(X509_self_signed(sk_X509_value((*key)->chain(), 0), 0), 1);
  auto signed_pdf = sign_pdf(zpe::testing::sample_pdf(1), **key, nullptr, PadesOptions{});
  ASSERT_TRUE(signed_pdf) << signed_pdf.error().message;
  const VerifyReport report = verify_pdf(*signed_pdf, trust("rsa"));
  EXPECT_TRUE(report.valid()) << report.text("chain.pdf");
}

TEST(PadesSigner, UntrustedRootIsReportedAsChainFailure) {
  auto key = pem_key("ec");
  ASSERT_TRUE(key);
  auto signed_pdf = sign_pdf(zpe::testing::sample_pdf(1), *key, nullptr, {});
  ASSERT_TRUE(signed_pdf);
  const VerifyReport report = verify_pdf(*signed_pdf, trust("rsa"));  // the other CA
  EXPECT_FALSE(report.valid());
  EXPECT_NE(report.text("x").find("[FAIL] trust"), std::string::npos) << report.text("x");
}

TEST(PadesSigner, RefusesBytesThatAreNoPdf) {
  auto key = pem_key("ec");
  ASSERT_TRUE(key);
  auto signed_pdf = sign_pdf("not a pdf at all", *key, nullptr, {});
  ASSERT_FALSE(signed_pdf);
  EXPECT_EQ(signed_pdf.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace zpe::signing
