// End to end: the malformed-input set in tests/data/bad (see tests/data/README.md) goes
// through `zpe run --until-idle` next to a good letter. Every bad file must end QUARANTINED
// with a reason naming it, no worker may crash or hang, and the good letter is still filed.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "tests/harness.h"

namespace zpe::testing {
namespace {

TEST(BadInput, BadInput_EveryMalformedFileIsQuarantinedWithAReasonAndTheWorkerGoesOn) {
  const auto dir = std::filesystem::path(ZPE_SOURCE_DIR) / "tests" / "data" / "bad";
  std::set<std::string> bad;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string()[0] != '.') bad.insert(entry.path().filename().string());
  }
  ASSERT_GE(bad.size(), 20u);
  TestHome home;
  for (const auto& name : bad) home.drop(dir / name);
  const auto good = sample_letters().front();
  home.drop(good);
  std::string out;
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "300"}, &out), 0) << out;
  std::set<std::string> quarantined;
  for (const auto& d : home.list_json("QUARANTINED")) {
    const std::string file = d["source_file"], reason = d["reason"];
    quarantined.insert(file);
    EXPECT_NE(reason.find(file), std::string::npos) << "the reason names the file: " << reason;
    std::printf("QUARANTINED %-28s %s\n", file.c_str(), reason.c_str());
  }
  EXPECT_EQ(quarantined, bad);
  for (const auto& d : home.list_json()) {
    if (d["source_file"] == good.filename().string()) {
      EXPECT_EQ(d["state"], "FILED") << d.dump();
    }
  }
  // No worker died on the way (the supervisor logs every restart).
  EXPECT_EQ(home.log("run").find("exited"), std::string::npos) << home.log("run");
}

}  // namespace
}  // namespace zpe::testing
