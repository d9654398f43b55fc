#include "signing/pkcs11_key.h"

#include <dlfcn.h>

#include <cstring>
#include <vector>

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <p11-kit/pkcs11.h>

namespace zpe::signing {

namespace {

std::string hex_rv(CK_RV rv) {
  char text[32];
  std::snprintf(text, sizeof text, "CKR 0x%lx", static_cast<unsigned long>(rv));
  return text;
}

// One logged-in session on one token, holding the private key handle.
struct TokenSession {
  CK_FUNCTION_LIST_PTR functions = nullptr;
  CK_SESSION_HANDLE session = 0;
  CK_OBJECT_HANDLE key = 0;
  CK_KEY_TYPE key_type = 0;
  std::string label;  // for messages

  ~TokenSession() {
    if (functions != nullptr && session != 0) {
      functions->C_Logout(session);
      functions->C_CloseSession(session);
    }
  }

  // C_Sign with `mechanism` over `input`; an empty string when the token refuses.
  std::string sign(CK_MECHANISM_TYPE mechanism, const unsigned char* input, std::size_t length) {
    CK_MECHANISM mech{mechanism, nullptr, 0};
    if (functions->C_SignInit(session, &mech, key) != CKR_OK) return "";
    CK_ULONG out_length = 0;
    auto* data = const_cast<unsigned char*>(input);
    if (functions->C_Sign(session, data, length, nullptr, &out_length) != CKR_OK) return "";
    std::string out(out_length, '\0');
    if (functions->C_Sign(session, data, length, reinterpret_cast<unsigned char*>(out.data()), &out_length) != CKR_OK) {
      return "";
    }
    out.resize(out_length);
    return out;
  }
};

int session_index(bool ec) {
  static const int rsa_index = RSA_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  static const int ec_index = EC_KEY_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return ec ? ec_index : rsa_index;
}

// RSA private "encrypt" = PKCS#1 v1.5 signature over the DigestInfo OpenSSL passes in.
int rsa_token_sign(int length, const unsigned char* from, unsigned char* to, RSA* rsa, int padding) {
  auto* token = static_cast<TokenSession*>(RSA_get_ex_data(rsa, session_index(false)));
  if (token == nullptr || padding != RSA_PKCS1_PADDING) return -1;
  const std::string signature = token->sign(CKM_RSA_PKCS, from, static_cast<std::size_t>(length));
  if (signature.empty() || signature.size() > static_cast<std::size_t>(RSA_size(rsa))) return -1;
  std::memcpy(to, signature.data(), signature.size());
  return static_cast<int>(signature.size());
}

ECDSA_SIG* ec_token_sign(const unsigned char* digest, int length, const BIGNUM*, const BIGNUM*, EC_KEY* ec) {
  auto* token = static_cast<TokenSession*>(EC_KEY_get_ex_data(ec, session_index(true)));
  if (token == nullptr) return nullptr;
  const std::string rs = token->sign(CKM_ECDSA, digest, static_cast<std::size_t>(length));
  if (rs.empty() || rs.size() % 2 != 0) return nullptr;
  const int half = static_cast<int>(rs.size() / 2);
  const auto* bytes = reinterpret_cast<const unsigned char*>(rs.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes, half, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + half, half, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    ECDSA_SIG_free(sig);
    BN_free(r);
    BN_free(s);
    return nullptr;
  }
  return sig;
}

const RSA_METHOD* token_rsa_method() {
  static RSA_METHOD* method = [] {
    RSA_METHOD* m = RSA_meth_dup(RSA_PKCS1_OpenSSL());
    RSA_meth_set1_name(m, "zpe-pkcs11");
    RSA_meth_set_priv_enc(m, rsa_token_sign);
    return m;
  }();
  return method;
}

const EC_KEY_METHOD* token_ec_method() {
  static EC_KEY_METHOD* method = [] {
    EC_KEY_METHOD* m = EC_KEY_METHOD_new(EC_KEY_OpenSSL());
    int (*sign)(int, const unsigned char*, int, unsigned char*, unsigned int*, const BIGNUM*, const BIGNUM*,
                EC_KEY*) = nullptr;
    EC_KEY_METHOD_get_sign(EC_KEY_OpenSSL(), &sign, nullptr, nullptr);
    EC_KEY_METHOD_set_sign(m, sign, nullptr, ec_token_sign);
    return m;
  }();
  return method;
}

Result<CK_FUNCTION_LIST_PTR> load_module(const std::string& path) {
  void* module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (module == nullptr) {
    return fail(ErrorKind::kNotFound, "PKCS#11 module " + path + " cannot be loaded (" + dlerror() +
                                          ") — check [stages.sign] key and that the module is installed");
  }
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(module, "C_GetFunctionList"));
  CK_FUNCTION_LIST_PTR functions = nullptr;
  if (get_list == nullptr || get_list(&functions) != CKR_OK || functions == nullptr) {
    return fail(ErrorKind::kInvalidInput, "PKCS#11 module " + path + " has no usable C_GetFunctionList");
  }
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  const CK_RV rv = functions->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    return fail(ErrorKind::kUnavailable, "PKCS#11 module " + path + " does not initialise (" + hex_rv(rv) + ")");
  }
  return functions;  // module intentionally never dlclose'd (see header)
}

std::string trimmed_label(const CK_UTF8CHAR* label, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(label), size);
  text.erase(text.find_last_not_of(' ') + 1);
  return text;
}

