// Works through the pages of one document on several threads, so a long document (an old
// case file of hundreds of pages) uses every core a worker is given instead of one. Used
// by the stages that work page by page (prepare, split, quality, ocr); the stage puts the
// results back together in page order itself. A page's work may be wrapped in a page
// checkpoint (stages/page_checkpoints.h) so a retry of the job skips the finished pages.
//
// `work(index, lane)` runs once for each index in [0, count); `lane` in [0, threads) names
// the thread running it, so per-thread state (a Tesseract engine, the orientation model)
// is used by one thread at a time. After a page fails, no further page is started; the
// failure of the lowest-numbered failed page is returned. An exception thrown by `work`
// (std::bad_alloc) is rethrown in the calling thread after every thread has stopped.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "stages/stage.h"

namespace zpe {

using PageWork = std::function<std::optional<StageFailure>(std::size_t index, int lane)>;

std::optional<StageFailure> for_each_page(std::size_t count, int threads, const PageWork& work);

// [stages.<stage>] page_threads: how many threads a stage works one document's pages on
// (default 2, one per core of the 2-core reference machine); an error when not in 1..64.
Result<int> page_threads_setting(const nlohmann::json& settings);

// A BlobAccess that lets one thread at a time through to another (a worker's blob access
// is one ZeroMQ channel to the dispatcher, which must not be used by two threads at once).
class SerialBlobAccess final : public BlobAccess {
 public:
  explicit SerialBlobAccess(BlobAccess& inner) : inner_(inner) {}
  Result<std::string> read(const std::string& sha256) override;
  Result<std::string> write(std::string_view bytes) override;

 private:
  BlobAccess& inner_;
  std::mutex mutex_;
};

}  // namespace zpe
