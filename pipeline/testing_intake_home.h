// Test helper for the intakes (pipeline/intake.h, connectors/egvp_intake.h): a throw-away
// ZPE home with the default config plus `[intake] stable_ms = 0` (or the config text given),
// its folders, a job store and a blob store. The home is removed when the object goes. Unit tests only.
#pragma once

#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "pipeline/blob_store.h"
#include "pipeline/config.h"
#include "pipeline/durable_file.h"
#include "pipeline/home.h"
#include "pipeline/job_store.h"

namespace zpe::testing {

struct IntakeHome {
  explicit IntakeHome(const std::string& config_text = "[intake]\nstable_ms = 0\n") {
    home.root = std::filesystem::temp_directory_path() / ("zpe-intake-" + random_hex(4));
    auto loaded = Config::from_text(config_text);
    EXPECT_TRUE(loaded);
    config = std::make_unique<Config>(*loaded);
    EXPECT_TRUE(home.create(config->tenants()));
    auto opened = JobStore::open(home.job_store());
    EXPECT_TRUE(opened);
    if (opened) jobs = std::move(*opened);
    blobs = std::make_unique<BlobStore>(home.blobs());
  }
  ~IntakeHome() { std::filesystem::remove_all(home.root); }
  IntakeHome(const IntakeHome&) = delete;
  IntakeHome& operator=(const IntakeHome&) = delete;

  Home home;
  std::unique_ptr<Config> config;
  std::unique_ptr<JobStore> jobs;
  std::unique_ptr<BlobStore> blobs;
};

}  // namespace zpe::testing
