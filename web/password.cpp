#include "web/password.h"

#include <charconv>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace zpe::web {

namespace {

constexpr const char* kScheme = "pbkdf2-sha256";
constexpr int kSaltBytes = 16;
constexpr int kHashBytes = 32;
// A stored hash with more iterations than this is refused as malformed: it would let a
// tampered users file stall every login.
constexpr int kMaxIterations = 100000000;

std::string base64(const unsigned char* bytes, int size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, size);
  out.resize(n);
  return out;
}

// Decodes standard base64 with padding; nothing on malformed input.
bool unbase64(const std::string& text, std::vector<unsigned char>& out) {
  if (text.empty() || text.size() % 4 != 0) return false;
  out.assign(text.size() / 4 * 3, 0);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return false;
  size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return true;
}

bool derive(const std::string& password, const unsigned char* salt, int salt_size, int iterations,
            unsigned char* out, int out_size) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, salt_size, iterations,
                           EVP_sha256(), out_size, out) == 1;
}

std::vector<std::string> split_dollar(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find('$', start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

Result<std::string> hash_password(const std::string& password, int iterations) {
  if (iterations < 1 || iterations > kMaxIterations) {
    return fail(ErrorKind::kInvalidInput, "password hash: iterations out of range");
  }
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) {
    return fail(ErrorKind::kInternal, "password hash: the random number generator failed");
  }
  unsigned char hash[kHashBytes];
  if (!derive(password, salt, sizeof salt, iterations, hash, sizeof hash)) {
    return fail(ErrorKind::kInternal, "password hash: PKCS5_PBKDF2_HMAC failed");
  }
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + base64(salt, sizeof salt) + "$" +
         base64(hash, sizeof hash);
}

bool verify_password(const std::string& password, const std::string& stored) {
  const auto parts = split_dollar(stored);
  if (parts.size() != 4 || parts[0] != kScheme) return false;
  int iterations = 0;
  auto [end, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
  if (ec != std::errc() || end != parts[1].data() + parts[1].size() || iterations < 1 || iterations > kMaxIterations) {
    return false;
  }
  std::vector<unsigned char> salt, expected;
  if (!unbase64(parts[2], salt) || !unbase64(parts[3], expected) || salt.empty() || expected.size() != kHashBytes) {
    return false;
  }
  unsigned char actual[kHashBytes];
  if (!derive(password, salt.data(), static_cast<int>(salt.size()), iterations, actual, sizeof actual)) return false;
  return CRYPTO_memcmp(actual, expected.data(), kHashBytes) == 0;
}

void burn_password_time(const std::string& password, int iterations) {
  const unsigned char salt[kSaltBytes] = {0};
  unsigned char out[kHashBytes];
  derive(password, salt, sizeof salt, iterations, out, sizeof out);
}

}  // namespace zpe::web
