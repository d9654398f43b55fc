#include "web/store_pool.h"

namespace zpe::web {

Result<StorePool::Lease> StorePool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto stores = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(stores));
    }
  }
  auto stores = open_stores();  // outside the lock: opening SQLite may wait on a busy file
  if (!stores) return fail(stores.error());
  return Lease(this, std::move(*stores));
}

Result<std::unique_ptr<Stores>> StorePool::open_stores() {
  auto stores = std::make_unique<Stores>();
  auto jobs = JobStore::open(home_.job_store());
  if (!jobs) return fail(jobs.error());
  auto users = UserStore::open(home_.var() / "users.sqlite", true);
  if (!users) return fail(users.error());
  stores->jobs = std::move(*jobs);
  stores->users = std::move(*users);
  stores->blobs = std::make_unique<BlobStore>(home_.blobs());
  stores->desk = std::make_unique<clearing::ClearingDesk>(config_, home_, *stores->jobs, *stores->blobs);
  return stores;
}

void StorePool::give_back(std::unique_ptr<Stores> stores) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(stores));
}

}  // namespace zpe::web
