# Warning and optimisation flags applied per target with edgebert_target_defaults().
include(CheckCXXCompilerFlag)
check_cxx_compiler_flag(-march=native EDGEBERT_HAS_MARCH_NATIVE)

function(edgebert_target_defaults target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>
    $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra>)
endfunction()

# For numeric kernels only (the FP32 reference): let the compiler use the host's
# vector units. Bit-accurate hardware models never depend on this flag.
function(edgebert_target_native target)
  if(EDGEBERT_NATIVE AND EDGEBERT_HAS_MARCH_NATIVE)
    target_compile_options(${target} PRIVATE -march=native)
  endif()
endfunction()
