// Shared pieces of the NoC tests: a scriptable TLM initiator, a probe that
// records the delay a target sees, and an independent X-Y route model.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "hw/mem/simple_memory.hpp"
#include "hw/noc/mesh_noc.hpp"

namespace edgebert::hw::noc_test {

// Runs `script` in an SC_THREAD; transport() may also be called from other threads.
struct TestInitiator : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<TestInitiator> socket;
    std::function<void(TestInitiator&)> script;
    bool finished = false;

    explicit TestInitiator(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
        SC_HAS_PROCESS(TestInitiator);
        SC_THREAD(run);
    }
    void run() {
        if (script) script(*this);
        finished = true;
    }
    tlm::tlm_response_status transport(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len,
                                       sc_core::sc_time& delay) {
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(addr);
        t.set_data_ptr(data);
        t.set_data_length(len);
        t.set_streaming_width(len);
        t.set_byte_enable_ptr(nullptr);
        t.set_dmi_allowed(false);
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(t, delay);
        return t.get_response_status();
    }
    tlm::tlm_response_status write(uint64_t addr, std::vector<uint8_t> data, sc_core::sc_time& delay) {
        return transport(tlm::TLM_WRITE_COMMAND, addr, data.data(), static_cast<unsigned>(data.size()), delay);
    }
    tlm::tlm_response_status read(uint64_t addr, std::vector<uint8_t>& data, sc_core::sc_time& delay) {
        return transport(tlm::TLM_READ_COMMAND, addr, data.data(), static_cast<unsigned>(data.size()), delay);
    }
};

// Sits between the NoC and a target; records the delay on entry (the request's
// network latency is in it) and after the target (its own latency added).
struct DelayProbe : sc_core::sc_module {
    tlm_utils::simple_target_socket<DelayProbe> in;
    tlm_utils::simple_initiator_socket<DelayProbe> out;
    sc_core::sc_time entry_delay;
    sc_core::sc_time exit_delay;
    uint64_t calls = 0;

    explicit DelayProbe(sc_core::sc_module_name n) : sc_core::sc_module(n), in("in"), out("out") {
        in.register_b_transport(this, &DelayProbe::b_transport);
        in.register_transport_dbg(this, &DelayProbe::transport_dbg);
    }
    unsigned int transport_dbg(tlm::tlm_generic_payload& t) { return out->transport_dbg(t); }
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
        ++calls;
        entry_delay = delay;
        out->b_transport(t, delay);
        exit_delay = delay;
    }
};

// The links a packet crosses, written independently of MeshNoc::path():
// inject at the source, X first then Y, eject at the destination.
inline std::vector<MeshNoc::Hop> xy_route(int x0, int y0, int x1, int y1) {
    std::vector<MeshNoc::Hop> r{{x0, y0, NocPort::Inject}};
    for (int x = x0; x < x1; ++x) r.push_back({x, y0, NocPort::East});
    for (int x = x0; x > x1; --x) r.push_back({x, y0, NocPort::West});
    for (int y = y0; y < y1; ++y) r.push_back({x1, y, NocPort::South});
    for (int y = y0; y > y1; --y) r.push_back({x1, y, NocPort::North});
    r.push_back({x1, y1, NocPort::Eject});
    return r;
}

inline uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// A mesh with test initiators and probed SimpleMemory targets.
struct NocBench {
    MeshNoc noc;
    std::vector<std::unique_ptr<TestInitiator>> inits;
    std::vector<std::unique_ptr<DelayProbe>> probes;
    std::vector<std::unique_ptr<SimpleMemory>> mems;
    std::vector<std::pair<int, int>> init_tiles;
    std::vector<std::pair<int, int>> mem_tiles;

    explicit NocBench(const NocConfig& cfg) : noc("noc", cfg) {}

    // Registers, then binds (the order MeshNoc requires); returns the index.
    int add_initiator(int x, int y, NocPlane plane) {
        const std::string name = "ini" + std::to_string(inits.size()) + "_" + to_string(plane);
        const int id = noc.add_initiator(x, y, plane, name);
        inits.push_back(std::make_unique<TestInitiator>(name.c_str()));
        inits.back()->socket.bind(noc.in);
        init_tiles.emplace_back(x, y);
        return id;
    }
    // Memory behind a DelayProbe; its latency is `latency` + ceil(len / bytes_per_cycle) NoC cycles.
    int add_memory(int x, int y, uint64_t base, uint64_t size, sc_core::sc_time latency, double bytes_per_cycle) {
        const std::string name = "mem" + std::to_string(mems.size());
        const int id = noc.add_target(x, y, base, size, name);
        probes.push_back(std::make_unique<DelayProbe>((name + "_probe").c_str()));
        mems.push_back(std::make_unique<SimpleMemory>(name.c_str(), base, size, latency, bytes_per_cycle,
                                                      noc.cycle()));
        noc.out.bind(probes.back()->in);
        probes.back()->out.bind(mems.back()->socket);
        mem_tiles.emplace_back(x, y);
        return id;
    }
    void run() {
        sc_core::sc_start();
        for (const auto& i : inits) EXPECT_TRUE(i->finished || !i->script) << i->name();
    }
};

}  // namespace edgebert::hw::noc_test
