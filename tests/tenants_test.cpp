// Two tenants share one `zpe run`: each has its own inbox, registry, routing rules and
// signing key, and nothing of one reaches the other — not the registry check, not the
// signature, not the case files, the events or the archive.
#include <fstream>

#include <gtest/gtest.h>

#include "tests/harness.h"

namespace zpe::testing {
namespace {

namespace fs = std::filesystem;

std::string case_of(const fs::path& letter) { return read_json(letter.string() + ".truth.json")["case_number"]; }

// The one document of `tenant` whose source file is `file`.
nlohmann::json document_of(const nlohmann::json& list, const std::string& tenant, const std::string& file) {
  nlohmann::json found;
  for (const auto& doc : list) {
    if (doc.value("tenant", "") == tenant && doc.value("source_file", "") == file) {
      EXPECT_TRUE(found.is_null()) << "two documents of " << tenant << " from " << file;
      found = doc;
    }
  }
  EXPECT_FALSE(found.is_null()) << "no document of " << tenant << " from " << file << " in " << list.dump(1);
  return found;
}

TEST(Tenants, TwoTenantsShareOneRunAndNothingCrosses) {
  const auto letters = sample_letters();
  ASSERT_GE(letters.size(), 2u);
  const fs::path first = letters[0], second = letters[1];
  const std::string first_case = case_of(first), second_case = case_of(second);

  // Beta signs with a CA of its own.
  const fs::path beta_ca = fs::temp_directory_path() / ("zpe-beta-ca-" + std::to_string(::getpid()));
  ASSERT_EQ(std::system(("bash " + std::string(ZPE_SOURCE_DIR) + "/scripts/make-test-ca.sh " + beta_ca.string() +
                         " ec > /dev/null").c_str()),
            0);
  struct RemoveCa {
    fs::path dir;
    ~RemoveCa() { fs::remove_all(dir); }
  } remove_ca{beta_ca};

  TestHome home("[tenants.alpha]\ndisplay_name = \"Alpha\"\n"
                "[tenants.alpha.stages.route]\nregistry = \"registry/alpha.csv\"\n"
                "[tenants.beta]\ndisplay_name = \"Beta\"\n"
                "[tenants.beta.archive]\nretention_years = 30\n"
                "[tenants.beta.stages.route]\nregistry = \"registry/beta.csv\"\n"
                "[[tenants.beta.stages.route.rules]]\nname = \"beta files verified cases\"\nunsure_type_ok = true\n"
                "to = [\"casefile\"]\n"
                "[tenants.beta.stages.sign]\nkey = \"pem:" + (beta_ca / "signer.key").string() + "\"\n" +
                "certificate = \"" + (beta_ca / "signer.pem").string() + "\"\n");
  // Alpha knows both cases; beta only the second. The same letter dropped for both tenants
  // is filed for alpha and held for beta: a registry never answers for another tenant.
  std::ofstream(home.root() / "registry" / "alpha.csv")
      << "case_number,tenant,opened\n" << first_case << ",alpha,2024-01-01\n" << second_case << ",alpha,2024-01-01\n";
  std::ofstream(home.root() / "registry" / "beta.csv") << "case_number,tenant,opened\n" << second_case << ",beta,2024-01-01\n"
                                                        << first_case << ",alpha,2024-01-01\n";
  home.drop(first, "alpha");
  home.drop(first, "beta");
  home.drop(second, "beta");
  std::string out;
  ASSERT_EQ(home.run({"run", "--until-idle", "--max-seconds", "400"}, &out), 0) << out;

  const auto all = home.list_json();
  ASSERT_EQ(all.size(), 3u) << all.dump(1);
  const auto alpha_first = document_of(all, "alpha", first.filename().string());
  const auto beta_first = document_of(all, "beta", first.filename().string());
  const auto beta_second = document_of(all, "beta", second.filename().string());
  EXPECT_EQ(alpha_first["state"], "FILED");
  EXPECT_EQ(beta_first["state"], "CLEARING");
  const std::string beta_reason = beta_first["reason"].is_string() ? beta_first["reason"].get<std::string>() : "";
  EXPECT_NE(beta_reason.find("unknown case number " + first_case), std::string::npos) << beta_first.dump();
  EXPECT_EQ(beta_second["state"], "FILED");

  // Each tenant's routing rules apply to its own documents only.
  std::string shown;
  ASSERT_EQ(home.run({"show", beta_second["document_id"], "--json"}, &shown, 60), 0) << shown;
  const auto beta_record = nlohmann::json::parse(shown.substr(shown.find('{')))["record"];
  EXPECT_EQ(beta_record["route"]["rule"], "beta files verified cases");
  ASSERT_EQ(home.run({"show", alpha_first["document_id"], "--json"}, &shown, 60), 0) << shown;
  const auto alpha_record = nlohmann::json::parse(shown.substr(shown.find('{')))["record"];
  EXPECT_TRUE(alpha_record["route"]["rule"].is_null());
  std::string explained;
  ASSERT_EQ(home.run({"route", "explain", beta_second["document_id"]}, &explained, 60), 0) << explained;
  EXPECT_NE(explained.find("MATCHED   \"beta files verified cases\""), std::string::npos) << explained;
  EXPECT_NE(explained.find("decision now: route to casefile, archive"), std::string::npos) << explained;
  ASSERT_EQ(home.run({"route", "explain", alpha_first["document_id"]}, &explained, 60), 0) << explained;
  EXPECT_NE(explained.find("(none: the case system and the archive)"), std::string::npos) << explained;

  // Case files: under the tenant, with the tenant in the event; nothing of beta in alpha's.
  const fs::path alpha_files = home.root() / "casefiles" / "alpha" / first_case;
  const fs::path beta_files = home.root() / "casefiles" / "beta" / second_case;
  const std::string alpha_id = alpha_first["document_id"], beta_id = beta_second["document_id"];
  ASSERT_TRUE(wait_until([&] { return fs::exists(alpha_files / (alpha_id + ".json")) && fs::exists(beta_files / (beta_id + ".json")); },
                         std::chrono::seconds(30)));
  EXPECT_EQ(read_json(alpha_files / (alpha_id + ".json"))["tenant"], "alpha");
  EXPECT_EQ(read_json(beta_files / (beta_id + ".json"))["tenant"], "beta");
  EXPECT_FALSE(fs::exists(home.root() / "casefiles" / "beta" / first_case));
  EXPECT_FALSE(fs::exists(home.root() / "casefiles" / "alpha" / second_case));

  // Each tenant's PDF is signed with its own key: beta's verifies against beta's CA only.
  const std::string beta_pdf = (beta_files / (beta_id + ".pdf")).string();
  const std::string alpha_pdf = (alpha_files / (alpha_id + ".pdf")).string();
  EXPECT_EQ(home.run({"verify", beta_pdf, "--trust", (beta_ca / "ca.pem").string()}, &out, 60), 0) << out;
  EXPECT_NE(home.run({"verify", alpha_pdf, "--trust", (beta_ca / "ca.pem").string()}, &out, 60), 0) << out;

  // The archive keeps each tenant's documents with their tenant.
  ASSERT_TRUE(wait_until(
      [&] {
        int packages = 0;
        for (const auto& e : fs::recursive_directory_iterator(home.root() / "archive")) {
          if (e.path().filename() == "manifest-sha256.txt") ++packages;
        }
        return packages == 2;
      },
      std::chrono::seconds(60)));
  for (const auto& e : fs::recursive_directory_iterator(home.root() / "archive")) {
    if (e.path().filename() != "metadata.json") continue;
    const auto meta = read_json(e.path());
    const std::string id = e.path().parent_path().filename();
    EXPECT_EQ(meta["tenant"], id == alpha_id ? "alpha" : "beta") << id;
    // Each tenant's retention period: beta's own, alpha the global default.
    EXPECT_EQ(meta["retention"]["years"], id == alpha_id ? 10 : 30) << meta.dump(1);
  }
}

}  // namespace
}  // namespace zpe::testing
