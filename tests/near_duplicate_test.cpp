// End to end: a letter is filed; then a rescan of it (other bytes, skew and grain, the same
// text) and a different letter of the same case arrive. The rescan ends in CLEARING flagged
// as a near-duplicate of the first document (record, reason, `zpe list`); the other letter
// is filed. Real processes, real OCR (4 pages in all).
#include <random>

#include <gtest/gtest.h>

#include "classifiers/near_duplicate.h"
#include "stages/testing_scans.h"
#include "tests/harness.h"

namespace zpe::testing {
namespace {

const std::filesystem::path kLetters = std::filesystem::path(ZPE_SOURCE_DIR) / "samples" / "letters";

// The one-page letter scanned again: turned 0.7° clockwise, with grain, saved as PNG.
std::filesystem::path rescan_of(const std::filesystem::path& letter, const std::filesystem::path& out) {
  std::vector<PixPtr> pages;
  EXPECT_TRUE(decode_raster_pages(read_bytes(letter), DecodeLimits{}, [&](DecodedPage page) -> Status {
    pages.push_back(std::move(page.image));
    return {};
  }));
  EXPECT_EQ(pages.size(), 1u);
  PixPtr page = skewed(pages.at(0).get(), 0.7);
  std::mt19937 random(11);
  add_grain(page.get(), 6.0, random);
  EXPECT_EQ(pixWrite(out.c_str(), page.get(), IFF_PNG), 0);
  return out;
}

nlohmann::json shown(TestHome& home, const std::string& id) {
  std::string out;
  EXPECT_EQ(home.run({"show", id, "--json"}, &out, 60), 0) << out;
  return nlohmann::json::parse(out.substr(out.find('{')), nullptr, false);
}

TEST(NearDuplicates, RescanOfAFiledLetterGoesToClearingFlaggedAndAnotherLetterOfTheCaseIsFiled) {
  TestHome home;
  home.drop(kLetters / "letter-0004.tif");  // Ladung, case 8513179-224, one page
  std::string out;
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "240"}, &out), 0) << out;
  auto filed = home.list_json("FILED");
  ASSERT_EQ(filed.size(), 1u) << home.list_json().dump(1);
  const std::string first = filed[0]["document_id"];

  home.drop(rescan_of(kLetters / "letter-0004.tif", home.root() / "rescan-0004.png"));
  home.drop(kLetters / "letter-0003.tif");  // Vollmacht, the same case, two pages
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "300"}, &out), 0) << out;

  auto clearing = home.list_json("CLEARING");
  ASSERT_EQ(clearing.size(), 1u) << home.list_json().dump(1);
  EXPECT_EQ(clearing[0]["source_file"], "rescan-0004.png");
  const std::string reason = clearing[0]["reason"];
  EXPECT_NE(reason.find("possible duplicate of document " + first), std::string::npos) << reason;
  EXPECT_NE(reason.find("filed in case 8513179-224"), std::string::npos) << reason;
  const auto& flag = clearing[0]["near_duplicate"];
  ASSERT_TRUE(flag.is_object()) << clearing[0].dump(1);
  EXPECT_EQ(flag["document_id"], first);
  EXPECT_GE(flag["similarity"].get<double>(), classifiers::kDefaultNearDuplicateSimilarity);

  const auto record = shown(home, clearing[0]["document_id"])["record"];
  EXPECT_EQ(record["near_duplicate"]["document_id"], first);
  EXPECT_TRUE(record["route"]["target"].is_null()) << "a flagged document is not filed";

  filed = home.list_json("FILED");
  ASSERT_EQ(filed.size(), 2u) << home.list_json().dump(1);
  for (const auto& document : filed) {
    if (document["document_id"] == first) continue;
    EXPECT_EQ(document["source_file"], "letter-0003.tif");
    EXPECT_TRUE(document["near_duplicate"].is_null());
    const auto check = shown(home, document["document_id"])["record"]["route"]["near_duplicate_check"];
    EXPECT_EQ(check["compared"], 1) << check.dump() << ": compared with the filed Ladung";
    EXPECT_LT(check["best_similarity"].get<double>(), classifiers::kDefaultNearDuplicateSimilarity) << check.dump();
  }

  std::string listed;
  ASSERT_EQ(home.run({"list", "--state", "CLEARING"}, &listed, 60), 0);
  EXPECT_NE(listed.find("near-duplicate of " + first), std::string::npos) << listed;
}

}  // namespace
}  // namespace zpe::testing
