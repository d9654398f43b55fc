#include "pipeline/pdf_names.h"

#include <string>

namespace zpe {

namespace {

// PDF's delimiters and white space end a name (ISO 32000-1, 7.2.2 and 7.3.5).
bool ends_name(char c) {
  switch (c) {
    case '\0': case '\t': case '\n': case '\f': case '\r': case ' ':
    case '(': case ')': case '<': case '>': case '[': case ']': case '{': case '}': case '/': case '%':
      return true;
    default:
      return false;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool pdf_uses_name(std::string_view pdf, std::string_view name) {
  std::string decoded;
  for (std::size_t at = pdf.find('/'); at != std::string_view::npos; at = pdf.find('/', at)) {
    ++at;
    decoded.clear();
    while (at < pdf.size() && !ends_name(pdf[at]) && decoded.size() <= name.size()) {
      const int high = pdf[at] == '#' && at + 2 < pdf.size() ? hex_value(pdf[at + 1]) : -1;
      const int low = high >= 0 ? hex_value(pdf[at + 2]) : -1;
      if (low >= 0) {
        decoded.push_back(static_cast<char>(high * 16 + low));
        at += 3;
      } else {
        decoded.push_back(pdf[at]);
        ++at;
      }
    }
    if (decoded == name && (at >= pdf.size() || ends_name(pdf[at]))) return true;
  }
  return false;
}

}  // namespace zpe
