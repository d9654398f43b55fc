// The embedded default configuration: config/zpe.toml as written, comments included,
// compiled in by CMake (config/default_config.cpp.in). Config (pipeline/config.h) reads its
// values; the configuration reference (pipeline/config_reference.h) and the file check
// (pipeline/config_check.h) read its keys and comments. Constant; safe from any thread.
#pragma once

namespace zpe {

extern const char* const kDefaultConfigToml;

}  // namespace zpe
