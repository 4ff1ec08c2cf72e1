// services/access_log.h: the batched access log — reads of a customer's CPNI
// and refused attempts, appended to the carrier's ledger through group commit.
//
// ARCHITECTURE.md: every read of CPNI through Proprio is recorded, durably,
// without an fsync per read. Each Record* call returns at once; `done` runs
// (on the committer's thread) once the entry is durable, or with the error
// that kept it out. The caller answers its client only then.
//
// `done` must be quick and must not call back into the log. Entries queued
// while a commit is in progress go together into the next one, under one
// savepoint: if that unit fails, each of its entries reports the failure.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/domain.h"
#include "services/registry.h"
#include "store/group_commit.h"

namespace proprio::services {

class AccessLog {
 public:
  AccessLog(store::Store& store, store::GroupCommitter::Options options);
  // Commits what is queued.
  ~AccessLog() = default;

  // cpni.accessed: `actor` read `fields` of customer `customer` for `purpose`.
  void RecordCpniRead(CarrierId carrier, CustomerId customer, const std::string& purpose,
                      const std::string& fields, const Actor& actor,
                      std::function<void(Status)> done);

  // access.refused: `actor` tried `what` at a carrier it may not act for, or
  // without the role for it. Nothing is appended when the carrier does not
  // exist (there is no ledger to write to); `done` still runs.
  void RecordRefused(CarrierId carrier, const std::string& reason, const Actor& actor,
                     std::function<void(Status)> done);

  uint64_t batches() const { return committer_.batches(); }

 private:
  struct Pending {
    store::LedgerEvent event;
    bool only_if_carrier_exists = false;
    std::function<void(Status)> done;
  };
  void Enqueue(Pending p);

  std::mutex mu_;
  std::vector<Pending> pending_;  // waiting for the next unit of group commit
  bool scheduled_ = false;        // a unit is submitted and has not run yet
  // Declared last: destroyed (committing what is queued) before the queue above.
  store::GroupCommitter committer_;
};

}  // namespace proprio::services
