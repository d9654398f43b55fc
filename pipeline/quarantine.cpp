#include "pipeline/quarantine.h"

#include "pipeline/durable_file.h"

namespace zpe {

Result<std::filesystem::path> write_quarantine(const Home& home, const std::string& tenant,
                                               const std::string& document_id,
                                               const std::string& source_name,
                                               std::string_view original_bytes,
                                               const std::string& reason) {
  std::string base = std::filesystem::path(source_name).filename().string();
  if (base.empty()) base = "unnamed";
  std::filesystem::path target = home.quarantine(tenant) / (document_id + "-" + base);
  if (auto st = write_file_durably(target, original_bytes); !st) return fail(st.error());
  std::string text = "document: " + document_id + "\nsource file: " + source_name +
                     "\ntenant: " + tenant + "\nreason: " + reason + "\n";
  std::filesystem::path reason_file = target;
  reason_file += ".reason.txt";
  if (auto st = write_file_durably(reason_file, text); !st) return fail(st.error());
  return target;
}

}  // namespace zpe
