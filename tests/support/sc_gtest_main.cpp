// Entry point of the SystemC test binaries: SystemC's library owns main() and
// calls sc_main, which runs GoogleTest.
#include <gtest/gtest.h>
#include <systemc>

int sc_main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    // Silence the SystemC banner noise in test output.
    sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
    return RUN_ALL_TESTS();
}
