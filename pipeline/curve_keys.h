// CURVE keys: the long-term key pairs that encrypt and authenticate ZeroMQ links between
// hosts (ZeroMQ CURVE; docs/PROTOCOL.md, "Security"). `zpe keygen` writes a pair as
// NAME.key (the secret key, mode 0600) and NAME.pub (the public key); a server (the
// dispatcher, the case-file feed) lets in only clients whose public keys it lists.
//
// Keys are the 40-character Z85 text libzmq takes. A key file holds one key on a line of
// its own; lines starting with '#' are comments (whose key it is, where it was made). An
// authorised-keys file may hold several keys, one a line. Plain functions over files;
// thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "pipeline/status.h"

namespace zpe {

struct CurveKeyPair {
  std::string public_key;  // Z85, 40 characters
  std::string secret_key;  // Z85, 40 characters
};

// The public keys a server lets in: Z85 key -> the name of the file it came from (without
// .pub), which log lines use to say whose key it is.
using AuthorizedKeys = std::map<std::string, std::string>;

// A fresh key pair from libzmq (zmq_curve_keypair); kInternal when libzmq lacks CURVE.
Result<CurveKeyPair> make_curve_key_pair();

// The two files of a key pair named `name` in `dir`.
struct CurveKeyFiles {
  std::filesystem::path secret_file;  // <dir>/<name>.key
  std::filesystem::path public_file;  // <dir>/<name>.pub
};
CurveKeyFiles curve_key_files(const std::filesystem::path& dir, const std::string& name);

// Writes the pair's files, each with `comment` as a '#' line above the key: NAME.key with
// mode 0600, NAME.pub with 0644. kConflict (and nothing written) when either file exists.
Result<CurveKeyFiles> write_curve_key_pair(const CurveKeyPair& pair, const std::filesystem::path& dir,
                                           const std::string& name, const std::string& comment);

// Reads a secret key file and derives its public key. Refused when others may read it.
Result<CurveKeyPair> read_curve_secret_key(const std::filesystem::path& file);
// Reads a public key file: exactly one key.
Result<std::string> read_curve_public_key(const std::filesystem::path& file);
// A .pub file (every key in it), or a folder (every *.pub file in it). No key at all is an
// error: a server that lets nobody in is a mistake, not a configuration.
Result<AuthorizedKeys> read_authorized_keys(const std::filesystem::path& file_or_dir);

// True for 40 characters of the Z85 alphabet that decode to a 32-byte key.
bool is_z85_key(const std::string& text);

}  // namespace zpe
