#include "node/api/stream_buffer.h"

#include <algorithm>

#include "common/log.h"

namespace covalue::api {

bool StreamBuffer::Write(std::string chunk) {
  std::unique_lock<std::mutex> lock(m_mutex);
  if (m_closed || m_ending) return false;
  if (chunk.empty()) return true;
  if (chunk.size() > m_limit - m_queued) {
    m_closed = true;
    size_t queued = m_queued;
    lock.unlock();
    Log(LogLevel::kWarn, "http", "stream client is not reading; closing its connection",
        {{"queued_bytes", std::to_string(queued)}, {"limit", std::to_string(m_limit)}});
    if (auto sink = m_sink.lock()) sink->Close();
    return false;
  }
  m_queued += chunk.size();
  m_pending += chunk;
  WakeSink(lock);
  return true;
}

void StreamBuffer::End() {
  std::unique_lock<std::mutex> lock(m_mutex);
  if (m_closed || m_ending) return;
  m_ending = true;
  WakeSink(lock);
}

void StreamBuffer::Post(std::function<void()> task) {
  if (auto sink = m_sink.lock()) sink->PostTask(std::move(task));
}

size_t StreamBuffer::queued_bytes() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_queued;
}

bool StreamBuffer::closed() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_closed || m_ending;
}

bool StreamBuffer::Take(std::string* out, size_t max_bytes) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_pending.size() <= max_bytes) {
    out->swap(m_pending);
    m_pending.clear();
  } else {
    out->assign(m_pending, 0, max_bytes);
    m_pending.erase(0, max_bytes);
  }
  m_flush_asked = false;
  return m_ending;
}

void StreamBuffer::Sent(size_t bytes) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_queued -= std::min(bytes, m_queued);
}

void StreamBuffer::MarkClosed() {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_closed = true;
}

void StreamBuffer::WakeSink(std::unique_lock<std::mutex>& lock) {
  bool ask = !m_flush_asked;
  m_flush_asked = true;
  lock.unlock();
  if (!ask) return;
  if (auto sink = m_sink.lock()) sink->PostFlush();
}

}  // namespace covalue::api
