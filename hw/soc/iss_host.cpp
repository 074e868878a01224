#include "hw/soc/iss_host.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "common/error.hpp"
#include "hw/iss/fp.hpp"
#include "hw/mem/dram.hpp"
#include "hw/mem/memory_request.hpp"

namespace edgebert::hw {

namespace {
constexpr uint64_t kQuantum = 20000;       // instructions between synchronisations
constexpr uint64_t kMarkerOffset = 0x10;   // accounting marker register, beside the UART
}  // namespace

class IssHost::Bus : public iss::IssBus {
public:
    explicit Bus(IssHost& h) : h_(h) {}

    bool load(uint64_t addr, int size, uint64_t& v) override {
        if (uint8_t* p = dram(addr, size)) {
            v = 0;
            std::memcpy(&v, p, static_cast<size_t>(size));
            return true;
        }
        return mmio(tlm::TLM_READ_COMMAND, addr, size, v);
    }
    bool store(uint64_t addr, int size, uint64_t v) override {
        if (uint8_t* p = dram(addr, size)) {
            std::memcpy(p, &v, static_cast<size_t>(size));
            return true;
        }
        if (addr == h_.cfg_.map.uart_base + kMarkerOffset) {
            h_.marker(static_cast<uint32_t>(v));
            return true;
        }
        return mmio(tlm::TLM_WRITE_COMMAND, addr, size, v);
    }
    uint8_t* dmi(uint64_t addr, size_t& len) override {
        uint8_t* page = h_.dram_.dmi_page(addr & ~uint64_t{Dram::kPageBytes - 1});
        if (!page) {
            len = 0;
            return nullptr;
        }
        const uint64_t off = addr & (Dram::kPageBytes - 1);
        len = Dram::kPageBytes - off;
        return page + off;
    }
    uint64_t mtime() override { return h_.iss_ ? h_.iss_->cycles() : 0; }

private:
    uint8_t* dram(uint64_t addr, int size) {
        size_t len = 0;
        uint8_t* p = dmi(addr, len);
        return p && len >= static_cast<size_t>(size) ? p : nullptr;
    }

    bool mmio(tlm::tlm_command cmd, uint64_t addr, int size, uint64_t& v) {
        // Bring SystemC time up to the core's before the access leaves it.
        h_.account_until_now();
        h_.sync();
        tlm::tlm_generic_payload t;
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        t.set_command(cmd);
        t.set_address(addr);
        t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
        t.set_data_length(static_cast<unsigned>(size));
        t.set_streaming_width(static_cast<unsigned>(size));
        t.set_byte_enable_ptr(nullptr);
        t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        h_.data->b_transport(t, delay);
        sc_core::wait(delay);
        h_.iss_->reset_memory_filters();  // DMA may have recalled lines meanwhile
        // The core adds the stall to mcycle after the access; SystemC time and
        // the accounting already cover it.
        const uint64_t stall = static_cast<uint64_t>(delay / h_.period_ + 0.5);
        stall_cycles += stall;
        h_.synced_ += stall;
        // As on the native host: register time, or the runtime's override (e.g. "flush").
        const HostCategory c = h_.override_ >= 0 ? static_cast<HostCategory>(h_.override_) : HostCategory::Register;
        h_.add(c, stall);
        h_.accounted_ += stall;
        // A register access (e.g. a PLIC claim) can change the interrupt line the
        // core sees; without this, wfi would not sleep until the next quantum.
        h_.iss_->set_external_interrupt(h_.ext_irq_->read());
        return !t.is_response_error();
    }

    IssHost& h_;
};

// The L2's misses and writebacks as coherence-plane transactions, issued at
// the core's local time (no sync: the NoC, the LLC and the DRAM only annotate).
class IssHost::Backside : public CpuCaches::Backside {
public:
    explicit Backside(IssHost& h) : h_(h), line_(4096) {}
    uint64_t fill(uint64_t line, unsigned bytes, uint64_t now) override {
        return transact(tlm::TLM_READ_COMMAND, MemoryRequest::Kind::CpuFill, line, bytes, now);
    }
    uint64_t writeback(uint64_t line, unsigned bytes, uint64_t now) override {
        return transact(tlm::TLM_WRITE_COMMAND, MemoryRequest::Kind::CpuWriteback, line, bytes, now);
    }

private:
    uint64_t transact(tlm::tlm_command cmd, MemoryRequest::Kind kind, uint64_t addr, unsigned bytes, uint64_t now) {
        iss::fp::FpEnv::ForeignCall guard;  // sc_time arithmetic must not leave host FP flags behind
        MemoryRequest req;
        req.kind = kind;
        req.tile = h_.cpu_tile_;
        const uint64_t ahead = now > h_.synced_ ? now - h_.synced_ : 0;
        const sc_core::sc_time before = h_.period_ * static_cast<double>(ahead);
        sc_core::sc_time delay = before;
        send_line_request(h_.coh, req, cmd, addr, bytes, line_.data(), delay, h_.name());
        return static_cast<uint64_t>(std::ceil((delay - before) / h_.period_ - 1e-9));
    }

