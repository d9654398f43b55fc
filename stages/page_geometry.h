// Page geometry for the prepare stage: turns a decoded page upright and straight and
// removes scanner artefacts — crop dark scanner borders, correct 90/180/270° rotation
// (Tesseract's orientation and script detection, "osd" model), measure skew and rotate it
// back (Leptonica's sweep-and-search skew finder), remove speckle noise.
//
// Every transformation applied is returned as a JSON entry with its parameters, so the
// document's record says exactly what was done to each page (BSI TR-RESISCAN: the original
// stays untouched, every transformation is recorded). The input PIX is never modified.
//
// One PageGeometry serves every page thread of the prepare stage: normalise() may run on
// several threads at once. It loads the OSD model once (about 50 MB) and lets one thread at a
// time use it: only the pages Leptonica's fast text-line test is unsure of go to OSD.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "stages/page_image.h"
#include "stages/step_times.h"

namespace tesseract {
class TessBaseAPI;
}

namespace zpe {

struct GeometrySettings {
  bool crop_borders = true;
  bool correct_orientation = true;
  bool deskew = true;
  bool despeckle = true;
  double min_orientation_confidence = 2.0;  // Tesseract OSD confidence below which nothing is turned
  double min_skew_deg = 0.05;               // smaller measured skew is left alone
};

struct NormalisedPage {
  PixPtr image;  // same depth as the input (1, 8 or 32 bit), resolution kept
  nlohmann::json transforms = nlohmann::json::array();  // [{"op": "crop"|"rotate"|"deskew"|"despeckle", ...}]
};

// Skew of a page in degrees (positive: rotate the page by this angle clockwise to
// straighten it) and Leptonica's confidence; 0 when no text lines are found.
struct SkewMeasure {
  double skew_deg = 0;
  double confidence = 0;
};
SkewMeasure measure_skew(Pix* page);

// The page as an 8-bit grey OpenCV image (a copy; empty when the page cannot be greyed).
cv::Mat grey_mat(Pix* page);

class PageGeometry {
 public:
  // An empty tessdata_dir uses Tesseract's default; if the osd model cannot be loaded,
  // init_error() says so and orientation is not corrected (the stage reports it).
  PageGeometry(GeometrySettings settings, const std::string& tessdata_dir);
  ~PageGeometry();
  PageGeometry(const PageGeometry&) = delete;
  PageGeometry& operator=(const PageGeometry&) = delete;

  const std::string& init_error() const { return init_error_; }
  // `times` (optional) gets the wall time of each step: crop, orientation (the fast
  // text-line test), orientation_osd (only pages that test is unsure of), deskew, despeckle.
  Result<NormalisedPage> normalise(Pix* page, StepTimes* times = nullptr);
  // The same on a page the caller hands over: no working copy is made, and the page is
  // freed as soon as a step replaces it, so a colour A4 page (35 MB) is held once less per
  // page thread. Only the last step (despeckle) changes a page in place, and only one that
  // nothing else holds (Leptonica's reference count is 1); the others make a new one.
  Result<NormalisedPage> normalise(PixPtr page, StepTimes* times = nullptr);

 private:
  struct WorkingPage;  // the page and its bilevel form, shared by the steps (page_geometry.cpp)
  void crop_dark_borders(WorkingPage& page, nlohmann::json& transforms);
  // Leptonica's text-line test first (step "orientation"), Tesseract OSD only when that is
  // not clearly upright (step "orientation_osd").
  void correct_orientation(WorkingPage& page, nlohmann::json& transforms, StepTimes& steps);
  PixPtr turned_upright_by_osd(Pix* page, nlohmann::json& transforms);  // null: leave as is
  void correct_skew(WorkingPage& page, nlohmann::json& transforms);
  void remove_speckles(WorkingPage& page, nlohmann::json& transforms);

  GeometrySettings settings_;
  std::mutex osd_mutex_;  // guards osd_'s use: one page at a time
  std::unique_ptr<tesseract::TessBaseAPI> osd_;
  std::string init_error_;
};

}  // namespace zpe
