#include "signing/cades.h"

#include <algorithm>
#include <memory>
#include <vector>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

namespace zpe::signing {

namespace {

struct CmsFree {
  void operator()(CMS_ContentInfo* cms) const { CMS_ContentInfo_free(cms); }
};
using Cms = std::unique_ptr<CMS_ContentInfo, CmsFree>;

tl::unexpected<Error> failure(const std::string& what) {
  return fail(ErrorKind::kInternal, "building the CMS signature: " + what + " (" + openssl_error_text() + ")");
}

Status add_signing_certificate_v2(CMS_SignerInfo* signer, X509* certificate) {
  ESS_SIGNING_CERT_V2* ess = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), certificate, nullptr, 1);
  if (ess == nullptr) return fail(ErrorKind::kInternal, "cannot build ESS signing-certificate-v2");
  unsigned char* der = nullptr;
  const int length = i2d_ESS_SIGNING_CERT_V2(ess, &der);
  ESS_SIGNING_CERT_V2_free(ess);
  const int added = length > 0 ? CMS_signed_add1_attr_by_NID(signer, NID_id_smime_aa_signingCertificateV2,
                                                              V_ASN1_SEQUENCE, der, length)
                               : 0;
  OPENSSL_free(der);
  if (added != 1) return fail(ErrorKind::kInternal, "cannot add ESS signing-certificate-v2");
  return {};
}

// DER of the signed attributes as a SET OF (what the signature covers, RFC 5652 5.4):
// each attribute encoded, sorted by encoding as DER requires, wrapped in a SET header.
std::string signed_attributes_der(CMS_SignerInfo* signer) {
  std::vector<std::string> encoded;
  for (int i = 0; i < CMS_signed_get_attr_count(signer); ++i) {
    unsigned char* der = nullptr;
    const int length = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(signer, i), &der);
    if (length > 0) encoded.emplace_back(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
  }
  std::sort(encoded.begin(), encoded.end());
  std::string body;
  for (const std::string& one : encoded) body += one;
  std::string header = "\x31";
  if (body.size() < 0x80) {
    header.push_back(static_cast<char>(body.size()));
  } else {
    std::string length;
    for (std::size_t n = body.size(); n > 0; n >>= 8) length.insert(length.begin(), static_cast<char>(n & 0xff));
    header.push_back(static_cast<char>(0x80 | length.size()));
    header += length;
  }
  return header + body;
}

Result<std::string> sign_bytes(EVP_PKEY* key, const std::string& to_be_signed) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(to_be_signed.data());
  if (EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length, data, to_be_signed.size()) != 1) {
    return failure("the key cannot sign");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                     to_be_signed.size()) != 1) {
    return fail(ErrorKind::kUnavailable, "the signing key refused to sign (" + openssl_error_text() +
                                             ") — is the token present and logged in?");
  }
  signature.resize(length);
  return signature;
}

}  // namespace

std::string openssl_error_text() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no OpenSSL detail";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

namespace {

// The CMS up to its signature value: the signer and its chain, the signed attributes over
// `digest`. *signer is its one SignerInfo.
Result<Cms> cms_to_sign(const SigningKey& key, const unsigned char (&digest)[SHA256_DIGEST_LENGTH],
                        CMS_SignerInfo** signer) {
  const unsigned flags = CMS_PARTIAL | CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP;
  Cms cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
  if (!cms) return failure("CMS_sign");
  *signer = CMS_add1_signer(cms.get(), key.certificate(), key.private_key(), EVP_sha256(), flags);
  if (*signer == nullptr) return failure("the certificate and key cannot form a signer");
  for (int i = 0; i < sk_X509_num(key.chain()); ++i) CMS_add1_cert(cms.get(), sk_X509_value(key.chain(), i));
  if (CMS_signed_add1_attr_by_NID(*signer, NID_pkcs9_contentType, V_ASN1_OBJECT, OBJ_nid2obj(NID_pkcs7_data), -1) != 1 ||
      CMS_signed_add1_attr_by_NID(*signer, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest, sizeof digest) != 1) {
    return failure("content-type / message-digest attributes");
  }
  if (auto added = add_signing_certificate_v2(*signer, key.certificate()); !added) {
    return failure(added.error().message);
  }
  return cms;
}

Result<std::string> encode(CMS_ContentInfo* cms) {
  unsigned char* der = nullptr;
  const int length = i2d_CMS_ContentInfo(cms, &der);
  if (length <= 0) return failure("encoding");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<std::string> build_cades_signature(std::string_view signed_bytes, const SigningKey& key,
                                          TimestampClient* tsa) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(signed_bytes.data()), signed_bytes.size(), digest);
  CMS_SignerInfo* signer = nullptr;
  auto cms = cms_to_sign(key, digest, &signer);
  if (!cms) return fail(cms.error());

  auto signature = sign_bytes(key.private_key(), signed_attributes_der(signer));
  if (!signature) return fail(signature.error());
  ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(signer);
  ASN1_STRING_set(value, signature->data(), static_cast<int>(signature->size()));

  if (tsa != nullptr) {
    auto token = tsa->timestamp(*signature);
    if (!token) return fail(token.error());
    if (CMS_unsigned_add1_attr_by_NID(signer, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, token->data(),
                                      static_cast<int>(token->size())) != 1) {
      return failure("adding the signature timestamp");
    }
  }
  return encode(cms->get());
}

Result<std::size_t> cades_signature_bytes(const SigningKey& key) {
  const unsigned char digest[SHA256_DIGEST_LENGTH] = {};
  CMS_SignerInfo* signer = nullptr;
  auto cms = cms_to_sign(key, digest, &signer);
  if (!cms) return fail(cms.error());
  const int largest = EVP_PKEY_size(X509_get0_pubkey(key.certificate()));
  if (largest <= 0) return fail(ErrorKind::kInternal, "building the CMS signature: the signing key has no size");
  const std::string filler(static_cast<std::size_t>(largest), '\xff');
  ASN1_STRING_set(CMS_SignerInfo_get0_signature(signer), filler.data(), largest);
  auto der = encode(cms->get());
  if (!der) return fail(der.error());
  return der->size();
}

}  // namespace zpe::signing
