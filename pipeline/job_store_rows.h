// How the job store's documents table reads into a DocumentRow: shared by job_store.cpp and
// the files that implement the rest of JobStore (job_store_clearing.cpp). Internal to
// pipeline/job_store*; not for other modules.
#pragma once

#include "pipeline/job_store.h"
#include "pipeline/sqlite_db.h"

namespace zpe {

// The column list read_document_row expects, for "SELECT <columns> FROM documents ...".
extern const char* const kDocumentColumns;
DocumentRow read_document_row(const Statement& s);

}  // namespace zpe
