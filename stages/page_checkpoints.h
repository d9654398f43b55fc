// ResumablePages: page checkpoints for the stages that work a document page by page (ocr,
// prepare). The one place that records each page a stage finishes (through
// StageContext::checkpoints, stages/stage.h) and decides whether a page may be taken from
// what an earlier, interrupted attempt recorded. docs/ARCHITECTURE.md "Page checkpoints".
//
// A page is taken from a checkpoint only when it was recorded by the same stage version,
// with the same job settings (the tenant's language, storage policy, clean-up switches:
// the whole settings object) and for the same input — what the stage says the page's result
// depends on (the page image's blob and resolution; the original and the page number).
// The stage builds its result from recorded page results exactly as from freshly worked
// ones, so a resumed job gives the same patch and the same blobs as an uninterrupted one,
// apart from the step timings (record.step_ms).
//
// A page is recorded before page() returns (the dispatcher has it in the job store), so a
// kill -9 right after loses nothing recorded. Recording is best effort: when it fails for
// another reason than a lost lease, the page is worked and used all the same and no
// further page of the job is recorded (a dispatcher that does not answer should not cost a
// time-out per page). A document known to have one page is not recorded: a retry repeats
// one page anyway.
//
// Thread-safe: page() is called from the threads of for_each_page (page_parallel.h).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "stages/stage.h"
#include "stages/stage_io.h"

namespace zpe {

class ResumablePages {
 public:
  // page_count: the pages the stage will work, 0 when not known yet (prepare decodes as
  // it goes). Without context.checkpoints every page is worked and nothing recorded.
  ResumablePages(const StageContext& context, std::string stage, std::string stage_version, std::size_t page_count);

  // Works one page: writes its blobs and returns its result, a small JSON object (at most
  // a few KiB; the protocol refuses more than 16 KiB) that names those blobs.
  using Work = std::function<StageValue<nlohmann::json>()>;
  // Takes an earlier result into the stage's own state; false when it cannot (a blob it
  // names is gone, it does not parse): then the page is worked again.
  using Restore = std::function<bool(const nlohmann::json& earlier)>;

  // The result of page `index` (0-based): an earlier attempt's when its input is unchanged
  // and `restore` (if given) accepts it, else `work`'s, recorded before it is returned.
  // Fails with work's failure, or kRetryable when the job's lease was lost (its result
  // would be refused anyway, so the stage stops working).
  StageValue<nlohmann::json> page(std::size_t index, std::string_view input, const Work& work,
                                  const Restore& restore = {});

  // Whether a page's result is recorded (else `work` need not write the blobs a
  // checkpoint would name: nobody reads them).
  bool recording() const { return checkpoints_ != nullptr && record_ && !recording_failed_.load(); }
  // Pages taken from checkpoints so far.
  std::size_t reused() const { return reused_.load(); }
  // One info line when pages were taken from checkpoints ("letter.tif: ocr took 150 of 200
  // pages from an earlier attempt's checkpoints"); nothing otherwise.
  void log_reuse(const std::string& file, std::size_t pages) const;

 private:
  std::string input_hash(std::string_view input) const;

  PageCheckpoints* checkpoints_;
  std::string stage_;
  std::string stage_version_;
  std::string settings_;  // the job's settings, dumped: part of every page's input
  bool record_;           // false for a document of one page
  std::atomic<bool> recording_failed_{false};
  std::atomic<std::size_t> reused_{0};
};

}  // namespace zpe
