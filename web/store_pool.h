// StorePool: the job store, users file, blob store and ClearingDesk one request works with.
// JobStore and UserStore are one-thread-at-a-time objects and httplib runs handlers on a
// thread pool, so each request leases a set for its duration; sets are opened lazily and
// kept for the next request (at most one per concurrent request). Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "clearing/clearing_desk.h"
#include "pipeline/blob_store.h"
#include "pipeline/config.h"
#include "pipeline/home.h"
#include "pipeline/job_store.h"
#include "web/users.h"

namespace zpe::web {

struct Stores {
  std::unique_ptr<JobStore> jobs;
  std::unique_ptr<UserStore> users;
  std::unique_ptr<BlobStore> blobs;
  std::unique_ptr<clearing::ClearingDesk> desk;  // over jobs and blobs
};

class StorePool {
 public:
  StorePool(const Config& config, Home home) : config_(config), home_(std::move(home)) {}

  // Returns the set to the pool when it goes out of scope.
  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<Stores> stores) : pool_(pool), stores_(std::move(stores)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (stores_) pool_->give_back(std::move(stores_));
    }
    Stores& operator*() { return *stores_; }
    Stores* operator->() { return stores_.get(); }

   private:
    StorePool* pool_;
    std::unique_ptr<Stores> stores_;
  };

  Result<Lease> acquire();

 private:
  Result<std::unique_ptr<Stores>> open_stores();
  void give_back(std::unique_ptr<Stores> stores);

  const Config& config_;
  const Home home_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Stores>> idle_;
};

}  // namespace zpe::web
