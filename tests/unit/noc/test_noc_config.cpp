// NoC configuration and elaboration errors: JSON parsing with named fields,
// bad tiles, zero sizes, overlapping windows, binding order; unmapped
// addresses answered with an address error.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "hw/noc/mesh_noc.hpp"
#include "hw/noc/noc_config.hpp"
#include "tests/support/sc_test.hpp"
#include "tests/unit/noc/noc_test_support.hpp"

namespace edgebert::hw {
namespace {

using noc_test::NocBench;
using noc_test::TestInitiator;
using sc_core::SC_NS;
using sc_core::sc_time;

class NocConfigTest : public edgebert::test::ScTest {};
class NocErrorTest : public edgebert::test::ScTest {};

NocConfig parse(const std::string& json) {
    const auto v = parse_json_text(json, "soc.json");
    return parse_noc_config(JsonReader(v, "soc.json").child("noc"));
}

// Runs `f`, expects a ConfigError whose message holds every fragment.
void expect_config_error(const std::function<void()>& f, const std::vector<std::string>& fragments) {
    try {
        f();
        ADD_FAILURE() << "no ConfigError; expected one naming " << fragments.front();
    } catch (const ConfigError& e) {
        for (const auto& s : fragments) EXPECT_NE(std::string(e.what()).find(s), std::string::npos) << e.what();
    }
}

TEST_F(NocConfigTest, DefaultsAndOverrides) {
    const NocConfig d = parse(R"({"noc": {}})");
    EXPECT_EQ(d.cols, 3);
    EXPECT_EQ(d.rows, 2);
    EXPECT_EQ(d.router_latency_cycles, 2);
    EXPECT_EQ(d.link_width_bits, 64);
    EXPECT_DOUBLE_EQ(d.clock_mhz, 1000);
    EXPECT_EQ(d.header_flits, 1);
    EXPECT_EQ(d.cycle(), sc_time(1, SC_NS));
    EXPECT_EQ(d.reservation, NocReservation::FirstFit);
    EXPECT_EQ(parse(R"({"noc": {"reservation": "busy_until"}})").reservation, NocReservation::BusyUntil);
    const NocConfig c = parse(R"({"noc": {"cols": 4, "rows": 4, "router_latency_cycles": 0,
                                          "link_width_bits": 128, "clock_mhz": 800, "header_flits": 2}})");
    EXPECT_EQ(c.cols, 4);
    EXPECT_EQ(c.rows, 4);
    EXPECT_EQ(c.router_latency_cycles, 0);
    EXPECT_EQ(c.link_bytes(), 16);
    EXPECT_EQ(c.cycle(), sc_time(1250, sc_core::SC_PS));
    EXPECT_EQ(c.header_flits, 2);
}

TEST_F(NocConfigTest, BadFieldsAreNamedWithTheirRange) {
    auto bad = [](const std::string& noc, const std::vector<std::string>& fragments) {
        auto all = fragments;
        all.push_back("soc.json");
        expect_config_error([&] { parse(R"({"noc": )" + noc + "}"); }, all);
    };
    bad(R"({"colls": 3})", {"unknown field 'noc.colls'"});
    bad(R"({"cols": 0})", {"'noc.cols' = 0 is out of range [1, 16]"});
    bad(R"({"rows": 17})", {"'noc.rows' = 17 is out of range [1, 16]"});
    bad(R"({"rows": "two"})", {"'noc.rows'", "not an integer"});
    bad(R"({"router_latency_cycles": -1})", {"'noc.router_latency_cycles' = -1 is out of range [0, 64]"});
    bad(R"({"link_width_bits": 12})", {"'noc.link_width_bits' = 12 must be a multiple of 8 in [8, 1024]"});
    bad(R"({"link_width_bits": 2048})", {"'noc.link_width_bits'"});
    bad(R"({"clock_mhz": 0})", {"'noc.clock_mhz' = 0 is out of range (0, 10000]"});
    bad(R"({"header_flits": 0})", {"'noc.header_flits' = 0 is out of range [1, 8]"});
    bad(R"({"reservation": "fifo"})", {"'noc.reservation' = \"fifo\" is not one of: first_fit, busy_until"});
    // A config built in code is checked by the module too.
    NocConfig c;
    c.cols = 0;
    expect_config_error([&] { MeshNoc n("noc", c); }, {"noc: field 'noc.cols' = 0"});
}

