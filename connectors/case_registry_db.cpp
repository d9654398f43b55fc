#include "connectors/case_registry_db.h"

#include <iterator>

#include "classifiers/case_number.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

namespace {

using classifiers::CaseState;
using classifiers::RegisteredCase;

constexpr int kBusyTimeoutMs = 5000;

// Version 2. docs/CLASSIFY.md describes every column; change both together, raise
// kCaseRegistrySchemaVersion and add a step to kMigrations.
constexpr const char* kSchema = R"SQL(
CREATE TABLE cases(
  tenant TEXT NOT NULL,
  case_number TEXT NOT NULL,
  opened TEXT,
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  documents_filed INTEGER NOT NULL DEFAULT 0,
  last_filed_at TEXT,
  surname TEXT,
  birth_date TEXT,
  PRIMARY KEY (tenant, case_number));
CREATE TABLE filings(
  event_id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  case_number TEXT NOT NULL,
  document_id TEXT NOT NULL,
  filed_at TEXT NOT NULL);
PRAGMA user_version = 2;
)SQL";

// kMigrations[v - 1] takes a registry of version v to v + 1; older registries stay readable.
constexpr const char* kMigrations[] = {
    // 1 -> 2: the applicant's second keys (NULL: not registered).
    "ALTER TABLE cases ADD COLUMN surname TEXT; ALTER TABLE cases ADD COLUMN birth_date TEXT; "
    "PRAGMA user_version = 2;",
};
static_assert(static_cast<int>(std::size(kMigrations)) == kCaseRegistrySchemaVersion - 1);

// The key columns of `cases` in the order kSecondKeyNames names them.
classifiers::SecondKeys keys_from_columns(const std::string& surname, const std::string& birth_date) {
  classifiers::SecondKeys keys;
  if (!surname.empty()) keys["surname"] = surname;
  if (!birth_date.empty()) keys["birth_date"] = birth_date;
  return keys;
}

std::string key_or_empty(const classifiers::SecondKeys& keys, const char* name) {
  const auto it = keys.find(name);
  return it == keys.end() ? "" : it->second;
}

Result<int64_t> single_integer(sqlite3* db, const char* sql) {
  Statement query(db, sql);
  if (!query.step()) {
    if (auto st = query.status(); !st) return fail(st.error());
    return fail(ErrorKind::kInternal, std::string("no result from ") + sql);
  }
  return query.integer(0);
}

Status malformed_case_number(const std::string& case_number) {
  return fail(ErrorKind::kInvalidInput,
              "\"" + case_number + "\" is not a case number of the form 1234567-123");
}

}  // namespace

Result<std::unique_ptr<CaseRegistryDb>> CaseRegistryDb::open(const std::filesystem::path& file, OpenMode mode) {
  std::error_code error;
  if (mode == OpenMode::kExisting && !std::filesystem::exists(file, error)) {
    return fail(ErrorKind::kNotFound, "case registry " + file.string() + " does not exist");
  }
  if (mode == OpenMode::kCreate && file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), error);
  auto db = open_sqlite(file, mode == OpenMode::kCreate, kBusyTimeoutMs, "case registry");
  if (!db) return fail(db.error());
  std::unique_ptr<CaseRegistryDb> registry(new CaseRegistryDb(*db, file));
  if (auto st = registry->prepare_schema(mode); !st) return fail(st.error());
  return registry;
}

CaseRegistryDb::~CaseRegistryDb() { sqlite3_close(db_); }

Error CaseRegistryDb::named(const Error& error) const {
  return Error{error.kind, "case registry " + file_.string() + ": " + error.message};
}

