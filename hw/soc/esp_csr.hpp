// ESP's per-tile configuration registers (TLM-2.0 register target): one block
// of `tile_stride` bytes per tile, tile i (its position in the config's
// `tiles` array, as ESP numbers tiles) at base + i * tile_stride. The SoC maps
// each tile's block at that tile on the NoC's MMIO plane (ESP reaches tile
// CSRs over its I/O plane). Only the DMA coherence register is implemented:
//
// | offset (in a tile's block) | register  | access | contents                                      |
// |----------------------------|-----------|--------|-----------------------------------------------|
// | 0x10 (word 4)              | COHERENCE | RW     | DMA coherence mode: 0 none, 1 llc, 2 recall, |
// |                            |           |        | 3 full (DmaCoherence, hw/mem/coherence.hpp)   |
//
// Only 32-bit, naturally aligned accesses with every byte enabled are
// accepted (TLM_BURST_ERROR_RESPONSE for another length or a narrow streaming
// width, TLM_ADDRESS_ERROR_RESPONSE for a misaligned address or one outside
// [base, base + tiles * tile_stride), TLM_BYTE_ENABLE_ERROR_RESPONSE for a
// partial byte enable). Any other offset in a block is an unknown CSR:
// TLM_ADDRESS_ERROR_RESPONSE (a load / store access fault on the core).
// A write of a value above 3 to COHERENCE is refused with
// TLM_GENERIC_ERROR_RESPONSE and the register keeps its value. Every refused
// access records a message naming the register (or offset), the tile and the
// allowed values (errors(), last_error()).
//
// COHERENCE resets to the tile's configured power-on mode (TileSpec::coherence,
// default recall). Every tile has the register: on a tile without a DMA engine
// (cpu, mem, io) a write is stored and read back but has no effect. An
// accepted write to an accelerator tile's register (edgebert, systolic) calls
// the coherence callback with the tile and the new mode, also when the value
// does not change (the SoC installs one that steers the tile's DMA).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "hw/mem/coherence.hpp"
#include "hw/soc/soc_config.hpp"

namespace edgebert::hw {

struct EspCsrConfig {
    uint64_t base = 0x6009'0180;
    uint64_t tile_stride = 0x200;
    int access_latency_cycles = 1;  // added to the delay of every access
    double clock_mhz = 1000.0;

    // Throws ConfigError naming '<prefix><field>' and the allowed range.
    void validate(const std::string& origin, const std::string& prefix = "") const;
};

class EspCsr : public sc_core::sc_module {
public:
    static constexpr uint64_t kCoherenceOffset = EspConfig::kCoherenceOffset;
    static constexpr size_t kMaxErrorMessages = 64;  // errors() keeps the first ones

    using CoherenceCallback = std::function<void(const TileSpec&, DmaCoherence)>;

    struct Stats {
        uint64_t reads = 0;
        uint64_t writes = 0;          // accepted writes (any tile)
        uint64_t callbacks = 0;       // coherence callbacks made
        uint64_t errors = 0;          // accesses answered with an error response
    };

    // Bind as many initiators as needed (the SoC binds one per tile window).
    tlm_utils::multi_passthrough_target_socket<EspCsr> socket;

    // `tiles` in ESP order (the config's `tiles` array); copied.
    EspCsr(sc_core::sc_module_name name, const EspCsrConfig& config, std::vector<TileSpec> tiles);

    void set_coherence_callback(CoherenceCallback cb) { callback_ = std::move(cb); }

    // Direct (C++) access. coherence() reads a tile's register; set_coherence()
    // stores a mode without calling the callback (the SoC's own setter uses it
    // to keep the register in step). Both throw Error for a bad tile index.
    DmaCoherence coherence(size_t tile) const;
    void set_coherence(size_t tile, DmaCoherence mode);

    size_t num_tiles() const { return tiles_.size(); }
    const TileSpec& tile(size_t i) const { return tiles_.at(i); }
    uint64_t window_bytes() const { return cfg_.tile_stride * tiles_.size(); }
    // Address of tile i's coherence register.
    uint64_t coherence_address(size_t tile) const { return cfg_.base + tile * cfg_.tile_stride + kCoherenceOffset; }

    // Messages of refused accesses, oldest first (at most kMaxErrorMessages).
    const std::vector<std::string>& errors() const { return errors_; }
    std::string last_error() const { return last_error_; }

    const EspCsrConfig& config() const { return cfg_; }
    const Stats& stats() const { return stats_; }

private:
    void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);  // reads only
    tlm::tlm_response_status check(const tlm::tlm_generic_payload& trans) const;
    void refuse(tlm::tlm_generic_payload& trans, tlm::tlm_response_status status, const std::string& message);
    std::string describe(size_t tile) const;

    EspCsrConfig cfg_;
    std::vector<TileSpec> tiles_;
    std::vector<uint32_t> coherence_;
    CoherenceCallback callback_;
    sc_core::sc_time cycle_;
    std::vector<std::string> errors_;
    std::string last_error_;
    Stats stats_;
};

}  // namespace edgebert::hw
