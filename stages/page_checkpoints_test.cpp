#include "stages/page_checkpoints.h"

#include <gtest/gtest.h>

#include "stages/prepare.h"
#include "stages/testing_blob_access.h"
#include "stages/testing_page_images.h"
#include "stages/testing_page_checkpoints.h"

namespace zpe {
namespace {

using nlohmann::json;

class ResumablePagesTest : public ::testing::Test {
 protected:
  StageContext context(const json& settings) { return StageContext{record_, settings, blobs_, nullptr, &checkpoints_}; }

  // Works pages 0..count-1 ("input-<i>") and counts how many were worked.
  int work_pages(ResumablePages& pages, int count) {
    int worked = 0;
    for (int i = 0; i < count; ++i) {
      auto result = pages.page(i, "input-" + std::to_string(i), [&]() -> StageValue<json> {
        ++worked;
        return json{{"blob", "page-" + std::to_string(i)}};
      });
      EXPECT_TRUE(result) << result.error().reason;
      if (result) {
        EXPECT_EQ((*result)["blob"], "page-" + std::to_string(i));
      }
    }
    return worked;
  }

  // Asks for one page with `input` (and `restore`, if given); returns whether it was worked
  // again, and the page's result in `out`.
  bool worked_again(ResumablePages& pages, int index, const std::string& input, json* out = nullptr,
                    const ResumablePages::Restore& restore = {}) {
    bool worked = false;
    auto work = [&]() -> StageValue<json> {
      worked = true;
      return json{{"blob", "fresh"}};
    };
    auto result = pages.page(index, input, work, restore);
    EXPECT_TRUE(result) << result.error().reason;
    if (result && out != nullptr) *out = *result;
    return worked;
  }

