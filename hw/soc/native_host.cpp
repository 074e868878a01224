#include "hw/soc/native_host.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "common/error.hpp"

namespace edgebert::hw {

namespace {
constexpr size_t kLineBytes = 64;  // bulk copies move one cache line per transaction
}

const char* host_category_name(HostCategory c) {
    static const char* names[] = {"register", "read", "write", "compute", "malloc", "memset", "transpose",
                                  "cpu_compute", "flush"};
    return names[static_cast<size_t>(c)];
}

void NativeHost::set_region(uint32_t layer, uint32_t module, const std::string& op) {
    region_.layer = layer;
    region_.module = module;
    region_.op = op;
    region_seen_ = true;
    if (region_observer_) region_observer_(region_);
}

void NativeHost::account(HostCategory c, sc_core::sc_time dt) {
    const auto cycles = static_cast<uint64_t>(dt / period_ + 0.5);
    accounts_[region_][static_cast<size_t>(c)] += cycles;
    if (c == HostCategory::CpuCompute) cpu_kinds_[static_cast<size_t>(kind_)] += cycles;
}

const char* cpu_kind_name(size_t k) {
    static const char* names[kCpuKinds] = {"conversion", "gelu", "transpose", "softmax", "layer_norm", "matmul", "splice", "other"};
    return k < kCpuKinds ? names[k] : "?";
}

NativeHost::NativeHost(sc_core::sc_module_name name, const SocConfig& cfg)
    : sc_module(name), data("data"), cfg_(cfg), period_(sc_core::sc_time(1e6 / cfg.cpu_clock_mhz, sc_core::SC_PS)) {}

void NativeHost::access(tlm::tlm_command cmd, uint64_t addr, void* buf, unsigned len) {
    // DRAM traffic from the core is copying; everything else is register access.
    const bool dram = addr >= cfg_.dram.base && addr < cfg_.dram.base + cfg_.dram.size;
    // The core-side cost of a load or store is instruction time (CPU compute, as the
    // ISS counts it); a register access's category gets the NoC and target latency.
    if (!dram) charge("mmio_access", 1.0, HostCategory::CpuCompute);
    tlm::tlm_generic_payload t;
    sc_core::sc_time delay = dram ? period_ * cfg_.host_costs.get("mmio_access") : sc_core::SC_ZERO_TIME;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(static_cast<unsigned char*>(buf));
    t.set_data_length(len);
    t.set_streaming_width(len);
    t.set_byte_enable_ptr(nullptr);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    const auto t0 = sc_core::sc_time_stamp();
    data->b_transport(t, delay);
    // A blocking in-order core: the load or store completes before the next
    // instruction, so the host synchronises on every access.
    sc_core::wait(delay);
    account(effective(dram ? HostCategory::Memset : HostCategory::Register), sc_core::sc_time_stamp() - t0);
    if (t.is_response_error()) {
        throw Error(fmt::format("host: {} of {} bytes at 0x{:x} failed: {} (no target mapped there?)",
                                cmd == tlm::TLM_READ_COMMAND ? "load" : "store", len, addr, t.get_response_string()));
    }
}

uint32_t NativeHost::read32(uint64_t addr) {
    uint32_t v = 0;
    access(tlm::TLM_READ_COMMAND, addr, &v, 4);
    return v;
}

void NativeHost::write32(uint64_t addr, uint32_t value) { access(tlm::TLM_WRITE_COMMAND, addr, &value, 4); }

uint64_t NativeHost::read64(uint64_t addr) {
    uint64_t v = 0;
    access(tlm::TLM_READ_COMMAND, addr, &v, 8);
    return v;
}

void NativeHost::write64(uint64_t addr, uint64_t value) { access(tlm::TLM_WRITE_COMMAND, addr, &value, 8); }

void NativeHost::wait_for_interrupt() {
    if (!ext_irq_) throw Error("host: wait_for_interrupt with no interrupt controller connected");
    const auto t0 = sc_core::sc_time_stamp();
    if (!ext_irq_->read()) sc_core::wait(ext_irq_->posedge_event());
    account(wait_category_, sc_core::sc_time_stamp() - t0);
}

uint64_t NativeHost::cycles() const { return static_cast<uint64_t>(sc_core::sc_time_stamp() / period_); }

void NativeHost::write_block(uint64_t addr, const void* src, size_t len) {
    const auto* p = static_cast<const uint8_t*>(src);
    for (size_t done = 0; done < len;) {
        const size_t n = std::min(kLineBytes - (addr + done) % kLineBytes, len - done);
        std::vector<uint8_t> line(p + done, p + done + n);
        access(tlm::TLM_WRITE_COMMAND, addr + done, line.data(), static_cast<unsigned>(n));
        done += n;
    }
    charge("memcpy_per_byte", static_cast<double>(len), HostCategory::Memset);
    charge("memcpy_call", 1, HostCategory::Memset);
}

void NativeHost::read_block(uint64_t addr, void* dst, size_t len) {
    auto* p = static_cast<uint8_t*>(dst);
    for (size_t done = 0; done < len;) {
        const size_t n = std::min(kLineBytes - (addr + done) % kLineBytes, len - done);
        access(tlm::TLM_READ_COMMAND, addr + done, p + done, static_cast<unsigned>(n));
        done += n;
    }
    charge("memcpy_per_byte", static_cast<double>(len), HostCategory::Memset);
    charge("memcpy_call", 1, HostCategory::Memset);
}

void NativeHost::charge(const std::string& entry, double units, HostCategory category) {
    charge_cycles(cfg_.host_costs.get(entry) * units, category);
}

MemoryTraffic memory_traffic(const CacheHierarchyConfig& caches, uint64_t bytes, uint64_t working_set, uint64_t run,
                             uint64_t stride) {
    MemoryTraffic t;
    // The first level a load meets: its line is the unit of traffic, its sets decide the conflicts.
    const CacheGeometry* level = first_data_level(caches);
    if (!level || bytes == 0) return t;
    const double line = level->line_bytes;
    const bool contiguous = run == 0 || stride <= run;
    const double run_lines = contiguous ? 0.0 : std::ceil(static_cast<double>(run) / line);
    t.lines = contiguous ? std::ceil(static_cast<double>(bytes) / line)
                         : static_cast<double>(bytes) / static_cast<double>(run) * run_lines;
    t.working_set = static_cast<double>(working_set);
    if (!contiguous && stride % level->line_bytes == 0) {
        // Runs `stride` apart start in sets (i * stride / line) mod sets: with sets a power
        // of two, only sets / g distinct starts (g = gcd(stride / line, sets)), each run
        // filling run_lines consecutive sets. The data crowds into the sets it touches.
        const uint64_t sets = level->sets();
        const uint64_t g = std::gcd(stride / level->line_bytes, sets);
        const double runs =
            std::max(1.0, std::min(static_cast<double>(bytes), t.working_set) / static_cast<double>(run));
        const double starts = std::min(runs, static_cast<double>(sets / g));
        const double touched = std::min(static_cast<double>(sets), starts * run_lines);
        if (touched > 0 && touched < static_cast<double>(sets)) t.working_set *= static_cast<double>(sets) / touched;
    }
    return t;
}

void NativeHost::charge_memory(bool store, uint64_t bytes, uint64_t working_set, uint64_t run, uint64_t stride,
                               HostCategory category) {
    const MemoryTraffic t = memory_traffic(cfg_.caches, bytes, working_set, run, stride);
    if (t.lines <= 0) return;
    charge_cycles(t.lines * cfg_.host_costs.get(store ? "store_line" : "load_line", t.working_set), category);
}

void NativeHost::charge_cycles(double cyc, HostCategory category) {
    // Whole cycles only; the fraction is carried so many small charges add up exactly.
    const double total = cyc + fractional_;
    const double whole = std::floor(total);
    fractional_ = total - whole;
    if (whole <= 0) return;
    const auto t0 = sc_core::sc_time_stamp();
    sc_core::wait(period_ * whole);
    account(effective(category), sc_core::sc_time_stamp() - t0);
}

}  // namespace edgebert::hw
