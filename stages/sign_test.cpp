#include "stages/sign.h"

#include <gtest/gtest.h>

#include "pipeline/blob_store.h"
#include "signing/pdf_verifier.h"
#include "signing/testing_signing.h"
#include "signing/transfer_note.h"
#include "stages/testing_blob_access.h"

namespace zpe {
namespace {

using nlohmann::json;
using zpe::testing::test_ca;

json sign_settings() {
  return {{"key", "pem:" + (test_ca("ec") / "signer.key").string()},
          {"certificate", (test_ca("ec") / "signer.pem").string()}};
}

class SignStageTest : public ::testing::Test {
 protected:
  StageOutcome run(const json& settings, json record) {
    auto stage = make_sign_stage(settings);
    EXPECT_TRUE(stage) << stage.error().message;
    record_ = std::move(record);
    return (*stage)->run(StageContext{record_, settings, blobs_});
  }

  json record_with_pdf() {
    const std::string pdf = zpe::testing::sample_pdf(2);
    return {{"document_id", "D-1"},
            {"tenant", "default"},
            {"source", {{"file", "letter.tif"}, {"received_at", "2025-03-12T10:04:05Z"}, {"received_by", "intake"},
                        {"manifest", {{"operator", "m.muster"}, {"scan_centre", "Scanzentrum Nord"}, {"scanner", "fi-7600"}}}}},
            {"original", {{"sha256", std::string(64, 'b')}, {"size", 1234}, {"media_type", "image/tiff"}}},
            {"page_count", 2},
            {"stage_versions", {{"prepare", "prepare/1"}, {"ocr", "ocr/1"}}},
            {"pdf", {{"sha256", blobs_.put(pdf)}, {"size", pdf.size()}, {"pages", 2}}}};
  }

  zpe::testing::InMemoryBlobAccess blobs_;
  json record_;
};

TEST_F(SignStageTest, SignStage_SignsThePdfAndBindsTheTransferNote) {
  json record = record_with_pdf();
  const json unsigned_pdf = record["pdf"];
  auto outcome = run(sign_settings(), record);
  ASSERT_TRUE(outcome) << outcome.error().reason;
  EXPECT_FALSE(outcome->clearing_reason);
  const json& patch = outcome->patch;
  EXPECT_EQ(patch["pdf_unsigned"], unsigned_pdf);
  EXPECT_NE(patch["pdf"]["sha256"], unsigned_pdf["sha256"]);
  EXPECT_EQ(patch["pdf"]["pages"], 2);
  EXPECT_EQ(patch["sign"]["level"], "PAdES B-B");

  const std::string signed_pdf = blobs_.get(patch["pdf"]["sha256"]);
  const signing::VerifyReport report = signing::verify_pdf(signed_pdf, {{(test_ca("ec") / "ca.pem").string()}, false});
  EXPECT_TRUE(report.valid()) << report.text("signed.pdf");
  ASSERT_TRUE(report.transfer_note_sha256);
  EXPECT_EQ(*report.transfer_note_sha256, patch["transfer_note"]["sha256"]);

  const json note = json::parse(blobs_.get(patch["transfer_note"]["sha256"]));
  EXPECT_EQ(note["scanned_by"], "m.muster");
  EXPECT_EQ(note["site"], "Scanzentrum Nord");
  EXPECT_EQ(note["device"], "fi-7600");
  EXPECT_EQ(note["originals"][0]["sha256"], std::string(64, 'b'));
  EXPECT_NE(note["statement"].get<std::string>().find("Original"), std::string::npos);
}

TEST_F(SignStageTest, SignStage_ReRunSignsTheUnsignedPdfNotTheSignedOne) {
  auto first = run(sign_settings(), record_with_pdf());
  ASSERT_TRUE(first);
  json again = record_;
  again.update(first->patch);
  auto second = run(sign_settings(), again);
  ASSERT_TRUE(second) << second.error().reason;
  EXPECT_EQ(second->patch["pdf_unsigned"], first->patch["pdf_unsigned"]);
  const signing::VerifyReport report = signing::verify_pdf(blobs_.get(second->patch["pdf"]["sha256"]),
                                                           {{(test_ca("ec") / "ca.pem").string()}, false});
  EXPECT_EQ(report.signatures.size(), 1u);
}

TEST_F(SignStageTest, SignStage_WithoutKeySendsToClearing) {
  auto outcome = run(json::object(), record_with_pdf());
  ASSERT_TRUE(outcome);
  ASSERT_TRUE(outcome->clearing_reason);
  EXPECT_NE(outcome->clearing_reason->find("no signing key configured"), std::string::npos);
}

TEST_F(SignStageTest, SignStage_WithoutPdfFailsFinal) {
  json settings = sign_settings();
  json record = record_with_pdf();
  record.erase("pdf");
  auto outcome = run(settings, record);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kFinal);
  EXPECT_NE(outcome.error().reason.find("no PDF to sign"), std::string::npos);
}

TEST_F(SignStageTest, SignStage_MissingKeyFileIsAFinalFailureNamingIt) {
  json settings = sign_settings();
  settings["key"] = "pem:/nonexistent/signer.key";
  auto outcome = run(settings, record_with_pdf());
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, FailureKind::kFinal);
  EXPECT_NE(outcome.error().reason.find("/nonexistent/signer.key"), std::string::npos);
}

TEST(SignStageSettings, RefusesMistypedSettings) {
  EXPECT_FALSE(make_sign_stage({{"visible_stamp", "yes"}}));
  EXPECT_FALSE(make_sign_stage({{"chain", 5}}));
  EXPECT_FALSE(make_sign_stage({{"tsa_timeout_ms", 1}}));
}

TEST(TransferNoteBinding, SwappedNoteNoLongerMatchesTheSignedPdf) {
  const json note = signing::build_transfer_note({{"document_id", "D-9"}}, {});
  const std::string bytes = signing::transfer_note_bytes(note);
  json forged = note;
  forged["scanned_by"] = "someone else";
  EXPECT_NE(sha256_hex(bytes), sha256_hex(signing::transfer_note_bytes(forged)));
}

}  // namespace
}  // namespace zpe
