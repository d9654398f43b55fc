# ctest ConfigReference_MatchesDocs: docs/CONFIG.md must be exactly what `zpe config reference`
# prints from the embedded defaults (config/zpe.toml), so the reference cannot drift.
#   cmake -DZPE=<zpe binary> -DDOC=<docs/CONFIG.md> -DOUT=<scratch file> -P check_config_reference.cmake
execute_process(COMMAND ${ZPE} config reference OUTPUT_FILE ${OUT} ERROR_VARIABLE errors RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "zpe config reference failed (${rc}):\n${errors}")
endif()
file(READ ${OUT} generated)
file(READ ${DOC} documented)
if(NOT generated STREQUAL documented)
  execute_process(COMMAND diff -u ${DOC} ${OUT})
  message(FATAL_ERROR "${DOC} differs from `zpe config reference` (diff above); regenerate it:\n"
                      "  build/zpe config reference > docs/CONFIG.md")
endif()
message(STATUS "docs/CONFIG.md matches zpe config reference")
