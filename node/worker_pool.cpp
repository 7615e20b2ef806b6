#include "node/worker_pool.h"

namespace covalue::node {

WorkerPool::WorkerPool(unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 1; i < threads; ++i) m_workers.emplace_back([this] { WorkerLoop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  for (auto& worker : m_workers) worker.join();
}

void WorkerPool::ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
  if (m_workers.empty() || n <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::lock_guard<std::mutex> call(m_call_mutex);
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_fn = &fn;
    m_n = n;
    m_next.store(0);
    ++m_generation;
    m_active = static_cast<unsigned>(m_workers.size());
  }
  m_wake.notify_all();
  RunItems(fn, n);
  std::unique_lock<std::mutex> lock(m_mutex);
  m_done.wait(lock, [this] { return m_active == 0; });
  m_fn = nullptr;
}

void WorkerPool::RunItems(const std::function<void(size_t)>& fn, size_t n) {
  for (size_t i = m_next.fetch_add(1); i < n; i = m_next.fetch_add(1)) fn(i);
}

void WorkerPool::WorkerLoop() {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void(size_t)>* fn;
    size_t n;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
      if (m_stop) return;
      seen = m_generation;
      fn = m_fn;
      n = m_n;
    }
    RunItems(*fn, n);
    std::lock_guard<std::mutex> lock(m_mutex);
    if (--m_active == 0) m_done.notify_one();
  }
}

}  // namespace covalue::node