Result<CK_SLOT_ID> find_token(CK_FUNCTION_LIST_PTR f, const Pkcs11KeySpec& spec) {
  CK_ULONG count = 0;
  if (f->C_GetSlotList(CK_TRUE, nullptr, &count) != CKR_OK) count = 0;
  std::vector<CK_SLOT_ID> slots(count);
  if (count > 0 && f->C_GetSlotList(CK_TRUE, slots.data(), &count) != CKR_OK) count = 0;
  for (CK_ULONG i = 0; i < count; ++i) {
    CK_TOKEN_INFO info{};
    if (f->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
    if (trimmed_label(info.label, sizeof info.label) == spec.token) return slots[i];
  }
  return fail(ErrorKind::kNotFound, "no PKCS#11 token labelled '" + spec.token + "' in " + spec.module +
                                        " — is the card inserted / the HSM slot initialised?");
}

Status find_private_key(TokenSession& token, const Pkcs11KeySpec& spec) {
  CK_OBJECT_CLASS key_class = CKO_PRIVATE_KEY;
  std::string label = spec.object;
  CK_ATTRIBUTE query[] = {{CKA_CLASS, &key_class, sizeof key_class}, {CKA_LABEL, label.data(), label.size()}};
  CK_FUNCTION_LIST_PTR f = token.functions;
  CK_ULONG found = 0;
  if (f->C_FindObjectsInit(token.session, query, 2) == CKR_OK) {
    f->C_FindObjects(token.session, &token.key, 1, &found);
    f->C_FindObjectsFinal(token.session);
  }
  if (found == 0) {
    return fail(ErrorKind::kNotFound, "PKCS#11 token '" + spec.token + "' has no private key labelled '" +
                                          spec.object + "'");
  }
  CK_ATTRIBUTE type{CKA_KEY_TYPE, &token.key_type, sizeof token.key_type};
  if (f->C_GetAttributeValue(token.session, token.key, &type, 1) != CKR_OK) {
    return fail(ErrorKind::kInvalidInput, "PKCS#11 key '" + spec.object + "' does not tell its key type");
  }
  return {};
}

// The certificate's public key as a legacy RSA/EC_KEY whose private operation is the token's.
Result<EVP_PKEY*> wrap_key(const std::shared_ptr<TokenSession>& token, X509* certificate) {
  EVP_PKEY* public_key = X509_get0_pubkey(certificate);
  EVP_PKEY* key = EVP_PKEY_new();
  if (token->key_type == CKK_RSA && EVP_PKEY_get_base_id(public_key) == EVP_PKEY_RSA) {
    RSA* rsa = EVP_PKEY_get1_RSA(public_key);
    RSA_set_method(rsa, token_rsa_method());
    RSA_set_ex_data(rsa, session_index(false), token.get());
    EVP_PKEY_assign_RSA(key, rsa);
    return key;
  }
  if (token->key_type == CKK_EC && EVP_PKEY_get_base_id(public_key) == EVP_PKEY_EC) {
    EC_KEY* ec = EVP_PKEY_get1_EC_KEY(public_key);
    EC_KEY_set_method(ec, token_ec_method());
    EC_KEY_set_ex_data(ec, session_index(true), token.get());
    EVP_PKEY_assign_EC_KEY(key, ec);
    return key;
  }
  EVP_PKEY_free(key);
  return fail(ErrorKind::kInvalidInput, "the PKCS#11 key '" + token->label +
                                            "' is not of the signer certificate's type (RSA or EC expected)");
}

}  // namespace

Result<Pkcs11KeySpec> parse_pkcs11_spec(std::string_view spec) {
  Pkcs11KeySpec out;
  std::size_t begin = 0;
  bool first = true;
  while (begin <= spec.size()) {
    std::size_t end = spec.find(';', begin);
    if (end == std::string_view::npos) end = spec.size();
    const std::string part(spec.substr(begin, end - begin));
    if (first) {
      out.module = part;
    } else if (part.rfind("token=", 0) == 0) {
      out.token = part.substr(6);
    } else if (part.rfind("object=", 0) == 0) {
      out.object = part.substr(7);
    } else if (!part.empty()) {
      return fail(ErrorKind::kInvalidInput, "pkcs11 key spec: unknown part '" + part + "' (expected token=, object=)");
    }
    first = false;
    begin = end + 1;
  }
  if (out.module.empty() || out.token.empty() || out.object.empty()) {
    return fail(ErrorKind::kInvalidInput,
                "pkcs11 key spec must be \"pkcs11:<module path>;token=<label>;object=<label>\"");
  }
  return out;
}

Result<Pkcs11Key> open_pkcs11_key(const Pkcs11KeySpec& spec, const std::string& pin, X509* certificate) {
  auto functions = load_module(spec.module);
  if (!functions) return fail(functions.error());
  auto slot = find_token(*functions, spec);
  if (!slot) return fail(slot.error());
  auto token = std::make_shared<TokenSession>();
  token->functions = *functions;
  token->label = spec.object;
  CK_RV rv = token->functions->C_OpenSession(*slot, CKF_SERIAL_SESSION, nullptr, nullptr, &token->session);
  if (rv != CKR_OK) {
    return fail(ErrorKind::kUnavailable, "cannot open a session on token '" + spec.token + "' (" + hex_rv(rv) + ")");
  }
  std::string pin_copy = pin;
  rv = token->functions->C_Login(token->session, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin_copy.data()),
                                 pin_copy.size());
  OPENSSL_cleanse(pin_copy.data(), pin_copy.size());
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
    return fail(ErrorKind::kInvalidInput, "login to token '" + spec.token + "' refused (" + hex_rv(rv) +
                                              ") — check $ZPE_SIGN_PIN or [stages.sign] pin_file");
  }
  if (auto found = find_private_key(*token, spec); !found) return fail(found.error());
  auto key = wrap_key(token, certificate);
  if (!key) return fail(key.error());
  return Pkcs11Key{token, *key};
}

}  // namespace zpe::signing
