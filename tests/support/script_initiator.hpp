// A TLM initiator that runs a test's script in an SC_THREAD and offers
// one-call transactions (b_transport with byte enables and streaming width,
// and the debug transport), for tests that drive a target through its socket.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

namespace edgebert::test {

struct TransportOptions {
    const uint8_t* byte_enable = nullptr;
    unsigned byte_enable_length = 0;
    unsigned streaming_width = 0;  // 0: equal to the length
};

struct ScriptInitiator : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<ScriptInitiator> socket;
    std::function<void(ScriptInitiator&)> script;
    bool finished = false;

    using Options = TransportOptions;

    explicit ScriptInitiator(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
        SC_HAS_PROCESS(ScriptInitiator);
        SC_THREAD(run);
    }
    void run() {
        if (script) script(*this);
        finished = true;
    }

    tlm::tlm_response_status transport(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len,
                                       sc_core::sc_time& delay, const Options& opt = Options{}) {
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(addr);
        t.set_data_ptr(data);
        t.set_data_length(len);
        t.set_streaming_width(opt.streaming_width ? opt.streaming_width : len);
        t.set_byte_enable_ptr(const_cast<uint8_t*>(opt.byte_enable));
        t.set_byte_enable_length(opt.byte_enable_length);
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
    unsigned debug(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len) {
        tlm::tlm_generic_payload t;
        t.set_command(cmd);
        t.set_address(addr);
        t.set_data_ptr(data);
        t.set_data_length(len);
        return socket->transport_dbg(t);
    }
};

}  // namespace edgebert::test
