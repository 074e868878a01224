// A minimal console UART (TLM-2.0 register target) for firmware output.
//
// | offset | register | access | contents                                          |
// |--------|----------|--------|---------------------------------------------------|
// | 0x0    | TXDATA   | W      | bits [7:0]: the byte to send; reads return 0       |
// | 0x4    | STATUS   | R      | bit 0 TX ready (always 1), bit 1 RX valid (always 0: no receiver) |
//
// Accesses of 1, 2 or 4 bytes, naturally aligned, inside [base, base + 0x100)
// are accepted; the rest of the window reads as zero and ignores writes. A
// write whose bytes include byte 0 of TXDATA sends that byte. Errors:
// TLM_ADDRESS_ERROR_RESPONSE outside the window or misaligned,
// TLM_BURST_ERROR_RESPONSE for another length or a narrow streaming width,
// TLM_BYTE_ENABLE_ERROR_RESPONSE for a partial byte enable.
//
// Every byte sent is appended to output(). If an echo stream is set (e.g.
// &std::cout), the bytes are written to it a line at a time: at each '\n'
// the line is written and the stream flushed; a trailing partial line goes
// out on flush() and at the end of simulation.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace edgebert::hw {

struct UartConfig {
    uint64_t base = 0x6000'0100;
    int access_latency_cycles = 1;  // added to the delay of every access
    double clock_mhz = 1000.0;

    void validate(const std::string& origin, const std::string& prefix = "") const;
};

class Uart : public sc_core::sc_module {
public:
    static constexpr uint64_t kTxDataOffset = 0x0;
    static constexpr uint64_t kStatusOffset = 0x4;
    static constexpr uint64_t kWindowBytes = 0x100;
    static constexpr uint32_t kStatusTxReady = 1u << 0;
    static constexpr uint32_t kStatusRxValid = 1u << 1;

    tlm_utils::simple_target_socket<Uart> socket;

    Uart(sc_core::sc_module_name name, const UartConfig& config = UartConfig{}, std::ostream* echo = nullptr);

    // Where complete lines are echoed (nullptr: nowhere). Flushes the pending
    // partial line to the old stream first.
    void set_echo(std::ostream* echo);
    // Everything sent so far.
    const std::string& output() const { return output_; }
    // Returns output() and clears it (the echo is unaffected).
    std::string take_output();
    // Writes the pending partial line to the echo stream and flushes it.
    void flush();
    uint64_t bytes_sent() const { return bytes_sent_; }

    const UartConfig& config() const { return cfg_; }

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned int transport_dbg(tlm::tlm_generic_payload& trans);  // reads only
    tlm::tlm_response_status check(const tlm::tlm_generic_payload& trans) const;
    void send(uint8_t byte);
    void end_of_simulation() override { flush(); }

    UartConfig cfg_;
    sc_core::sc_time cycle_;
    std::ostream* echo_;
    std::string output_;
    std::string line_;  // bytes not yet echoed
    uint64_t bytes_sent_ = 0;
};

}  // namespace edgebert::hw
