// Password hashing for the web users (web/users.h): PBKDF2-HMAC-SHA256 from OpenSSL with a
// 16-byte random salt. The stored string names its own parameters,
//   pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>
// so raising [web] pbkdf2_iterations later leaves old hashes valid. Comparison is constant
// time (CRYPTO_memcmp). Pure functions; safe from any thread.
#pragma once

#include <string>

#include "pipeline/status.h"

namespace zpe::web {

// A new salted hash of `password`; kInternal when the random generator fails.
Result<std::string> hash_password(const std::string& password, int iterations);
// True when `password` matches `stored`. A malformed stored string never matches.
bool verify_password(const std::string& password, const std::string& stored);
// Spends the same time as verify_password on an unknown user, so a login's duration does
// not tell whether the user exists.
void burn_password_time(const std::string& password, int iterations);

}  // namespace zpe::web
