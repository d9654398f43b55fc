// A private key inside a PKCS#11 token (HSM, signature card, SoftHSM in tests), presented to
// OpenSSL as an EVP_PKEY whose private operation is C_Sign on the token. Used by SigningKey
// (signing_key.h); nothing else talks PKCS#11.
//
// The module is loaded with dlopen and stays loaded for the life of the process (modules
// do not like being initialised twice). RSA keys are signed with CKM_RSA_PKCS over the
// DigestInfo OpenSSL builds; EC keys with CKM_ECDSA over the digest. The key object's
// public half is taken from the signer certificate, which must match the token's key.
// One session per key; use a key from one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pipeline/status.h"

namespace zpe::signing {

// "<module path>;token=<label>;object=<label>" (the part after "pkcs11:").
struct Pkcs11KeySpec {
  std::string module;  // e.g. /usr/lib/softhsm/libsofthsm2.so
  std::string token;   // token label
  std::string object;  // private key label (CKA_LABEL)
};

Result<Pkcs11KeySpec> parse_pkcs11_spec(std::string_view spec);

struct Pkcs11Key {
  std::shared_ptr<void> session;  // the open, logged-in session; keep alive while key is used
  EVP_PKEY* key = nullptr;        // owned by the caller (EVP_PKEY_free)
};

// Logs in with `pin` and finds the private key. Errors name the module, token and object.
Result<Pkcs11Key> open_pkcs11_key(const Pkcs11KeySpec& spec, const std::string& pin, X509* certificate);

}  // namespace zpe::signing
