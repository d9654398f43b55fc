#include "pipeline/process_memory.h"

#include <malloc.h>

namespace zpe {

void keep_freed_page_memory() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

}  // namespace zpe
