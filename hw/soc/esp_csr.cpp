#include "hw/soc/esp_csr.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "common/error.hpp"
#include "hw/soc/register_access.hpp"

namespace edgebert::hw {

void EspCsrConfig::validate(const std::string& origin, const std::string& prefix) const {
    auto bad = [&](const std::string& field, const std::string& what) {
        throw ConfigError(fmt::format("{}: field '{}{}' {}", origin, prefix, field, what));
    };
    if (base % 4 != 0) bad("base", fmt::format("= 0x{:x} must be 4-byte aligned", base));
    if (tile_stride < EspCsr::kCoherenceOffset + 4 || tile_stride > 0x100000 || tile_stride % 4 != 0)
        bad("tile_stride", fmt::format("= 0x{:x} is out of range [0x{:x}, 0x100000] or not a multiple of 4",
                                       tile_stride, EspCsr::kCoherenceOffset + 4));
    if (access_latency_cycles < 0 || access_latency_cycles > 1000000)
        bad("access_latency_cycles", fmt::format("= {} is out of range [0, 1000000]", access_latency_cycles));
    if (!std::isfinite(clock_mhz) || clock_mhz < 1.0 || clock_mhz > 100000.0)
        bad("clock_mhz", fmt::format("= {} is out of range [1, 100000]", clock_mhz));
}

EspCsr::EspCsr(sc_core::sc_module_name name, const EspCsrConfig& config, std::vector<TileSpec> tiles)
    : sc_core::sc_module(name), socket("socket"), cfg_(config), tiles_(std::move(tiles)) {
    cfg_.validate(this->name());
    if (tiles_.empty()) throw ConfigError(fmt::format("{}: no tiles", this->name()));
    if (cfg_.base > ~uint64_t{0} - window_bytes())
        throw ConfigError(fmt::format("{}: field 'base' = 0x{:x} leaves no room for {} tile blocks", this->name(),
                                      cfg_.base, tiles_.size()));
    cycle_ = sc_core::sc_time(1000.0 / cfg_.clock_mhz, sc_core::SC_NS);
    for (const auto& t : tiles_) coherence_.push_back(static_cast<uint32_t>(t.coherence));
    socket.register_b_transport(this, &EspCsr::b_transport);
    socket.register_transport_dbg(this, &EspCsr::transport_dbg);
}

DmaCoherence EspCsr::coherence(size_t tile) const {
    if (tile >= tiles_.size())
        throw Error(fmt::format("{}: tile index {} is out of range [0, {}]", name(), tile, tiles_.size() - 1));
    return static_cast<DmaCoherence>(coherence_[tile]);
}

void EspCsr::set_coherence(size_t tile, DmaCoherence mode) {
    if (tile >= tiles_.size())
        throw Error(fmt::format("{}: tile index {} is out of range [0, {}]", name(), tile, tiles_.size() - 1));
    coherence_[tile] = static_cast<uint32_t>(mode);
}

std::string EspCsr::describe(size_t tile) const {
    const TileSpec& t = tiles_[tile];
    return fmt::format("tile {} ('{}', {})", tile, t.name, tile_kind_name(t.kind));
}

tlm::tlm_response_status EspCsr::check(const tlm::tlm_generic_payload& trans) const {
    return check_register_access(trans, cfg_.base, window_bytes(), {4});
}

void EspCsr::refuse(tlm::tlm_generic_payload& trans, tlm::tlm_response_status status, const std::string& message) {
    trans.set_response_status(status);
    ++stats_.errors;
    last_error_ = message;
    if (errors_.size() < kMaxErrorMessages) errors_.push_back(message);
}

void EspCsr::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const tlm::tlm_command cmd = trans.get_command();
    const uint64_t addr = trans.get_address();
    const char* what = cmd == tlm::TLM_READ_COMMAND ? "read" : "write";
    const tlm::tlm_response_status status = check(trans);
    if (!admit_register_access(trans, status)) {
        if (status != tlm::TLM_OK_RESPONSE)
            refuse(trans, status,
                   fmt::format("{}: {} of {} bytes at 0x{:x} refused ({}): the CSRs take 32-bit, aligned accesses "
                               "inside [0x{:x}, 0x{:x})",
                               name(), what, trans.get_data_length(), addr, trans.get_response_string(), cfg_.base,
                               cfg_.base + window_bytes()));
        return;
    }
    delay += sc_core::sc_time::from_value(cycle_.value() * static_cast<uint64_t>(cfg_.access_latency_cycles));
    const size_t tile = static_cast<size_t>((addr - cfg_.base) / cfg_.tile_stride);
    const uint64_t offset = (addr - cfg_.base) % cfg_.tile_stride;
    if (offset != kCoherenceOffset) {
        refuse(trans, tlm::TLM_ADDRESS_ERROR_RESPONSE,
               fmt::format("{}: {} at 0x{:x} (offset 0x{:x} in the block of {}): unknown CSR; the only register is "
                           "COHERENCE at offset 0x{:x}",
                           name(), what, addr, offset, describe(tile), kCoherenceOffset));
        return;
    }
    uint32_t v = 0;
    if (cmd == tlm::TLM_READ_COMMAND) {
        v = coherence_[tile];
        std::memcpy(trans.get_data_ptr(), &v, 4);
        ++stats_.reads;
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    std::memcpy(&v, trans.get_data_ptr(), 4);
    const auto mode = dma_coherence_from_value(v);
    if (!mode) {
        refuse(trans, tlm::TLM_GENERIC_ERROR_RESPONSE,
               fmt::format("{}: write of {} to COHERENCE of {} at 0x{:x} refused: allowed values are 0 (none), "
                           "1 (llc), 2 (recall), 3 (full)",
                           name(), v, describe(tile), addr));
        return;
    }
    coherence_[tile] = v;
    ++stats_.writes;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    const TileSpec& t = tiles_[tile];
    if ((t.kind == TileKind::Edgebert || t.kind == TileKind::Systolic) && callback_) {
        ++stats_.callbacks;
        callback_(t, *mode);
    }
}

unsigned int EspCsr::transport_dbg(int, tlm::tlm_generic_payload& trans) {
    // Debug reads need only a 4-byte buffer at the register's address.
    const uint64_t addr = trans.get_address();
    if (trans.get_command() != tlm::TLM_READ_COMMAND || trans.get_data_length() != 4 || !trans.get_data_ptr() ||
        addr < cfg_.base || addr - cfg_.base >= window_bytes())
        return 0;
    const uint64_t offset = (addr - cfg_.base) % cfg_.tile_stride;
    if (offset != kCoherenceOffset) return 0;
    const uint32_t v = coherence_[(trans.get_address() - cfg_.base) / cfg_.tile_stride];
    std::memcpy(trans.get_data_ptr(), &v, 4);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return 4;
}

}  // namespace edgebert::hw
