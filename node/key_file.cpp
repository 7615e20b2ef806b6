#include "node/key_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "common/bytes.h"

namespace covalue::node {
namespace {

using nlohmann::json;

// Key files are a few hundred bytes; anything much bigger is not one.
constexpr size_t kMaxKeyFileSize = 64 * 1024;

// Wipes a buffer that held secret material when it goes out of scope.
template <typename Buffer>
class WipeOnExit {
 public:
  explicit WipeOnExit(Buffer* buffer) : m_buffer(buffer) {}
  ~WipeOnExit() { sodium_memzero(m_buffer->data(), m_buffer->size()); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  Buffer* m_buffer;
};

// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  ~FileDescriptor() {
    if (m_fd >= 0) ::close(m_fd);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return m_fd; }
  // Closes now, reporting the error close() may carry for buffered writes.
  int Close() {
    int result = ::close(m_fd);
    m_fd = -1;
    return result;
  }

 private:
  int m_fd;
};

std::string ErrnoText(int error) {
  return std::strerror(error);
}

std::string ModeText(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string ParentFolder(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return Status(Code::kIoError, "cannot write key file " + path + ": " + ErrnoText(errno));
    }
    data.remove_prefix(static_cast<size_t>(written));
  }
  return Status::Ok();
}

// Makes the new directory entry durable. Some file systems cannot fsync a folder (EINVAL);
// that is not an error worth failing a key generation over.
Status SyncFolder(const std::string& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return Status(Code::kIoError, "cannot open folder " + folder + ": " + ErrnoText(errno));
  }
  FileDescriptor closer(fd);
  if (::fsync(fd) != 0 && errno != EINVAL) {
    return Status(Code::kIoError, "cannot fsync folder " + folder + ": " + ErrnoText(errno));
  }
  return Status::Ok();
}

// The JSON text of a key file. Written by hand (every value is hex or a number, so nothing
// needs escaping) so that the only copy of the seed's hex is `out`, which the caller wipes.
void FormatKeyFile(const crypto::PublicKey& public_key, const std::string* seed_hex,
                   const crypto::SealedSecret* sealed, std::string* out) {
  out->reserve(512);
  *out += "{\n  \"type\": \"";
  *out += kKeyFileType;
  *out += "\",\n  \"version\": " + std::to_string(kKeyFileVersion) + ",\n";
  *out += "  \"public_key\": \"" + ToHex(public_key) + "\",\n";
  if (seed_hex != nullptr) {
    *out += "  \"seed\": \"";
    *out += *seed_hex;
    *out += "\"\n";
  } else {
    *out += "  \"encrypted\": {\n";
    *out += "    \"kdf\": \"argon2id13\",\n";
    *out += "    \"opslimit\": " + std::to_string(sealed->opslimit) + ",\n";
    *out += "    \"memlimit\": " + std::to_string(sealed->memlimit) + ",\n";
    *out += "    \"salt\": \"" + ToHex(sealed->salt) + "\",\n";
    *out += "    \"nonce\": \"" + ToHex(sealed->nonce) + "\",\n";
    *out += "    \"ciphertext\": \"" + ToHex(sealed->ciphertext) + "\"\n";
    *out += "  }\n";
  }
  *out += "}\n";
}

// Opens `path`, checks that it is a private regular file, and reads it into `text`.
Status ReadPrivateFile(const std::string& path, std::string* text) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    if (error == ENOENT) return Status(Code::kNotFound, "no key file at " + path);
    if (error == EACCES) {
      return Status(Code::kPermissionDenied,
                    "cannot read key file " + path + ": " + ErrnoText(error));
    }
    return Status(Code::kIoError, "cannot open key file " + path + ": " + ErrnoText(error));
  }
  FileDescriptor file(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return Status(Code::kIoError, "cannot stat key file " + path + ": " + ErrnoText(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return Status(Code::kInvalidArgument, "key file " + path + " is not a regular file");
  }
  if ((info.st_mode & 077) != 0) {
    return Status(Code::kPermissionDenied,
                  "key file " + path + " has mode " + ModeText(info.st_mode) +
                      ", which lets other users read it; run `chmod 600 " + path + "`");
  }
  if (static_cast<uint64_t>(info.st_size) > kMaxKeyFileSize) {
    return Status(Code::kTooLarge, "key file " + path + " is too large to be a key file");
  }
  text->assign(kMaxKeyFileSize + 1, '\0');
  size_t filled = 0;
  while (filled < text->size()) {
    ssize_t got = ::read(fd, text->data() + filled, text->size() - filled);
    if (got < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      sodium_memzero(text->data(), text->size());
      return Status(Code::kIoError, "cannot read key file " + path + ": " + ErrnoText(error));
    }
    if (got == 0) break;
    filled += static_cast<size_t>(got);
  }
  if (filled > kMaxKeyFileSize) {
    sodium_memzero(text->data(), text->size());
    return Status(Code::kTooLarge, "key file " + path + " is too large to be a key file");
  }
  // Shrinking keeps the same buffer (no reallocation), so the wipe later covers it all.
  text->resize(filled);
  return Status::Ok();
}

// A string field of `object`, or kMalformed naming it.
Result<std::string_view> StringField(const json& object, const char* name,
                                     const std::string& path) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) {
    return Status(Code::kMalformed,
                  "key file " + path + ": \"" + name + "\" is missing or not a string");
  }
  return std::string_view(it->get_ref<const std::string&>());
}

