// GoogleTest support for SystemC: each test gets a fresh simulation context, so
// modules can be elaborated and sc_start called in every test, whether ctest
// runs one test per process (the default) or a user runs the whole binary.
#pragma once

#include <gtest/gtest.h>
#include <systemc>

namespace edgebert::test {

class ScTest : public ::testing::Test {
protected:
    void SetUp() override { fresh_context(); }

public:
    // Replaces the global simulation context (the approach DRAMSys's tests take):
    // the previous context's modules are abandoned, not destroyed, because
    // SystemC 2.3 cannot tear a context down cleanly.
    static void fresh_context() {
        sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
        sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
    }
};

}  // namespace edgebert::test
