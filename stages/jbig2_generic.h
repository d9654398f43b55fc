// Lossless JBIG2 coding of a bilevel page: one generic region, every pixel arithmetic-coded.
// Used by the searchable PDF (stages/page_compression.cpp stores 1-bit and thresholded text
// pages this way when the policy's bilevel_codec is "jbig2") and by bench/page_storage_bench.cpp.
//
// The output is a JBIG2 *embedded* stream as a PDF /JBIG2Decode filter reads it (ISO 32000-1
// 7.4.7): the segments of one page without the file header, no end-of-page or end-of-file
// segment, no /JBIG2Globals. It holds a page information segment (type 48) and one immediate
// lossless generic region segment (type 39) covering the page: MMR=0, GBTEMPLATE=0 with the
// nominal adaptive pixels, TPGDON=1 (a row equal to the row above costs one coded bit). The
// coder is the MQ arithmetic coder of ITU-T T.88 Annex E; context formation follows T.88
// 6.2.5.3 and typical prediction 6.2.5.7. docs/ARCHITECTURE.md ("The searchable PDF")
// says when it is used and bench/BENCHMARKS.md what it saves against CCITT G4.
//
// Guarantees: lossless — a conforming decoder gives back exactly the PIX's pixels (1 = black
// in both Leptonica and JBIG2). Never symbol or pattern matching, never text-region coding:
// no pixel is ever substituted (TR-RESISCAN). Pure function of the image, thread-safe (all
// state is local to a call), the PIX passed by pointer is only read.
#pragma once

#include <string>

#include "pipeline/status.h"

struct Pix;  // Leptonica's image (leptonica/pix.h)

namespace zpe {

// The page (1 bit deep, no colour map) as a JBIG2 embedded stream for /JBIG2Decode. The page
// information segment records the PIX's resolution (pixels per metre; 0 when unknown).
// Errors: not a 1-bit image, or no pixels.
Result<std::string> encode_jbig2_generic(Pix* page);

// The same page as a standalone JBIG2 file (T.88 D.4: file header, sequential organisation,
// one page, end-of-page and end-of-file segments) that the `jbig2dec` command reads; for
// tests and the bench, not for PDFs.
Result<std::string> encode_jbig2_file(Pix* page);

}  // namespace zpe
