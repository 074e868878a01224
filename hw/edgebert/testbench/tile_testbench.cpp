#include "hw/edgebert/testbench/tile_testbench.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "hw/edgebert/register_layout.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/formats/bitmask.hpp"

namespace edgebert::hw {

using namespace regs;

TileTestbench::TileTestbench(sc_core::sc_module_name name, const EdgebertTileConfig& cfg,
                             const TestbenchMemory& m)
    : sc_module(name),
      tile("tile", cfg),
      mem("mem", m.base, m.size, Adpll::mhz_to_period(tile.adpll.frequency_mhz()) * m.latency_cycles,
          m.bytes_per_cycle, Adpll::mhz_to_period(tile.adpll.frequency_mhz())),
      host("host"),
      cfg_(cfg) {
    host.bind(tile.cfg_socket());
    tile.axi_master().bind(mem.socket);
}

void TileTestbench::open_vcd(const std::string& path) {
    vcd_ = sc_core::sc_create_vcd_trace_file(path.c_str());
    vcd_->set_time_unit(1, sc_core::SC_PS);
    tile.trace(vcd_);
}

void TileTestbench::close_vcd() {
    if (vcd_) sc_core::sc_close_vcd_trace_file(vcd_);
    vcd_ = nullptr;
}

TileTestbench::~TileTestbench() { close_vcd(); }

void TileTestbench::run(const std::function<void()>& body) {
    bool finished = false;
    sc_core::sc_spawn([&] {
        body();
        finished = true;
    });
    // Every block sleeps on events, so the simulation ends by itself once the
    // body and the last interrupt pulse are done.
    sc_core::sc_start();
    if (!finished) throw std::runtime_error("testbench body did not finish (simulation starved)");
}

void TileTestbench::access(bool write, uint32_t offset, uint32_t& value) {
    tlm::tlm_generic_payload t;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(offset);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    t.set_data_length(4);
    t.set_streaming_width(4);
    t.set_byte_enable_ptr(nullptr);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    host->b_transport(t, delay);
    if (t.is_response_error())
        throw std::runtime_error(fmt::format("register access at 0x{:02X}: {}", offset, t.get_response_string()));
    sc_core::wait(delay);
}

void TileTestbench::write_reg(uint32_t offset, uint32_t value) { access(true, offset, value); }

uint32_t TileTestbench::read_reg(uint32_t offset) {
    uint32_t v = 0;
    access(false, offset, v);
    return v;
}

void TileTestbench::set_fields(std::initializer_list<std::pair<const char*, uint32_t>> fields) {
    // In the tile's register layout: the published registers of the fields are written, an
    // extension register (extended layout) only when its high bits change.
    const auto layout = cfg_.register_layout();
    RegisterFile before{};
    for (uint32_t off = 0; off < regs::window_bytes(layout); off += 4)
        if (off != kCtrl && off != kCommand && off != kStatus) before[off / 4] = tile.control.peek(off);
    RegisterFile after = before;
    std::vector<uint32_t> published;
    for (auto [name, v] : fields) {
        regs::encode_field(layout, after.data(), name, v);
        for (int i = 0; i < regs::kNumRegisterFields; ++i)
            if (std::string(regs::kRegisterFields[i].name) == name) published.push_back(regs::kRegisterFields[i].offset);
    }
    for (uint32_t i = 0; i < after.size(); ++i) {
        const uint32_t off = i * 4;
        const bool mine = std::find(published.begin(), published.end(), off) != published.end();
        if (mine || after[i] != before[i]) write_reg(off, after[i]);
    }
}

void TileTestbench::start(uint32_t cmd) { write_reg(kCommand, cmd); }

uint32_t TileTestbench::wait_done(bool dma) {
    const uint32_t bit = dma ? ctrl::kDmaDoneBit : ctrl::kComputeDoneBit;
    for (;;) {
        const uint32_t c = tile.control.peek(kCtrl);
        if (c & (bit | ctrl::kErrorBit)) {
            if (c & bit) write_reg(kCtrl, bit);
            return c;
        }
        sc_core::wait(tile.irq().posedge_event());
    }
}

uint32_t TileTestbench::command(uint32_t cmd) {
    start(cmd);
    return wait_done(is_dma_command(cmd));
}

DramOperand TileTestbench::put_operand(uint64_t addr, const std::vector<uint8_t>& codes) {
    const int L = cfg_.lanes;
    const auto enc = num::bitmask_encode(codes.data(), codes.size() / L, L, cfg_.act_format.magnitude_mask());
    const auto img = num::bitmask_to_dram(enc);
    DramOperand op;
    op.vectors = static_cast<int>(enc.num_vectors);
    op.input_rows = static_cast<int>(enc.depth());
    op.mask_addr = addr;
    // Input rows start on the next 64-byte boundary after the mask words.
    op.input_addr = (addr + img.mask_bytes.size() + 63) & ~uint64_t{63};
    mem.write(op.mask_addr, img.mask_bytes.data(), img.mask_bytes.size());
    if (!img.input_bytes.empty()) mem.write(op.input_addr, img.input_bytes.data(), img.input_bytes.size());
    return op;
}

uint32_t TileTestbench::load_operand(int dec, const DramOperand& op, int mask_base, int input_base) {
    write_reg(kUseAxi, 1);
    write_reg(kFlipMem, static_cast<uint32_t>(dec));
    set_fields({{dec ? "base_mask1" : "base_mask0", static_cast<uint32_t>(mask_base)}});
    set_fields({{dec ? "base_input1" : "base_input0", static_cast<uint32_t>(input_base)}});
    write_reg(kMaskRdAddr, static_cast<uint32_t>(op.mask_addr));
    write_reg(kDmaLength, static_cast<uint32_t>(op.vectors - 1));
    uint32_t c = command(kCmdMaskRead);
    if (c & ctrl::kErrorBit) return c;
    if (op.input_rows == 0) return c;
    write_reg(kInputRdAddr, static_cast<uint32_t>(op.input_addr));
    write_reg(kDmaLength, static_cast<uint32_t>(op.input_rows - 1));
    return command(kCmdInputRead);
}

std::vector<uint8_t> TileTestbench::fetch_operand(int dec, int mask_base, int input_base, int vectors, uint64_t addr,
                                                  bool allow_stored_zeros) {
    const int L = cfg_.lanes;
    write_reg(kUseAxi, 1);
    write_reg(kFlipMem, static_cast<uint32_t>(dec));
    // Write-outs read from the output bases of decoder flip_mem.
    set_fields({{"base_output", static_cast<uint32_t>(input_base)},
                {"base_output_mask", static_cast<uint32_t>(mask_base)},
                {"dense_results", 0}});
    const uint64_t mask_bytes = static_cast<uint64_t>(vectors) * cfg_.mask_word_bytes();
    const uint64_t input_addr = (addr + mask_bytes + 63) & ~uint64_t{63};
    write_reg(kMaskWrAddr, static_cast<uint32_t>(addr));
    write_reg(kDmaLength, static_cast<uint32_t>(vectors - 1));
    if (command(kCmdMaskWrite) & ctrl::kErrorBit) throw std::runtime_error("mask write DMA failed");
    // The result's packed depth is at most one row per vector (dense).
    const int rows = std::min(vectors, tile.dec0.input_sram.rows() - input_base);
    write_reg(kInputWrAddr, static_cast<uint32_t>(input_addr));
    write_reg(kDmaLength, static_cast<uint32_t>(rows - 1));
    if (command(kCmdInputWrite) & ctrl::kErrorBit) throw std::runtime_error("input write DMA failed");
    std::vector<uint8_t> mask(mask_bytes), input(static_cast<size_t>(rows) * L);
    mem.read(addr, mask.data(), mask.size());
    mem.read(input_addr, input.data(), input.size());
    const auto enc = num::bitmask_from_dram(mask.data(), mask.size(), input.data(), input.size(),
                                            static_cast<size_t>(vectors), L, allow_stored_zeros);
    return num::bitmask_decode(enc);
}

uint32_t TileTestbench::load_aux(const std::vector<uint8_t>& bytes, int row, uint64_t addr) {
    const int rows = static_cast<int>(bytes.size()) / cfg_.lanes;
    mem.write(addr, bytes.data(), bytes.size());
    write_reg(kUseAxi, 1);
    write_reg(kAuxRdAddr, static_cast<uint32_t>(addr));
    set_fields({{"aux_dma_length", static_cast<uint32_t>(rows - 1)}, {"aux_dma_base", static_cast<uint32_t>(row)}});
    return command(kCmdAuxRead);
}

}  // namespace edgebert::hw
