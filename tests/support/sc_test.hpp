// GoogleTest support for SystemC: each test gets a fresh simulation context, so
// modules can be elaborated and sc_start called in every test, whether ctest
// runs one test per process (the default) or a user runs the whole binary.
#pragma once

#include <gtest/gtest.h>
#include <systemc>
#include <vector>

namespace edgebert::test {

// Sanitizer builds: SystemC's coroutines switch stacks without telling
// AddressSanitizer (Debian's libsystemc has no fiber annotations). After an
// sc_start, an exception thrown and caught is then reported as a bad stack access
// (ASan prints "False positive error reports may follow", google/sanitizers#189).
// Tests therefore check errors that need no simulation before they run one.
// A test whose exception is thrown inside a SystemC process and crosses its
// coroutine stack cannot avoid that; under ASan it is skipped (it runs in the
// normal build).
#if defined(__SANITIZE_ADDRESS__)
#define EDGEBERT_SKIP_IF_ASAN_COROUTINE_THROW() \
    GTEST_SKIP() << "throws across a SystemC coroutine stack: AddressSanitizer false positives (google/sanitizers#189)"
#else
#define EDGEBERT_SKIP_IF_ASAN_COROUTINE_THROW() static_cast<void>(0)
#endif

class ScTest : public ::testing::Test {
protected:
    void SetUp() override { fresh_context(); }

public:
    // Replaces the global simulation context (the approach DRAMSys's tests take).
    // The previous context and its modules are retained until the process exits,
    // not destroyed, because SystemC 2.3 cannot tear a context down cleanly; they
    // stay reachable from `retired()`, so LeakSanitizer sees them as live.
    static void fresh_context() {
        if (sc_core::sc_curr_simcontext) retired().push_back(sc_core::sc_curr_simcontext);
        sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
        sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
    }
    static std::vector<sc_core::sc_simcontext*>& retired() {
        // Never destroyed: static destructors run before LeakSanitizer's check at exit.
        static auto* contexts = new std::vector<sc_core::sc_simcontext*>;
        return *contexts;
    }
};

}  // namespace edgebert::test
