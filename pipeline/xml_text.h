// Text inside XML: the one escaping rule for every XML ZPE writes (ALTO, XMP in the PDF,
// the archive's metadata.xml). Header-only; pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace zpe {

// `text` with &, <, > and " replaced by entities, fit for element content and attributes.
inline std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace zpe
