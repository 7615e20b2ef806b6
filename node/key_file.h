// Ed25519 key files: a validator's or member's signing key on disk, as JSON for people,
// either plain or with the seed sealed under a passphrase (crypto/passphrase_box.h).
// The returned KeyPair owns (and wipes) the secret; buffers used on the way are wiped too.
// Thread-safe: no shared state (two writers racing on one path: exactly one succeeds).
//
// Format (one JSON object; unknown fields are ignored):
//   {"type": "covalue-ed25519-key", "version": 1,
//    "public_key": "<64 hex>",
//    "seed": "<64 hex>"}                                    -- unencrypted, or instead of seed:
//    "encrypted": {"kdf": "argon2id13", "opslimit": N, "memlimit": N,
//                  "salt": "<32 hex>", "nonce": "<48 hex>", "ciphertext": "<96 hex>"}
// A key file must be a regular file with mode 0600 (or stricter).
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "crypto/keys.h"
#include "crypto/passphrase_box.h"

namespace covalue::node {

inline constexpr std::string_view kKeyFileType = "covalue-ed25519-key";
inline constexpr int kKeyFileVersion = 1;

// Creates `path` (mode 0600) holding `key`, sealed under `passphrase` if one is given,
// and fsyncs it and its folder. Never overwrites: kAlreadyExists if `path` exists. On any
// failure after creating the file, the partial file is removed.
Status WriteKeyFile(const std::string& path, const crypto::KeyPair& key,
                    const std::optional<std::string>& passphrase,
                    crypto::PwhashStrength strength = crypto::PwhashStrength::kModerate);

// Reads the key in `path`. kNotFound if there is no such file; kPermissionDenied if its
// mode lets group or others in (the message says how to fix it), if it is encrypted and no
// passphrase is given, or if the passphrase is wrong; kMalformed / kUnsupportedVersion for
// a file that is not a covalue key file; kCorruption if the public key does not match the
// seed. A passphrase given for an unencrypted file is ignored.
Result<crypto::KeyPair> ReadKeyFile(const std::string& path,
                                    const std::optional<std::string>& passphrase);

// Only the public key in `path` (no passphrase needed). The same mode check applies,
// since the file holds a secret either way.
Result<crypto::PublicKey> ReadPublicKey(const std::string& path);

}  // namespace covalue::node