Result<uint64_t> UnsignedField(const json& object, const char* name, const std::string& path) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_unsigned()) {
    return Status(Code::kMalformed,
                  "key file " + path + ": \"" + name + "\" is missing or not a whole number");
  }
  return it->get<uint64_t>();
}

Result<Bytes> HexField(const json& object, const char* name, const std::string& path) {
  COVALUE_ASSIGN_OR_RETURN(std::string_view hex, StringField(object, name, path));
  auto bytes = FromHex(hex);
  if (!bytes.ok()) {
    return Status(Code::kMalformed, "key file " + path + ": \"" + name + "\" is not hex");
  }
  return std::move(bytes).value();
}

// Wipes every string in a parsed document (the seed's hex lives in one of them).
void WipeDocument(json* document) {
  if (document->is_string()) {
    auto& text = document->get_ref<std::string&>();
    sodium_memzero(text.data(), text.size());
  } else if (document->is_structured()) {
    for (auto& child : *document) WipeDocument(&child);
  }
}

// The parsed document with its header checked, and the public key it names. Wipes the
// document when it goes away, however the reading ends.
struct ParsedKeyFile {
  ParsedKeyFile() = default;
  ParsedKeyFile(const ParsedKeyFile&) = delete;
  ParsedKeyFile& operator=(const ParsedKeyFile&) = delete;
  ~ParsedKeyFile() { WipeDocument(&document); }
  json document;
  crypto::PublicKey public_key{};
};

Status ParseHeader(std::string& text, const std::string& path, ParsedKeyFile* parsed) {
  parsed->document = json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  sodium_memzero(text.data(), text.size());
  const json& document = parsed->document;
  if (document.is_discarded() || !document.is_object()) {
    return Status(Code::kMalformed, "key file " + path + " is not a JSON object");
  }
  COVALUE_ASSIGN_OR_RETURN(std::string_view type, StringField(document, "type", path));
  if (type != kKeyFileType) {
    return Status(Code::kMalformed, "file " + path + " is not a covalue key file (type \"" +
                                        std::string(type) + "\")");
  }
  COVALUE_ASSIGN_OR_RETURN(uint64_t version, UnsignedField(document, "version", path));
  if (version != kKeyFileVersion) {
    return Status(Code::kUnsupportedVersion, "key file " + path + " has version " +
                                                 std::to_string(version) + "; this build reads " +
                                                 std::to_string(kKeyFileVersion));
  }
  COVALUE_ASSIGN_OR_RETURN(std::string_view public_hex, StringField(document, "public_key", path));
  auto public_key = Hash32FromHex(public_hex);
  if (!public_key.ok()) {
    return Status(Code::kMalformed,
                  "key file " + path + ": \"public_key\" is not 64 hex characters");
  }
  parsed->public_key = public_key.value();
  const bool has_seed = document.contains("seed");
  const bool has_encrypted = document.contains("encrypted");
  if (has_seed == has_encrypted) {
    return Status(Code::kMalformed,
                  "key file " + path + " must hold exactly one of \"seed\" and \"encrypted\"");
  }
  return Status::Ok();
}

Result<crypto::SealedSecret> ParseSealed(const json& encrypted, const std::string& path) {
  if (!encrypted.is_object()) {
    return Status(Code::kMalformed, "key file " + path + ": \"encrypted\" is not an object");
  }
  COVALUE_ASSIGN_OR_RETURN(std::string_view kdf, StringField(encrypted, "kdf", path));
  if (kdf != "argon2id13") {
    return Status(Code::kUnsupportedVersion, "key file " + path + " uses key derivation \"" +
                                                 std::string(kdf) +
                                                 "\"; this build knows only \"argon2id13\"");
  }
  crypto::SealedSecret sealed;
  COVALUE_ASSIGN_OR_RETURN(sealed.opslimit, UnsignedField(encrypted, "opslimit", path));
  COVALUE_ASSIGN_OR_RETURN(sealed.memlimit, UnsignedField(encrypted, "memlimit", path));
  COVALUE_ASSIGN_OR_RETURN(sealed.salt, HexField(encrypted, "salt", path));
  COVALUE_ASSIGN_OR_RETURN(sealed.nonce, HexField(encrypted, "nonce", path));
  COVALUE_ASSIGN_OR_RETURN(sealed.ciphertext, HexField(encrypted, "ciphertext", path));
  return sealed;
}

