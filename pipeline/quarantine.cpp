#include "pipeline/quarantine.h"

#include "pipeline/durable_file.h"

namespace zpe {

namespace {

std::filesystem::path quarantine_target(const Home& home, const std::string& tenant, const std::string& document_id,
                                        const std::string& source_name) {
  std::string base = std::filesystem::path(source_name).filename().string();
  if (base.empty()) base = "unnamed";
  return home.quarantine(tenant) / (document_id + "-" + base);
}

Status write_reason(const std::filesystem::path& target, const std::string& tenant, const std::string& document_id,
                    const std::string& source_name, const std::string& reason) {
  std::string text = "document: " + document_id + "\nsource file: " + source_name +
                     "\ntenant: " + tenant + "\nreason: " + reason + "\n";
  std::filesystem::path reason_file = target;
  reason_file += ".reason.txt";
  return write_file_durably(reason_file, text);
}

}  // namespace

Result<std::filesystem::path> write_quarantine(const Home& home, const std::string& tenant,
                                               const std::string& document_id,
                                               const std::string& source_name,
                                               std::string_view original_bytes,
                                               const std::string& reason) {
  const std::filesystem::path target = quarantine_target(home, tenant, document_id, source_name);
  if (auto st = write_file_durably(target, original_bytes); !st) return fail(st.error());
  if (auto st = write_reason(target, tenant, document_id, source_name, reason); !st) return fail(st.error());
  return target;
}

Result<std::filesystem::path> move_to_quarantine(const Home& home, const std::string& tenant,
                                                 const std::string& document_id,
                                                 const std::filesystem::path& source,
                                                 const std::string& reason) {
  const std::string name = source.filename().string();
  const std::filesystem::path target = quarantine_target(home, tenant, document_id, name);
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  std::filesystem::rename(source, target, ec);
  if (ec) return fail(ErrorKind::kIOError, "cannot move " + source.string() + " to " + target.string() + ": " + ec.message());
  if (auto st = write_reason(target, tenant, document_id, name, reason); !st) return fail(st.error());
  if (auto st = fsync_directory(source.parent_path()); !st) return fail(st.error());
  return target;
}

}  // namespace zpe
