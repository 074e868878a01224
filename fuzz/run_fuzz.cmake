# Runs one libFuzzer target for a fixed time on a fresh copy of its seed corpus.
#   -D FUZZER=<binary> -D NAME=<target> -D SEEDS=<files and globs, '|'-separated>
#   -D WORK=<directory for the working corpus and crash artifacts> -D TIME=<seconds>
#   -D MAX_LEN=<bytes>
# EDGEBERT_FUZZ_TIME in the environment overrides TIME (a longer run on demand).
if(DEFINED ENV{EDGEBERT_FUZZ_TIME})
  set(TIME $ENV{EDGEBERT_FUZZ_TIME})
endif()
file(REMOVE_RECURSE ${WORK}/corpus ${WORK}/artifacts)
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
string(REPLACE "|" ";" seeds "${SEEDS}")
set(n 0)
foreach(pattern IN LISTS seeds)
  file(GLOB files LIST_DIRECTORIES false ${pattern})
  foreach(f IN LISTS files)
    file(SIZE ${f} sz)
    if(sz LESS_EQUAL 1048576)  # firmware images from the main build: the small ones only
      get_filename_component(base ${f} NAME)
      math(EXPR n "${n} + 1")
      file(COPY_FILE ${f} ${WORK}/corpus/${n}_${base})
    endif()
  endforeach()
endforeach()
message(STATUS "${NAME}: ${n} seed files, ${TIME} s")
execute_process(
  COMMAND ${FUZZER} -max_total_time=${TIME} -rss_limit_mb=2048 -timeout=10 -max_len=${MAX_LEN}
          -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NAME}: libFuzzer found a problem (exit ${rc}); the input is in ${WORK}/artifacts")
endif()