  json record_ = json::object();
  json settings_ = {{"language", "deu"}};
  testing::InMemoryBlobAccess blobs_;
  testing::InMemoryPageCheckpoints checkpoints_;
};

TEST_F(ResumablePagesTest, ResumablePages_RecordsEachPageAndTakesUnchangedOnesFromAnEarlierAttempt) {
  const StageContext first_context = context(settings_);
  ResumablePages first(first_context, "ocr", "ocr/2", 4);
  EXPECT_EQ(work_pages(first, 4), 4);
  EXPECT_EQ(checkpoints_.saves(), 4);

  checkpoints_.next_attempt();
  const StageContext second_context = context(settings_);
  ResumablePages second(second_context, "ocr", "ocr/2", 4);
  EXPECT_EQ(work_pages(second, 4), 0) << "every page was recorded: none is worked again";
  EXPECT_EQ(second.reused(), 4u);
  EXPECT_EQ(checkpoints_.saves(), 0) << "a page taken from a checkpoint is not recorded again";
}

TEST_F(ResumablePagesTest, ResumablePages_WorksAgainWhenVersionSettingsOrInputChanged) {
  const StageContext first_context = context(settings_);
  ResumablePages first(first_context, "ocr", "ocr/2", 2);
  work_pages(first, 2);

  checkpoints_.next_attempt();
  ResumablePages other_version(first_context, "ocr", "ocr/3", 2);
  EXPECT_EQ(work_pages(other_version, 2), 2);

  checkpoints_.next_attempt();
  const json other_settings = {{"language", "eng"}};
  const StageContext other_context = context(other_settings);
  ResumablePages with_other_settings(other_context, "ocr", "ocr/3", 2);
  EXPECT_EQ(work_pages(with_other_settings, 2), 2) << "a tenant's other language must not reuse the pages";

  checkpoints_.next_attempt();
  ResumablePages other_input(other_context, "ocr", "ocr/3", 2);
  EXPECT_TRUE(worked_again(other_input, 0, "another image"));
  EXPECT_FALSE(worked_again(other_input, 1, "input-1")) << "the unchanged page is taken from its checkpoint";
}

TEST_F(ResumablePagesTest, ResumablePages_WorksAPageAgainWhenItsCheckpointCannotBeRestored) {
  const StageContext c = context(settings_);
  ResumablePages first(c, "ocr", "ocr/2", 2);
  work_pages(first, 2);
  checkpoints_.next_attempt();
  ResumablePages second(c, "ocr", "ocr/2", 2);
  json result;
  EXPECT_TRUE(worked_again(second, 1, "input-1", &result, [](const json&) { return false; }));
  EXPECT_EQ(result["blob"], "fresh");
  EXPECT_EQ(second.reused(), 0u);
}

TEST_F(ResumablePagesTest, ResumablePages_StopsWithARetryableFailureWhenTheLeaseIsLost) {
  checkpoints_.lose_lease_after(1);
  const StageContext c = context(settings_);
  ResumablePages pages(c, "ocr", "ocr/2", 3);
  EXPECT_TRUE(pages.page(0, "input-0", [] { return StageValue<json>(json::object()); }));
  auto lost = pages.page(1, "input-1", [] { return StageValue<json>(json::object()); });
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().kind, FailureKind::kRetryable);
  EXPECT_NE(lost.error().reason.find("lease was lost"), std::string::npos) << lost.error().reason;
}

TEST_F(ResumablePagesTest, ResumablePages_DoesNotRecordADocumentOfOnePageOrWithoutCheckpoints) {
  const StageContext c = context(settings_);
  ResumablePages one_page(c, "ocr", "ocr/2", 1);
  EXPECT_FALSE(one_page.recording());
  EXPECT_EQ(work_pages(one_page, 1), 1);
  EXPECT_EQ(checkpoints_.saves(), 0);

  const StageContext without{record_, settings_, blobs_};
  ResumablePages none(without, "ocr", "ocr/2", 3);
  EXPECT_FALSE(none.recording());
  EXPECT_EQ(work_pages(none, 3), 3);
  EXPECT_EQ(checkpoints_.saves(), 0);
}

// The prepare stage through the helper (its own tests are in prepare_test.cpp): an attempt
// that loses its lease after recording 2 of 4 pages, then a retry that cleans up and stores
// only pages 3 and 4 and gives the patch of an uninterrupted run.
TEST(PageCheckpointsInPrepare, PrepareStage_RetryStoresOnlyThePagesNotRecordedWithTheSameResult) {
  auto stage = make_prepare_stage(json::object());
  ASSERT_TRUE(stage) << stage.error().message;
  std::vector<PixPtr> owned;
  for (int i = 1; i <= 4; ++i) owned.push_back(testing::render_text_page({"Seite " + std::to_string(i)}, 1200, 400, 300));
  const std::string tiff = testing::encode_multipage_tiff({owned[0].get(), owned[1].get(), owned[2].get(), owned[3].get()});
  testing::InMemoryBlobAccess blobs;
  const json record = testing::intake_record("case-file.tif", blobs.put(tiff), tiff.size());
  const json settings = {{"page_threads", 1}};
  auto uninterrupted = (*stage)->run(StageContext{record, settings, blobs});
  ASSERT_TRUE(uninterrupted) << uninterrupted.error().reason;

  testing::InMemoryPageCheckpoints checkpoints;
  checkpoints.lose_lease_after(2);
  auto interrupted = (*stage)->run(StageContext{record, settings, blobs, nullptr, &checkpoints});
  ASSERT_FALSE(interrupted);
  EXPECT_EQ(interrupted.error().kind, FailureKind::kRetryable);
  checkpoints.next_attempt();
  auto resumed = (*stage)->run(StageContext{record, settings, blobs, nullptr, &checkpoints});
  ASSERT_TRUE(resumed) << resumed.error().reason;
  EXPECT_EQ(checkpoints.found(), 2);
  EXPECT_EQ(checkpoints.saves(), 2) << "only pages 3 and 4 are cleaned up and stored again";
  resumed->patch.erase("step_ms");
  uninterrupted->patch.erase("step_ms");
  EXPECT_EQ(resumed->patch, uninterrupted->patch);
}

}  // namespace
}  // namespace zpe
