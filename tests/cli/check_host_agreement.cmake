# The native host's cost model against the RISC-V ISS (docs/host-costs.md):
# runs the same workload on both hosts and checks, per target, that the total
# cycles agree within TOL percent, and so does every category holding more than
# 1 % of the target's total on either host.
#   -DSIM=<edgebert-sim> -DOUT=<directory for the two reports> -DTOL=<percent>
#   -DARGS=<run options>             e.g. "--model tiny.json --seq-len 32"
#   -DSKIP_MODULES=<;-list>          modules left out of the comparison (optional)
# SKIP_MODULES exists for tiny workloads: the ISS charges the executor
# firmware's start-up (crt0 zeroing half a MiB of .bss, about 2.4 M cycles) to
# the first module, which the native host, running no firmware, does not have.
separate_arguments(ARGS UNIX_COMMAND "${ARGS}")
file(MAKE_DIRECTORY ${OUT})
foreach(host native iss)
  file(REMOVE ${OUT}/${host}.json)
  execute_process(COMMAND ${SIM} run ${ARGS} --host ${host} --quiet --json ${OUT}/${host}.json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT EXISTS ${OUT}/${host}.json)
    message(FATAL_ERROR "run --host ${host} ${ARGS} failed (${rc}):\n${out}${err}")
  endif()
  file(READ ${OUT}/${host}.json ${host})
endforeach()

# cycles of `category` ("" = all) of `target` in report `json`, without SKIP_MODULES
function(cycles json target category result)
  if(category STREQUAL "")
    string(JSON v GET "${json}" targets ${target} total_cycles)
  else()
    string(JSON v GET "${json}" targets ${target} by_category ${category})
  endif()
  foreach(m IN LISTS SKIP_MODULES)
    if(category STREQUAL "")
      string(JSON s ERROR_VARIABLE e GET "${json}" targets ${target} by_module ${m})
    else()
      string(JSON s ERROR_VARIABLE e GET "${json}" targets ${target} by_module_category ${m} ${category})
    endif()
    if(NOT e)
      math(EXPR v "${v} - ${s}")
    endif()
  endforeach()
  set(${result} ${v} PARENT_SCOPE)
endfunction()

set(failures "")
string(JSON ntargets LENGTH "${iss}" targets)
math(EXPR last "${ntargets} - 1")
foreach(i RANGE ${last})
  string(JSON target MEMBER "${iss}" targets ${i})
  cycles("${native}" ${target} "" n_total)
  cycles("${iss}" ${target} "" i_total)
  set(checks "total")
  string(JSON ncat LENGTH "${iss}" targets ${target} by_category)
  math(EXPR lastc "${ncat} - 1")
  foreach(j RANGE ${lastc})
    string(JSON cat MEMBER "${iss}" targets ${target} by_category ${j})
    cycles("${native}" ${target} ${cat} n)
    cycles("${iss}" ${target} ${cat} s)
    # SKIP_CATEGORIES: target.category pairs with a known, documented deviation
    # (edgebert.register: the native host charges mmio_access per register
    # access, calibrated on the matmul driver path; the tile-resident flow's
    # many short SFU/DMA commands take fewer core cycles per access on the ISS,
    # native/ISS 1.18; edgebert.read on the tiny model: the tile's DMA waits
    # absorb the CPU's command-issue time the native host does not charge (the
    # interrupt handler per command), 3 K cycles there -- issue #12's note; the
    # total and every other category are still checked). Comma-separated.
    set(skip_at -1)
    if(DEFINED SKIP_CATEGORIES)
      string(REPLACE "," ";" skip_list "${SKIP_CATEGORIES}")
      list(FIND skip_list "${target}.${cat}" skip_at)
    endif()
    if(NOT skip_at EQUAL -1)
      continue()
    endif()
    # above 1 % of the total on either host
    if(n GREATER 0 OR s GREATER 0)
      math(EXPR n100 "${n} * 100")
      math(EXPR s100 "${s} * 100")
      if(n100 GREATER n_total OR s100 GREATER i_total)
        list(APPEND checks ${cat})
      endif()
    endif()
  endforeach()
  foreach(c IN LISTS checks)
    if(c STREQUAL "total")
      set(n ${n_total})
      set(s ${i_total})
    else()
      cycles("${native}" ${target} ${c} n)
      cycles("${iss}" ${target} ${c} s)
    endif()
    math(EXPR diff "${n} - ${s}")
    if(diff LESS 0)
      math(EXPR diff "0 - ${diff}")
    endif()
    math(EXPR permille "${n} * 1000 / (${s} + 1)")
    math(EXPR diff100 "${diff} * 100")
    math(EXPR allowed "${TOL} * ${s}")
    set(line "${target} ${c}: native ${n}, iss ${s}, native/iss ${permille} per mille")
    if(diff100 GREATER allowed)
      list(APPEND failures "${line}")
      message(STATUS "FAIL ${line}")
    else()
      message(STATUS "ok   ${line}")
    endif()
  endforeach()
endforeach()
if(failures)
  list(JOIN failures "\n  " msg)
  message(FATAL_ERROR "native and ISS disagree by more than ${TOL} %:\n  ${msg}")
endif()
message(STATUS "native and ISS agree within ${TOL} % (${ntargets} targets)")
