#include "node/audit/bundle_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "node/genesis_file.h"

namespace covalue::audit {
namespace {

Status IoError(const std::string& what) {
  return Status(Code::kIoError, what + ": " + std::strerror(errno));
}

// Makes a rename in `folder` durable. Some file systems cannot fsync a folder (EINVAL);
// the bundle is whole either way.
Status SyncFolder(const std::string& folder) {
  int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open folder " + folder);
  bool synced = ::fsync(fd) == 0 || errno == EINVAL;
  Status status = synced ? Status::Ok() : IoError("cannot fsync folder " + folder);
  ::close(fd);
  return status;
}

}  // namespace

Result<std::unique_ptr<BundleWriter>> BundleWriter::Create(const std::string& path,
                                                           const BundleInfo& info) {
  COVALUE_RETURN_IF_ERROR(CheckBundleInfo(info));
  std::unique_ptr<BundleWriter> writer(new BundleWriter(path, info.from, info.to));
  writer->m_fd =
      ::open(writer->part_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (writer->m_fd < 0) return IoError("cannot write " + writer->part_path());
  writer->m_opened = true;
  Bytes prefix(kBundleMagic.begin(), kBundleMagic.end());
  prefix.push_back(static_cast<uint8_t>(kBundleVersion & 0xff));
  prefix.push_back(static_cast<uint8_t>(kBundleVersion >> 8));
  COVALUE_RETURN_IF_ERROR(writer->WriteAll(prefix));
  COVALUE_RETURN_IF_ERROR(writer->WriteFrame(AsBytes(node::GenesisToJson(info.genesis).dump())));
  COVALUE_RETURN_IF_ERROR(writer->WriteFrame(EncodeBundleRange(info)));
  return writer;
}

BundleWriter::~BundleWriter() {
  if (m_fd >= 0) ::close(m_fd);
  if (m_opened && !m_finished) ::unlink(part_path().c_str());
}

Status BundleWriter::WriteAll(ByteView bytes) {
  while (!bytes.empty()) {
    ssize_t written = ::write(m_fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return IoError("writing " + part_path() + " failed");
    }
    bytes = bytes.subspan(static_cast<size_t>(written));
  }
  return Status::Ok();
}

Status BundleWriter::WriteFrame(ByteView payload) {
  if (payload.size() > kMaxBundleFrame) {
    return Status(Code::kTooLarge,
                  "a bundle frame of " + std::to_string(payload.size()) + " bytes");
  }
  Bytes frame;
  frame.reserve(4 + payload.size());
  for (int i = 0; i < 4; ++i) frame.push_back(static_cast<uint8_t>(payload.size() >> (8 * i)));
  frame.insert(frame.end(), payload.begin(), payload.end());
  return WriteAll(frame);
}

Status BundleWriter::Append(const ledger::Block& block) {
  if (m_fd < 0 || m_next > m_to || block.header.height != m_next) {
    return Status(Code::kInvalidArgument, "bundle expects block " + std::to_string(m_next) +
                                              ", not " + std::to_string(block.header.height));
  }
  COVALUE_RETURN_IF_ERROR(WriteFrame(ledger::EncodeBlock(block)));
  ++m_next;
  return Status::Ok();
}

Status BundleWriter::Finish() {
  if (m_fd < 0 || m_next != m_to + 1) {
    return Status(Code::kFailedPrecondition, "bundle is missing blocks " + std::to_string(m_next) +
                                                 ".." + std::to_string(m_to));
  }
  if (::fsync(m_fd) != 0) return IoError("cannot fsync " + part_path());
  int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0) return IoError("writing " + part_path() + " failed");
  if (std::rename(part_path().c_str(), m_path.c_str()) != 0) {
    return IoError("cannot rename the bundle into " + m_path);
  }
  m_finished = true;
  std::filesystem::path folder = std::filesystem::path(m_path).parent_path();
  return SyncFolder(folder.empty() ? std::string(".") : folder.string());
}

}  // namespace covalue::audit
