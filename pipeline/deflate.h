// zlib's deflate for bytes ZPE keeps compressed (the compacted parts of old documents'
// records in the job store, pipeline/job_store_storage.cpp). A self-describing zlib stream;
// inflate refuses anything larger than the caller's bound, so a damaged or hostile value
// cannot make it allocate without limit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "pipeline/status.h"

namespace zpe {

std::string deflate_bytes(std::string_view bytes);
Result<std::string> inflate_bytes(std::string_view compressed, std::size_t max_bytes);

}  // namespace zpe
