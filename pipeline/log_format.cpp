#include "pipeline/log_format.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace zpe {

namespace {

thread_local const std::string* t_document_id = nullptr;
thread_local const std::string* t_tenant = nullptr;

constexpr const char* kTextPattern = "%Y-%m-%d %H:%M:%S.%e %n[%P] %^%l%$: %v";

std::string utc_timestamp(spdlog::log_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t t = seconds.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[40];
  const size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(millis));
  return text;
}

// One JSON object a line; the document fields when the line is about one document.
class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::json line = {{"time", utc_timestamp(msg.time)},
                           {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                                                 spdlog::level::to_string_view(msg.level).size())},
                           {"process", std::string(msg.logger_name.data(), msg.logger_name.size())},
                           {"pid", static_cast<int64_t>(getpid())},
                           {"message", std::string(msg.payload.data(), msg.payload.size())}};
    if (t_document_id != nullptr) line["document_id"] = *t_document_id;
    if (t_tenant != nullptr) line["tenant"] = *t_tenant;
    // Invalid UTF-8 (a file name from a scanner) is replaced, never a broken line.
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLineFormatter>(); }
};

}  // namespace

Result<LogFormat> parse_log_format(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return fail(ErrorKind::kInvalidInput, "log format \"" + std::string(name) + "\": \"text\" or \"json\"");
}

std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format) {
  if (format == LogFormat::kJson) return std::make_unique<JsonLineFormatter>();
  return std::make_unique<spdlog::pattern_formatter>(kTextPattern);
}

void set_up_process_logger(const std::string& process, LogFormat format, spdlog::level::level_enum level) {
  auto logger = spdlog::stderr_color_mt(process);
  logger->set_formatter(make_log_formatter(format));
  logger->set_level(level);
  spdlog::set_default_logger(logger);
}

DocumentLogFields::DocumentLogFields(const std::string& document_id, const std::string& tenant)
    : previous_id_(t_document_id), previous_tenant_(t_tenant) {
  t_document_id = &document_id;
  t_tenant = &tenant;
}

DocumentLogFields::~DocumentLogFields() {
  t_document_id = previous_id_;
  t_tenant = previous_tenant_;
}

std::string mask_case_number(std::string_view case_number) {
  std::string out(case_number);
  int keep = 3;
  for (auto it = out.rbegin(); it != out.rend(); ++it) {
    if (*it < '0' || *it > '9') continue;
    if (keep > 0) {
      --keep;
    } else {
      *it = '*';
    }
  }
  return out;
}

std::string mask_case_numbers(std::string_view text) {
  static const std::regex kCaseNumber(R"(\b\d{5,}-\d{1,4}\b)");
  const std::string input(text);
  std::string out;
  auto last = input.cbegin();
  for (std::sregex_iterator it(input.begin(), input.end(), kCaseNumber), end; it != end; ++it) {
    out.append(last, (*it)[0].first);
    out += mask_case_number((*it)[0].str());
    last = (*it)[0].second;
  }
  out.append(last, input.cend());
  return out;
}

}  // namespace zpe
