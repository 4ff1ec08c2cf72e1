// core/bounded_queue.h: a blocking queue of bounded depth between one
// producer and one or more consumer threads, with spare items handed back for
// reuse.
//
// The bulk paths (CSV import, ledger verification) run their parsing or
// hashing on a second thread; this queue is the hand-over. Recycling spent
// items lets the producer reuse their buffers, so a warm pipeline allocates
// nothing and frees nothing on the other thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace proprio {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t max_depth) : max_depth_(max_depth) {}

  // Blocks while the queue is full. Returns false (dropping `item`) once the
  // consumer has cancelled.
  bool Push(T item) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return items_.size() < max_depth_ || cancelled_; });
    if (cancelled_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  // No more items will come.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();  // every consumer waiting must see the end
  }
  // Blocks for the next item; nullopt when closed and drained.
  std::optional<T> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }
  // The consumer stops early: a blocked or later Push returns false.
  void Cancel() {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    not_full_.notify_all();
  }
  bool cancelled() {
    std::lock_guard<std::mutex> lock(mu_);
    return cancelled_;
  }
  // Spent items go back to the producer.
  void Recycle(T item) {
    std::lock_guard<std::mutex> lock(mu_);
    if (spares_.size() < max_depth_) spares_.push_back(std::move(item));
  }
  // A spent item to refill, or a new one.
  T TakeSpare() {
    std::lock_guard<std::mutex> lock(mu_);
    if (spares_.empty()) return T{};
    T item = std::move(spares_.back());
    spares_.pop_back();
    return item;
  }

 private:
  const size_t max_depth_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  std::vector<T> spares_;
  bool closed_ = false;
  bool cancelled_ = false;
};

}  // namespace proprio