Result<crypto::KeyPair> KeyFromParsed(const ParsedKeyFile& parsed, const std::string& path,
                                      const std::optional<std::string>& passphrase) {
  const json& document = parsed.document;
  Bytes seed;
  WipeOnExit wipe_seed(&seed);
  if (document.contains("seed")) {
    COVALUE_ASSIGN_OR_RETURN(seed, HexField(document, "seed", path));
  } else {
    if (!passphrase) {
      return Status(Code::kPermissionDenied,
                    "key file is encrypted: passphrase required (" + path + ")");
    }
    COVALUE_ASSIGN_OR_RETURN(crypto::SealedSecret sealed,
                             ParseSealed(document.at("encrypted"), path));
    auto opened = crypto::OpenWithPassphrase(sealed, *passphrase);
    if (!opened.ok()) {
      return Status(opened.status().code(), "key file " + path + ": " + opened.status().message());
    }
    seed = std::move(opened).value();
  }
  if (seed.size() != crypto::kSeedSize) {
    return Status(Code::kCorruption, "key file " + path + ": the seed is " +
                                         std::to_string(seed.size()) + " bytes, not 32");
  }
  COVALUE_ASSIGN_OR_RETURN(crypto::KeyPair key, crypto::KeyPair::FromSeed(seed));
  if (key.public_key() != parsed.public_key) {
    return Status(Code::kCorruption,
                  "key file " + path + ": the public key does not match the seed");
  }
  return key;
}

Status LoadHeader(const std::string& path, ParsedKeyFile* parsed) {
  std::string text;
  WipeOnExit wipe_text(&text);
  COVALUE_RETURN_IF_ERROR(ReadPrivateFile(path, &text));
  return ParseHeader(text, path, parsed);
}

}  // namespace

Status WriteKeyFile(const std::string& path, const crypto::KeyPair& key,
                    const std::optional<std::string>& passphrase, crypto::PwhashStrength strength) {
  std::string text;
  WipeOnExit wipe_text(&text);
  {
    std::array<uint8_t, crypto::kSeedSize> seed{};
    WipeOnExit wipe_seed(&seed);
    key.ExportSeed(&seed);
    if (passphrase) {
      COVALUE_ASSIGN_OR_RETURN(crypto::SealedSecret sealed,
                               crypto::SealWithPassphrase(seed, *passphrase, strength));
      FormatKeyFile(key.public_key(), nullptr, &sealed, &text);
    } else {
      std::string seed_hex = ToHex(seed);
      WipeOnExit wipe_hex(&seed_hex);
      FormatKeyFile(key.public_key(), &seed_hex, nullptr, &text);
    }
  }

  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    int error = errno;
    if (error == EEXIST) {
      return Status(Code::kAlreadyExists,
                    "key file " + path + " already exists; refusing to overwrite it");
    }
    if (error == ENOENT) {
      return Status(Code::kNotFound,
                    "cannot create key file " + path + ": its folder does not exist");
    }
    if (error == EACCES) {
      return Status(Code::kPermissionDenied,
                    "cannot create key file " + path + ": " + ErrnoText(error));
    }
    return Status(Code::kIoError, "cannot create key file " + path + ": " + ErrnoText(error));
  }
  FileDescriptor file(fd);
  auto fail = [&](Status status) {
    file.Close();
    ::unlink(path.c_str());
    return status;
  };
  // The umask can only remove bits from 0600, but make the mode exact regardless.
  if (::fchmod(fd, 0600) != 0) {
    return fail(Status(Code::kIoError, "cannot chmod key file " + path + ": " + ErrnoText(errno)));
  }
  if (Status status = WriteAll(fd, text, path); !status.ok()) return fail(status);
  if (::fsync(fd) != 0) {
    return fail(Status(Code::kIoError, "cannot fsync key file " + path + ": " + ErrnoText(errno)));
  }
  if (file.Close() != 0) {
    int error = errno;
    ::unlink(path.c_str());
    return Status(Code::kIoError, "cannot close key file " + path + ": " + ErrnoText(error));
  }
  return SyncFolder(ParentFolder(path));
}

Result<crypto::KeyPair> ReadKeyFile(const std::string& path,
                                    const std::optional<std::string>& passphrase) {
  ParsedKeyFile parsed;
  try {
    COVALUE_RETURN_IF_ERROR(LoadHeader(path, &parsed));
    return KeyFromParsed(parsed, path, passphrase);
  } catch (const json::exception& error) {
    // Not expected (every access is type-checked first); kept so none can escape.
    return Status(Code::kMalformed, "key file " + path + ": " + error.what());
  }
}

Result<crypto::PublicKey> ReadPublicKey(const std::string& path) {
  ParsedKeyFile parsed;
  try {
    COVALUE_RETURN_IF_ERROR(LoadHeader(path, &parsed));
    return parsed.public_key;
  } catch (const json::exception& error) {
    return Status(Code::kMalformed, "key file " + path + ": " + error.what());
  }
}

}  // namespace covalue::node
