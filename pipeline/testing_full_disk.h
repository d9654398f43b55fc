// Test helpers for a full disk (pipeline/no_space.h): FullDisk is a BlobStore FileWriter
// that refuses every write with the error write_file_durably gives on ENOSPC while it is
// switched on, and writes for real otherwise (the LevelDB fault-injection Env, in small);
// LogLines captures what the default logger writes, so a test can count how often a
// condition was reported. Unit tests only; FullDisk is thread-safe, LogLines is not.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "pipeline/blob_store.h"
#include "pipeline/durable_file.h"

namespace zpe::testing {

class FullDisk {
 public:
  void set_full(bool full) { full_.store(full); }
  int refused() const { return refused_.load(); }
  FileWriter writer() {
    return [this](const std::filesystem::path& path, std::string_view bytes) -> Status {
      if (full_.load()) {
        ++refused_;
        return fail(ErrorKind::kNoSpace, "cannot write " + path.string() + ".tmp: No space left on device");
      }
      return write_file_durably(path, bytes);
    };
  }

 private:
  std::atomic<bool> full_{false};
  std::atomic<int> refused_{0};
};

// Adds a sink to the default logger for its lifetime.
class LogLines {
 public:
  LogLines() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(10000)) {
    sink_->set_pattern("%l %v");
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~LogLines() {
    auto& sinks = spdlog::default_logger()->sinks();
    std::erase(sinks, sink_);
  }
  LogLines(const LogLines&) = delete;
  LogLines& operator=(const LogLines&) = delete;

  // Lines (as "level message") containing `text`.
  std::vector<std::string> containing(const std::string& text) const {
    std::vector<std::string> out;
    for (auto& line : sink_->last_formatted()) {
      if (line.find(text) != std::string::npos) out.push_back(line);
    }
    return out;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

}  // namespace zpe::testing
