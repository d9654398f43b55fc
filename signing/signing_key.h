// SigningKey: the signer's private key and certificate chain, as the CMS builder needs them.
//
// The key is named by a spec string from config ([stages.sign] key):
//   "pem:<path>"                                   a PEM private key file (development only)
//   "pkcs11:<module path>;token=<label>;object=<label>"  a key inside an HSM or signature card,
//                                                  reached through its PKCS#11 module
// With PKCS#11 the private key never leaves the token: OpenSSL gets an EVP_PKEY whose sign
// operation calls C_Sign on the token (signing/pkcs11_key.h). The PIN (token user PIN, or the
// passphrase of an encrypted PEM file) comes from $ZPE_SIGN_PIN or from a file named in
// config (pin_file) — never from the command line — and is never logged or put in a message.
//
// A SigningKey is used by one thread at a time (one per worker process or bench thread).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pipeline/status.h"

namespace zpe::signing {

// Where the key and certificates come from (all paths as given in config).
struct SigningKeyConfig {
  std::string key;                       // "pem:..." or "pkcs11:..." (see above)
  std::string certificate;               // PEM: the signer certificate, optionally followed by its chain
  std::vector<std::string> chain;        // further PEM files with intermediate (/ root: not embedded) certificates
  std::string pin_file;                  // file holding the PIN; $ZPE_SIGN_PIN wins when set
};

class SigningKey {
 public:
  // Opens the key (logs in to the token for PKCS#11) and loads the certificates. Errors name
  // the file or token and what to do; they never contain the PIN.
  static Result<std::unique_ptr<SigningKey>> open(const SigningKeyConfig& config);

  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  EVP_PKEY* private_key() const { return key_; }
  X509* certificate() const { return certificate_; }
  // The certificates to embed after the signer's: the intermediates, in order. Self-signed
  // roots in the configured files are left out (about 0.9 KB of DER, 1.8 KB of /Contents
  // hex a document): a verifier must take the root from its own trust store, never from
  // the signature.
  STACK_OF(X509)* chain() const { return chain_; }
  // e.g. "PEM key file /x/signer.key" or "PKCS#11 token 'zpe' object 'signer'" (no secrets).
  const std::string& description() const { return description_; }

 private:
  SigningKey() = default;

  std::shared_ptr<void> token_;  // keeps a PKCS#11 session open while key_ lives
  EVP_PKEY* key_ = nullptr;
  X509* certificate_ = nullptr;
  STACK_OF(X509)* chain_ = nullptr;
  std::string description_;
};

// The PIN: $ZPE_SIGN_PIN when set and non-empty, else the first line of pin_file, else "".
Result<std::string> read_pin(const std::string& pin_file);

// All certificates in a PEM file, in file order.
Result<std::vector<X509*>> read_pem_certificates(const std::string& path);

}  // namespace zpe::signing