    IssHost& h_;
    std::vector<uint8_t> line_;
};

IssHost::IssHost(sc_core::sc_module_name name, const SocConfig& cfg, Dram& dram)
    : sc_module(name), data("data"), coh("coh"), cfg_(cfg), dram_(dram),
      period_(sc_core::sc_time(1e6 / cfg.cpu_clock_mhz, sc_core::SC_PS)), bus_(std::make_unique<Bus>(*this)) {
    for (size_t i = 0; i < cfg.tiles.size(); ++i)
        if (cfg.tiles[i].kind == TileKind::Cpu) cpu_tile_ = static_cast<int>(i);
    iss::IssConfig ic;
    ic.reset_pc = cfg.dram.base;
    if (cfg.caches.enabled) {
        caches_ = std::make_unique<CpuCaches>(cfg.caches);
        backside_ = std::make_unique<Backside>(*this);
        caches_->set_backside(backside_.get());
        // The L1 D$ returns data hit_latency cycles after the address: a
        // dependent instruction issues one cycle later (ISS latency semantics).
        if (cfg.caches.l1d.enabled) ic.timing.load = cfg.caches.l1d.hit_latency_cycles + 1;
    }
    iss_ = std::make_unique<iss::Iss>(*bus_, ic);
    if (caches_) iss_->set_memory_timing(caches_.get());
}

sc_core::sc_time IssHost::flush_caches(sc_core::sc_time start) {
    if (!caches_) return sc_core::SC_ZERO_TIME;
    // Core cycle `synced_` is SystemC's present; `start` may lie ahead of it.
    const sc_core::sc_time ahead = start > sc_core::sc_time_stamp() ? start - sc_core::sc_time_stamp() : sc_core::SC_ZERO_TIME;
    const CpuCaches::FlushResult f = caches_->flush(synced_ + static_cast<uint64_t>(ahead / period_ + 0.5));
    iss_->reset_memory_filters();
    return period_ * static_cast<double>(f.cycles);
}

IssHost::~IssHost() = default;

iss::ElfImage IssHost::load(const std::string& path) {
    auto image = iss::load_elf(path, [&](uint64_t addr, const uint8_t* bytes, uint64_t filesz, uint64_t memsz) {
        if (addr < cfg_.dram.base || addr + memsz > cfg_.dram.base + cfg_.dram.size)
            throw FileFormatError(fmt::format("{}: segment [0x{:x}, 0x{:x}) lies outside DRAM [0x{:x}, 0x{:x})", path,
                                              addr, addr + memsz, cfg_.dram.base, cfg_.dram.base + cfg_.dram.size));
        dram_.write(addr, bytes, filesz);
        if (memsz > filesz) {
            std::vector<uint8_t> zeros(memsz - filesz, 0);
            dram_.write(addr + filesz, zeros.data(), zeros.size());
        }
    });
    iss_->reset(image.entry);
    iss_->set_tohost(image.tohost);
    iss_->set_fromhost(image.fromhost);
    iss_->flush_code_cache();
    return image;
}

void IssHost::sync() {
    const uint64_t now = iss_->cycles();
    if (now > synced_) {
        sc_core::wait(period_ * static_cast<double>(now - synced_));
        synced_ = now;
    }
    iss_->reset_memory_filters();  // other initiators ran meanwhile (recalls, flushes)
}

void IssHost::add(HostCategory c, uint64_t cycles) {
    accounts_[region_][static_cast<size_t>(c)] += cycles;
    if (c == HostCategory::CpuCompute) cpu_kinds_[static_cast<size_t>(kind_)] += cycles;
}

void IssHost::account_until_now() {
    // Instruction time: CPU work, or the runtime's override (e.g. a re-layout as "transpose").
    const uint64_t now = iss_->cycles();
    if (now <= accounted_) return;
    const HostCategory c = override_ >= 0 ? static_cast<HostCategory>(override_) : HostCategory::CpuCompute;
    add(c, now - accounted_);
    accounted_ = now;
}

void IssHost::marker(uint32_t v) {
    account_until_now();  // the instructions up to here belong to the old context
    switch (v & 0xFF) {
        case 1:
            region_ = RegionKey{v >> 16, (v >> 8) & 0xFF, ""};
            region_seen_ = true;
            if (region_observer_) region_observer_(region_, period_ * static_cast<double>(iss_->cycles()));
            break;
        case 2: wait_category_ = static_cast<HostCategory>((v >> 8) & 0xFF); break;
        case 3: override_ = static_cast<int>((v >> 8) & 0xFF) - 1; break;
        case 4: {  // eb_hal_cpu_kind: kind + 1, 0 = back to "other"
            const int k = static_cast<int>((v >> 8) & 0xFF) - 1;
            kind_ = k >= 0 && k < static_cast<int>(kCpuKinds) ? k : static_cast<int>(kCpuKinds) - 1;
            break;
        }
        default: break;
    }
}

IssRunResult IssHost::run(uint64_t max_cycles) {
    if (!ext_irq_) throw Error("ISS host: no interrupt controller connected");
    IssRunResult r;
    for (;;) {
        if (iss_->cycles() >= max_cycles) {
            r.stop = "cycle limit";
            break;
        }
        iss_->set_external_interrupt(ext_irq_->read());
        iss_->run(kQuantum);
        account_until_now();
        sync();
        const auto stop = iss_->stop_reason();
        if (stop == iss::StopReason::Exit) {
            r.stop = "exit";
            break;
        }
        if (stop == iss::StopReason::TrapLoop) {
            r.stop = "trap loop";
            break;
        }
        if (stop == iss::StopReason::Wfi) {
            const auto t0 = sc_core::sc_time_stamp();
            if (!ext_irq_->read()) sc_core::wait(ext_irq_->posedge_event());
            iss_->reset_memory_filters();
            const uint64_t slept = static_cast<uint64_t>((sc_core::sc_time_stamp() - t0) / period_ + 0.5);
            iss_->add_cycles(slept);
            synced_ += slept;
            add(wait_category_, slept);
            accounted_ += slept;
        }
    }
    r.exited = iss_->exited();
    r.exit_code = r.exited ? static_cast<int>(iss_->exit_code()) : -1;
    r.instructions = iss_->instret();
    r.cycles = iss_->cycles();
    return r;
}

}  // namespace edgebert::hw
