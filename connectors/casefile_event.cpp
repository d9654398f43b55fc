#include "connectors/casefile_event.h"

#include "pipeline/job_store.h"

namespace zpe {

namespace {
nlohmann::json at_or_null(const nlohmann::json& obj, const char* key) {
  return (obj.is_object() && obj.contains(key)) ? obj[key] : nlohmann::json();
}
// The value the route stage filed with (operator's or machine's), else the classification's.
nlohmann::json decided(const nlohmann::json& record, const nlohmann::json& cls, const char* key) {
  const auto routed = at_or_null(at_or_null(record, "route"), key);
  return routed.is_null() ? at_or_null(cls, key) : routed;
}
}  // namespace

nlohmann::json build_filed_event(const nlohmann::json& record, const std::string& event_id) {
  const auto& cls = at_or_null(record, "classification");
  const auto& pdf = at_or_null(record, "pdf");
  const auto& source = at_or_null(record, "source");
  const auto& original = at_or_null(record, "original");
  const auto& ocr = at_or_null(record, "ocr");
  nlohmann::json event = {
      {"schema", kFiledEventSchema},
      {"event_id", event_id},
      {"document_id", record.value("document_id", "")},
      {"tenant", record.value("tenant", "")},
      {"case_number", at_or_null(at_or_null(record, "route"), "case_number")},
      // As routed: the operator's corrections from the clearing station where they gave any.
      {"doc_type", decided(record, cls, "doc_type")},
      // A routing rule filed it although the type was unsure: the case system confirms it.
      {"doc_type_unsure", at_or_null(at_or_null(record, "route"), "doc_type_unsure") == true},
      {"letter_date", decided(record, cls, "letter_date")},
      {"source_file", at_or_null(source, "file")},
      {"source_pages", at_or_null(record, "source_pages")},
      {"pages", at_or_null(record, "page_count")},
      {"sha256_original", at_or_null(original, "sha256")},
      {"sha256_pdf", at_or_null(pdf, "sha256")},
      {"ocr_confidence", at_or_null(ocr, "confidence")},
      {"filed_at_ms", now_ms()},
      {"originals", nlohmann::json::array({{{"file", at_or_null(source, "file")},
                                            {"sha256", at_or_null(original, "sha256")}}})},
      {"pdf", {{"sha256", at_or_null(pdf, "sha256")},
               {"size", at_or_null(pdf, "size")},
               {"media_type", "application/pdf"},
               {"fetch", "send FETCH <request id> <sha256> on the case-file feed"}}},
  };
  if (source.is_object() && source.contains("manifest") && source["manifest"].is_object()) {
    event["batch_id"] = at_or_null(source["manifest"], "batch_id");
  }
  return event;
}

}  // namespace zpe
