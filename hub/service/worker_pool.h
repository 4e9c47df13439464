// WorkerPool runs tasks on a fixed set of threads of its own, in the order
// they were queued. The hub serves every call on gRPC's callback API, whose
// few threads must never block; a call whose handler may wait (for a record
// lock held until another call's commit, for a checkpoint to be signed, or
// for its own commit on a stream) runs its handler here instead
// (decision 0009). The queue is not bounded here: CallRunner admits at most
// its in-flight limit of calls. Thread-safe.
#ifndef HUB_SERVICE_WORKER_POOL_H_
#define HUB_SERVICE_WORKER_POOL_H_

#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace hub::service {

class WorkerPool {
 public:
  using Task = absl::AnyInvocable<void() &&>;

  // Starts `threads` (at least 1) threads.
  explicit WorkerPool(int threads);

  // Runs every task already queued, then joins the threads.
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` to run once on one of the pool's threads. A task may
  // block, and may queue further tasks.
  // REQUIRES: the pool is not being destroyed.
  void Run(Task task);

 private:
  void Work();

  absl::Mutex mu_;
  absl::CondVar work_;  // signalled when a task is queued or on stopping
  std::deque<Task> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace hub::service

#endif  // HUB_SERVICE_WORKER_POOL_H_
