#include "ledger/verify.h"

#include <nlohmann/json.hpp>

#include <utility>

namespace proprio::ledger {

const char* ProblemKindName(ProblemKind k) {
  switch (k) {
    case ProblemKind::kAltered: return "altered";
    case ProblemKind::kRemoved: return "removed";
    case ProblemKind::kInserted: return "inserted";
    case ProblemKind::kReordered: return "reordered";
    case ProblemKind::kTruncated: return "truncated";
    case ProblemKind::kPayloadAltered: return "payload_altered";
    case ProblemKind::kPayloadRemoved: return "payload_removed";
    case ProblemKind::kPayloadRetentionAltered: return "payload_retention_altered";
    case ProblemKind::kHeadMismatch: return "head_mismatch";
  }
  return "unknown";
}

void Verifier::Report(ProblemKind kind, int64_t entry, std::string detail) {
  report_.valid = false;
  if (report_.problems.size() < kMaxProblems) {
    report_.problems.push_back({kind, entry, std::move(detail)});
  }
}

void Verifier::Add(const StoredEntry& row) {
  std::string_view payload;
  if (row.payload) payload = *row.payload;
  Add(row.seq, row.bytes, row.hash, row.payload ? &payload : nullptr, row.payload_erased,
      row.payload_retain_until);
}

void Verifier::Add(int64_t seq, std::string_view bytes, std::string_view hash,
                   const std::string_view* payload, bool payload_erased,
                   std::optional<int64_t> retain_until) {
  const Hash leaf = ChainHash(bytes);  // also the Merkle leaf hash
  tree_.Push(leaf);
  Check(seq, bytes, hash, payload, payload_erased, leaf, nullptr, retain_until);
}

void Verifier::Check(int64_t seq, std::string_view bytes, std::string_view hash,
                     const std::string_view* payload, bool payload_erased, const Hash& leaf,
                     const Hash* payload_digest, std::optional<int64_t> retain_until) {
  struct RowRef {
    int64_t seq;
    std::string_view bytes;
    std::string_view hash;
    const std::string_view* payload;
    bool payload_erased;
  } row{seq, bytes, hash, payload, payload_erased};
  ++report_.entries;
  report_.bytes_hashed += static_cast<int64_t>(row.bytes.size());
  const Hash& actual = leaf;

  if (row.seq > expected_) {
    Report(ProblemKind::kRemoved, expected_,
           row.seq - expected_ == 1
               ? "entry " + std::to_string(expected_) + " is missing"
               : "entries " + std::to_string(expected_) + " to " + std::to_string(row.seq - 1) +
                     " are missing");
    expected_ = row.seq;
    prev_ok_ = false;
  } else if (row.seq < expected_) {
    Report(ProblemKind::kInserted, row.seq,
           "a second row claims sequence number " + std::to_string(row.seq));
    return;  // keep the chain state of the first row with this number
  }
  const int64_t pos = expected_++;

  EntryView& e = entry_;
  const bool decoded = EntryView::ParseInto(row.bytes, &e) == nullptr;
  Hash stored{};
  const bool stored_ok = HashFromBytes(row.hash, &stored);
  if (!decoded || !stored_ok || stored != actual) {
    Report(ProblemKind::kAltered, pos,
           "entry " + std::to_string(pos) + " was altered: its bytes do not match its hash");
    prev_hash_ = stored_ok ? stored : actual;
    prev_ok_ = false;
    return;
  }

  if (looking_for_ && !found_at_ && e.seq == *looking_for_) found_at_ = pos;

  if (e.carrier != report_.carrier) {
    Report(ProblemKind::kAltered, pos,
           "entry " + std::to_string(pos) + " belongs to carrier " + e.carrier.ToString());
  } else if (e.seq > pos) {
    if (!looking_for_) looking_for_ = pos;
    Report(ProblemKind::kReordered, pos,
           "position " + std::to_string(pos) + " holds entry " + std::to_string(e.seq));
  } else if (e.seq < pos) {
    Report(ProblemKind::kInserted, e.seq,
           "an entry was inserted at position " + std::to_string(e.seq) + ": entry " +
               std::to_string(e.seq) + " now stands at position " + std::to_string(pos));
  } else if (e.prev_hash != prev_hash_ && prev_ok_) {
    if (pos == 1) {
      Report(ProblemKind::kAltered, 1, "entry 1 does not start the chain");
    } else {
      Report(ProblemKind::kAltered, pos - 1,
             "entry " + std::to_string(pos - 1) + " was altered: entry " + std::to_string(pos) +
                 " holds a different hash for it");
    }
  }
  prev_hash_ = actual;
  prev_ok_ = true;

  if (e.payload_hash) {
    if (row.payload) {
      ++report_.payloads_checked;
      report_.bytes_hashed += static_cast<int64_t>(row.payload->size());
      const Hash digest = payload_digest ? *payload_digest : Sha256Of(*row.payload);
      if (digest != *e.payload_hash) {
        Report(ProblemKind::kPayloadAltered, pos,
               "the payload of entry " + std::to_string(pos) + " does not match its hash");
      }
    } else if (row.payload_erased) {
      erased_payload_entries_.insert(e.seq);
    } else {
      Report(ProblemKind::kPayloadRemoved, pos,
             "the payload of entry " + std::to_string(pos) + " is missing");
    }
    // The retention the entry committed to (entries written since issue 22).
    if (e.payload_retain_until && retain_until) {
      const int64_t promised = e.payload_retain_until->micros();
      if (*retain_until != promised) {
        Report(ProblemKind::kPayloadRetentionAltered, pos,
               "the payload of entry " + std::to_string(pos) + " is kept until " +
                   Instant::FromMicros(*retain_until).ToRfc3339() + " but its entry committed to " +
                   e.payload_retain_until->ToRfc3339());
      }
      if (row.payload_erased) erased_retention_[e.seq] = promised;
    }
  }
  if (e.type == kPayloadErasedType) {
    auto body = nlohmann::json::parse(e.body, nullptr, false);
    if (body.is_object() && body.contains("entry") && body["entry"].is_number_integer()) {
      erasure_records_.insert(body["entry"].get<int64_t>());
      erasure_times_.emplace(body["entry"].get<int64_t>(), e.at.micros());
    }
  }
}

VerifyReport Verifier::Finish(const Head& head) {
  if (looking_for_ && !found_at_) {
    // The position held a later entry and the one it should hold never showed
    // up: it was removed and the rest renumbered, not reordered.
    for (auto& p : report_.problems) {
      if (p.kind == ProblemKind::kReordered && p.entry == *looking_for_) {
        p.kind = ProblemKind::kRemoved;
        p.detail = "entry " + std::to_string(*looking_for_) +
                   " is missing (the entries after it were renumbered)";
        break;
      }
    }
  }
  for (int64_t seq : erased_payload_entries_) {
    if (erasure_records_.count(seq) == 0) {
      Report(ProblemKind::kPayloadRemoved, seq,
             "the payload of entry " + std::to_string(seq) +
                 " is marked erased but no erasure entry records it");
    } else {
      ++report_.payloads_erased;
    }
  }
  // An erasure recorded before the retention its entry committed to.
  for (const auto& [seq, promised] : erased_retention_) {
    auto at = erasure_times_.find(seq);
    if (at != erasure_times_.end() && at->second < promised) {
      Report(ProblemKind::kPayloadRetentionAltered, seq,
             "the payload of entry " + std::to_string(seq) + " was erased at " +
                 Instant::FromMicros(at->second).ToRfc3339() +
                 ", before the retention its entry committed to (" +
                 Instant::FromMicros(promised).ToRfc3339() + ")");
    }
  }
  const int64_t read = expected_ - 1;
  if (head.size > read) {
    Report(ProblemKind::kTruncated, read + 1,
           "the ledger ends at entry " + std::to_string(read) + " but " +
               std::to_string(head.size) + " were appended: entries " + std::to_string(read + 1) +
               " to " + std::to_string(head.size) + " are missing");
  } else if (head.size < read) {
    Report(ProblemKind::kInserted, head.size + 1,
           "entries after " + std::to_string(head.size) + " were never appended through the ledger");
  } else if (report_.valid && read > 0 && prev_hash_ != head.last_hash &&
             tree_.Root() != head.root) {
    // Every link holds but the last entry is not the one the head recorded:
    // it was altered and its hash column rewritten to match.
    Report(ProblemKind::kAltered, read,
           "entry " + std::to_string(read) + " was altered: its hash differs from the one the " +
               "head recorded for it");
  } else if (report_.valid && (tree_.Root() != head.root || (read > 0 && prev_hash_ != head.last_hash))) {
    Report(ProblemKind::kHeadMismatch, read,
           "the recorded head does not match the entries (root or last hash differs)");
  }
  report_.root = tree_.Root();
  return std::move(report_);
}

void RowBatch::Add(int64_t seq, std::string_view bytes, std::string_view hash,
                   const std::string_view* payload, bool payload_erased,
                   std::optional<int64_t> retain_until) {
  Row row{};
  row.seq = seq;
  row.bytes = arena_.size();
  row.bytes_len = bytes.size();
  row.hash_len = hash.size();
  arena_.append(bytes).append(hash);  // the hash right after the bytes
  AddPayload(row, payload, payload_erased, retain_until);
}

void RowBatch::HoldBlock(std::string_view block) {
  held_block_ = block.data();
  held_at_ = arena_.size();
  arena_.append(block);
}

void RowBatch::AddFromBlock(int64_t seq, std::string_view bytes, std::string_view hash,
                            const std::string_view* payload, bool payload_erased,
                            std::optional<int64_t> retain_until) {
  Row row{};
  row.seq = seq;
  row.bytes = held_at_ + static_cast<size_t>(bytes.data() - held_block_);
  row.bytes_len = bytes.size();
  row.hash_len = hash.size();  // a block stores each hash right after its entry
  AddPayload(row, payload, payload_erased, retain_until);
}

void RowBatch::AddPayload(Row& row, const std::string_view* payload, bool payload_erased,
                          std::optional<int64_t> retain_until) {
  if (payload) {
    row.payload = arena_.size();
    row.payload_len = payload->size();
    row.has_payload = true;
    arena_.append(*payload);
  }
  row.payload_erased = payload_erased;
  row.retain_until = retain_until;
  rows_.push_back(row);
}

void RowBatch::Clear() {
  arena_.clear();
  held_block_ = nullptr;
  rows_.clear();
  leaves_.clear();
  payload_digests_.clear();
  subtrees_.clear();
}

ParallelVerifier::ParallelVerifier(CarrierId carrier, unsigned threads)
    // Deep enough that the hashing threads have work while the reader runs a
    // range's payload query (no batches come out meanwhile): 2 batches per
    // thread left them idle a fifth of the time (bench/RESULTS.md).
    : verifier_(carrier), queue_(8 * static_cast<size_t>(threads)) {
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

ParallelVerifier::~ParallelVerifier() { Stop(); }

void ParallelVerifier::Stop() {
  queue_.Close();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void ParallelVerifier::Add(RowBatch batch) {
  if (batch.empty()) return;
  batch.index_ = batches_added_++;
  batch.start_ = rows_added_;
  rows_added_ += batch.size();
  queue_.Push(std::move(batch));
}

RowBatch ParallelVerifier::TakeSpare() {
  RowBatch batch = queue_.TakeSpare();
  batch.Clear();
  return batch;
}

VerifyReport ParallelVerifier::Finish(const Head& head) {
  Stop();  // every batch is folded once the threads are done
  return verifier_.Finish(head);
}

void ParallelVerifier::Work() {
  while (std::optional<RowBatch> batch = queue_.Pop()) {
    HashBatch(*batch);
    FoldInOrder(std::move(*batch));
  }
}

void ParallelVerifier::HashBatch(RowBatch& batch) {
  batch.leaves_.resize(batch.rows_.size());
  batch.payload_digests_.clear();
  for (size_t i = 0; i < batch.rows_.size(); ++i) {
    const RowBatch::Row& row = batch.rows_[i];
    batch.leaves_[i] = ChainHash(batch.Slice(row.bytes, row.bytes_len));
    if (row.has_payload) {
      batch.payload_digests_.push_back(Sha256Of(batch.Slice(row.payload, row.payload_len)));
    }
  }
  // The node hashes of the batch's rows, as far as their alignment in the
  // whole tree allows: all of them for a full batch of a power-of-two size.
  batch.subtrees_ = AlignedSubtrees(batch.start_, batch.leaves_);
}

void ParallelVerifier::FoldInOrder(RowBatch batch) {
  std::unique_lock<std::mutex> lock(mu_);
  ready_.emplace(batch.index_, std::move(batch));
  // The thread folding will find this batch when its turn comes.
  if (folding_) return;
  folding_ = true;
  for (auto it = ready_.find(next_fold_); it != ready_.end(); it = ready_.find(next_fold_)) {
    RowBatch next = std::move(it->second);
    ready_.erase(it);
    lock.unlock();
    Fold(next);
    next.Clear();
    queue_.Recycle(std::move(next));
    lock.lock();
    ++next_fold_;
  }
  folding_ = false;
}

void ParallelVerifier::Fold(const RowBatch& batch) {
  size_t digest = 0;
  for (size_t i = 0; i < batch.rows_.size(); ++i) {
    const RowBatch::Row& row = batch.rows_[i];
    const std::string_view payload = batch.Slice(row.payload, row.payload_len);
    const Hash* payload_digest = row.has_payload ? &batch.payload_digests_[digest++] : nullptr;
    verifier_.Check(row.seq, batch.Slice(row.bytes, row.bytes_len),
                    batch.Slice(row.bytes + row.bytes_len, row.hash_len),
                    row.has_payload ? &payload : nullptr, row.payload_erased, batch.leaves_[i],
                    payload_digest, row.retain_until);
  }
  for (const Subtree& s : batch.subtrees_) verifier_.tree_.PushSubtree(s);
}

}  // namespace proprio::ledger
