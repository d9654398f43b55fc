#include "stages/classify_court_message.h"

#include <string>

namespace zpe {

namespace {

using nlohmann::json;

std::string text_at(const json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : "";
}

// A value stated by the court, in the shape of the text's found fields (no position).
json stated_field(const std::string& value) {
  return {{"value", value}, {"confidence", 1.0}, {"page", nullptr}, {"offset", nullptr}, {"text", nullptr},
          {"box", nullptr}, {"word_confidence", nullptr}};
}

void apply_case_number(const std::string& stated, json& c) {
  const std::string from_text = text_at(c, "case_number");
  json& candidates = c["candidates"];
  if (!candidates.is_array()) candidates = json::array();
  if (from_text == stated) {
    c["case_number_confidence"] = 1.0;
    c["case_number_source"] = "egvp+text";
  } else {
    if (!from_text.empty()) {
      json demoted = c.value("case_number_position", json());
      if (!demoted.is_object()) demoted = json::object();
      demoted["case_number"] = from_text;
      demoted["confidence"] = c.value("case_number_confidence", 0.0);
      demoted["source"] = c.value("case_number_source", "text");
      candidates.insert(candidates.begin(), demoted);
    }
    // The text may show the stated number among its other candidates: take its position.
    json position = nullptr;
    for (auto it = candidates.begin(); it != candidates.end(); ++it) {
      if (text_at(*it, "case_number") == stated) {
        position = *it;
        for (const char* key : {"case_number", "confidence", "source"}) position.erase(key);
        candidates.erase(it);
        break;
      }
    }
    c["case_number"] = stated;
    c["case_number_confidence"] = position.is_null() ? kCourtCaseNumberConfidence : 1.0;
    c["case_number_source"] = position.is_null() ? "egvp" : "egvp+text";
    c["case_number_position"] = position;
  }
  c["sources"]["case_number"] = c["case_number_source"];
}

}  // namespace

const json& court_message_of(const json& record) {
  static const json none;
  if (!record.is_object() || !record.contains("source") || !record["source"].is_object()) return none;
  const json& source = record["source"];
  return source.contains("egvp") && source["egvp"].is_object() ? source["egvp"] : none;
}

void apply_court_message(const json& egvp, json& c) {
  if (!egvp.is_object()) return;
  if (!c.contains("sources") || !c["sources"].is_object()) c["sources"] = json::object();
  const std::string type = text_at(egvp, "doc_type");
  if (!type.empty() && type != "Sonstiges") {
    const bool agreed = text_at(c, "doc_type") == type;
    c["doc_type"] = type;
    c["doc_type_confidence"] = 1.0;
    c["doc_type_source"] = agreed ? "egvp+text" : "egvp";
    c["doc_type_method"] = "xjustiz";
    c["doc_type_evidence"] = json::array({"GDS.Dokumenttyp " + text_at(egvp, "doc_type_code") + " " +
                                          text_at(egvp, "doc_type_name")});
    c["sources"]["doc_type"] = c["doc_type_source"];
  }
  if (const std::string stated = text_at(egvp, "case_number"); !stated.empty()) apply_case_number(stated, c);
  if (const std::string number = text_at(egvp, "court_file_number"); !number.empty()) {
    c["sources"]["court_file_number"] = text_at(c, "court_file_number") == number ? "egvp+text" : "egvp";
    c["court_file_number"] = number;
  }
  if (const std::string sender = text_at(egvp, "court_name"); !sender.empty()) {
    // Who sent it, whatever letterhead the text shows; a court (by its XJustiz ID) is the court.
    c["sender"] = stated_field(sender);
    c["sources"]["sender"] = "egvp";
    if (!text_at(egvp, "court_id").empty()) {
      json field = stated_field(sender);
      field["xjustiz_id"] = egvp["court_id"];
      c["court"] = field;
      c["sources"]["court"] = "egvp";
    }
  }
  if (const std::string date = text_at(egvp, "document_date"); !date.empty()) {
    c["sources"]["letter_date"] = text_at(c, "letter_date") == date ? "egvp+text" : "egvp";
    c["letter_date"] = date;
    c["letter_date_confidence"] = 1.0;
  }
}

void fill_value_sources(json& c) {
  if (!c.contains("sources") || !c["sources"].is_object()) c["sources"] = json::object();
  json& sources = c["sources"];
  const auto has_value = [&](const char* key) { return c.contains(key) && !c[key].is_null(); };
  if (!sources.contains("doc_type")) sources["doc_type"] = c.value("doc_type_source", json("text"));
  if (!sources.contains("case_number")) {
    sources["case_number"] = has_value("case_number") ? c.value("case_number_source", json("text")) : json(nullptr);
  }
  for (const char* key : {"court_file_number", "court", "sender", "letter_date"}) {
    if (!sources.contains(key)) sources[key] = has_value(key) ? json("text") : json(nullptr);
  }
}

}  // namespace zpe
