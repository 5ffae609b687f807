# postern_module(NAME SOURCES a.cc b.cc DEPS x y): one module = one folder = one library.
function(postern_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(postern_${name} STATIC ${M_SOURCES})
  target_include_directories(postern_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(postern_${name} PUBLIC ${M_DEPS})
endfunction()

# postern_tests(NAME SOURCES a_test.cc DEPS x): a GoogleTest binary beside the module's code,
# each TEST registered with ctest.
function(postern_tests name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(postern_${name}_test ${T_SOURCES})
  target_link_libraries(postern_${name}_test PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(postern_${name}_test TEST_PREFIX "${name}." DISCOVERY_TIMEOUT 30
    PROPERTIES TIMEOUT 120)
endfunction()

# postern_fuzz_target(NAME SOURCE x_fuzz.cc DEPS lib CORPUS dir): a libFuzzer target.
# Always: NAME_replay, the same LLVMFuzzerTestOneInput driven over every file of the corpus,
# registered with ctest (so `make test` replays the corpus, crash inputs included).
# With -DPOSTERN_FUZZ=ON (clang): NAME_fuzz, the real coverage-guided fuzzer.
function(postern_fuzz_target name)
  cmake_parse_arguments(F "" "SOURCE;CORPUS" "DEPS" ${ARGN})
  add_executable(${name}_replay ${F_SOURCE} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
  target_link_libraries(${name}_replay PRIVATE ${F_DEPS})
  add_test(NAME fuzz.${name}.replay COMMAND ${name}_replay ${F_CORPUS})
  set_tests_properties(fuzz.${name}.replay PROPERTIES TIMEOUT 300)
  if(POSTERN_FUZZ)
    add_executable(${name}_fuzz ${F_SOURCE})
    target_compile_options(${name}_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name}_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${name}_fuzz PRIVATE ${F_DEPS})
  endif()
endfunction()