Status CaseRegistryDb::prepare_schema(OpenMode mode) {
  auto version = single_integer(db_, "PRAGMA user_version");
  if (!version) return fail(named(version.error()));
  if (*version == kCaseRegistrySchemaVersion) return {};
  if (*version > kCaseRegistrySchemaVersion) {
    return fail(named({ErrorKind::kInvalidInput, "schema version " + std::to_string(*version) +
                                                     " is newer than this zpe reads (" +
                                                     std::to_string(kCaseRegistrySchemaVersion) + ") — update zpe"}));
  }
  if (*version >= 1) return migrate();
  auto tables = single_integer(db_, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
  if (!tables) return fail(named(tables.error()));
  if (mode == OpenMode::kExisting || *tables > 0) {
    return fail(named({ErrorKind::kInvalidInput,
                       "not a ZPE case registry (no schema version) — create one with `zpe registry import` or "
                       "`zpe registry add`"}));
  }
  Transaction transaction(db_);
  if (auto st = transaction.begin_status(); !st) return fail(named(st.error()));
  if (auto st = exec_sql(db_, kSchema); !st) return fail(named(st.error()));
  if (auto st = transaction.commit(); !st) return fail(named(st.error()));
  return {};
}

Status CaseRegistryDb::migrate() {
  // BEGIN IMMEDIATE: of two processes opening an old registry at once, one migrates and the
  // other then finds the new version and does nothing.
  Transaction transaction(db_);
  if (auto st = transaction.begin_status(); !st) return fail(named(st.error()));
  auto version = single_integer(db_, "PRAGMA user_version");
  if (!version) return fail(named(version.error()));
  for (int64_t from = *version; from < kCaseRegistrySchemaVersion; ++from) {
    if (auto st = exec_sql(db_, kMigrations[from - 1]); !st) return fail(named(st.error()));
  }
  if (auto st = transaction.commit(); !st) return fail(named(st.error()));
  return {};
}

Result<classifiers::CaseRegistry> CaseRegistryDb::snapshot(const std::string& tenant) {
  auto records = list(tenant);
  if (!records) return fail(records.error());
  std::vector<RegisteredCase> cases;
  cases.reserve(records->size());
  for (auto& record : *records) cases.push_back(std::move(record.registered));
  return classifiers::CaseRegistry::from_cases(cases);
}

Result<int64_t> CaseRegistryDb::data_version() {
  auto version = single_integer(db_, "PRAGMA data_version");
  if (!version) return fail(named(version.error()));
  return *version;
}

Status CaseRegistryDb::add_case(const RegisteredCase& registered) {
  if (!classifiers::is_valid_case_number(registered.case_number)) return malformed_case_number(registered.case_number);
  Statement insert(db_,
                   "INSERT INTO cases(tenant, case_number, opened, state, surname, birth_date) "
                   "VALUES (?1, ?2, coalesce(nullif(?3, ''), date('now')), ?4, nullif(?5, ''), nullif(?6, '')) "
                   "ON CONFLICT DO NOTHING");
  insert.bind(1, registered.tenant).bind(2, registered.case_number).bind(3, registered.opened);
  insert.bind(4, std::string(classifiers::case_state_name(registered.state)));
  insert.bind(5, key_or_empty(registered.keys, "surname")).bind(6, key_or_empty(registered.keys, "birth_date"));
  if (auto st = insert.run(); !st) return fail(named(st.error()));
  if (sqlite3_changes(db_) == 0) {
    return fail(ErrorKind::kInvalidInput,
                "case " + registered.case_number + " is already registered for tenant " + registered.tenant);
  }
  return {};
}

Result<ImportCounts> CaseRegistryDb::import_cases(const std::vector<RegisteredCase>& cases) {
  Transaction transaction(db_);
  if (auto st = transaction.begin_status(); !st) return fail(named(st.error()));
  ImportCounts counts;
  for (const auto& registered : cases) {
    if (!classifiers::is_valid_case_number(registered.case_number)) {
      return fail(malformed_case_number(registered.case_number).error());
    }
    Statement exists(db_, "SELECT 1 FROM cases WHERE tenant = ?1 AND case_number = ?2");
    exists.bind(1, registered.tenant).bind(2, registered.case_number);
    const bool known = exists.step();
    if (auto st = exists.status(); !st) return fail(named(st.error()));
    Statement upsert(db_,
                     "INSERT INTO cases(tenant, case_number, opened, state, surname, birth_date) "
                     "VALUES (?1, ?2, nullif(?3, ''), ?4, nullif(?5, ''), nullif(?6, '')) "
                     "ON CONFLICT (tenant, case_number) DO UPDATE SET "
                     "opened = coalesce(excluded.opened, opened), state = excluded.state, "
                     "surname = coalesce(excluded.surname, surname), birth_date = coalesce(excluded.birth_date, birth_date)");
    upsert.bind(1, registered.tenant).bind(2, registered.case_number).bind(3, registered.opened);
    upsert.bind(4, std::string(classifiers::case_state_name(registered.state)));
    upsert.bind(5, key_or_empty(registered.keys, "surname")).bind(6, key_or_empty(registered.keys, "birth_date"));
    if (auto st = upsert.run(); !st) return fail(named(st.error()));
    ++(known ? counts.updated : counts.added);
  }
  if (auto st = transaction.commit(); !st) return fail(named(st.error()));
  return counts;
}

Status CaseRegistryDb::set_state(const std::string& case_number, const std::string& tenant, CaseState state) {
  if (!classifiers::is_valid_case_number(case_number)) return malformed_case_number(case_number);
  Statement update(db_, "UPDATE cases SET state = ?3 WHERE tenant = ?1 AND case_number = ?2");
  update.bind(1, tenant).bind(2, case_number).bind(3, std::string(classifiers::case_state_name(state)));
  if (auto st = update.run(); !st) return fail(named(st.error()));
  if (sqlite3_changes(db_) == 0) {
    return fail(ErrorKind::kNotFound, "case " + case_number + " is not registered for tenant " + tenant);
  }
  return {};
}

Result<std::vector<CaseRecord>> CaseRegistryDb::list(const std::string& tenant) {
  Statement query(db_,
                  "SELECT case_number, tenant, opened, state, documents_filed, last_filed_at, surname, birth_date "
                  "FROM cases "
                  "WHERE ?1 = '' OR tenant = ?1 ORDER BY tenant, case_number");
  query.bind(1, tenant);
  std::vector<CaseRecord> records;
  while (query.step()) {
    CaseRecord record{{query.text(0), query.text(1), query.text(2),
                       classifiers::parse_case_state(query.text(3)).value_or(CaseState::kOpen),
                       keys_from_columns(query.text(6), query.text(7))},
                      query.integer(4), query.text(5)};
    records.push_back(std::move(record));
  }
  if (auto st = query.status(); !st) return fail(named(st.error()));
  return records;
}

Result<bool> CaseRegistryDb::record_filing(const CaseFiling& filing) {
  if (!classifiers::is_valid_case_number(filing.case_number)) return fail(malformed_case_number(filing.case_number).error());
  Transaction transaction(db_);
  if (auto st = transaction.begin_status(); !st) return fail(named(st.error()));
  Statement remember(db_,
                     "INSERT INTO filings(event_id, tenant, case_number, document_id, filed_at) "
                     "VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', ?5 / 1000, 'unixepoch')) "
                     "ON CONFLICT DO NOTHING");
  remember.bind(1, filing.event_id).bind(2, filing.tenant).bind(3, filing.case_number).bind(4, filing.document_id);
  remember.bind(5, filing.filed_at_ms);
  if (auto st = remember.run(); !st) return fail(named(st.error()));
  if (sqlite3_changes(db_) == 0) return false;  // this event was counted before
  Statement count(db_,
                  "INSERT INTO cases(tenant, case_number, opened, documents_filed, last_filed_at) "
                  "SELECT tenant, case_number, date(filed_at), 1, filed_at FROM filings WHERE event_id = ?1 "
                  "ON CONFLICT (tenant, case_number) DO UPDATE SET documents_filed = documents_filed + 1, "
                  "last_filed_at = max(coalesce(last_filed_at, ''), excluded.last_filed_at)");
  count.bind(1, filing.event_id);
  if (auto st = count.run(); !st) return fail(named(st.error()));
  if (auto st = transaction.commit(); !st) return fail(named(st.error()));
  return true;
}

}  // namespace zpe
