// Home: the one folder that holds all of a ZPE installation's state (--home or $ZPE_HOME,
// default ./zpe-home). Knows the layout; create() makes the folders that must exist.
//
//   inbox/<tenant>/     watch folders (scanners drop files here)
//   inbox-egvp/<tenant>/  the court mailbox's inbound packages (connectors/egvp_intake.h)
//   var/jobs.sqlite     the job store
//   var/blobs/          the blob store
//   quarantine/<tenant>/  refused input with a <name>.reason.txt beside it
//   casefiles/<tenant>/<case number>/  what the reference case-file sink writes
//   archive/<yyyy>/<mm>/<doc id>/  write-once archival packages (docs/ARCHIVE.md)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/status.h"

namespace zpe {

struct Home {
  std::filesystem::path root;

  std::filesystem::path inbox(const std::string& tenant) const { return root / "inbox" / tenant; }
  std::filesystem::path inbox_egvp(const std::string& tenant) const { return root / "inbox-egvp" / tenant; }
  std::filesystem::path var() const { return root / "var"; }
  std::filesystem::path job_store() const { return root / "var" / "jobs.sqlite"; }
  std::filesystem::path blobs() const { return root / "var" / "blobs"; }
  std::filesystem::path quarantine(const std::string& tenant) const {
    return root / "quarantine" / tenant;
  }
  std::filesystem::path casefiles() const { return root / "casefiles"; }
  std::filesystem::path archive() const { return root / "archive"; }

  Status create(const std::vector<std::string>& tenants) const;
};

// --home if given, else $ZPE_HOME, else ./zpe-home; made absolute.
Home resolve_home(const std::string& home_option);

}  // namespace zpe
