// StreamBuffer: the body of one streamed HTTP response (node/api/http_server.h) between the
// handler that writes it, from any thread, and the connection that sends it, on its strand —
// bounded: a Write that would queue more than the limit closes the connection instead. The
// connection (a StreamSink) owns the buffer and is only weakly referenced by it. Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "node/api/http_server.h"

namespace covalue::api {

// What the buffer asks of its connection. Every method may be called from any thread.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Take what is pending (StreamBuffer::Take) and send it, on the connection's strand.
  virtual void PostFlush() = 0;
  // Run `task` on the connection's strand unless the connection has closed by then.
  virtual void PostTask(std::function<void()> task) = 0;
  virtual void Close() = 0;
};

class StreamBuffer final : public ResponseStream {
 public:
  StreamBuffer(std::weak_ptr<StreamSink> sink, size_t limit)
      : m_sink(std::move(sink)), m_limit(limit) {}

  // ResponseStream
  bool Write(std::string chunk) override;
  void End() override;
  void Post(std::function<void()> task) override;
  size_t queued_bytes() const override;
  bool closed() const override;

  // For the connection: moves the oldest bytes not yet taken, at most `max_bytes` of them, into
  // `out` (replacing its contents); true once End was called. A bounded chunk keeps each socket
  // write short, so a client that reads steadily but slowly is not cut off by the write timeout.
  bool Take(std::string* out, size_t max_bytes);
  // `bytes` taken earlier have been sent.
  void Sent(size_t bytes);
  // The connection has closed: every later Write fails.
  void MarkClosed();

 private:
  // Asks the sink to flush, unless a flush is already asked for; unlocks `lock`.
  void WakeSink(std::unique_lock<std::mutex>& lock);

  const std::weak_ptr<StreamSink> m_sink;
  const size_t m_limit;
  mutable std::mutex m_mutex;
  std::string m_pending;  // written, not yet taken
  size_t m_queued = 0;    // written, not yet sent (pending and being sent)
  bool m_flush_asked = false;
  bool m_ending = false;
  bool m_closed = false;
};

}  // namespace covalue::api
