// Schema validation with xmllint (Debian package libxml2-utils) for tests of the XJustiz
// messages ZPE writes (header-only, tests only). A missing xmllint is a failure with the
// reason, never a skip. Not thread-safe (temporary files are named per call, output via popen).
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "pipeline/durable_file.h"

namespace zpe::testing {

struct SchemaVerdict {
  bool valid = false;
  std::string output;  // what xmllint said (or why it could not run)
};

inline std::filesystem::path xjustiz_subset_xsd() {
  return std::filesystem::path(ZPE_SOURCE_DIR) / "data" / "xjustiz" / "zpe-xjustiz-subset.xsd";
}

// Runs `xmllint --noout --schema <xsd> <file>`.
inline SchemaVerdict validate_file_with_xmllint(const std::filesystem::path& file,
                                                const std::filesystem::path& xsd = xjustiz_subset_xsd()) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) {
    return {false, "xmllint is not installed (Debian package libxml2-utils; scripts/setup.sh installs it)"};
  }
  const std::string command = "xmllint --noout --schema '" + xsd.string() + "' '" + file.string() + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {false, "cannot run " + command};
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int rc = pclose(pipe);
  return {rc == 0, output};
}

// Writes `xml` to a temporary file and validates it.
inline SchemaVerdict validate_xml_with_xmllint(const std::string& xml,
                                               const std::filesystem::path& xsd = xjustiz_subset_xsd()) {
  const auto file = std::filesystem::temp_directory_path() / ("zpe-xjustiz-" + random_hex(6) + ".xml");
  std::ofstream(file, std::ios::binary) << xml;
  SchemaVerdict verdict = validate_file_with_xmllint(file, xsd);
  std::filesystem::remove(file);
  return verdict;
}

}  // namespace zpe::testing
