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
// come from the heap and are reused, and up to 64 MB of free heap per arena is kept instead of
// being handed back: room for a few page images per page thread, so the next page reuses it.
// Measured on the bench's 200-page case file, the prepare worker alone (2 page threads, CPU
// time and minor faults of the worker while it prepared the document, peak RSS from
// /proc/PID/status VmHWM): 256 MB kept: 25.8 s, 105 k faults, 298-344 MB peak over runs;
// 64 MB: 26.2 s, 107 k faults, 298-306 MB; glibc's defaults: 33.1 s, 420 k faults, 309-317 MB;
// 64 MB with arena_max=2: 35.6 s, 481 k faults, 301 MB. The rest of the peak is the working
// set: the orientation (OSD) model (one per worker since bd6a0de, was one per page thread), the
// original file held while its pages are decoded, and each page thread's copies of its page.
#pragma once

namespace zpe {

void keep_freed_page_memory();

}  // namespace zpe
