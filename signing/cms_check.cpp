#include "signing/cms_check.h"

#include <memory>
#include <string>

#include <openssl/cms.h>
#include <openssl/ess.h>

#include "signing/cades.h"
#include "signing/timestamp.h"

namespace zpe::signing {

namespace {

struct CmsFree {
  void operator()(CMS_ContentInfo* cms) const { CMS_ContentInfo_free(cms); }
};

void add(SignatureReport& report, const std::string& name, bool passed, const std::string& detail) {
  report.checks.push_back(Check{name, passed, detail});
}

// The DER inside a SEQUENCE-typed attribute value, or "".
std::string attribute_der(X509_ATTRIBUTE* attribute) {
  if (attribute == nullptr) return "";
  ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attribute, 0);
  if (value == nullptr || value->type != V_ASN1_SEQUENCE) return "";
  return std::string(reinterpret_cast<const char*>(value->value.sequence->data),
                     static_cast<std::size_t>(value->value.sequence->length));
}

std::string subject(X509* certificate) {
  char text[512];
  X509_NAME_oneline(X509_get_subject_name(certificate), text, sizeof text);
  return text;
}

void check_digest(CMS_SignerInfo* signer, X509_ALGOR* digest_algorithm, std::string_view signed_bytes,
                  SignatureReport& report) {
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, digest_algorithm);
  const EVP_MD* md = EVP_get_digestbyobj(oid);
  X509_ATTRIBUTE* attribute = CMS_signed_get_attr(signer, CMS_signed_get_attr_by_NID(signer, NID_pkcs9_messageDigest, -1));
  ASN1_TYPE* value = attribute != nullptr ? X509_ATTRIBUTE_get0_type(attribute, 0) : nullptr;
  if (md == nullptr || value == nullptr || value->type != V_ASN1_OCTET_STRING) {
    add(report, "digest", false, "the CMS has no message-digest attribute or an unknown digest algorithm");
    return;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(signed_bytes.data(), signed_bytes.size(), digest, &length, md, nullptr);
  const bool same = static_cast<int>(length) == value->value.octet_string->length &&
                    std::equal(digest, digest + length, value->value.octet_string->data);
  add(report, "digest", same,
      same ? std::string(EVP_MD_get0_name(md)) + " of the covered bytes matches the signed message digest"
           : "the covered bytes do not match the signed message digest — the document was modified after signing");
}

void check_ess(CMS_SignerInfo* signer, X509* certificate, SignatureReport& report) {
  const std::string der =
      attribute_der(CMS_signed_get_attr(signer, CMS_signed_get_attr_by_NID(signer, NID_id_smime_aa_signingCertificateV2, -1)));
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  ESS_SIGNING_CERT_V2* ess = der.empty() ? nullptr : d2i_ESS_SIGNING_CERT_V2(nullptr, &bytes, static_cast<long>(der.size()));
  if (ess == nullptr) {
    add(report, "signing-certificate", false, "no ESS signing-certificate-v2 attribute (required by PAdES)");
    return;
  }
  STACK_OF(X509)* chain = sk_X509_new_null();
  sk_X509_push(chain, certificate);
  const bool ok = OSSL_ESS_check_signing_certs(nullptr, ess, chain, 1) == 1;
  sk_X509_free(chain);
  ESS_SIGNING_CERT_V2_free(ess);
  add(report, "signing-certificate", ok,
      ok ? "ESS signing-certificate-v2 names the signer certificate"
         : "ESS signing-certificate-v2 does not match the signer certificate (" + openssl_error_text() + ")");
}

void check_trust(CMS_ContentInfo* cms, X509* certificate, X509_STORE* trust, SignatureReport& report) {
  STACK_OF(X509)* embedded = CMS_get1_certs(cms);
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  X509_STORE_CTX_init(context, trust, certificate, embedded);
  X509_STORE_CTX_set_default(context, "smime_sign");
  const bool ok = X509_verify_cert(context) == 1;
  const std::string why = ok ? "" : X509_verify_cert_error_string(X509_STORE_CTX_get_error(context));
  X509_STORE_CTX_free(context);
  sk_X509_pop_free(embedded, X509_free);
  add(report, "trust", ok, ok ? "the signer certificate chains to the trust store"
                              : "the signer certificate does not chain to the trust store: " + why);
}

void check_timestamp(CMS_SignerInfo* signer, X509_STORE* trust, bool required, SignatureReport& report) {
  const std::string token =
      attribute_der(CMS_unsigned_get_attr(signer, CMS_unsigned_get_attr_by_NID(signer, NID_id_smime_aa_timeStampToken, -1)));
  if (token.empty()) {
    report.level = "PAdES B-B";
    add(report, "timestamp", !required, required ? "no signature timestamp, but one is required" : "none (level B-B)");
    return;
  }
  report.level = "PAdES B-T";
  const ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(signer);
  const std::string_view stamped(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                 static_cast<std::size_t>(ASN1_STRING_length(value)));
  auto time = verify_timestamp_token(token, stamped, trust);
  if (time) report.timestamp_time = *time;
  add(report, "timestamp", time.has_value(),
      time ? "RFC 3161 token over the signature value, time " + *time + ", TSA chains to the trust store"
           : time.error().message);
}

}  // namespace

void check_cms(std::string_view cms_der, std::string_view signed_bytes, X509_STORE* trust, bool require_timestamp,
               SignatureReport& report) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(cms_der.data());
  std::unique_ptr<CMS_ContentInfo, CmsFree> cms(d2i_CMS_ContentInfo(nullptr, &bytes, static_cast<long>(cms_der.size())));
  if (!cms || OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
    add(report, "cms", false, "universal signature forgery: /Contents is not a CMS SignedData structure");
    return;
  }
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
  if (sk_CMS_SignerInfo_num(signers) != 1) {
    add(report, "cms", false, "the CMS must have exactly one signer, it has " +
                                  std::to_string(sk_CMS_SignerInfo_num(signers)));
    return;
  }
  CMS_SignerInfo* signer = sk_CMS_SignerInfo_value(signers, 0);
  CMS_set1_signers_certs(cms.get(), nullptr, 0);
  X509* certificate = nullptr;
  X509_ALGOR* digest_algorithm = nullptr;
  CMS_SignerInfo_get0_algs(signer, nullptr, &certificate, &digest_algorithm, nullptr);
  if (certificate == nullptr) {
    add(report, "cms", false, "the signer certificate is not embedded in the CMS");
    return;
  }
  report.signer = subject(certificate);
  add(report, "cms", true, "CMS SignedData, one signer, certificate embedded");
  check_digest(signer, digest_algorithm, signed_bytes, report);
  const bool signature_ok = CMS_SignerInfo_verify(signer) == 1;
  add(report, "signature", signature_ok,
      signature_ok ? "the signature value over the signed attributes is valid"
                   : "the signature value is invalid (" + openssl_error_text() + ")");
  check_ess(signer, certificate, report);
  check_trust(cms.get(), certificate, trust, report);
  check_timestamp(signer, trust, require_timestamp, report);
}

}  // namespace zpe::signing
