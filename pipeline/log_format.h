// How ZPE's processes write their log (spdlog, to stderr): plain text lines by default,
// "<time> <process>[<pid>] <level>: message", or with --log-format json one JSON object a
// line: {"time" (UTC, ms), "level", "process", "pid", "message"} and, on lines about one
// document, "document_id" and "tenant" (log_about_document). Docs: docs/OPERATIONS.md "Logs".
//
// What may appear above debug level: document ids, tenants, file names, stage names and
// reasons an operator acts on — no OCR text, no names of people, and case numbers only
// masked (mask_case_numbers); the full values are in the job store and the audit trail.
//
// The document fields are thread-local and set only while one log call runs, so the
// loggers must be synchronous (they are: one stderr sink per process).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "pipeline/status.h"

namespace zpe {

enum class LogFormat { kText, kJson };

// "text" or "json"; anything else is an error naming both.
Result<LogFormat> parse_log_format(std::string_view name);

// Makes `process` the default logger, writing to stderr in `format` at `level`.
void set_up_process_logger(const std::string& process, LogFormat format, spdlog::level::level_enum level);

// A formatter for a logger of one's own (tests capture lines with it).
std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format);

// While alive, log lines written by this thread carry the document's id and tenant (JSON).
class DocumentLogFields {
 public:
  DocumentLogFields(const std::string& document_id, const std::string& tenant);
  ~DocumentLogFields();
  DocumentLogFields(const DocumentLogFields&) = delete;
  DocumentLogFields& operator=(const DocumentLogFields&) = delete;

 private:
  const std::string* previous_id_;
  const std::string* previous_tenant_;
};

// One line about one document: the message as given, and in JSON its id and tenant as fields.
template <typename... Args>
void log_about_document(spdlog::level::level_enum level, const std::string& document_id, const std::string& tenant,
                        spdlog::format_string_t<Args...> format, Args&&... args) {
  DocumentLogFields fields(document_id, tenant);
  spdlog::log(level, format, std::forward<Args>(args)...);
}

// A case number as a log line above debug may show it: every digit but the last three
// replaced by '*' ("8123456-423" -> "*******-423").
std::string mask_case_number(std::string_view case_number);
// The same for every case number (1234567-123, as route_policy.h defines them; also with
// fewer or more digits in front) inside a text such as a clearing reason.
std::string mask_case_numbers(std::string_view text);

}  // namespace zpe