TEST_F(NocErrorTest, BadTargetsAndInitiatorsAreRejected) {
    NocBench b(NocConfig{});  // 3 x 2
    MeshNoc& noc = b.noc;
    expect_config_error([&] { noc.add_target(3, 0, 0x1000, 0x100, "uart"); },
                        {"target 'uart'", "tile x = 3 is out of range [0, 2]", "noc.cols"});
    expect_config_error([&] { noc.add_target(0, -1, 0x1000, 0x100, "uart"); },
                        {"target 'uart'", "tile y = -1 is out of range [0, 1]", "noc.rows"});
    expect_config_error([&] { noc.add_initiator(0, 2, NocPlane::Dma, "cpu"); },
                        {"initiator 'cpu'", "tile y = 2 is out of range [0, 1]"});
    expect_config_error([&] { noc.add_target(0, 0, 0x1000, 0, "plic"); }, {"target 'plic'", "'size' = 0"});
    expect_config_error([&] { noc.add_target(0, 0, ~0ull - 10, 0x100, "top"); }, {"target 'top'", "64-bit"});

    b.add_memory(1, 0, 0x1000, 0x1000, sc_time(1, SC_NS), 8.0);  // mem0 [0x1000, 0x1fff]
    b.add_memory(2, 1, 0x4000, 0x1000, sc_time(1, SC_NS), 8.0);  // mem1 [0x4000, 0x4fff]
    // Overlaps from below, from above, inside and around; both names and ranges.
    expect_config_error([&] { noc.add_target(0, 0, 0x800, 0x801, "regs"); },
                        {"target 'regs' [0x800, 0x1000]", "target 'mem0' [0x1000, 0x1fff]"});
    expect_config_error([&] { noc.add_target(0, 0, 0x1fff, 0x10, "regs"); },
                        {"target 'regs' [0x1fff, 0x200e]", "target 'mem0' [0x1000, 0x1fff]"});
    expect_config_error([&] { noc.add_target(0, 0, 0x4100, 0x10, "regs"); }, {"'regs'", "'mem1' [0x4000, 0x4fff]"});
    expect_config_error([&] { noc.add_target(0, 0, 0x0, 0x10000, "regs"); }, {"'regs'", "overlaps"});
    // Adjacent windows are fine.
    EXPECT_EQ(b.add_memory(0, 0, 0x2000, 0x2000, sc_time(1, SC_NS), 8.0), 2);
    EXPECT_EQ(noc.decode(0x1fff), 0);
    EXPECT_EQ(noc.decode(0x2000), 2);
    EXPECT_EQ(noc.decode(0x3fff), 2);
    EXPECT_EQ(noc.decode(0x4000), 1);
    EXPECT_EQ(noc.decode(0x5000), -1);
    EXPECT_EQ(noc.decode(0xfff), -1);

    // route() refuses off-grid tiles and empty packets.
    EXPECT_THROW(noc.route(NocPlane::Dma, 0, 0, 3, 0, 1, sc_core::SC_ZERO_TIME), Error);
    EXPECT_THROW(noc.route(NocPlane::Dma, 0, 0, 1, 0, 0, sc_core::SC_ZERO_TIME), Error);
    EXPECT_THROW(noc.link_stats(NocPlane::Dma, 2, 0, NocPort::East), Error);
}

TEST_F(NocErrorTest, BindingOrderIsChecked) {
    MeshNoc noc("noc", NocConfig{});
    TestInitiator a("a"), c("c");
    EXPECT_EQ(noc.add_initiator(0, 0, NocPlane::Dma, "a"), 0);
    // Registering the next one before binding the first would break index = binding order.
    expect_config_error([&] { noc.add_initiator(1, 0, NocPlane::Dma, "b"); }, {"initiator 'b'", "index 1"});
    a.socket.bind(noc.in);
    EXPECT_EQ(noc.add_initiator(1, 0, NocPlane::Dma, "b"), 1);
    // ... and 'b' is never bound: the count check reports it.
    expect_config_error([&] { noc.check_bindings(); }, {"2 initiator(s) registered", "1 bound"});
    c.socket.bind(noc.in);
    noc.check_bindings();
    // An extra bound socket without registration is caught too.
    TestInitiator d("d");
    d.socket.bind(noc.in);
    expect_config_error([&] { noc.check_bindings(); }, {"2 initiator(s) registered", "3 bound"});

    SimpleMemory m0("m0", 0, 0x100, sc_time(1, SC_NS), 8.0, sc_time(1, SC_NS));
    EXPECT_EQ(noc.add_target(0, 0, 0, 0x100, "m0"), 0);
    expect_config_error([&] { noc.add_target(0, 0, 0x100, 0x100, "m1"); }, {"target 'm1'", "index 1"});
    noc.out.bind(m0.socket);
    expect_config_error([&] { noc.check_bindings(); }, {"initiator(s)"});
}

