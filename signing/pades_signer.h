// sign_pdf: appends a PAdES baseline signature to a PDF as an incremental update (PoDoFo),
// leaving every byte of the input unchanged in front of it. Called by the sign stage
// (stages/sign.cpp), `zpe sign` and the bench.
//
// The update adds: a signature field on page 1 (invisible — zero-size widget — unless a
// visible stamp is asked for), its signature dictionary (/Filter /Adobe.PPKLite,
// /SubFilter /ETSI.CAdES.detached, /M, /Reason, /Location, /ByteRange, /Contents), the
// AcroForm with /SigFlags 3, and — when a transfer note hash is given — the document's XMP
// metadata with zpe:TransferNoteSHA256 (xmp_binding.h), so the note is covered by the signature.
// /Contents holds the CMS from build_cades_signature (cades.h): B-T when `tsa` is given,
// else B-B. PoDoFo exceptions stay in here and come back as errors. Not thread-safe per key.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "pipeline/status.h"
#include "signing/signing_key.h"
#include "signing/timestamp.h"

namespace zpe::signing {

// A visible signature stamp on page 1, in PDF points from the page's lower-left corner.
struct VisibleStamp {
  bool enabled = false;
  double x_pt = 36, y_pt = 36, width_pt = 220, height_pt = 48;
  std::string font_file = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";  // embedded (PDF/A)
};

struct PadesOptions {
  std::string reason = "Qualifizierte elektronische Signatur des Scanprodukts (TR-RESISCAN)";
  std::string location;
  std::string signer_name;              // shown on a visible stamp; default: certificate subject CN
  std::string transfer_note_sha256;     // bound into XMP when not empty
  std::time_t signing_time = 0;         // /M; 0: now
  VisibleStamp stamp;
};

// The signed file (input bytes followed by the signature's incremental update).
// Errors: the PDF cannot be parsed (kInvalidInput), the key or TSA failed (their kinds).
Result<std::string> sign_pdf(std::string_view pdf, const SigningKey& key, TimestampClient* tsa,
                             const PadesOptions& options);

}  // namespace zpe::signing
