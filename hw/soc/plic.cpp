#include "hw/soc/plic.hpp"

#include <fmt/format.h>

#include "hw/soc/register_access.hpp"

#include <cmath>
#include <cstring>

#include "common/error.hpp"

namespace edgebert::hw {

void PlicConfig::validate(const std::string& origin, const std::string& prefix) const {
    auto bad = [&](const std::string& field, const std::string& what) {
        throw ConfigError(fmt::format("{}: field '{}{}' {}", origin, prefix, field, what));
    };
    auto range = [&](const char* field, int64_t v, int64_t lo, int64_t hi) {
        if (v < lo || v > hi) bad(field, fmt::format("= {} is out of range [{}, {}]", v, lo, hi));
    };
    // 1024 sources fill the priority block (0x0 .. 0xffc) exactly.
    range("num_sources", num_sources, 2, 1024);
    range("priority_bits", priority_bits, 1, 32);
    range("gateway_latency_cycles", gateway_latency_cycles, 0, 1000000);
    range("access_latency_cycles", access_latency_cycles, 0, 1000000);
    if (!std::isfinite(clock_mhz) || clock_mhz < 1.0 || clock_mhz > 100000.0)
        bad("clock_mhz", fmt::format("= {} is out of range [1, 100000]", clock_mhz));
    if (base % 4 != 0) bad("base", fmt::format("= 0x{:x} must be 4-byte aligned", base));
    if (base > ~uint64_t{0} - (Plic::kWindowBytes - 1))
        bad("base", fmt::format("= 0x{:x} leaves no room for the 0x{:x}-byte window", base, Plic::kWindowBytes));
}

Plic::Plic(sc_core::sc_module_name name, const PlicConfig& config)
    : sc_core::sc_module(name), socket("socket"), ext_irq("ext_irq", false), cfg_(config) {
    cfg_.validate(this->name());
    cycle_ = sc_core::sc_time(1000.0 / cfg_.clock_mhz, sc_core::SC_NS);
    prio_mask_ = cfg_.priority_bits >= 32 ? ~uint32_t{0} : (uint32_t{1} << cfg_.priority_bits) - 1;
    const auto n = static_cast<size_t>(cfg_.num_sources);
    priority_.assign(n, 0);
    pending_.assign(n, false);
    enabled_.assign(n, false);
    in_service_.assign(n, false);
    connected_.assign(n, false);

    SC_HAS_PROCESS(Plic);
    SC_METHOD(gateway_release);
    sensitive << release_ev_;
    dont_initialize();

    socket.register_b_transport(this, &Plic::b_transport);
    socket.register_transport_dbg(this, &Plic::transport_dbg);
}

void Plic::check_id(const char* what, int id) const {
    if (id < 1 || id >= cfg_.num_sources)
        throw Error(fmt::format("{}: {} of interrupt source {} is out of range [1, {}] (source 0 is reserved)",
                                name(), what, id, cfg_.num_sources - 1));
}

void Plic::connect_source(int id, TraceSignal<bool>& line) {
    check_id("connect_source", id);
    if (connected_[static_cast<size_t>(id)])
        throw Error(fmt::format("{}: interrupt source {} is already connected", name(), id));
    connected_[static_cast<size_t>(id)] = true;
    sc_core::sc_spawn_options opt;
    opt.spawn_method();
    opt.set_sensitivity(&line.posedge_event());
    opt.dont_initialize();
    const std::string proc = fmt::format("{}_gateway{}", basename(), id);
    sc_core::sc_spawn([this, id] { on_edge(id); }, sc_core::sc_gen_unique_name(proc.c_str()), &opt);
}

void Plic::trigger(int id) {
    check_id("trigger", id);
    on_edge(id);
}

void Plic::on_edge(int id) {
    ++stats_.edges;
    if (cfg_.gateway_latency_cycles == 0) {
        set_pending(id);
        return;
    }
    const sc_core::sc_time lat = cycles(static_cast<uint64_t>(cfg_.gateway_latency_cycles));
    // The latency is constant, so release times arrive in order.
    if (in_flight_.empty()) release_ev_.notify(lat);
    in_flight_.emplace_back(sc_core::sc_time_stamp() + lat, id);
}

void Plic::gateway_release() {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    while (!in_flight_.empty() && in_flight_.front().first <= now) {
        set_pending(in_flight_.front().second);
        in_flight_.pop_front();
    }
    if (!in_flight_.empty()) release_ev_.notify(in_flight_.front().first - now);
}

void Plic::set_pending(int id) {
    const auto i = static_cast<size_t>(id);
    if (pending_[i]) ++stats_.merged_edges;
    pending_[i] = true;
    update_output();
}

bool Plic::eligible(size_t id) const {
    return pending_[id] && enabled_[id] && !in_service_[id] && priority_[id] > threshold_;
}

uint32_t Plic::peek_claim() const {
    uint32_t best = 0;
    uint32_t best_prio = 0;
    for (size_t id = 1; id < pending_.size(); ++id) {
        // Strictly greater: ties keep the lowest id.
        if (eligible(id) && (best == 0 || priority_[id] > best_prio)) {
            best = static_cast<uint32_t>(id);
            best_prio = priority_[id];
        }
    }
    return best;
}

bool Plic::irq_level() const { return peek_claim() != 0; }

void Plic::update_output() { ext_irq.write(irq_level()); }

uint32_t Plic::claim() {
    const uint32_t id = peek_claim();
    if (id == 0) {
        ++stats_.empty_claims;
        return 0;
    }
    pending_[id] = false;
    in_service_[id] = true;
    ++stats_.claims;
    update_output();
    return id;
}

void Plic::complete(uint32_t id) {
    if (id == 0 || id >= static_cast<uint32_t>(cfg_.num_sources) || !in_service_[id]) {
        ++stats_.ignored_completes;
        return;
    }
    in_service_[id] = false;
    ++stats_.completes;
    update_output();
}

bool Plic::pending(int id) const {
    check_id("pending", id);
    return pending_[static_cast<size_t>(id)];
}
bool Plic::in_service(int id) const {
    check_id("in_service", id);
    return in_service_[static_cast<size_t>(id)];
}
bool Plic::enabled(int id) const {
    check_id("enabled", id);
    return enabled_[static_cast<size_t>(id)];
}
uint32_t Plic::priority(int id) const {
    check_id("priority", id);
    return priority_[static_cast<size_t>(id)];
}

uint32_t Plic::read_reg(uint64_t offset, bool side_effects) {
    const uint64_t words = (static_cast<uint64_t>(cfg_.num_sources) + 31) / 32;
    auto pack = [&](const std::vector<bool>& bits, uint64_t w) {
        uint32_t v = 0;
        for (uint64_t b = 0; b < 32; ++b) {
            const uint64_t id = w * 32 + b;
            if (id >= 1 && id < bits.size() && bits[id]) v |= uint32_t{1} << b;
        }
        return v;
    };
    if (offset < kPendingOffset) {
        const uint64_t id = offset / 4;
        return id >= 1 && id < priority_.size() ? priority_[id] : 0;
    }
    if (offset >= kPendingOffset && offset < kPendingOffset + 4 * words)
        return pack(pending_, (offset - kPendingOffset) / 4);
    if (offset >= kEnableOffset && offset < kEnableOffset + 4 * words)
        return pack(enabled_, (offset - kEnableOffset) / 4);
    if (offset == kThresholdOffset) return threshold_;
    if (offset == kClaimOffset) return side_effects ? claim() : peek_claim();
    return 0;
}

void Plic::write_reg(uint64_t offset, uint32_t value) {
    const uint64_t words = (static_cast<uint64_t>(cfg_.num_sources) + 31) / 32;
    if (offset < kPendingOffset) {
        const uint64_t id = offset / 4;
        if (id >= 1 && id < priority_.size()) priority_[id] = value & prio_mask_;
    } else if (offset >= kEnableOffset && offset < kEnableOffset + 4 * words) {
        const uint64_t w = (offset - kEnableOffset) / 4;
        for (uint64_t b = 0; b < 32; ++b) {
            const uint64_t id = w * 32 + b;
            if (id >= 1 && id < enabled_.size()) enabled_[id] = (value >> b) & 1u;
        }
    } else if (offset == kThresholdOffset) {
        threshold_ = value & prio_mask_;
    } else if (offset == kClaimOffset) {
        complete(value);
        return;
    } else {
        return;  // pending bits are read-only; holes ignore writes
    }
    update_output();
}

tlm::tlm_response_status Plic::check(const tlm::tlm_generic_payload& trans) const {
    return check_register_access(trans, cfg_.base, kWindowBytes, {4});
}

void Plic::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    if (!admit_register_access(trans, check(trans))) {
        if (!trans.is_response_ok()) ++stats_.errors;
        return;
    }
    const tlm::tlm_command cmd = trans.get_command();
    const uint64_t offset = trans.get_address() - cfg_.base;
    uint32_t v = 0;
    if (cmd == tlm::TLM_READ_COMMAND) {
        v = read_reg(offset, true);
        std::memcpy(trans.get_data_ptr(), &v, 4);
    } else {
        std::memcpy(&v, trans.get_data_ptr(), 4);
        write_reg(offset, v);
    }
    delay += cycles(static_cast<uint64_t>(cfg_.access_latency_cycles));
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int Plic::transport_dbg(tlm::tlm_generic_payload& trans) {
    if (trans.get_command() != tlm::TLM_READ_COMMAND || check(trans) != tlm::TLM_OK_RESPONSE) return 0;
    const uint32_t v = read_reg(trans.get_address() - cfg_.base, false);
    std::memcpy(trans.get_data_ptr(), &v, 4);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return 4;
}

}  // namespace edgebert::hw
