// The fuzzing entry points: one function per reader of untrusted input, each calling the
// project's own entry function exactly as production does. Used by the libFuzzer targets
// (tests/fuzz/fuzz_target.cpp, built with ZPE_FUZZ=ON and clang) and by the regression test
// (tests/fuzz/fuzz_regressions_test.cpp, normal build) that feeds every kept input again.
//
// An entry returns what the reader made of the bytes: accepted, or refused with a reason.
// It must never crash, hang, throw or leak for any input; that is what the fuzzer checks.
// The targets:
//   manifest            the intake's manifest reader (read_intake_manifest) and the split
//                       stage following its documents list (pipeline/intake.h, stages/split.h)
//   raster_decoder      the prepare stage's TIFF/PNG/JPEG decode path: sniff_media_type,
//                       then decode_raster_pages (stages/page_decoder.h)
//   pdf_reader          untrusted PDF originals: decode_pdf_pages (poppler render and the
//                       active-content checks) and born_digital_text (stages/born_digital.h)
//   egvp_package        a court-mailbox zip: read_zip_package, then parse_inbound_message on
//                       its xjustiz_nachricht.xml (connectors/egvp_package.h, xjustiz_inbound.h)
//   signature_verifier  `zpe verify`: signing::verify_pdf (signing/pdf_verifier.h)
// Limits are the production defaults except where rendering cost alone would slow the
// fuzzer (smaller page pixel limit and render resolution); the code paths are the same.
// Not thread-safe (the split stage object is shared); libFuzzer calls from one thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zpe::fuzz {

struct FuzzOutcome {
  bool accepted = false;
  std::string reason;  // why the input was refused; never empty when !accepted
};

using FuzzEntry = FuzzOutcome (*)(std::string_view bytes);

FuzzOutcome feed_manifest(std::string_view bytes);
FuzzOutcome feed_raster_decoder(std::string_view bytes);
FuzzOutcome feed_pdf_reader(std::string_view bytes);
FuzzOutcome feed_egvp_package(std::string_view bytes);
FuzzOutcome feed_signature_verifier(std::string_view bytes);

struct NamedFuzzEntry {
  const char* name;  // the target name: zpe_fuzz_<name>, tests/fuzz/regressions/<name>/
  FuzzEntry entry;
};

// Every target, in the order run_fuzz.sh runs them.
const std::vector<NamedFuzzEntry>& fuzz_entries();

// The entry of that name, or nullptr.
FuzzEntry find_fuzz_entry(std::string_view name);

}  // namespace zpe::fuzz
