#include "signing/signing_key.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <openssl/pem.h>

#include "signing/pkcs11_key.h"

namespace zpe::signing {

namespace {

// PEM passphrase callback: userdata is the PIN string (may be empty).
int pem_passphrase(char* buffer, int size, int, void* userdata) {
  const auto* pin = static_cast<const std::string*>(userdata);
  const int length = static_cast<int>(std::min<std::size_t>(pin->size(), static_cast<std::size_t>(size)));
  std::copy_n(pin->data(), length, buffer);
  return length;
}

Result<EVP_PKEY*> read_pem_key(const std::string& path, const std::string& pin) {
  FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) {
    return fail(ErrorKind::kNotFound, "signing key file " + path + " cannot be opened — check [stages.sign] key");
  }
  std::string passphrase = pin;
  EVP_PKEY* key = PEM_read_PrivateKey(file, nullptr, pem_passphrase, &passphrase);
  std::fclose(file);
  OPENSSL_cleanse(passphrase.data(), passphrase.size());
  if (key == nullptr) {
    return fail(ErrorKind::kInvalidInput, "signing key file " + path +
                                              " holds no readable private key (wrong passphrase in $ZPE_SIGN_PIN?)");
  }
  return key;
}

}  // namespace

Result<std::string> read_pin(const std::string& pin_file) {
  if (const char* env = std::getenv("ZPE_SIGN_PIN"); env != nullptr && *env != '\0') return std::string(env);
  if (pin_file.empty()) return std::string();
  std::ifstream in(pin_file);
  if (!in) return fail(ErrorKind::kNotFound, "PIN file " + pin_file + " cannot be read — check [stages.sign] pin_file");
  std::string pin;
  std::getline(in, pin);
  if (!pin.empty() && pin.back() == '\r') pin.pop_back();
  return pin;
}

Result<std::vector<X509*>> read_pem_certificates(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return fail(ErrorKind::kNotFound, "certificate file " + path + " cannot be opened");
  std::vector<X509*> certificates;
  while (X509* certificate = PEM_read_X509(file, nullptr, nullptr, nullptr)) certificates.push_back(certificate);
  std::fclose(file);
  if (certificates.empty()) {
    return fail(ErrorKind::kInvalidInput, "certificate file " + path + " holds no PEM certificate");
  }
  return certificates;
}

SigningKey::~SigningKey() {
  EVP_PKEY_free(key_);
  X509_free(certificate_);
  sk_X509_pop_free(chain_, X509_free);
}

Result<std::unique_ptr<SigningKey>> SigningKey::open(const SigningKeyConfig& config) {
  std::unique_ptr<SigningKey> out(new SigningKey());
  out->chain_ = sk_X509_new_null();
  if (config.certificate.empty()) {
    return fail(ErrorKind::kInvalidInput, "no signer certificate configured ([stages.sign] certificate)");
  }
  std::vector<std::string> files = {config.certificate};
  files.insert(files.end(), config.chain.begin(), config.chain.end());
  for (const std::string& file : files) {
    auto certificates = read_pem_certificates(file);
    if (!certificates) return fail(certificates.error());
    for (X509* certificate : *certificates) {
      if (out->certificate_ == nullptr) {
        out->certificate_ = certificate;
      } else if (X509_self_signed(certificate, 0) == 1) {
        X509_free(certificate);  // a root proves nothing in the signature: the verifier's trust store has it
      } else {
        sk_X509_push(out->chain_, certificate);
      }
    }
  }
  auto pin = read_pin(config.pin_file);
  if (!pin) return fail(pin.error());
  const std::string& spec = config.key;
  if (spec.rfind("pem:", 0) == 0) {
    auto key = read_pem_key(spec.substr(4), *pin);
    if (!key) return fail(key.error());
    out->key_ = *key;
    out->description_ = "PEM key file " + spec.substr(4);
  } else if (spec.rfind("pkcs11:", 0) == 0) {
    auto parsed = parse_pkcs11_spec(std::string_view(spec).substr(7));
    if (!parsed) return fail(parsed.error());
    auto key = open_pkcs11_key(*parsed, *pin, out->certificate_);
    if (!key) return fail(key.error());
    out->token_ = key->session;
    out->key_ = key->key;
    out->description_ = "PKCS#11 token '" + parsed->token + "' object '" + parsed->object + "'";
  } else {
    return fail(ErrorKind::kInvalidInput, "[stages.sign] key must start with \"pem:\" or \"pkcs11:\"");
  }
  if (X509_check_private_key(out->certificate_, out->key_) != 1 && spec.rfind("pem:", 0) == 0) {
    return fail(ErrorKind::kInvalidInput, "the signing key does not belong to the certificate " + config.certificate);
  }
  return out;
}

}  // namespace zpe::signing
