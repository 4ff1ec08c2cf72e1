#include "store/group_commit.h"

#include <vector>

namespace proprio::store {

GroupCommitter::GroupCommitter(Store& store, Options options)
    : store_(store), options_(options), writer_([this] { Loop(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  writer_.join();
}

void GroupCommitter::Enqueue(Item item) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(item));
      cv_.notify_one();
      return;
    }
  }
  item.done(Status::Unavailable("the writer is shutting down"));
}

void GroupCommitter::SubmitWithCallback(std::function<Status(Tx&)> work,
                                        std::function<void(Status)> done) {
  Enqueue(Item{std::move(work), std::move(done)});
}

std::future<Status> GroupCommitter::SubmitAsync(std::function<Status(Tx&)> work) {
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> f = promise->get_future();
  Enqueue(Item{std::move(work), [promise](Status st) { promise->set_value(std::move(st)); }});
  return f;
}

Status GroupCommitter::Submit(std::function<Status(Tx&)> work) {
  return SubmitAsync(std::move(work)).get();
}

void GroupCommitter::Loop() {
  for (;;) {
    std::vector<Item> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      if (options_.max_delay.count() > 0) {
        const auto deadline = std::chrono::steady_clock::now() + options_.max_delay;
        while (!stopping_ && queue_.size() < options_.max_batch &&
               cv_.wait_until(lock, deadline) != std::cv_status::timeout) {
        }
      }
      const size_t n = std::min(queue_.size(), options_.max_batch);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Status> results(batch.size());
    const Status commit = store_.Transact([&](Tx& tx) -> Status {
      for (size_t i = 0; i < batch.size(); ++i) results[i] = tx.Isolated(batch[i].work);
      return Status::Ok();
    });
    ++batches_;
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i].done(commit.ok() ? results[i] : commit);
    }
  }
}

}  // namespace proprio::store
