#include "pipeline/sqlite_db.h"

#include <cerrno>

namespace zpe {

namespace {
// "database /path/jobs.sqlite: " — which file an error is about.
std::string database_prefix(sqlite3* db) {
  const char* file = sqlite3_db_filename(db, "main");
  return std::string("database ") + (file && *file ? file : "(in memory)") + ": ";
}

// SQLITE_FULL (or an I/O error whose cause was ENOSPC/EDQUOT) is a full disk: kNoSpace, so
// the caller waits for space (pipeline/no_space.h); anything else keeps `otherwise`.
ErrorKind sqlite_error_kind(sqlite3* db, int rc, ErrorKind otherwise) {
  if ((rc & 0xff) == SQLITE_FULL) return ErrorKind::kNoSpace;
  const int system_errno = (rc & 0xff) == SQLITE_IOERR ? sqlite3_system_errno(db) : 0;
  return system_errno == ENOSPC || system_errno == EDQUOT ? ErrorKind::kNoSpace : otherwise;
}
}  // namespace

Statement::Statement(sqlite3* db, const char* sql) : db_(db), sql_(sql) {
  last_rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  if (last_rc_ != SQLITE_OK) stmt_ = nullptr;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, const std::string& value) {
  if (stmt_) sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_blob(int index, const std::string& bytes) {
  if (stmt_) sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  if (stmt_) sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (stmt_) sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

bool Statement::step() {
  if (!stmt_) return false;
  last_rc_ = sqlite3_step(stmt_);
  return last_rc_ == SQLITE_ROW;
}

Status Statement::run() {
  while (step()) {
  }
  return status();
}

std::string Statement::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Status Statement::status() const {
  if (!stmt_) {
    return fail(ErrorKind::kInternal, std::string("SQL error preparing '") + sql_ + "': " + sqlite3_errmsg(db_));
  }
  if (last_rc_ == SQLITE_OK || last_rc_ == SQLITE_ROW || last_rc_ == SQLITE_DONE) return {};
  const bool passing = last_rc_ == SQLITE_BUSY || last_rc_ == SQLITE_LOCKED || last_rc_ == SQLITE_IOERR;
  const ErrorKind kind = sqlite_error_kind(db_, last_rc_, passing ? ErrorKind::kIOError : ErrorKind::kInternal);
  return fail(kind, database_prefix(db_) + sqlite3_errmsg(db_));
}

Status exec_sql(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err); rc != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return fail(sqlite_error_kind(db, rc, ErrorKind::kIOError), database_prefix(db) + msg);
  }
  return {};
}

Result<sqlite3*> open_sqlite(const std::filesystem::path& file, bool create, int busy_timeout_ms,
                             const std::string& what) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    if (db) sqlite3_close(db);
    return fail(create ? ErrorKind::kIOError : ErrorKind::kNotFound, "cannot open " + what + " " + file.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
    if (auto st = exec_sql(db, pragma); !st) {
      sqlite3_close(db);
      return fail(st.error().kind, what + " " + file.string() + ": " + st.error().message);
    }
  }
  return db;
}

Transaction::Transaction(sqlite3* db) : db_(db) {
  begin_ = exec_sql(db, "BEGIN IMMEDIATE");
  open_ = begin_.has_value();
}

Transaction::~Transaction() {
  if (open_) exec_sql(db_, "ROLLBACK");
}

Status Transaction::commit() {
  if (!open_) return begin_;
  open_ = false;
  auto rc = exec_sql(db_, "COMMIT");
  if (!rc) exec_sql(db_, "ROLLBACK");
  return rc;
}

}  // namespace zpe
