#include "signing/pdf_verifier.h"

#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <memory>

#include <openssl/x509.h>
#include <podofo/podofo.h>

#include "pipeline/pdf_names.h"
#include "signing/cms_check.h"
#include "signing/revision_check.h"
#include "signing/xmp_binding.h"

namespace zpe::signing {

namespace {

using namespace PoDoFo;

// A signature dictionary as found in the file (by PoDoFo, or byte by byte when PoDoFo
// cannot parse the file — attacked files often cannot be).
struct FoundSignature {
  std::string field;
  std::string sub_filter;
  std::string signing_time;
  bool contents_is_hex = false;                   // /Contents is a hex string
  std::string contents;                           // its bytes
  std::optional<std::vector<long long>> byte_range;  // /ByteRange when it is an array of numbers
};

std::string name_of(const PdfObject* object) {
  return object != nullptr && object->IsName() ? object->GetName().GetName() : "";
}

std::string string_of(const PdfObject* object) {
  return object != nullptr && object->IsString() ? object->GetString().GetStringUtf8() : "";
}

std::vector<FoundSignature> find_signatures(PdfMemDocument& document) {
  std::map<PdfReference, std::string> field_names;
  for (PdfObject* object : document.GetObjects()) {
    if (!object->IsDictionary()) continue;
    const PdfObject* value = object->GetDictionary().GetKey(PdfName("V"));
    if (name_of(object->GetDictionary().GetKey(PdfName("FT"))) == "Sig" && value != nullptr && value->IsReference()) {
      field_names[value->GetReference()] = string_of(object->GetDictionary().GetKey(PdfName("T")));
    }
  }
  std::vector<FoundSignature> found;
  for (PdfObject* object : document.GetObjects()) {
    if (!object->IsDictionary()) continue;
    const PdfDictionary& dictionary = object->GetDictionary();
    const bool is_sig = name_of(dictionary.GetKey(PdfName("Type"))) == "Sig" || dictionary.HasKey(PdfName("ByteRange")) ||
                        field_names.count(object->Reference()) > 0;
    if (!is_sig || name_of(dictionary.GetKey(PdfName("Type"))) == "DocTimeStamp") continue;
    FoundSignature signature;
    signature.field = field_names.count(object->Reference()) ? field_names[object->Reference()] : "(no form field)";
    signature.sub_filter = name_of(dictionary.GetKey(PdfName("SubFilter")));
    signature.signing_time = string_of(dictionary.GetKey(PdfName("M")));
    const PdfObject* contents = dictionary.GetKey(PdfName("Contents"));
    if (contents != nullptr && contents->IsHexString()) {
      signature.contents_is_hex = true;
      signature.contents.assign(contents->GetString().GetString(), static_cast<std::size_t>(contents->GetString().GetLength()));
    }
    const PdfObject* range = dictionary.GetKey(PdfName("ByteRange"));
    if (range != nullptr && range->IsArray()) {
      std::vector<long long> values;
      for (const PdfObject& entry : range->GetArray()) values.push_back(entry.IsNumber() ? entry.GetNumber() : -1);
      signature.byte_range = values;
    }
    found.push_back(signature);
  }
  return found;
}

std::string hex_to_bytes(std::string_view gap);

// A /ByteRange entry as written in the bytes: its value, or -1 when it is not a plain
// non-negative integer that fits (hostile files put 20-digit numbers there).
long long byte_range_value(std::string_view token) {
  long long value = -1;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  return ec == std::errc() && end == token.data() + token.size() && value >= 0 ? value : -1;
}

// Signature dictionaries found byte by byte: every "/ByteRange" with the /Contents of the
// same object ("N G obj" ... "endobj").
std::vector<FoundSignature> find_signatures_in_bytes(std::string_view pdf) {
  std::vector<FoundSignature> found;
  for (std::size_t at = pdf.find("/ByteRange"); at != std::string_view::npos; at = pdf.find("/ByteRange", at + 1)) {
    FoundSignature signature;
    signature.field = "(found in the bytes)";
    std::size_t i = at + 10;
    while (i < pdf.size() && std::isspace(static_cast<unsigned char>(pdf[i]))) ++i;
    if (i < pdf.size() && pdf[i] == '[') {
      const std::size_t close = pdf.find(']', i);
      std::vector<long long> values;
      std::string token;
      for (char c : pdf.substr(i + 1, close == std::string_view::npos ? 0 : close - i - 1)) {
        if (std::isspace(static_cast<unsigned char>(c))) {
          if (!token.empty()) values.push_back(byte_range_value(token));
          token.clear();
        } else {
          token.push_back(c);
        }
      }
      if (!token.empty()) values.push_back(byte_range_value(token));
      signature.byte_range = values;
    }
    const std::size_t object_begin = pdf.rfind(" obj", at);
    const std::size_t object_end = pdf.find("endobj", at);
    std::size_t key = pdf.find("/Contents", object_begin == std::string_view::npos ? 0 : object_begin);
    if (key != std::string_view::npos && key < object_end) {
      std::size_t value = key + 9;
      while (value < pdf.size() && std::isspace(static_cast<unsigned char>(pdf[value]))) ++value;
      const std::size_t close = pdf.find('>', value);
      if (value + 1 < pdf.size() && pdf[value] == '<' && pdf[value + 1] != '<' && close != std::string_view::npos) {
        signature.contents_is_hex = true;
        signature.contents = hex_to_bytes(pdf.substr(value, close - value));
        while (!signature.contents.empty() && signature.contents.back() == '\0') signature.contents.pop_back();
      }
    }
    found.push_back(signature);
  }
  return found;
}

struct Ranges {
  std::size_t gap_begin = 0, gap_end = 0, signed_end = 0;
};

// Check 1 (see header). Returns the reason, or "" and the ranges.
std::string check_structure(std::string_view pdf, const FoundSignature& signature, Ranges& ranges) {
  if (!signature.contents_is_hex || signature.contents.empty()) {
    return "universal signature forgery: /Contents is missing, null, empty or not a hex string";
  }
  if (!signature.byte_range || signature.byte_range->size() != 4) {
    return "universal signature forgery: /ByteRange is missing, null or not four integers";
  }
  const std::vector<long long>& v = *signature.byte_range;
  for (long long value : v) {
    if (value < 0) return "universal signature forgery: /ByteRange holds a non-integer or negative value";
  }
  // v[2] + v[3] is compared without adding: both may be near the largest long long.
  const auto size = static_cast<long long>(pdf.size());
  if (v[0] != 0 || v[1] <= 0 || v[2] <= v[1] || v[3] <= 0 || v[2] > size || v[3] > size - v[2]) {
    return "universal signature forgery: /ByteRange [" + std::to_string(v[0]) + " " + std::to_string(v[1]) + " " +
           std::to_string(v[2]) + " " + std::to_string(v[3]) + "] does not describe this file";
  }
  ranges = {static_cast<std::size_t>(v[1]), static_cast<std::size_t>(v[2]), static_cast<std::size_t>(v[2] + v[3])};
  const std::string_view gap = pdf.substr(ranges.gap_begin, ranges.gap_end - ranges.gap_begin);
  std::string hex;
  bool only_hex = gap.size() >= 2 && gap.front() == '<' && gap.back() == '>';
  for (std::size_t i = 1; only_hex && i + 1 < gap.size(); ++i) {
    const auto c = static_cast<unsigned char>(gap[i]);
    if (std::isxdigit(c)) hex.push_back(static_cast<char>(std::tolower(c)));
    else if (!std::isspace(c)) only_hex = false;
  }
  if (!only_hex) {
    return "signature wrapping: the bytes the /ByteRange leaves unsigned are not just the /Contents hex string";
  }
  const std::string before = std::string(pdf.substr(ranges.gap_begin > 64 ? ranges.gap_begin - 64 : 0,
                                                    ranges.gap_begin > 64 ? 64 : ranges.gap_begin));
  const std::size_t key = before.rfind("/Contents");
  if (key == std::string::npos || before.find_first_not_of(" \t\r\n", key + 9) != std::string::npos) {
    return "signature wrapping: the unsigned gap is not the value of a /Contents key";
  }
  std::string parsed_hex;
  static const char* digits = "0123456789abcdef";
  for (char c : signature.contents) {
    const auto byte = static_cast<unsigned char>(c);
    parsed_hex.push_back(digits[byte >> 4]);
    parsed_hex.push_back(digits[byte & 15]);
  }
  if (hex.substr(0, parsed_hex.size()) != parsed_hex || hex.find_first_not_of('0', parsed_hex.size()) != std::string::npos) {
    return "signature wrapping: the /ByteRange gap is not this signature dictionary's /Contents";
  }
  std::string_view head = pdf.substr(0, ranges.signed_end);
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.back()))) head.remove_suffix(1);
  if (head.size() < 5 || head.substr(head.size() - 5) != "%%EOF") {
    return "signature wrapping: the signed range does not end at the end of a revision (%%EOF)";
  }
  return "";
}

