#include "stages/one_openmp_thread.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

namespace zpe {

namespace {

using SetLevels = void (*)(int);
using GetLevels = int (*)();

}  // namespace

void keep_openmp_on_this_thread() {
  thread_local bool done = false;
  if (done) return;
  done = true;
  static std::once_flag environment;
  // For an OpenMP runtime loaded later (a plug-in); once, as setenv races with getenv.
  std::call_once(environment, [] { setenv("OMP_THREAD_LIMIT", "1", 1); });
  static const auto set = reinterpret_cast<SetLevels>(dlsym(RTLD_DEFAULT, "omp_set_max_active_levels"));
  if (set != nullptr) set(0);
}

bool openmp_kept_on_this_thread() {
  static const auto get = reinterpret_cast<GetLevels>(dlsym(RTLD_DEFAULT, "omp_get_max_active_levels"));
  return get == nullptr || get() == 0;
}

}  // namespace zpe
