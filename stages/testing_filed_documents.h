// InMemoryFiledDocuments: a FiledDocuments for stage unit tests (header-only, tests only).
//
// Holds filings as the job store's filings table would (tenant, case, time, fingerprint),
// answers filed_in_case with the same filter and order, records the last query so tests can
// check the window the stage asked for, and can be told to fail. Not thread-safe.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "stages/stage.h"

namespace zpe::testing {

class InMemoryFiledDocuments : public FiledDocuments {
 public:
  struct Query {
    std::string tenant, case_number;
    int64_t since_ms = 0;
  };

  void file(const std::string& tenant, const std::string& case_number, FiledDocument document) {
    filings_.push_back({tenant, case_number, std::move(document)});
  }

  Result<std::vector<FiledDocument>> filed_in_case(const std::string& tenant, const std::string& case_number,
                                                   int64_t since_ms) override {
    last_query_ = Query{tenant, case_number, since_ms};
    if (fail_with_) return fail(*fail_with_);
    std::vector<FiledDocument> out;
    for (const auto& filing : filings_) {
      if (filing.tenant == tenant && filing.case_number == case_number && filing.document.filed_at_ms >= since_ms) {
        out.push_back(filing.document);
      }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.filed_at_ms < b.filed_at_ms; });
    return out;
  }

  void fail_with(Error error) { fail_with_ = std::move(error); }
  const std::optional<Query>& last_query() const { return last_query_; }

 private:
  struct Filing {
    std::string tenant, case_number;
    FiledDocument document;
  };
  std::vector<Filing> filings_;
  std::optional<Query> last_query_;
  std::optional<Error> fail_with_;
};

}  // namespace zpe::testing