std::string hex_to_bytes(std::string_view gap) {
  std::string out;
  int high = -1;
  for (char c : gap) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) continue;
    const int nibble = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    if (high < 0) {
      high = nibble;
    } else {
      out.push_back(static_cast<char>(high << 4 | nibble));
      high = -1;
    }
  }
  return out;
}

X509_STORE* load_trust(const std::vector<std::string>& files, std::vector<std::string>& problems) {
  X509_STORE* store = X509_STORE_new();
  for (const std::string& file : files) {
    if (X509_STORE_load_file(store, file.c_str()) != 1) problems.push_back("trust file " + file + " cannot be read");
  }
  return store;
}

void verify_one(std::string_view pdf, const FoundSignature& found, X509_STORE* trust, const VerifyOptions& options,
                SignatureReport& report) {
  Ranges ranges;
  const std::string structure = check_structure(pdf, found, ranges);
  report.checks.push_back(Check{"structure", structure.empty(),
                                structure.empty() ? "ByteRange covers everything but the /Contents hex string" : structure});
  if (!structure.empty()) return;
  const std::string changes = find_changes_after_signature(pdf, ranges.signed_end);
  const std::string covered = ranges.signed_end == pdf.size()
                                  ? "the signature covers the whole file except /Contents"
                                  : "later updates add only signatures (" + std::to_string(pdf.size() - ranges.signed_end) +
                                        " bytes after this signature)";
  report.checks.push_back(Check{"coverage", changes.empty(), changes.empty() ? covered : changes});
  if (!changes.empty()) return;
  std::string signed_bytes(pdf.substr(0, ranges.gap_begin));
  signed_bytes.append(pdf.substr(ranges.gap_end, ranges.signed_end - ranges.gap_end));
  const std::string cms = hex_to_bytes(pdf.substr(ranges.gap_begin, ranges.gap_end - ranges.gap_begin));
  check_cms(cms, signed_bytes, trust, options.require_timestamp, report);
}

