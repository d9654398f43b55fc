// The "document filed" event for the case system: built from a document's record when
// the job store files it (so event and state change commit together), and read by the
// reference sink. The format is specified in docs/PROTOCOL.md ("Case-file event").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace zpe {

inline constexpr const char* kFiledEventSchema = "zpe.document-filed/1";

nlohmann::json build_filed_event(const nlohmann::json& record, const std::string& event_id);

}  // namespace zpe
