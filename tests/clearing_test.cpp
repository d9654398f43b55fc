// The clearing station end to end through the real binary: sample letters held by the
// pipeline are released with a corrected case number (after turning and dropping pages),
// rejected, and sent for a rescan that replaces them — and each ends where it should: in
// its case file, in the archive with the reason, or replaced by the rescan.
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "tests/harness.h"

namespace zpe::testing {
namespace {

const std::filesystem::path kLetters = std::filesystem::path(ZPE_SOURCE_DIR) / "samples" / "letters";

// The JSON a command printed (its first '[' or '{' on), or null.
nlohmann::json json_output(const std::string& out) {
  const auto start = out.find_first_of("[{");
  return start == std::string::npos ? nlohmann::json() : nlohmann::json::parse(out.substr(start), nullptr, false);
}

nlohmann::json show(TestHome& home, const std::string& id) {
  std::string out;
  EXPECT_EQ(home.run({"show", id, "--json"}, &out, 60), 0) << out;
  return json_output(out);
}

TEST(Clearing, Clearing_HeldLettersAreReleasedRejectedOrRescannedFromTheCommandLine) {
  TestHome home("[stages.route]\nregistry = \"registry/cases.sqlite\"\n");
  std::string out;
  for (const char* c : {"8513179-224", "8193707-438"}) ASSERT_EQ(home.run({"registry", "add", c}, &out, 60), 0) << out;
  ASSERT_EQ(home.run({"registry", "close", "8193707-438"}, &out, 60), 0) << out;
  home.drop(kLetters / "letter-0007.tif");  // no case number in it (3 pages)
  home.drop(kLetters / "letter-0008.jpg");  // case 8193707-438, closed
  home.drop(kLetters / "letter-0006.png");  // case 8969538-423, not registered
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "400"}, &out), 0) << out;

  ASSERT_EQ(home.run({"clearing", "list", "--json"}, &out, 60), 0) << out;
  std::map<std::string, nlohmann::json> held;
  for (const auto& item : json_output(out)) held[item["source_file"]] = item;
  ASSERT_EQ(held.size(), 3u) << out;
  EXPECT_EQ(held["letter-0007.tif"]["reason_kind"], "no_case_number");
  EXPECT_EQ(held["letter-0008.jpg"]["reason_kind"], "case_closed");
  EXPECT_EQ(held["letter-0006.png"]["reason_kind"], "case_unknown");
  const std::string no_number = held["letter-0007.tif"]["document_id"];
  const std::string closed = held["letter-0008.jpg"]["document_id"];
  const std::string unknown = held["letter-0006.png"]["document_id"];
  const std::string seen_version = std::to_string(held["letter-0007.tif"]["version"].get<int64_t>());

  // Turn page 2 away and back, drop page 3, then release with the case number.
  ASSERT_EQ(home.run({"clearing", "rotate", no_number, "--page", "2", "--degrees", "90", "--operator", "alice"}, &out, 60), 0)
      << out;
  ASSERT_EQ(home.run({"clearing", "rotate", no_number, "--page", "2", "--degrees", "270", "--operator", "alice"}, &out, 60), 0)
      << out;
  ASSERT_EQ(home.run({"clearing", "drop-page", no_number, "--page", "3", "--operator", "alice"}, &out, 60), 0) << out;
  EXPECT_EQ(home.run({"clearing", "release", no_number, "--case-number", "8513179-224", "--version", seen_version}, &out, 60), 1)
      << "acting on the version seen before the page edits is a conflict: " << out;
  EXPECT_NE(out.find("conflict"), std::string::npos) << out;
  ASSERT_EQ(home.run({"clearing", "release", no_number, "--case-number", "8513179-224", "--doc-type", "Asylantrag",
                      "--operator", "alice"}, &out, 60), 0) << out;
  EXPECT_NE(out.find("now QUEUED at ocr"), std::string::npos) << "edited pages are read again: " << out;
  EXPECT_EQ(home.run({"clearing", "release", no_number, "--case-number", "8513179-224"}, &out, 60), 1)
      << "a second release finds it no longer in CLEARING: " << out;

  ASSERT_EQ(home.run({"clearing", "reject", closed, "--reason", "letter for another authority", "--operator", "bob"}, &out, 60), 0)
      << out;
  ASSERT_EQ(home.run({"clearing", "rescan", unknown, "--note", "case number smudged, rescan at 300 dpi"}, &out, 60), 0) << out;
  EXPECT_EQ(show(home, unknown)["state"], "RESCAN_REQUESTED");

  // The scan centre drops the rescan with its manifest; the case is registered meanwhile.
  ASSERT_EQ(home.run({"registry", "add", "8969538-423"}, &out, 60), 0) << out;
  const auto rescan_dir = home.root() / "rescan";
  std::filesystem::create_directories(rescan_dir);
  std::filesystem::copy_file(kLetters / "letter-0006.png", rescan_dir / "letter-0006-rescan.png");
  std::ofstream(home.inbox() / "letter-0006-rescan.png.json") << nlohmann::json{{"rescan_of", unknown}}.dump();
  home.drop(rescan_dir / "letter-0006-rescan.png");
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "400"}, &out), 0) << out;

  // Released: filed into the operator's case with the operator's type, two pages.
  const auto released = show(home, no_number);
  ASSERT_EQ(released["state"], "FILED") << released.dump(2);
  EXPECT_EQ(released["record"]["route"]["case_number"], "8513179-224");
  EXPECT_EQ(released["record"]["route"]["operator_corrected"], nlohmann::json({"case_number", "doc_type"}));
  EXPECT_EQ(released["record"]["operator"]["corrections"]["case_number"]["machine"], nullptr);
  const auto event = read_json(home.root() / "casefiles" / "default" / "8513179-224" / (no_number + ".json"));
  EXPECT_EQ(event["doc_type"], "Asylantrag");
  EXPECT_EQ(event["pages"], 2);
  EXPECT_TRUE(std::filesystem::exists(home.root() / "casefiles" / "default" / "8513179-224" / (no_number + ".pdf")));
  bool operator_in_audit = false;
  for (const auto& a : released["audit"]) operator_in_audit |= a["actor"] == "operator:alice" && a["action"] == "released";
  EXPECT_TRUE(operator_in_audit) << released["audit"].dump(2);

  // Rejected: terminal, archived with the reason and the original.
  const auto rejected = show(home, closed);
  EXPECT_EQ(rejected["state"], "REJECTED");
  EXPECT_NE(rejected["reason"].get<std::string>().find("letter for another authority"), std::string::npos);
  bool archived = false;
  for (const auto& e : std::filesystem::recursive_directory_iterator(home.root() / "archive")) {
    if (e.path().filename() != "metadata.json" || e.path().parent_path().filename() != closed) continue;
    const auto meta = read_json(e.path());
    EXPECT_EQ(meta["state"], "REJECTED");
    EXPECT_EQ(meta["rejection"]["by"], "bob");
    EXPECT_TRUE(std::filesystem::exists(e.path().parent_path() / "original" / "letter-0008.jpg"));
    archived = true;
  }
  EXPECT_TRUE(archived) << "no archive package for the rejected document";
  EXPECT_EQ(home.run({"archive", "verify", "--all"}, &out, 60), 0) << out;

  // Rescanned: the old document is REPLACED by the rescan, which is filed and names it.
  const auto replaced = show(home, unknown);
  EXPECT_EQ(replaced["state"], "REPLACED");
  const std::string rescan_id = replaced["record"]["replaced_by"];
  const auto rescan = show(home, rescan_id);
  EXPECT_EQ(rescan["state"], "FILED") << rescan.dump(2);
  EXPECT_EQ(rescan["record"]["rescan_of"], unknown);
  EXPECT_EQ(home.run({"audit", "verify"}, &out, 60), 0) << out;
}

}  // namespace
}  // namespace zpe::testing