std::optional<std::string> xmp_note_hash(PdfMemDocument& document) {
  const PdfObject* metadata = document.GetCatalog()->GetIndirectKey(PdfName("Metadata"));
  if (metadata == nullptr || !metadata->HasStream()) return std::nullopt;
  char* buffer = nullptr;
  pdf_long length = 0;
  metadata->GetStream()->GetFilteredCopy(&buffer, &length);
  const std::string xmp(buffer, static_cast<std::size_t>(length));
  podofo_free(buffer);
  return bound_transfer_note_hash(xmp);
}

}  // namespace

bool SignatureReport::valid() const {
  if (checks.empty()) return false;
  for (const Check& check : checks) {
    if (!check.passed) return false;
  }
  return true;
}

bool VerifyReport::valid() const {
  if (!problems.empty() || signatures.empty()) return false;
  for (const SignatureReport& signature : signatures) {
    if (!signature.valid()) return false;
  }
  return true;
}

std::string VerifyReport::text(const std::string& file_name) const {
  std::string out = file_name + ": " + std::to_string(file_size) + " bytes, " + std::to_string(signatures.size()) +
                    " signature(s)\n";
  for (std::size_t i = 0; i < signatures.size(); ++i) {
    const SignatureReport& s = signatures[i];
    out += "signature " + std::to_string(i + 1) + " \"" + s.field + "\" /SubFilter " + s.sub_filter +
           (s.level.empty() ? "" : ", " + s.level) + "\n";
    if (!s.signer.empty()) out += "  signer:       " + s.signer + "\n";
    if (!s.signing_time.empty()) out += "  signing time: " + s.signing_time + " (/M, claimed by the signer)\n";
    if (!s.timestamp_time.empty()) out += "  timestamp:    " + s.timestamp_time + " (RFC 3161)\n";
    for (const Check& check : s.checks) {
      out += std::string("  ") + (check.passed ? "[ok]   " : "[FAIL] ") + check.name + ": " + check.detail + "\n";
    }
  }
  for (const std::string& problem : problems) out += "problem: " + problem + "\n";
  if (transfer_note_sha256) out += "transfer note SHA-256 bound in XMP: " + *transfer_note_sha256 + "\n";
  out += valid() ? "RESULT: VALID\n" : "RESULT: INVALID\n";
  return out;
}

VerifyReport verify_pdf(std::string_view pdf, const VerifyOptions& options) {
  VerifyReport report;
  report.file_size = pdf.size();
  PdfError::EnableLogging(false);
  PdfError::EnableDebug(false);
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> trust(load_trust(options.trust_files, report.problems),
                                                                 X509_STORE_free);
  if (options.trust_files.empty()) report.problems.push_back("no trust store given (--trust): chains cannot be checked");
  if (pdf_uses_name(pdf, "Encrypt")) {  // PoDoFo 0.9.8 crashes on damaged ones (pipeline/pdf_names.h)
    report.problems.push_back("the PDF is encrypted: ZPE verifies signatures of unencrypted PDFs only");
    return report;
  }
  try {
    PdfMemDocument document;
    document.LoadFromBuffer(pdf.data(), static_cast<long>(pdf.size()));
    const std::vector<FoundSignature> found = find_signatures(document);
    if (found.empty()) report.problems.push_back("the PDF has no signature");
    for (const FoundSignature& signature : found) {
      SignatureReport& one = report.signatures.emplace_back();
      one.field = signature.field;
      one.sub_filter = signature.sub_filter;
      one.signing_time = signature.signing_time;
      verify_one(pdf, signature, trust.get(), options, one);
    }
    report.transfer_note_sha256 = xmp_note_hash(document);
  } catch (const PdfError& error) {
    const char* name = PdfError::ErrorName(error.GetError());
    report.problems.push_back(std::string("the PDF cannot be parsed (") + (name != nullptr ? name : "PoDoFo error") +
                              "); signatures checked as found in the bytes");
    report.signatures.clear();
    for (const FoundSignature& signature : find_signatures_in_bytes(pdf)) {
      SignatureReport& one = report.signatures.emplace_back();
      one.field = signature.field;
      verify_one(pdf, signature, trust.get(), options, one);
    }
  }
  return report;
}

}  // namespace zpe::signing
