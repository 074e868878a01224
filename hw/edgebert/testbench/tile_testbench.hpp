// A stand-alone bench for the EdgeBERT tile: the tile, a plain memory on its
// AXI master, and a host initiator on its AXI-lite slave, with the driver
// routines (register access, operand upload in bitmask form, DMA, commands)
// that the unit tests and `edgebert-sim bench tile-matmul` use. The SoC
// (hw/soc) replaces the plain memory with the NoC and DRAM tile.
#pragma once

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <utility>
#include <vector>

#include "hw/edgebert/edgebert_tile.hpp"
#include "hw/mem/simple_memory.hpp"

namespace edgebert::hw {

struct TestbenchMemory {
    uint64_t base = 0x80000000ull;
    uint64_t size = 1ull << 30;
    int latency_cycles = 20;       // first-beat latency, in tile cycles at the initial clock
    double bytes_per_cycle = 8.0;  // one 64-bit beat per cycle
};

// A bitmask-encoded operand in DRAM.
struct DramOperand {
    uint64_t mask_addr = 0;
    uint64_t input_addr = 0;
    int vectors = 0;     // mask words
    int input_rows = 0;  // packed value rows (the deepest bank)
};

class TileTestbench : public sc_core::sc_module {
public:
    TileTestbench(sc_core::sc_module_name name, const EdgebertTileConfig& cfg, const TestbenchMemory& mem = {});

    EdgebertTile tile;
    SimpleMemory mem;
    tlm_utils::simple_initiator_socket<TileTestbench> host;

    // Runs `body` as a SystemC thread and simulates until it returns (plus the
    // trailing interrupt pulse). Call once per elaborated bench.
    void run(const std::function<void()>& body);

    // --- driver routines: call from inside run() -----------------------------
    void write_reg(uint32_t offset, uint32_t value);
    uint32_t read_reg(uint32_t offset);
    // Writes the command register and waits for that engine's done bit or an
    // error; returns kCtrl. Clears the done bit it waited for.
    uint32_t command(uint32_t cmd);
    // Starts a command without waiting (for overlap); wait_done() finishes it.
    void start(uint32_t cmd);
    uint32_t wait_done(bool dma);

    // Encodes `codes` (vectors x lanes) and writes the mask words and rows to DRAM.
    DramOperand put_operand(uint64_t addr, const std::vector<uint8_t>& codes);
    // DMAs an operand into decoder `dec` at the given SRAM bases; returns kCtrl of the last DMA.
    uint32_t load_operand(int dec, const DramOperand& op, int mask_base, int input_base);
    // DMAs `vectors` vectors (dense worst case of rows) out of decoder `dec` to
    // DRAM scratch at `addr` and decodes them (programs base_output / base_output_mask,
    // dense_results = 0). allow_stored_zeros: the stream may be dense (zero codes stored
    // under set mask bits, the dense_results extension).
    std::vector<uint8_t> fetch_operand(int dec, int mask_base, int input_base, int vectors, uint64_t addr,
                                       bool allow_stored_zeros = false);
    // Aux rows (dense bytes) to aux SRAM at `row` via DMA.
    uint32_t load_aux(const std::vector<uint8_t>& rows_bytes, int row, uint64_t addr);

    sc_core::sc_time period() const { return tile.adpll.period(); }

    // Traces the tile's signals to `path`.vcd (call before run()). Off by default.
    void open_vcd(const std::string& path);
    void close_vcd();
    ~TileTestbench() override;

private:
    void access(bool write, uint32_t offset, uint32_t& value);
    // Sets register fields by name in the tile's register layout (register_layout.hpp).
    void set_fields(std::initializer_list<std::pair<const char*, uint32_t>> fields);

    const EdgebertTileConfig cfg_;
    sc_core::sc_trace_file* vcd_ = nullptr;
};

}  // namespace edgebert::hw
