// Page quality measurements and verdicts, for the quality stage (stages/quality.cpp) and
// its benchmark. Pure functions of a page image and thresholds: no I/O, thread-safe.
//
// measure_page works on a grey copy scaled to 150 dpi (so thresholds mean the same at any
// scan resolution) and measures what makes a scan unusable: effective resolution, sharpness
// (variance of the Laplacian around the ink, relative to the ink/paper contrast), contrast
// and brightness, residual skew, ink touching the page edge (a cut-off scan), ink coverage.
// Faint marks (bleed-through from the back, paper grain) and specks do not count as ink,
// so an empty backside measures as blank.
//
// judge_page turns measurements into a verdict: ok, blank, or reject with reasons an
// operator understands ("page 3: 96 dpi, below the 200 dpi minimum — rescan at 300 dpi").
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/status.h"
#include "stages/step_times.h"

struct Pix;

namespace zpe {

struct PageMeasurements {
  int effective_dpi = 0;          // the lower of dpi_x/dpi_y; from the page width when the file gave none
  bool dpi_from_size = false;     // effective_dpi estimated from an A4 page width
  double sharpness = 0;           // Laplacian variance around ink / contrast², x 1000; blurred pages score low
  int contrast = 0;               // paper level minus ink level (grey levels, 0..255)
  int brightness = 0;             // paper level (grey level of the background)
  double residual_skew_deg = 0;   // skew still left in the prepared page
  double ink_coverage = 0;        // fraction of the page covered by ink (0..1)
  // Fraction of each edge's length where ink reaches into the outermost strip.
  double edge_top = 0, edge_bottom = 0, edge_left = 0, edge_right = 0;
};

struct QualityThresholds {
  int min_dpi = 200;
  double min_sharpness = 1500;
  int min_contrast = 60;
  int min_brightness = 110;
  double max_residual_skew_deg = 1.0;
  double max_edge_touch = 0.04;       // more than this share of an edge touched by ink: cut off
  double blank_max_ink = 0.0004;      // below this ink coverage a page is blank
};

enum class Verdict { kOk, kBlank, kReject };
const char* verdict_name(Verdict verdict);

struct PageVerdict {
  Verdict verdict = Verdict::kOk;
  std::vector<std::string> reasons;  // each "page N: ... — what to do"; empty for ok
};

// `dpi` is the page's recorded resolution (<= 0 or `dpi_assumed` when the file gave none).
// `times` (optional) gets the wall time of its steps: grey, measure, skew.
Result<PageMeasurements> measure_page(Pix* page, int dpi, bool dpi_assumed, StepTimes* times = nullptr);
PageVerdict judge_page(const PageMeasurements& measured, const QualityThresholds& limits, int page_number);

nlohmann::json measurements_json(const PageMeasurements& measured);
// Thresholds from a stage's settings (keys as in config/zpe.toml [stages.quality]).
Result<QualityThresholds> thresholds_from_settings(const nlohmann::json& settings);

}  // namespace zpe
