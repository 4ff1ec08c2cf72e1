# Small helpers so each module's CMakeLists stays a few lines.
#
# proprio_add_library(NAME SOURCES ... DEPS ...)   one static library per layer
# proprio_add_test(NAME SOURCES ... DEPS ... [LABELS ...] [ENV ...])

set(PROPRIO_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough -Werror
    # GCC 12 reports impossible overlaps in std::string concatenation at -O3
    # (GCC bug 105651); the warning is noise there until GCC 13. For the same
    # reason -Wnull-dereference is not enabled: at -O3 it fires inside
    # libstdc++'s own streambuf and string code.
    -Wno-restrict)

if(PROPRIO_FUZZ)
  # Clang builds only the harnesses and the libraries under them; GCC's
  # builds hold the code to -Werror, clang's warnings here are advice.
  list(REMOVE_ITEM PROPRIO_WARNINGS -Werror -Wno-restrict)
endif()

set(PROPRIO_SANITIZER_FLAGS)
if(PROPRIO_FUZZ)
  # Libraries carry coverage instrumentation; each harness links libFuzzer.
  set(PROPRIO_SANITIZER_FLAGS -fsanitize=fuzzer-no-link,address,undefined
      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
elseif(PROPRIO_SANITIZE)
  set(PROPRIO_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
endif()

function(proprio_target_defaults target)
  target_compile_options(${target} PRIVATE ${PROPRIO_WARNINGS} ${PROPRIO_SANITIZER_FLAGS})
  target_link_options(${target} PRIVATE ${PROPRIO_SANITIZER_FLAGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
endfunction()

function(proprio_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  proprio_target_defaults(${name})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  if(PROPRIO_SANITIZE OR PROPRIO_FUZZ)
    target_link_options(${name} INTERFACE ${PROPRIO_SANITIZER_FLAGS})
  endif()
endfunction()

function(proprio_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS;ENV;FIXTURES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  proprio_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 600)
  if(ARG_ENV)
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${ARG_ENV}")
  endif()
  if(ARG_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
endfunction()
