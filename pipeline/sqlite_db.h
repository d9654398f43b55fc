// A thin RAII layer over SQLite's C API for the job store and the case registry: opening a
// database file in WAL mode, prepared statements with positional binding, and a transaction
// guard (BEGIN IMMEDIATE, so writers queue on the busy timeout instead of failing
// mid-transaction). Error messages name the database file. Not thread-safe; one per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <sqlite3.h>

#include "pipeline/status.h"

namespace zpe {

class Statement {
 public:
  Statement(sqlite3* db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Statement& bind(int index, const std::string& value);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind_blob(int index, const std::string& bytes);  // read back with text()
  // Advances; true while there is a row. Errors are kept for status().
  bool step();
  Status run();  // steps to completion
  std::string text(int column) const;
  int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;
  Status status() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int last_rc_ = SQLITE_OK;
  std::string sql_;
};

class Transaction {
 public:
  explicit Transaction(sqlite3* db);
  ~Transaction();  // rolls back unless committed
  Status begin_status() const { return begin_; }
  Status commit();

 private:
  sqlite3* db_;
  bool open_ = false;
  Status begin_;
};

Status exec_sql(sqlite3* db, const char* sql);

// Opens `file` (created first when `create`) with a busy timeout, the WAL journal (readers
// read while a writer commits) and synchronous=FULL. `what` names the database in errors
// ("job store", "case registry"). The caller owns the handle (sqlite3_close).
Result<sqlite3*> open_sqlite(const std::filesystem::path& file, bool create, int busy_timeout_ms,
                             const std::string& what);

}  // namespace zpe
