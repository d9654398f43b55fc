// Keeps Tesseract's OpenMP regions on the calling thread.
//
// Debian's Tesseract uses OpenMP (GOMP_parallel_sections in its LSTM). With two stage lanes
// or two workers on 2 cores, each region would start its own team: four busy threads
// spinning and waiting on futexes, measured at 5.4 million context switches and 19 s of
// system time for ten pages. OMP_THREAD_LIMIT only works when it is in the environment at
// process start (zpe run puts it into its children's), so a stage cannot rely on it: a
// worker started by systemd or a benchmark does not have it. What does work at any time is
// max-active-levels = 0, but libgomp keeps that per thread: every thread that calls
// Tesseract must set it for itself. Call this before each Tesseract call; after the first
// call on a thread it costs one thread-local read. Looked up at run time, so ZPE neither
// links OpenMP nor needs it when Tesseract is built without.
#pragma once

namespace zpe {

void keep_openmp_on_this_thread();

// True when the calling thread runs OpenMP regions alone (or there is no OpenMP). For tests.
bool openmp_kept_on_this_thread();

}  // namespace zpe
