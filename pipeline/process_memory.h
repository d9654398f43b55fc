// Process-wide memory settings for programs that work on page images: `zpe` (every role) and the
// bench programs that time a stage alone (bench/), so both are measured alike. Call once at the
// start of main(), before threads start.
//
// Why: page images are 8 to 35 MB each, allocated and freed for every page by every stage. glibc
// gives blocks that large fresh pages from the kernel (mmap) and returns them on free, so every
// page image costs a page fault per 4 KB on its first touch: measured on this project's 2-core
// VM, 85 ms to copy one 8.7 MB grey A4 page into fresh memory and 0.5 ms into reused memory, and
// a zpe run on 8 held-out letters took about 8 % less wall time with the heap kept
// (docs/ARCHITECTURE.md "Memory"). So blocks up to 32 MB (glibc's upper limit for this threshold)
// come from the heap and are reused, and up to 256 MB of free heap is kept instead of being
// handed back. A worker's resident size then stays at its peak, which is what the footprint
// target (bench/BENCHMARKS.md, peak RSS) measures.
#pragma once

namespace zpe {

void keep_freed_page_memory();

}  // namespace zpe
