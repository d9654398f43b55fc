// Status and Result<T>: how every fallible call in ZPE reports failure.
//
// A Result<T> holds either a value or an Error with a kind and a message a person can
// read ("letter.tif: page 3 is truncated — rescan"). No exceptions cross module lines:
// exceptions are for programmer errors and are caught at process boundaries (main, the
// worker loop), where an Error becomes an exit code, a FAILED message or a quarantine
// reason. Plain values; safe to copy between threads.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace zpe {

enum class ErrorKind {
  kInvalidInput,  // the input itself is bad: quarantine it, retrying will not help
  kNotFound,      // a named thing (document, blob, file) does not exist
  kIOError,       // the file system or a socket failed; may succeed on retry
  kNoSpace,       // the site's disk or quota is full (ENOSPC, EDQUOT, SQLITE_FULL): wait for space;
                  // the input is fine, so no attempt is spent (pipeline/no_space.h)
  kCorruption,    // stored data does not match its hash or format
  kUnavailable,   // a peer (dispatcher, sink) did not answer in time; retry later
  kConflict,      // someone else changed the thing first (an operator's stale view): reload
  kInternal,      // a bug or an unexpected library failure
};

const char* error_kind_name(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;

  std::string describe() const { return std::string(error_kind_name(kind)) + ": " + message; }
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

inline tl::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return tl::unexpected<Error>(Error{kind, std::move(message)});
}

inline tl::unexpected<Error> fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

inline const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput: return "invalid input";
    case ErrorKind::kNotFound: return "not found";
    case ErrorKind::kIOError: return "I/O error";
    case ErrorKind::kNoSpace: return "no space";
    case ErrorKind::kCorruption: return "corruption";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kInternal: return "internal error";
  }
  return "error";
}

}  // namespace zpe
