#include "hw/edgebert/dma_engine.hpp"

#include <algorithm>
#include <vector>

#include "hw/edgebert/adpll.hpp"
#include "hw/edgebert/axi_arbiter.hpp"

namespace edgebert::hw {

namespace {
constexpr uint64_t k4KiB = 4096;

// Length of the next burst from `addr`: limited by the burst size and the 4 KiB boundary.
uint64_t next_burst(const EdgebertTileConfig& cfg, uint64_t addr, uint64_t remaining) {
    const uint64_t max_bytes = static_cast<uint64_t>(cfg.max_burst_beats) * cfg.axi_beat_bytes();
    const uint64_t to_boundary = k4KiB - (addr % k4KiB);
    return std::min({remaining, max_bytes, to_boundary});
}
}  // namespace

DmaEngine::DmaEngine(sc_core::sc_module_name name, const EdgebertTileConfig& cfg, int requester_id,
                     AxiArbiter& arbiter, const Adpll& clock)
    : sc_module(name), busy("busy", false), bytes_moved("bytes_moved", 0), cfg_(cfg), id_(requester_id),
      arbiter_(arbiter), clock_(clock) {}

uint64_t DmaEngine::burst_count(const EdgebertTileConfig& cfg, uint64_t addr, uint64_t bytes) {
    uint64_t n = 0;
    while (bytes > 0) {
        const uint64_t len = next_burst(cfg, addr, bytes);
        addr += len;
        bytes -= len;
        ++n;
    }
    return n;
}

DmaResult DmaEngine::run(const DmaJob& job) {
    DmaResult res;
    const uint64_t total = static_cast<uint64_t>(job.rows) * job.sram->row_bytes();
    std::vector<uint8_t> buf(total);
    if (!job.to_sram) job.sram->read_rows(job.first_row, buf.data(), job.rows);
    busy.write(true);
    const sc_core::sc_time start = sc_core::sc_time_stamp();
    sc_core::sc_time delay = clock_.period() * static_cast<double>(cfg_.timing.dma_setup_cycles);

    tlm::tlm_generic_payload trans;
    uint64_t done = 0;
    while (done < total) {
        const uint64_t addr = job.dram_addr + done;
        const uint64_t len = next_burst(cfg_, addr, total - done);
        trans.set_command(job.to_sram ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
        trans.set_address(addr);
        trans.set_data_ptr(buf.data() + done);
        trans.set_data_length(static_cast<unsigned>(len));
        trans.set_streaming_width(static_cast<unsigned>(len));
        trans.set_byte_enable_ptr(nullptr);
        trans.set_dmi_allowed(false);
        trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        arbiter_.transport(id_, trans, delay);
        ++res.bursts;
        if (trans.is_response_error()) {
            res.error = true;
            res.error_addr = addr;
            break;
        }
        done += len;
    }
    sc_core::wait(delay);
    if (!res.error && job.to_sram) job.sram->write_rows(job.first_row, buf.data(), job.rows);
    res.bytes = done;
    res.duration = sc_core::sc_time_stamp() - start;
    total_bytes_ += done;
    bytes_moved.write(static_cast<uint32_t>(total_bytes_));
    busy.write(false);
    return res;
}

}  // namespace edgebert::hw
