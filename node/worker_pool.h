// WorkerPool: a fixed set of threads that run the items of one ParallelFor at a time, with the
// calling thread working beside them — how the node and the auditor spread CPU-bound work over
// every core (signature verification: node/signature_check.h). Owns its threads: started in
// the constructor, joined in the destructor. Thread-safe: ParallelFor may be called from any
// thread; calls run one after another.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace covalue::node {

class WorkerPool {
 public:
  // `threads`: how many threads work on a ParallelFor, the caller's included (at least 1);
  // 0: one per hardware thread.
  explicit WorkerPool(unsigned threads = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned threads() const { return static_cast<unsigned>(m_workers.size()) + 1; }

  // Runs fn(0) … fn(n - 1), each once, on the pool's threads and the caller's, in no set
  // order; returns when all have returned. `fn` must not throw, and may run concurrently
  // with itself.
  void ParallelFor(size_t n, const std::function<void(size_t)>& fn);

 private:
  void WorkerLoop();
  // Claims and runs items of the current job until none is left.
  void RunItems(const std::function<void(size_t)>& fn, size_t n);

  std::mutex m_call_mutex;  // one ParallelFor at a time
  std::mutex m_mutex;       // guards the job fields below
  std::condition_variable m_wake;
  std::condition_variable m_done;
  const std::function<void(size_t)>* m_fn = nullptr;
  size_t m_n = 0;
  uint64_t m_generation = 0;  // one per job, so a worker joins each job once
  unsigned m_active = 0;      // workers not yet done with the current job
  bool m_stop = false;
  std::atomic<size_t> m_next{0};  // the next unclaimed item of the current job
  std::vector<std::thread> m_workers;
};

}  // namespace covalue::node
