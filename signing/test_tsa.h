// TestTsa: a small RFC 3161 time-stamp authority on 127.0.0.1 for tests and the demo
// (`zpe test-tsa`). Not a production TSA: it signs with a key from a file and answers
// every well-formed request; the certificate (scripts/make-test-ca.sh tsa.pem) says so.
//
// start() binds a port (0: any free one) on loopback only and serves POST / with
// application/timestamp-query -> application/timestamp-reply, built with OpenSSL's
// TS_RESP_* API (SHA-256, ESS signing-certificate-v2, TSA certificate included). The
// server runs on its own thread; the destructor stops it. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "pipeline/status.h"

namespace zpe::signing {

class TestTsa {
 public:
  // cert_file: the TSA certificate (EKU timeStamping, critical) optionally followed by its chain.
  static Result<std::unique_ptr<TestTsa>> start(const std::string& cert_file, const std::string& key_file, int port = 0);
  ~TestTsa();
  TestTsa(const TestTsa&) = delete;
  TestTsa& operator=(const TestTsa&) = delete;

  std::string url() const;       // "http://127.0.0.1:<port>/"
  int requests_served() const;   // how many tokens were issued

  struct State;

 private:
  TestTsa() = default;
  std::unique_ptr<State> state_;
};

}  // namespace zpe::signing
