// The common frame of every operator decision the ClearingDesk hands the job store: who,
// on which document at which version, from CLEARING to where. Internal to clearing/.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "clearing/clearing_desk.h"

namespace zpe::clearing {

// The log line of an operator's action (clearing_desk.cpp): "clearing: operator:alice
// rejected D… (tenant t) -> REJECTED", or "... refused: why" when `refused` is set. No
// free text the operator typed and no case number in full.
void log_operator_action(const OperatorChange& change, const std::string& tenant, const Error* refused);

// Every action that changes one document ends here: the job store applies it (one
// transaction with its audit record), then the action's log line is written.
Result<DocumentRow> apply_and_log(JobStore& jobs, const OperatorChange& change, const std::string& tenant);

// An OperatorChange from CLEARING for `row` as `who` saw it at `version`, setting the
// record's "operator" part to `operator_part`; callers add detail, reason, resume stage.
inline OperatorChange decision(const DocumentRow& row, const Operator& who, int64_t version, std::string action,
                               std::string new_state, nlohmann::json operator_part) {
  OperatorChange change;
  change.document_id = row.id;
  change.expected_version = version;
  change.from_states = {"CLEARING"};
  change.actor = "operator:" + who.name;
  change.action = std::move(action);
  change.patch = {{"operator", std::move(operator_part)}};
  change.new_state = std::move(new_state);
  change.now_ms = now_ms();
  return change;
}

}  // namespace zpe::clearing
