#include "hw/soc/dma_port.hpp"

#include "hw/mem/dram.hpp"

namespace edgebert::hw {

DmaPort::DmaPort(sc_core::sc_module_name name, int tile, DmaCoherence mode, const CacheHierarchyConfig& caches,
                 Dram& dram, double clock_mhz)
    : sc_module(name), in("in"), out("out"), tile_(tile), mode_(mode), dram_(dram),
      cycle_(sc_core::sc_time(1.0 / clock_mhz, sc_core::SC_US)) {
    in.register_b_transport(this, &DmaPort::b_transport);
    in.register_transport_dbg(this, &DmaPort::transport_dbg);
    if (caches.enabled && caches.acc_l2.enabled) {
        cache_ = std::make_unique<Cache>(caches.acc_l2);
        coh = std::make_unique<tlm_utils::simple_initiator_socket<DmaPort>>("coh");
        scratch_.resize(caches.acc_l2.line_bytes);
    }
}

void DmaPort::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    if (mode_ == DmaCoherence::Full && cache_) {
        full_transport(t, delay);
        return;
    }
    MemoryRequest req;
    req.kind = MemoryRequest::Kind::Dma;
    req.mode = mode_;
    req.tile = tile_;
    MemoryRequest* previous = t.set_extension(&req);
    out->b_transport(t, delay);
    t.clear_extension(&req);
    if (previous) t.set_extension(previous);
}

sc_core::sc_time DmaPort::line_transaction(MemoryRequest::Kind kind, bool write, uint64_t line,
                                           sc_core::sc_time delay) {
    MemoryRequest req;
    req.kind = kind;
    req.mode = DmaCoherence::Full;
    req.tile = tile_;
    req.exclusive = write;
    const sc_core::sc_time before = delay;
    send_line_request(*coh, req,
                      kind == MemoryRequest::Kind::AccWriteback ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, line,
                      static_cast<unsigned>(scratch_.size()), scratch_.data(), delay, name());
    return delay - before;
}

void DmaPort::full_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    const uint64_t addr = t.get_address();
    const unsigned len = t.get_data_length();
    // The data, through the DRAM backdoor (the caches hold none).
    if (!dram_.transfer_untimed(t)) return;
    const bool write = t.is_write();
    const unsigned char* be = t.get_byte_enable_ptr();  // a partial write needs the line's other bytes
    full_bytes_ += len;
    if (len == 0) return;
    // The timing: lookups pipelined one line per cycle, fills one after the other.
    const uint64_t line_bytes = cache_->geometry().line_bytes;
    const uint64_t end = addr + len;
    const uint64_t hit = cache_->geometry().hit_latency_cycles;
    sc_core::sc_time fills = sc_core::SC_ZERO_TIME;
    uint64_t n = 0;
    for (uint64_t line = cache_->line_address(addr); line < end; line += line_bytes, ++n) {
        const CacheAccess a = cache_->access(line, write);
        const sc_core::sc_time at = delay + cycle_ * static_cast<double>(hit + n) + fills;
        if (a.evicted_dirty) line_transaction(MemoryRequest::Kind::AccWriteback, true, a.victim_line, at);  // posted
        if (a.hit || !a.filled) continue;
        const bool covers = write && !be && line >= addr && line + line_bytes <= end;
        fills += line_transaction(covers ? MemoryRequest::Kind::AccOwn : MemoryRequest::Kind::AccFill, write, line, at);
    }
    delay += cycle_ * static_cast<double>(hit + n - 1) + fills;
}

}  // namespace edgebert::hw
