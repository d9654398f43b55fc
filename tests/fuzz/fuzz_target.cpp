// One libFuzzer target: ZPE_FUZZ_TARGET names the entry (tests/fuzz/fuzz_entries.h).
// Built five times by CMake with ZPE_FUZZ=ON; run by tests/fuzz/run_fuzz.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/fuzz/fuzz_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const zpe::fuzz::FuzzEntry entry = [] {
    const zpe::fuzz::FuzzEntry found = zpe::fuzz::find_fuzz_entry(ZPE_FUZZ_TARGET);
    if (found == nullptr) {
      std::fprintf(stderr, "no fuzz entry named %s\n", ZPE_FUZZ_TARGET);
      std::abort();
    }
    return found;
  }();
  const zpe::fuzz::FuzzOutcome outcome = entry(std::string_view(reinterpret_cast<const char*>(data), size));
  // A refusal without a reason is a bug too: operators must be told what is wrong.
  if (!outcome.accepted && outcome.reason.empty()) std::abort();
  return 0;
}
