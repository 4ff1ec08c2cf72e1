// store/group_commit.h: many small writes, one durable commit.
//
// Each Submit() hands a unit of work to a single writer thread, which runs
// waiting units together in one transaction (each under its own savepoint, so
// a failing unit is undone alone) and commits once. Submit() returns only
// after that commit, so every acknowledged write is durable, while the cost of
// the fsync is shared by the whole batch.
//
// The writer takes everything queued (up to max_batch) as soon as it is free:
// while one batch commits, the next gathers, so batches grow with the load and
// a lone write waits for nobody. A positive max_delay makes the writer linger
// that long for more units before it starts a batch.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "store/store.h"

namespace proprio::store {

class GroupCommitter {
 public:
  struct Options {
    size_t max_batch = 1024;
    std::chrono::microseconds max_delay{0};
  };

  GroupCommitter(Store& store, Options options);
  explicit GroupCommitter(Store& store) : GroupCommitter(store, Options{}) {}
  // Commits what is queued, then stops the writer.
  ~GroupCommitter();

  // Blocks until `work` is committed durably (OK) or failed (nothing of it kept).
  Status Submit(std::function<Status(Tx&)> work);
  std::future<Status> SubmitAsync(std::function<Status(Tx&)> work);
  // Does not block: `done` runs on the writer thread once the batch holding
  // `work` is committed (OK) or failed. It must be quick and must not submit.
  void SubmitWithCallback(std::function<Status(Tx&)> work, std::function<void(Status)> done);

  uint64_t batches() const { return batches_; }

 private:
  struct Item {
    std::function<Status(Tx&)> work;
    std::function<void(Status)> done;
  };
  void Enqueue(Item item);
  void Loop();

  Store& store_;
  Options options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::atomic<uint64_t> batches_{0};
  std::thread writer_;
};

}  // namespace proprio::store
