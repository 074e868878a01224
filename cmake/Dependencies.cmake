# Finds every third-party dependency once and exposes it under one target name.
# All of them are Debian 12 packages installed by scripts/setup.sh.

find_package(PkgConfig REQUIRED)

# SystemC 2.3.4: Debian ships only a pkg-config file. Wrap it as SystemC::systemc.
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc>=2.3.3)
if(NOT TARGET SystemC::systemc)
  add_library(SystemC::systemc INTERFACE IMPORTED GLOBAL)
  target_link_libraries(SystemC::systemc INTERFACE PkgConfig::SYSTEMC)
  # Debian's library was built as C++17; the headers check this macro.
  target_compile_definitions(SystemC::systemc INTERFACE SC_CPLUSPLUS=201703L)
endif()

find_package(verilator 5.0 REQUIRED HINTS /usr/share/verilator)

# Boost.JSON needs >= 1.75; Debian 12 ships 1.81 beside the default 1.74.
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json program_options)

find_package(fmt REQUIRED)

# Eigen runs the FP32 reference forward: its blocked GEMM is an order of magnitude
# faster than a hand-written loop and keeps the reference code short and readable.
# Single-threaded on purpose: ~100 GFLOP/s on one AVX-512 core is plenty, and an
# OpenMP team spinning beside a busy second core (a parallel build, a helper
# process) ran 3x slower than one thread in our measurements.
find_package(Eigen3 3.4 REQUIRED NO_MODULE)

find_package(Threads REQUIRED)

if(EDGEBERT_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
