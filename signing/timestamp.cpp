#include "signing/timestamp.h"

#include <algorithm>
#include <memory>

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ts.h>

#include "signing/cades.h"

namespace zpe::signing {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using TsReq = std::unique_ptr<TS_REQ, Deleter<TS_REQ, TS_REQ_free>>;
using TsResp = std::unique_ptr<TS_RESP, Deleter<TS_RESP, TS_RESP_free>>;
using TsVerify = std::unique_ptr<TS_VERIFY_CTX, Deleter<TS_VERIFY_CTX, TS_VERIFY_CTX_free>>;
using Pkcs7 = std::unique_ptr<PKCS7, Deleter<PKCS7, PKCS7_free>>;

std::string sha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

template <class T>
std::string to_der(const T* object, int (*encode)(const T*, unsigned char**)) {
  unsigned char* der = nullptr;
  const int length = encode(object, &der);
  if (length <= 0) return "";
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

TsReq make_request(const std::string& digest) {
  TsReq request(TS_REQ_new());
  TS_REQ_set_version(request.get(), 1);
  TS_MSG_IMPRINT* imprint = TS_MSG_IMPRINT_new();
  X509_ALGOR* algorithm = X509_ALGOR_new();
  X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr);
  TS_MSG_IMPRINT_set_algo(imprint, algorithm);
  TS_MSG_IMPRINT_set_msg(imprint, reinterpret_cast<unsigned char*>(const_cast<char*>(digest.data())),
                         static_cast<int>(digest.size()));
  TS_REQ_set_msg_imprint(request.get(), imprint);
  TS_MSG_IMPRINT_free(imprint);
  X509_ALGOR_free(algorithm);
  unsigned char nonce_bytes[8];
  RAND_bytes(nonce_bytes, sizeof nonce_bytes);
  nonce_bytes[0] &= 0x7f;
  ASN1_INTEGER* nonce = ASN1_INTEGER_new();
  BIGNUM* value = BN_bin2bn(nonce_bytes, sizeof nonce_bytes, nullptr);
  BN_to_ASN1_INTEGER(value, nonce);
  TS_REQ_set_nonce(request.get(), nonce);
  ASN1_INTEGER_free(nonce);
  BN_free(value);
  TS_REQ_set_cert_req(request.get(), 1);
  return request;
}

Result<X509_STORE*> load_trust(const std::string& file) {
  X509_STORE* store = X509_STORE_new();
  if (X509_STORE_load_file(store, file.c_str()) != 1) {
    X509_STORE_free(store);
    return fail(ErrorKind::kNotFound, "TSA trust file " + file + " cannot be read");
  }
  return store;
}

std::string status_text(TS_RESP* response) {
  TS_STATUS_INFO* info = TS_RESP_get_status_info(response);
  const long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(info));
  std::string text = "status " + std::to_string(status);
  if (const STACK_OF(ASN1_UTF8STRING)* texts = TS_STATUS_INFO_get0_text(info)) {
    for (int i = 0; i < sk_ASN1_UTF8STRING_num(texts); ++i) {
      const ASN1_UTF8STRING* t = sk_ASN1_UTF8STRING_value(texts, i);
      text += ": " + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(t)), ASN1_STRING_length(t));
    }
  }
  return text;
}

}  // namespace

Result<std::string> TimestampClient::post(const std::string& request_der) {
  const std::string& url = config_.url;
  const std::size_t scheme_end = url.find("://");
  const std::size_t path_begin = scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
  const std::string origin = url.substr(0, path_begin);
  const std::string path = path_begin == std::string::npos ? "/" : url.substr(path_begin);
  httplib::Client client(origin);
  if (!client.is_valid()) return fail(ErrorKind::kInvalidInput, "TSA URL " + url + " is not a valid http(s) URL");
  const auto seconds = static_cast<time_t>(config_.timeout_ms / 1000);
  const auto micros = static_cast<time_t>((config_.timeout_ms % 1000) * 1000);
  client.set_connection_timeout(seconds, micros);
  client.set_read_timeout(seconds, micros);
  client.set_write_timeout(seconds, micros);
  auto response = client.Post(path, request_der, "application/timestamp-query");
  if (!response) {
    return fail(ErrorKind::kUnavailable,
                "TSA " + url + " did not answer (" + httplib::to_string(response.error()) + ") — retrying later");
  }
  if (response->status != 200) {
    return fail(ErrorKind::kUnavailable, "TSA " + url + " answered HTTP " + std::to_string(response->status));
  }
  return response->body;
}

Result<std::string> TimestampClient::timestamp(std::string_view data) {
  const std::string digest = sha256(data);
  TsReq request = make_request(digest);
  auto body = post(to_der(request.get(), i2d_TS_REQ));
  if (!body) return fail(body.error());
  const auto* bytes = reinterpret_cast<const unsigned char*>(body->data());
  TsResp response(d2i_TS_RESP(nullptr, &bytes, static_cast<long>(body->size())));
  if (!response) return fail(ErrorKind::kInvalidInput, "TSA " + config_.url + " sent no valid TimeStampResp");
  if (TS_RESP_get_token(response.get()) == nullptr) {
    return fail(ErrorKind::kInvalidInput, "TSA " + config_.url + " refused the request (" +
                                              status_text(response.get()) + ")");
  }
  TsVerify context(TS_REQ_to_TS_VERIFY_CTX(request.get(), nullptr));
  if (!config_.trust_file.empty()) {
    auto trust = load_trust(config_.trust_file);
    if (!trust) return fail(trust.error());
    TS_VERIFY_CTX_set_store(context.get(), *trust);
    TS_VERIFY_CTX_add_flags(context.get(), TS_VFY_SIGNATURE);
  }
  if (TS_RESP_verify_response(context.get(), response.get()) != 1) {
    return fail(ErrorKind::kInvalidInput, "TSA " + config_.url + " answer does not check out (" +
                                              openssl_error_text() + ")");
  }
  std::string token = to_der(TS_RESP_get_token(response.get()), i2d_PKCS7);
  largest_token_bytes_ = std::max(largest_token_bytes_, token.size());
  return token;
}

Result<std::string> verify_timestamp_token(std::string_view token_der, std::string_view stamped_data,
                                           X509_STORE* trust) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(token_der.data());
  Pkcs7 token(d2i_PKCS7(nullptr, &bytes, static_cast<long>(token_der.size())));
  if (!token) return fail(ErrorKind::kInvalidInput, "the timestamp token is not a valid CMS structure");
  TsVerify context(TS_VERIFY_CTX_new());
  const std::string digest = sha256(stamped_data);
  auto* imprint = static_cast<unsigned char*>(OPENSSL_malloc(digest.size()));
  std::copy(digest.begin(), digest.end(), imprint);
  TS_VERIFY_CTX_set_imprint(context.get(), imprint, static_cast<long>(digest.size()));
  X509_STORE_up_ref(trust);
  TS_VERIFY_CTX_set_store(context.get(), trust);
  TS_VERIFY_CTX_add_flags(context.get(), TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_SIGNATURE);
  if (TS_RESP_verify_token(context.get(), token.get()) != 1) {
    return fail(ErrorKind::kInvalidInput, "timestamp token invalid (" + openssl_error_text() + ")");
  }
  TS_TST_INFO* info = PKCS7_to_TS_TST_INFO(token.get());
  std::string time;
  if (info != nullptr) {
    const ASN1_GENERALIZEDTIME* at = TS_TST_INFO_get_time(info);
    time.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(at)), ASN1_STRING_length(at));
    TS_TST_INFO_free(info);
  }
  return time;
}

}  // namespace zpe::signing
