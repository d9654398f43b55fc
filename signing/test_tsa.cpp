#include "signing/test_tsa.h"

#include <atomic>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/ts.h>

#include "signing/signing_key.h"

namespace zpe::signing {

namespace {

ASN1_INTEGER* next_serial(TS_RESP_CTX*, void* data) {
  auto* counter = static_cast<std::atomic<long>*>(data);
  ASN1_INTEGER* serial = ASN1_INTEGER_new();
  ASN1_INTEGER_set(serial, ++*counter);
  return serial;
}

}  // namespace

struct TestTsa::State {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::mutex mutex;  // TS_RESP_CTX is not thread-safe
  TS_RESP_CTX* context = nullptr;
  X509* certificate = nullptr;
  STACK_OF(X509)* chain = nullptr;
  EVP_PKEY* key = nullptr;
  std::atomic<long> serial{0};
  std::atomic<int> served{0};

  ~State() {
    server.stop();
    if (thread.joinable()) thread.join();
    TS_RESP_CTX_free(context);
    X509_free(certificate);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
  }

  std::string respond(const std::string& request) {
    std::lock_guard<std::mutex> lock(mutex);
    BIO* in = BIO_new_mem_buf(request.data(), static_cast<int>(request.size()));
    TS_RESP* response = TS_RESP_create_response(context, in);
    BIO_free(in);
    if (response == nullptr) return "";
    unsigned char* der = nullptr;
    const int length = i2d_TS_RESP(response, &der);
    if (TS_RESP_get_token(response) != nullptr) ++served;
    TS_RESP_free(response);
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length > 0 ? length : 0));
    OPENSSL_free(der);
    return out;
  }
};

Result<std::unique_ptr<TestTsa>> TestTsa::start(const std::string& cert_file, const std::string& key_file, int port) {
  std::unique_ptr<TestTsa> tsa(new TestTsa());
  tsa->state_ = std::make_unique<State>();
  State& s = *tsa->state_;
  auto certificates = read_pem_certificates(cert_file);
  if (!certificates) return fail(certificates.error());
  s.certificate = certificates->front();
  s.chain = sk_X509_new_null();
  for (std::size_t i = 1; i < certificates->size(); ++i) sk_X509_push(s.chain, (*certificates)[i]);
  FILE* file = std::fopen(key_file.c_str(), "r");
  if (file != nullptr) {
    s.key = PEM_read_PrivateKey(file, nullptr, nullptr, nullptr);
    std::fclose(file);
  }
  if (s.key == nullptr) return fail(ErrorKind::kNotFound, "test TSA key " + key_file + " cannot be read");
  s.context = TS_RESP_CTX_new();
  if (TS_RESP_CTX_set_signer_cert(s.context, s.certificate) != 1 || TS_RESP_CTX_set_signer_key(s.context, s.key) != 1) {
    return fail(ErrorKind::kInvalidInput, "test TSA certificate " + cert_file +
                                              " is not usable for time-stamping (needs critical EKU timeStamping)");
  }
  TS_RESP_CTX_set_certs(s.context, s.chain);
  TS_RESP_CTX_set_signer_digest(s.context, EVP_sha256());
  TS_RESP_CTX_set_ess_cert_id_digest(s.context, EVP_sha256());
  ASN1_OBJECT* policy = OBJ_txt2obj("1.3.6.1.4.1.4146.2.3", 1);  // an example TSA policy OID, test use
  TS_RESP_CTX_set_def_policy(s.context, policy);
  ASN1_OBJECT_free(policy);
  TS_RESP_CTX_add_md(s.context, EVP_sha256());
  TS_RESP_CTX_add_md(s.context, EVP_sha512());
  TS_RESP_CTX_set_accuracy(s.context, 1, 0, 0);
  TS_RESP_CTX_set_serial_cb(s.context, next_serial, &s.serial);

  s.server.Post("/", [&s](const httplib::Request& request, httplib::Response& response) {
    const std::string reply = s.respond(request.body);
    if (reply.empty()) {
      response.status = 500;
      return;
    }
    response.set_content(reply, "application/timestamp-reply");
  });
  s.port = port == 0 ? s.server.bind_to_any_port("127.0.0.1") : (s.server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (s.port <= 0) return fail(ErrorKind::kUnavailable, "test TSA cannot bind 127.0.0.1:" + std::to_string(port));
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
  // stop() before the server runs would be lost and the join would hang: wait until it runs.
  for (int i = 0; i < 500 && !s.server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return tsa;
}

TestTsa::~TestTsa() = default;

std::string TestTsa::url() const { return "http://127.0.0.1:" + std::to_string(state_->port) + "/"; }

int TestTsa::requests_served() const { return state_->served.load(); }

}  // namespace zpe::signing
