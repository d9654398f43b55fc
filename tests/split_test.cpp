// End to end: a scanned batch — one multi-page G4 TIFF holding three letters between
// separator sheets — dropped into the inbox ends as three documents with their page ranges,
// filed or in CLEARING like the letters alone, and the batch itself SPLIT.
#include <map>

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include "stages/page_decoder.h"
#include "stages/testing_scans.h"
#include "stages/testing_separators.h"
#include "tests/harness.h"

namespace zpe::testing {
namespace {

// Adds the page to the batch as a 1-bit page (G4 needs one bit), keeping its resolution.
void add_bilevel(Pixa* batch, Pix* page) {
  PixPtr bilevel(pixGetDepth(page) == 1 ? pixClone(page) : pixConvertTo1(page, 160));
  pixCopyResolution(bilevel.get(), page);
  pixaAddPix(batch, bilevel.get(), L_CLONE);
}

void add_letter(Pixa* batch, const std::string& name) {
  const auto bytes = read_bytes(std::filesystem::path(ZPE_SOURCE_DIR) / "samples" / "letters" / name);
  ASSERT_TRUE(decode_raster_pages(bytes, DecodeLimits{}, [&](DecodedPage page) -> Status {
    add_bilevel(batch, page.image.get());
    return {};
  }));
}

TEST(Split, BatchWithSeparatorSheetsBecomesItsDocuments) {
  TestHome home;
  const auto file = home.root() / "batch-0001.tif";
  Pixa* batch = pixaCreate(0);
  auto qr_plain = qr_sheet("ZPE-SEP");
  auto patch = patch_t_sheet(true);
  auto qr_hint = qr_sheet("ZPE-SEP:8969538-423");
  add_bilevel(batch, qr_plain.get());      // page 1: separator
  add_letter(batch, "letter-0004.tif");    // page 2: 8513179-224
  add_bilevel(batch, patch.get());         // page 3: separator
  add_letter(batch, "letter-0007.tif");    // pages 4-6: no case number
  add_bilevel(batch, qr_hint.get());       // page 7: separator with a case-number hint
  add_letter(batch, "letter-0006.png");    // page 8: 8969538-423
  ASSERT_EQ(pixaWriteMultipageTiff(file.c_str(), batch), 0);
  pixaDestroy(&batch);
  home.drop(file);

  std::string out;
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "240"}, &out), 0) << out;
  auto parents = home.list_json("SPLIT");
  ASSERT_EQ(parents.size(), 1u) << home.list_json().dump(1);
  EXPECT_NE(parents[0]["reason"].get<std::string>().find("split into 3 documents"), std::string::npos);

  std::map<std::string, nlohmann::json> by_range;  // source_pages -> document as `zpe show --json` gives it
  for (const auto& doc : home.list_json()) {
    if (doc["state"] == "SPLIT") continue;
    std::string shown;
    ASSERT_EQ(home.run({"show", doc["document_id"], "--json"}, &shown, 60), 0) << shown;
    auto json = nlohmann::json::parse(shown.substr(shown.find('{')), nullptr, false);
    ASSERT_TRUE(json.is_object()) << shown;
    const auto& record = json.contains("record") ? json["record"] : json;
    EXPECT_EQ(record["parent_document_id"], parents[0]["document_id"]);
    by_range[record["source_pages"]] = {{"state", doc["state"]}, {"record", record}, {"reason", doc["reason"]}};
  }
  ASSERT_EQ(by_range.size(), 3u) << nlohmann::json(by_range).dump(1);
  ASSERT_TRUE(by_range.count("2") && by_range.count("4-6") && by_range.count("8")) << nlohmann::json(by_range).dump(1);
  EXPECT_EQ(by_range["2"]["state"], "FILED");
  EXPECT_EQ(by_range["2"]["record"]["route"]["case_number"], "8513179-224");
  EXPECT_EQ(by_range["4-6"]["state"], "CLEARING");
  EXPECT_EQ(by_range["4-6"]["record"]["page_count"], 3);
  EXPECT_EQ(by_range["8"]["state"], "FILED");
  EXPECT_EQ(by_range["8"]["record"]["source"]["manifest"]["hints"]["case_number"], "8969538-423");
  EXPECT_EQ(by_range["8"]["record"]["route"]["case_number"], "8969538-423");
}

}  // namespace
}  // namespace zpe::testing