TEST_F(NocErrorTest, UnmappedAddressIsAnAddressErrorWithoutTraffic) {
    NocConfig cfg;
    NocBench b(cfg);
    b.add_initiator(0, 0, NocPlane::Mmio);
    b.add_memory(2, 1, 0x1000, 0x1000, sc_time(5, SC_NS), 8.0);
    tlm::tlm_response_status unmapped = tlm::TLM_INCOMPLETE_RESPONSE;
    tlm::tlm_response_status straddle = tlm::TLM_INCOMPLETE_RESPONSE;
    tlm::tlm_response_status ok = tlm::TLM_INCOMPLETE_RESPONSE;
    sc_time d_unmapped, d_straddle;
    unsigned dbg_bytes = 99;
    b.inits[0]->script = [&](TestInitiator& i) {
        std::vector<uint8_t> buf(16, 1);
        d_unmapped = sc_time(3, SC_NS);
        unmapped = i.read(0x9000'0000, buf, d_unmapped);
        // First byte mapped, the rest past the window: the target refuses it,
        // after the request crossed the mesh; the response is header-only.
        straddle = i.write(0x1ff8, buf, d_straddle);
        sc_time d;
        ok = i.write(0x1000, buf, d);
        tlm::tlm_generic_payload t;
        t.set_command(tlm::TLM_READ_COMMAND);
        t.set_address(0x7000);
        t.set_data_ptr(buf.data());
        t.set_data_length(16);
        dbg_bytes = i.socket->transport_dbg(t);
    };
    b.run();
    EXPECT_EQ(unmapped, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(d_unmapped, sc_time(3, SC_NS));  // no traversal, no delay added
    EXPECT_EQ(straddle, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    const uint64_t R = static_cast<uint64_t>(cfg.router_latency_cycles);
    EXPECT_EQ(d_straddle, sc_time::from_value(cfg.cycle().value() * (3 * R + 1 + 2 + 3 * R + 1)));
    EXPECT_EQ(ok, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(dbg_bytes, 0u);
    const auto& s = b.noc.plane_stats(NocPlane::Mmio);
    EXPECT_EQ(s.decode_errors, 1u);
    EXPECT_EQ(s.transactions, 2u);
    EXPECT_EQ(s.packets, 4u);
    EXPECT_EQ(b.mems[0]->stats().writes, 1u);
    const auto j = b.noc.stats_json();
    EXPECT_EQ(j.at("planes").at("mmio").at("decode_errors").to_number<uint64_t>(), 1u);
}

TEST_F(NocErrorTest, DebugTransportIsRoutedByAddress) {
    NocBench b(NocConfig{});
    b.add_initiator(1, 1, NocPlane::Dma);
    b.add_memory(0, 0, 0x1000, 0x1000, sc_time(5, SC_NS), 8.0);
    b.add_memory(2, 0, 0x8000, 0x1000, sc_time(5, SC_NS), 8.0);
    const uint8_t pattern[4] = {1, 2, 3, 4};
    b.mems[1]->write(0x8010, pattern, 4);
    std::vector<uint8_t> got(4, 0);
    unsigned n = 0;
    b.inits[0]->script = [&](TestInitiator& i) {
        tlm::tlm_generic_payload t;
        t.set_command(tlm::TLM_READ_COMMAND);
        t.set_address(0x8010);
        t.set_data_ptr(got.data());
        t.set_data_length(4);
        n = i.socket->transport_dbg(t);
    };
    b.run();
    EXPECT_EQ(n, 4u);
    EXPECT_EQ(got, std::vector<uint8_t>({1, 2, 3, 4}));
    EXPECT_EQ(b.noc.plane_stats(NocPlane::Dma).packets, 0u);  // untimed, uncounted
}

}  // namespace
}  // namespace edgebert::hw

namespace edgebert::hw {
namespace {

TEST_F(NocErrorTest, ElaborationCatchesAnUnboundInitiator) {
    NocBench b(NocConfig{});
    b.add_initiator(0, 0, NocPlane::Dma);
    b.add_memory(0, 0, 0, 0x1000, sc_time(1, SC_NS), 8.0);
    b.noc.add_initiator(1, 0, NocPlane::Dma, "forgotten");
    try {
        sc_core::sc_start();
        ADD_FAILURE() << "elaboration accepted an unbound initiator";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("2 initiator(s) registered with add_initiator() but 1 bound"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace edgebert::hw
