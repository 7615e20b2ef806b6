#include "node/token_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace covalue::node {
namespace {

constexpr size_t kMaxTokenFileBytes = 4096;

Status Errno(Code code, const std::string& what, const std::string& path) {
  return Status(code, what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Status WriteTokenFile(const std::string& path, const std::string& token) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Status(Code::kAlreadyExists,
                    "token file " + path + " already exists; refusing to overwrite it");
    }
    return Errno(Code::kIoError, "cannot create token file", path);
  }
  std::string text = token + "\n";
  bool written = ::fchmod(fd, 0600) == 0 &&
                 ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                 ::fsync(fd) == 0;
  Status status = written ? Status::Ok() : Errno(Code::kIoError, "cannot write token file", path);
  if (::close(fd) != 0 && status.ok())
    status = Errno(Code::kIoError, "cannot close token file", path);
  if (!status.ok()) ::unlink(path.c_str());
  return status;
}

Result<std::string> ReadTokenFile(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return Status(Code::kNotFound, "no token file at " + path);
    return Errno(Code::kIoError, "cannot stat token file", path);
  }
  if (!S_ISREG(info.st_mode))
    return Status(Code::kInvalidArgument, "token file " + path + " is not a regular file");
  if ((info.st_mode & 077) != 0) {
    return Status(Code::kPermissionDenied,
                  "token file " + path + " lets other users read it; run `chmod 600 " + path + "`");
  }
  if (static_cast<uint64_t>(info.st_size) > kMaxTokenFileBytes) {
    return Status(Code::kTooLarge, "token file " + path + " is too large to hold a token");
  }
  std::ifstream file(path);
  if (!file) return Errno(Code::kIoError, "cannot open token file", path);
  std::string token;
  std::getline(file, token);
  size_t begin = token.find_first_not_of(" \t\r");
  size_t end = token.find_last_not_of(" \t\r");
  token = begin == std::string::npos ? "" : token.substr(begin, end - begin + 1);
  bool printable = !token.empty();
  for (unsigned char c : token) printable = printable && c > ' ' && c < 0x7f;
  if (!printable) {
    return Status(Code::kInvalidArgument,
                  "token file " + path + " does not hold a token on its first line");
  }
  return token;
}

}  // namespace covalue::node
