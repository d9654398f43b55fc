// Whether raw PDF bytes use a given name token anywhere (/Encrypt, ...), the way a PDF parser
// would read it: "#xx" escapes in names are decoded first, so "/Encr#79pt" counts too.
// Used before PoDoFo parses a PDF that came from outside: PoDoFo 0.9.8 crashes on some
// damaged encryption dictionaries (found by the pdf_reader fuzz target), so such files are
// refused before it sees them (stages/pdf_inspection.cpp, signing/pdf_verifier.cpp).
// A name inside a compressed stream is not seen; one inside an uncompressed stream or a
// string is (a refusal too many, never one too few for the trailer's key). Pure; thread-safe.
#pragma once

#include <string_view>

namespace zpe {

bool pdf_uses_name(std::string_view pdf, std::string_view name);

}  // namespace zpe
