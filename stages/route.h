// The route stage: decides where a classified document goes.
// Created through make_stage("route", settings) (stages/registry.cpp).
//
// Today there is one target, the case file: a document with a case number goes there
// with the searchable PDF/A the ocr stage built (record["pdf"], possibly replaced by a
// later signing stage); route builds no PDF itself. A document without a case number
// (record.classification.case_number null or absent), or with one that is not of the
// form 1234567-123, goes to the clearing station with a reason for the operator.
//
// Reads record["classification"]["case_number"] and record["pdf"]["sha256"].
// Patch when routed:          route: {"version", "target": "casefile", "case_number"}
// Patch when sent to clearing: route: {"version", "target": null}, plus clearing_reason.
// Failures: a routable record without record.pdf is kFinal (the ocr stage has not run).
// Idempotent. No settings.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_route_stage(const nlohmann::json& settings);

}  // namespace zpe
