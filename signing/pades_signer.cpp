#include "signing/pades_signer.h"

#include <openssl/x509.h>

#include <algorithm>
#include <memory>
#include <podofo/podofo.h>

#include "pipeline/pdf_names.h"
#include "signing/cades.h"
#include "signing/xmp_binding.h"

namespace zpe::signing {

namespace {

using namespace PoDoFo;

// Room for the CMS in /Contents, which the file carries as hex (two bytes per byte) and
// pads with zeros: the CMS's own size, known before signing (cades_signature_bytes), so an
// RSA signature leaves no spare byte and an ECDSA one usually up to two. (Estimated from the
// certificates plus 512 bytes for the rest, it left 219 spare bytes with the test RSA
// signer: 438 hex zeros in every document; the reserve before that, 4 KiB + certificates,
// 6.5 KB.) A timestamp token (it carries the TSA's certificates) needs room too: 16 KiB
// before the client has seen one, then its largest token so far and 1 KiB. A CMS that does
// not fit (the TSA changed its certificates) is signed again with 4 KiB and 16 KiB more
// (sign_pdf).
constexpr std::size_t kRetryReserve = 4096;
constexpr std::size_t kUnknownTokenReserve = 16384;
constexpr std::size_t kTokenMargin = 1024;

Result<std::size_t> signature_reserve(const SigningKey& key, const TimestampClient* tsa, bool generous) {
  auto cms_bytes = cades_signature_bytes(key);
  if (!cms_bytes) return fail(cms_bytes.error());
  const std::size_t bytes = *cms_bytes + (generous ? kRetryReserve : 0);
  if (tsa == nullptr) return bytes;
  const std::size_t seen = tsa->largest_token_bytes();
  return bytes + (generous || seen == 0 ? kUnknownTokenReserve : seen + kTokenMargin);
}

// A text string for the signature dictionary: PDFDocEncoding when the text is printable
// ASCII (one byte a character, e.g. the default /Reason), else UTF-16BE, which PoDoFo
// writes for every pdf_utf8 string (twice the bytes and a byte-order mark).
PdfString text_string(const std::string& utf8) {
  const bool ascii = std::all_of(utf8.begin(), utf8.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  return ascii ? PdfString(utf8) : PdfString(reinterpret_cast<const pdf_utf8*>(utf8.c_str()));
}

std::string common_name(X509* certificate) {
  char name[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, name, sizeof name);
  return name;
}

std::string existing_xmp(PdfObject* catalog) {
  PdfObject* metadata = catalog->GetIndirectKey(PdfName("Metadata"));
  if (metadata == nullptr || !metadata->HasStream()) return "";
  char* buffer = nullptr;
  pdf_long length = 0;
  metadata->GetStream()->GetFilteredCopy(&buffer, &length);
  std::string xmp(buffer, static_cast<std::size_t>(length));
  podofo_free(buffer);
  return xmp;
}

void bind_note(PdfMemDocument& document, const std::string& note_sha256) {
  PdfObject* catalog = document.GetCatalog();
  const std::string xmp = bind_transfer_note_hash(existing_xmp(catalog), note_sha256);
  // The packet replaces the existing metadata stream's content in the update (PoDoFo writes
  // that object again anyway once it was read); a new object would leave a third copy.
  PdfObject* metadata = catalog->GetIndirectKey(PdfName("Metadata"));
  if (metadata == nullptr || !metadata->HasStream()) {
    metadata = document.GetObjects().CreateObject("Metadata");
    metadata->GetDictionary().AddKey(PdfName("Subtype"), PdfName("XML"));
    catalog->GetDictionary().AddKey(PdfName("Metadata"), metadata->Reference());
  }
  metadata->GetStream()->Set(xmp.data(), static_cast<pdf_long>(xmp.size()), TVecFilters());  // unfiltered (PDF/A)
}

// PoDoFo stamps a loaded document's Info dictionary with the load time as /ModDate, so the
// update would write it again (185 bytes on a ZPE letter) with a /ModDate that no longer
// matches the XMP's xmp:ModifyDate, which PDF/A requires. The original object, parsed once
// more from the input, goes back in its place unchanged and so stays out of the update; the
// signature's /M says when the document was signed. *stamped keeps PoDoFo's copy alive for
// the document's PdfInfo, which still points to it.
void keep_original_info(PdfMemDocument& document, std::string_view pdf, std::unique_ptr<PdfObject>* stamped) {
  const PdfObject* info = document.GetTrailer()->GetDictionary().GetKey(PdfName("Info"));
  if (info == nullptr || !info->IsReference()) return;
  PdfVecObjects input_objects;
  input_objects.SetAutoDelete(true);  // else PdfVecObjects leaves the parsed objects (and the input copy) behind
  PdfParser parser(&input_objects, pdf.data(), static_cast<long>(pdf.size()));
  const PdfObject* original = input_objects.GetObject(info->GetReference());
  if (original == nullptr || !original->IsDictionary()) return;
  auto unchanged = std::make_unique<PdfObject>(*original);
  stamped->reset(document.GetObjects().RemoveObject(info->GetReference(), false));
  document.GetObjects().push_back(unchanged.release());
}

std::string field_name(PdfMemDocument& document) {
  PdfObject* fields = document.GetAcroForm()->GetObject()->GetIndirectKey(PdfName("Fields"));
  const std::size_t existing = fields != nullptr && fields->IsArray() ? fields->GetArray().size() : 0;
  return "ZPE-Signature-" + std::to_string(existing + 1);
}

void draw_stamp(PdfMemDocument& document, PdfSignatureField& field, const PadesOptions& options,
                const std::string& signer, const PdfDate& date) {
  const VisibleStamp& stamp = options.stamp;
  PdfRect box(0, 0, stamp.width_pt, stamp.height_pt);
  PdfXObject appearance(box, &document);
  PdfFont* font = document.CreateFont("DejaVu Sans", false, false, false,
                                      PdfEncodingFactory::GlobalWinAnsiEncodingInstance(),
                                      PdfFontCache::eFontCreationFlags_None, true, stamp.font_file.c_str());
  PdfPainter painter;
  painter.SetPage(&appearance);
  painter.SetStrokeWidth(0.8);
  painter.Rectangle(0.5, 0.5, stamp.width_pt - 1, stamp.height_pt - 1);
  painter.Stroke();
  PdfString when;
  date.ToString(when);
  if (font != nullptr) {
    font->SetFontSize(8);
    painter.SetFont(font);
    painter.DrawText(6, stamp.height_pt - 14, PdfString("Qualifiziert elektronisch signiert"));
    painter.DrawText(6, stamp.height_pt - 26, PdfString(reinterpret_cast<const pdf_utf8*>(signer.c_str())));
    painter.DrawText(6, stamp.height_pt - 38, when);
  }
  painter.FinishPage();
  field.SetAppearanceStream(&appearance);
}

// Adds the field and signature dictionary; the caller writes the update through `device`.
void add_signature_field(PdfMemDocument& document, PdfSignOutputDevice& device, const SigningKey& key,
                         const PadesOptions& options) {
  PdfAcroForm* form = document.GetAcroForm(true, ePdfAcroFormDefaultAppearance_None);
  form->GetObject()->GetDictionary().AddKey(PdfName("SigFlags"), PdfObject(static_cast<pdf_int64>(3)));
  const std::string name = field_name(document);
  PdfPage* page = document.GetPage(0);
  const VisibleStamp& stamp = options.stamp;
  const PdfRect rect = stamp.enabled ? PdfRect(stamp.x_pt, stamp.y_pt, stamp.width_pt, stamp.height_pt)
                                     : PdfRect(0, 0, 0, 0);
  PdfAnnotation* widget = page->CreateAnnotation(ePdfAnnotation_Widget, rect);
  widget->SetFlags(ePdfAnnotationFlags_Print | ePdfAnnotationFlags_Locked);
  PdfSignatureField field(widget, form, &document);
  field.SetFieldName(PdfString(name));
  field.SetSignatureReason(text_string(options.reason));
  if (!options.location.empty()) {
    field.SetSignatureLocation(text_string(options.location));
  }
  const PdfDate date(options.signing_time != 0 ? options.signing_time : std::time(nullptr));
  field.SetSignatureDate(date);
  const std::string signer = options.signer_name.empty() ? common_name(key.certificate()) : options.signer_name;
  if (!signer.empty()) {
    field.GetSignatureObject()->GetDictionary().AddKey(PdfName("Name"), text_string(signer));
  }
  if (stamp.enabled) draw_stamp(document, field, options, signer, date);
  field.SetSignature(*device.GetSignatureBeacon());
  field.GetSignatureObject()->GetDictionary().AddKey(PdfName("SubFilter"), PdfName("ETSI.CAdES.detached"));
}

}  // namespace

namespace {

// One attempt with the given reserve; *too_small when the CMS did not fit into it.
Result<std::string> sign_with_reserve(std::string_view pdf, const SigningKey& key, TimestampClient* tsa,
                                      const PadesOptions& options, std::size_t reserve, bool* too_small) {
  if (pdf_uses_name(pdf, "Encrypt")) {  // PoDoFo 0.9.8 crashes on damaged ones (pipeline/pdf_names.h)
    return fail(ErrorKind::kInvalidInput, "the PDF is encrypted: ZPE signs unencrypted PDFs only");
  }
  PdfError::EnableLogging(false);
  PdfError::EnableDebug(false);
  PdfRefCountedBuffer buffer;
  PdfOutputDevice output(&buffer);
  PdfSignOutputDevice device(&output);
  std::unique_ptr<PdfObject> stamped_info;  // outlives the document, whose PdfInfo points to it
  try {
    PdfMemDocument document;
    document.LoadFromBuffer(pdf.data(), static_cast<long>(pdf.size()), true);
    keep_original_info(document, pdf, &stamped_info);
    if (document.GetPageCount() < 1 || document.GetPage(0) == nullptr) {
      return fail(ErrorKind::kInvalidInput, "the PDF has no readable first page to sign");
    }
    device.SetSignatureSize(reserve);
    if (!options.transfer_note_sha256.empty()) bind_note(document, options.transfer_note_sha256);
    add_signature_field(document, device, key, options);
    document.WriteUpdate(&device, true);
  } catch (const PdfError& error) {
    const char* name = PdfError::ErrorName(error.GetError());
    return fail(ErrorKind::kInvalidInput, std::string("the PDF cannot be prepared for signing (") +
                                              (name != nullptr ? name : "PoDoFo error") + ")");
  }
  if (!device.HasSignaturePosition()) return fail(ErrorKind::kInternal, "PoDoFo wrote no signature placeholder");
  try {
    device.AdjustByteRange();
    device.Seek(0);
    std::string signed_bytes;
    char chunk[65536];
    while (const std::size_t n = device.ReadForSignature(chunk, sizeof chunk)) signed_bytes.append(chunk, n);
    auto cms = build_cades_signature(signed_bytes, key, tsa);
    if (!cms) return fail(cms.error());
    if (cms->size() > device.GetSignatureSize()) {
      *too_small = true;
      return fail(ErrorKind::kInternal, "the CMS signature (" + std::to_string(cms->size()) +
                                            " bytes) does not fit the reserved space");
    }
    device.SetSignature(PdfData(cms->data(), cms->size()));
    device.Flush();
  } catch (const PdfError& error) {
    const char* name = PdfError::ErrorName(error.GetError());
    return fail(ErrorKind::kInternal, std::string("writing the signature failed (") +
                                          (name != nullptr ? name : "PoDoFo error") + ")");
  }
  return std::string(buffer.GetBuffer(), output.GetLength());
}

}  // namespace

Result<std::string> sign_pdf(std::string_view pdf, const SigningKey& key, TimestampClient* tsa,
                             const PadesOptions& options) {
  bool too_small = false;
  auto reserve = signature_reserve(key, tsa, false);
  if (!reserve) return fail(reserve.error());
  auto signed_pdf = sign_with_reserve(pdf, key, tsa, options, *reserve, &too_small);
  if (signed_pdf || !too_small) return signed_pdf;
  auto generous = signature_reserve(key, tsa, true);
  if (!generous) return fail(generous.error());
  return sign_with_reserve(pdf, key, tsa, options, *generous, &too_small);
}

}  // namespace zpe::signing
