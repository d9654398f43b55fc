// The route stage: decides where a classified document goes and builds what it delivers.
// Created through make_stage("route", settings) (stages/registry.cpp).
//
// Today there is one target, the case file: a document with a case number gets a PDF of
// its page images (JPEG, one PDF page per image at the image's physical size; see
// casefile_pdf.h). A document without a case number (record.classification.case_number
// null or absent), or with one that is not of the form 1234567-123, goes to the clearing
// station with a reason for the operator, and no PDF is built.
//
// Reads record["classification"]["case_number"], record["pages"] (from prepare) and
// record["source"]["received_at"] (the PDF's creation date, so the PDF is reproducible).
// Patch when routed:
//   route: {"version", "target": "casefile", "case_number"}
//   pdf:   {"sha256", "size", "pages"}
// Patch when sent to clearing: route: {"version", "target": null}, plus clearing_reason.
// Failures: missing page images or blob faults (stage_io.h); a page image that cannot be
// decoded or embedded is kFinal. Idempotent: the same record gives the same PDF bytes.
//
// Settings: jpeg_quality (1..100, default 80).
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "stages/stage.h"

namespace zpe {

Result<std::unique_ptr<Stage>> make_route_stage(const nlohmann::json& settings);

}  // namespace zpe
