#include "signing/revision_check.h"

#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>

#include <podofo/podofo.h>

namespace zpe::signing {

namespace {

using namespace PoDoFo;

using Fingerprints = std::map<PdfReference, std::string>;

std::string ref_text(const PdfReference& ref) {
  return std::to_string(ref.ObjectNumber()) + " " + std::to_string(ref.GenerationNumber()) + " R";
}

std::string object_text(const PdfObject* object) {
  std::string text;
  object->ToString(text);
  if (object->HasStream()) {
    char* buffer = nullptr;
    pdf_long length = 0;
    object->GetStream()->GetCopy(&buffer, &length);
    text.append("\nstream\n").append(buffer, static_cast<std::size_t>(length));
    podofo_free(buffer);
  }
  return text;
}

std::string type_of(const PdfObject* object) {
  if (!object->IsDictionary()) return "";
  const PdfObject* type = object->GetDictionary().GetKey(PdfName("Type"));
  return type != nullptr && type->IsName() ? type->GetName().GetName() : "";
}

Fingerprints fingerprints(PdfMemDocument& document) {
  Fingerprints out;
  for (PdfObject* object : document.GetObjects()) {
    const std::string type = type_of(object);
    if (type == "XRef" || type == "ObjStm") continue;  // per-revision bookkeeping
    out[object->Reference()] = object_text(object);
  }
  return out;
}

// Keys whose values differ between two dictionaries.
std::set<std::string> changed_keys(const PdfObject* before, const PdfObject* after) {
  std::set<std::string> keys;
  if (!before->IsDictionary() || !after->IsDictionary()) return {"(type)"};
  const auto& old_keys = before->GetDictionary().GetKeys();
  const auto& new_keys = after->GetDictionary().GetKeys();
  for (const auto& [name, value] : new_keys) {
    const auto old = old_keys.find(name);
    std::string a, b;
    value->ToString(b);
    if (old != old_keys.end()) old->second->ToString(a);
    if (old == old_keys.end() || a != b) keys.insert(name.GetName());
  }
  for (const auto& [name, value] : old_keys) {
    if (new_keys.find(name) == new_keys.end()) keys.insert(name.GetName());
  }
  return keys;
}

bool is_signature_field(PdfMemDocument& document, const PdfObject* entry) {
  const PdfObject* object = entry->IsReference() ? document.GetObjects().GetObject(entry->GetReference()) : entry;
  for (int depth = 0; object != nullptr && object->IsDictionary() && depth < 8; ++depth) {
    const PdfObject* type = object->GetDictionary().GetKey(PdfName("FT"));
    if (type != nullptr && type->IsName()) return type->GetName() == PdfName("Sig");
    const PdfObject* parent = object->GetDictionary().GetKey(PdfName("Parent"));
    if (parent == nullptr || !parent->IsReference()) return false;
    object = document.GetObjects().GetObject(parent->GetReference());
  }
  return false;
}

// Entries of array key `key` in `after` that `before` does not have must be signature fields.
std::string check_added_entries(PdfMemDocument& document, const PdfObject* before, const PdfObject* after,
                                const char* key) {
  std::set<std::string> old_entries;
  const PdfObject* old_array = before->GetDictionary().GetKey(PdfName(key));
  if (old_array != nullptr && old_array->IsReference()) old_array = document.GetObjects().GetObject(old_array->GetReference());
  if (old_array != nullptr && old_array->IsArray()) {
    for (const PdfObject& entry : old_array->GetArray()) old_entries.insert(entry.IsReference() ? ref_text(entry.GetReference()) : "");
  }
  const PdfObject* new_array = after->GetDictionary().GetKey(PdfName(key));
  if (new_array != nullptr && new_array->IsReference()) new_array = document.GetObjects().GetObject(new_array->GetReference());
  if (new_array == nullptr || !new_array->IsArray()) return "";
  for (const PdfObject& entry : new_array->GetArray()) {
    if (entry.IsReference() && old_entries.count(ref_text(entry.GetReference())) > 0) continue;
    if (!is_signature_field(document, &entry)) return std::string("an entry other than a signature field was added to /") + key;
  }
  return "";
}

// The reason a redefined object is refused, or "" when the change is allowed bookkeeping.
std::string judge_redefinition(PdfMemDocument& final_doc, const PdfObject* before, const PdfObject* after,
                               const std::string& acroform_ref) {
  const std::string type = type_of(before);
  const std::string where = "object " + ref_text(after->Reference());
  std::set<std::string> allowed;
  const char* array_key = nullptr;
  if (type == "Catalog") {
    allowed = {"AcroForm", "DSS", "Perms"};
  } else if (type == "Page") {
    allowed = {"Annots"};
    array_key = "Annots";
  } else if (ref_text(after->Reference()) == acroform_ref) {
    allowed = {"Fields", "SigFlags", "DR", "DA", "NeedAppearances"};
    array_key = "Fields";
  } else if (type == "Pages") {
    return "incremental saving attack: the page tree (" + where + ") was changed after signing";
  } else {
    return "shadow attack (hide/replace): " + where + (type.empty() ? "" : " (/" + type + ")") +
           ", part of the signed revision, is replaced by a later incremental update";
  }
  for (const std::string& key : changed_keys(before, after)) {
    if (allowed.count(key) == 0) {
      return "incremental saving attack: /" + key + " of the " + (type.empty() ? std::string("AcroForm") : type) +
             " (" + where + ") was changed after signing";
    }
  }
  if (array_key != nullptr) {
    if (std::string problem = check_added_entries(final_doc, before, after, array_key); !problem.empty()) {
      return "incremental saving attack: " + problem + " of " + where + " after signing";
    }
  }
  return "";
}

// Far above PoDoFo's own limit on object numbers (8,388,607); keeps counting up safe.
constexpr long kMaxObjectNumber = long{1} << 31;

// A decimal number the regular expressions below matched, or nothing when it does not fit
// a long (no real object or xref entry has such a number; hostile files write them).
std::optional<long> decimal(const std::string& digits) {
  long value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

// Objects defined ("N G obj") in the bytes after the signed revision that no classic
// cross-reference section after it lists: definitions a parser only finds by rebuilding
// the xref. Empty when the updates use xref streams (then PoDoFo's view is all we check).
std::set<std::string> objects_hidden_after(std::string_view pdf, std::size_t signed_end) {
  const std::string tail(pdf.substr(signed_end));
  if (tail.find("/XRef") != std::string::npos) return {};
  std::set<std::string> listed;
  static const std::regex section(R"(xref\s+((?:\d+\s+\d+\s+(?:\d{10}\s+\d{5}\s+[nf]\s*)+)+))");
  static const std::regex subsection(R"((\d+)\s+(\d+)\s+((?:\d{10}\s+\d{5}\s+[nf]\s*)+))");
  static const std::regex entry(R"(\d{10}\s+(\d{5})\s+([nf]))");
  for (auto s = std::sregex_iterator(tail.begin(), tail.end(), section); s != std::sregex_iterator(); ++s) {
    const std::string body = (*s)[1].str();
    for (auto sub = std::sregex_iterator(body.begin(), body.end(), subsection); sub != std::sregex_iterator(); ++sub) {
      const std::optional<long> first = decimal((*sub)[1].str());
      if (!first || *first > kMaxObjectNumber) continue;  // lists no object PoDoFo could know
      long number = *first;
      const std::string entries = (*sub)[3].str();
      for (auto e = std::sregex_iterator(entries.begin(), entries.end(), entry); e != std::sregex_iterator(); ++e, ++number) {
        // \d{5} always fits a long.
        if ((*e)[2].str() == "n") listed.insert(std::to_string(number) + " " + std::to_string(*decimal((*e)[1].str())) + " R");
      }
    }
  }
  std::set<std::string> hidden;
  static const std::regex header(R"((?:^|[\r\n\s])(\d+)\s+(\d+)\s+obj\b)");
  for (auto it = std::sregex_iterator(tail.begin(), tail.end(), header); it != std::sregex_iterator(); ++it) {
    const std::optional<long> number = decimal((*it)[1].str()), generation = decimal((*it)[2].str());
    if (!number || !generation) continue;  // no object PoDoFo could know
    const std::string ref = std::to_string(*number) + " " + std::to_string(*generation) + " R";
    if (listed.count(ref) == 0) hidden.insert(ref);
  }
  return hidden;
}

std::size_t last_startxref(std::string_view pdf) {
  const std::size_t at = pdf.rfind("startxref");
  if (at == std::string_view::npos) return 0;
  return static_cast<std::size_t>(std::strtoull(std::string(pdf.substr(at + 9, 24)).c_str(), nullptr, 10));
}

std::string compare_revisions(PdfMemDocument& signed_doc, PdfMemDocument& final_doc, std::string_view pdf,
                              std::size_t signed_end) {
  if (signed_doc.GetCatalog()->Reference() != final_doc.GetCatalog()->Reference()) {
    return "incremental saving attack: a later update replaces the document catalog";
  }
  if (signed_doc.GetPageCount() != final_doc.GetPageCount()) {
    return "incremental saving attack: the number of pages changed after signing";
  }
  for (int i = 0; i < final_doc.GetPageCount(); ++i) {
    if (signed_doc.GetPage(i) == nullptr || final_doc.GetPage(i) == nullptr) {
      return "incremental saving attack: page " + std::to_string(i + 1) + " cannot be read in both revisions";
    }
    if (signed_doc.GetPage(i)->GetObject()->Reference() != final_doc.GetPage(i)->GetObject()->Reference()) {
      return "incremental saving attack: page " + std::to_string(i + 1) + " was swapped after signing";
    }
  }
  std::map<PdfReference, int> content_streams;  // signed revision: content stream -> page number
  for (int i = 0; i < signed_doc.GetPageCount(); ++i) {
    const PdfObject* contents = signed_doc.GetPage(i)->GetObject()->GetDictionary().GetKey(PdfName("Contents"));
    if (contents != nullptr && contents->IsReference()) content_streams[contents->GetReference()] = i + 1;
    if (contents != nullptr && contents->IsArray()) {
      for (const PdfObject& part : contents->GetArray()) {
        if (part.IsReference()) content_streams[part.GetReference()] = i + 1;
      }
    }
  }
  const PdfObject* form = final_doc.GetCatalog()->GetDictionary().GetKey(PdfName("AcroForm"));
  const std::string acroform_ref = form != nullptr && form->IsReference() ? ref_text(form->GetReference()) : "";
  const Fingerprints before = fingerprints(signed_doc);
  const std::set<std::string> hidden = objects_hidden_after(pdf, signed_end);
  std::string shadow;
  for (PdfObject* object : final_doc.GetObjects()) {
    const auto old = before.find(object->Reference());
    if (old == before.end()) continue;  // new objects are judged through what references them
    const bool changed = old->second != object_text(object);
    if (!changed && hidden.count(ref_text(object->Reference())) == 0) continue;
    if (changed && content_streams.count(object->Reference()) > 0) {
      return "incremental saving attack: the content of page " + std::to_string(content_streams[object->Reference()]) +
             " (" + ref_text(object->Reference()) + ") was changed after signing";
    }
    PdfObject* old_object = signed_doc.GetObjects().GetObject(object->Reference());
    std::string problem = changed ? judge_redefinition(final_doc, old_object, object, acroform_ref)
                                  : "shadow attack (hide/replace): object " + ref_text(object->Reference()) +
                                        " is defined again after signing in bytes the cross-reference hides";
    if (problem.rfind("incremental saving attack", 0) == 0) return problem;  // the stronger finding first
    if (shadow.empty()) shadow = problem;
  }
  return shadow;
}

}  // namespace

std::string find_changes_after_signature(std::string_view pdf, std::size_t signed_end) {
  if (signed_end >= pdf.size()) return "";
  if (last_startxref(pdf) < signed_end || pdf.rfind("%%EOF") < signed_end) {
    return "incremental saving attack: bytes appended after the signature are not a complete incremental update";
  }
  PdfError::EnableLogging(false);
  PdfError::EnableDebug(false);
  try {
    PdfMemDocument signed_doc;
    signed_doc.LoadFromBuffer(pdf.data(), static_cast<long>(signed_end));
    PdfMemDocument final_doc;
    final_doc.LoadFromBuffer(pdf.data(), static_cast<long>(pdf.size()));
    return compare_revisions(signed_doc, final_doc, pdf, signed_end);
  } catch (const PdfError& error) {
    const char* name = PdfError::ErrorName(error.GetError());
    return std::string("incremental saving attack: the update after the signature cannot be parsed (") +
           (name != nullptr ? name : "PoDoFo error") + ")";
  }
}

}  // namespace zpe::signing
