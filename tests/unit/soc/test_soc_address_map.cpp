// The SoC config's address map is honoured: with every base moved, every size
// changed, the tiles' interrupts renumbered and plic_sources changed, each
// block answers at its new window only, accesses past a window's new end and at
// its old base fail, and a tile's completion arrives at the PLIC as its
// configured source. These are the fields tests/cli/check_every_field.py lists
// as ALLOWED: a run reports the same figures when they move, because the
// drivers read the same addresses from the config.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/soc/soc.hpp"
#include "hw/systolic/systolic_regs.hpp"
#include "tests/support/sc_test.hpp"
#include "tests/support/script_initiator.hpp"

using namespace edgebert;
using namespace edgebert::hw;
namespace sys = edgebert::hw::systolic_regs;

namespace {

// The shipped default's map, where the moved config must no longer answer.
constexpr uint64_t kOldPlic = 0x6c000000, kOldUart = 0x60000000, kOldTimer = 0x02000000;
constexpr uint64_t kOldL2Ctrl = 0x60080000, kOldLlcCtrl = 0x60080100;
constexpr uint64_t kOldEdgebert = 0x60010000, kOldSystolic = 0x60020000, kOldDram = 0x80000000;

std::string text_of(const std::string& rel) {
    std::ifstream f(std::string(EDGEBERT_SOURCE_DIR) + "/" + rel);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

using Edit = std::function<void(boost::json::object&)>;

SocConfig edited(const std::string& rel, const Edit& edit, const std::string& origin = "moved.json") {
    boost::json::value v = boost::json::parse(text_of(rel), {}, {256, false, true, true});
    edit(v.as_object());
    return parse_soc_config(boost::json::serialize(v), origin);
}

boost::json::object& tile(boost::json::object& root, size_t i) { return root["tiles"].as_array()[i].as_object(); }
std::string hex(uint64_t v) { return fmt::format("0x{:x}", v); }

// default.json with every address-map field moved to other free addresses:
// sizes shrunk or grown, the tiles' PLIC sources renumbered (the EdgeBERT tile's
// above the default plic_sources of 32, the systolic tile's the EdgeBERT tile's old 5).
void move_everything(boost::json::object& r) {
    r["plic_sources"] = 48;
    auto& m = r["memory_map"].as_object();
    m["plic_base"] = "0x50000000";
    m["plic_size"] = "0x300000";
    m["uart_base"] = "0x51000000";
    m["uart_size"] = "0x80";
    m["timer_base"] = "0x03000000";
    m["timer_size"] = "0xc000";
    m["l2_ctrl_base"] = "0x52000000";
    m["llc_ctrl_base"] = "0x52001000";
    auto& d = r["dram"].as_object();
    d["base"] = "0x40000000";
    d["size"] = "0x8000000";
    tile(r, 2)["reg_base"] = "0x53000000";
    tile(r, 2)["reg_size"] = "0x2000";
    tile(r, 2)["irq"] = 40;
    tile(r, 3)["reg_base"] = "0x54000000";
    tile(r, 3)["reg_size"] = "0x800";
    tile(r, 3)["irq"] = 5;
}

SocConfig moved() { return edited("configs/soc/default.json", move_everything); }

// A bus master beside the host on the MMIO plane of the cpu tile: sees every
// response status (the host turns an error into an exception).
struct Probe {
    test::ScriptInitiator init{"probe"};
    Soc& soc;
    explicit Probe(Soc& s) : soc(s) {
        const TileSpec& cpu = s.config().cpu();
        s.noc.add_initiator(cpu.x, cpu.y, NocPlane::Mmio, "probe");
        init.socket.bind(s.noc.in);
    }
    tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, uint32_t& v) {
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        const auto st = init.transport(cmd, addr, reinterpret_cast<uint8_t*>(&v), 4, delay);
        sc_core::wait(delay);
        return st;
    }
    tlm::tlm_response_status read(uint64_t addr, uint32_t& v) { return access(tlm::TLM_READ_COMMAND, addr, v); }
    tlm::tlm_response_status write(uint64_t addr, uint32_t v) { return access(tlm::TLM_WRITE_COMMAND, addr, v); }
    uint64_t decode_errors() const { return soc.noc.plane_stats(NocPlane::Mmio).decode_errors; }
    // The NoC target `addr` decodes to ("" when unmapped).
    std::string target(uint64_t addr) const {
        const int t = soc.noc.decode(addr);
        return t < 0 ? "" : soc.noc.target_name(t);
    }
    // `addr` is routed to `block`: the NoC decodes it there and does not answer itself.
    void expect_routed(uint64_t addr, const std::string& block) {
        EXPECT_EQ(target(addr), block) << hex(addr);
        const uint64_t before = decode_errors();
        uint32_t v = 0;
        read(addr, v);
        EXPECT_EQ(decode_errors(), before) << hex(addr) << " should reach " << block;
    }
    // Nothing answers at `addr`: the NoC refuses it (a decode error).
    void expect_unmapped(uint64_t addr) {
        EXPECT_EQ(target(addr), "") << hex(addr);
        const uint64_t before = decode_errors();
        uint32_t v = 0;
        EXPECT_EQ(read(addr, v), tlm::TLM_ADDRESS_ERROR_RESPONSE) << hex(addr);
        EXPECT_EQ(decode_errors(), before + 1) << hex(addr);
    }
};

// Enables `id` at the PLIC with priority 1 (as eb_plic_enable does).
void plic_enable(NativeHost& host, uint64_t plic, uint32_t id) {
    host.write32(plic + Plic::kPriorityOffset + 4 * id, 1);
    const uint64_t en = plic + Plic::kEnableOffset + 4 * (id / 32);
    host.write32(en, host.read32(en) | (1u << (id % 32)));
}

// Waits for the external interrupt, claims it and completes it; returns the id.
uint32_t take_interrupt(NativeHost& host, uint64_t plic) {
    host.wait_for_interrupt();
    const uint32_t id = host.read32(plic + Plic::kClaimOffset);
    host.write32(plic + Plic::kClaimOffset, id);
    return id;
}

struct Completions {
    uint32_t systolic_source = 0, edgebert_source = 0;
    int32_t systolic_c = 0;
    uint32_t systolic_ctrl = 0, edgebert_ctrl = 0;
};

// A driver with the config's addresses: a 1 x 1 x 1 systolic call and a
// one-row EdgeBERT input DMA, each waited for by its interrupt and claimed.
// A = 3 at dram + 0x1000, B = -4 at + 0x2000, C at + 0x3000; the EdgeBERT row
// (lanes bytes, 1, 2, 3, ...) at + 0x4000.
Completions run_completions(NativeHost& host, const SocConfig& cfg) {
    Completions out;
    const uint64_t plic = cfg.map.plic_base, dram = cfg.dram.base;
    const TileSpec& s = *cfg.tiles_of(TileKind::Systolic).at(0);
    const TileSpec& e = *cfg.tiles_of(TileKind::Edgebert).at(0);
    host.write32(plic + Plic::kThresholdOffset, 0);
    plic_enable(host, plic, static_cast<uint32_t>(s.irq));
    plic_enable(host, plic, static_cast<uint32_t>(e.irq));

    host.write32(dram + 0x1000, 3);
    host.write32(dram + 0x2000, 0xFC);  // int8 -4
    const uint64_t r = s.reg_base;
    host.write32(r + sys::kCtrl, sys::ctrl::kSoftResetBit);
    for (uint32_t reg : {sys::kM, sys::kN, sys::kK, sys::kLda, sys::kLdb, sys::kLdc}) host.write32(r + reg, 1);
    host.write32(r + sys::kFlags, 0);
    host.write32(r + sys::kAddrALo, static_cast<uint32_t>(dram + 0x1000));
    host.write32(r + sys::kAddrAHi, static_cast<uint32_t>((dram + 0x1000) >> 32));
    host.write32(r + sys::kAddrBLo, static_cast<uint32_t>(dram + 0x2000));
    host.write32(r + sys::kAddrBHi, static_cast<uint32_t>((dram + 0x2000) >> 32));
    host.write32(r + sys::kAddrCLo, static_cast<uint32_t>(dram + 0x3000));
    host.write32(r + sys::kAddrCHi, static_cast<uint32_t>((dram + 0x3000) >> 32));
    host.write32(r + sys::kCommand, sys::kCmdRun);
    out.systolic_source = take_interrupt(host, plic);
    out.systolic_ctrl = host.read32(r + sys::kCtrl);
    out.systolic_c = static_cast<int32_t>(host.read32(dram + 0x3000));

    for (uint32_t i = 0; i < static_cast<uint32_t>(cfg.edgebert.lanes); i += 4)
        host.write32(dram + 0x4000 + i, 0x04030201u + 0x04040404u * (i / 4));
    const uint64_t g = e.reg_base;
    host.write32(g + regs::kCtrl, regs::ctrl::kSoftResetBit);
    host.write32(g + regs::kUseAxi, 1);
    host.write32(g + regs::kFlipMem, 0);
    host.write32(g + regs::kInputRdAddr, static_cast<uint32_t>(dram + 0x4000));
    host.write32(g + regs::kDmaLength, 0);  // one row
    host.write32(g + regs::kCommand, regs::kCmdInputRead);
    out.edgebert_source = take_interrupt(host, plic);
    out.edgebert_ctrl = host.read32(g + regs::kCtrl);
    return out;
}

}  // namespace

class SocAddressMap : public test::ScTest {};

TEST_F(SocAddressMap, MovedBlocksAnswerAtTheirNewWindowsOnly) {
    const SocConfig cfg = moved();
    Soc soc("soc", cfg);
    Probe p(soc);
    const auto& m = cfg.map;
    const TileSpec& e = *cfg.tiles_of(TileKind::Edgebert).at(0);
    const TileSpec& s = *cfg.tiles_of(TileKind::Systolic).at(0);
    uint32_t prio = 0, plic_end = 1, uart_status = 0, uart_end = 1, mtimecmp = 0, eb_addr = 0, sys_m = 0;
    uint32_t l2_status = 0, llc_status = 0;
    uint64_t mtime0 = 0, mtime1 = 0;
    tlm::tlm_response_status plic_st{}, plic_end_st{}, uart_st{}, uart_end_st{}, timer_st{}, eb_st{}, sys_st{},
        l2_st{}, llc_st{};
    soc.run([&](NativeHost&) {
        // PLIC: a priority register reads back; the last word of the shrunk window reads as a hole (0).
        p.write(m.plic_base + 4 * 7, 5);
        plic_st = p.read(m.plic_base + 4 * 7, prio);
        plic_end_st = p.read(m.plic_base + m.plic_size - 4, plic_end);
        p.expect_routed(m.plic_base + m.plic_size - 4, "plic");
        p.expect_unmapped(m.plic_base + m.plic_size);
        p.expect_unmapped(kOldPlic);
        p.expect_unmapped(kOldPlic + Plic::kClaimOffset);
        // UART: STATUS says TX ready; its window ends at the new uart_size (0x80 of the UART's 0x100).
        uart_st = p.read(m.uart_base + Uart::kStatusOffset, uart_status);
        uart_end_st = p.read(m.uart_base + m.uart_size - 4, uart_end);
        p.expect_unmapped(m.uart_base + m.uart_size);
        p.expect_unmapped(kOldUart + Uart::kStatusOffset);
        // Timer: mtime advances, mtimecmp reads back; mtime is the window's last word.
        uint32_t lo = 0;
        timer_st = p.read(m.timer_base + Timer::kMtimeOffset, lo);
        mtime0 = lo;
        sc_core::wait(sc_core::sc_time(100, sc_core::SC_NS));
        p.read(m.timer_base + Timer::kMtimeOffset, lo);
        mtime1 = lo;
        p.write(m.timer_base + Timer::kMtimecmpOffset, 0x1234);
        p.read(m.timer_base + Timer::kMtimecmpOffset, mtimecmp);
        p.expect_routed(m.timer_base + m.timer_size - 4, "timer");
        p.expect_unmapped(m.timer_base + m.timer_size);
        p.expect_unmapped(kOldTimer + Timer::kMtimeOffset);
        // Cache controllers: a flush command at the new base is done at once (no ISS caches / an empty LLC).
        p.write(m.l2_ctrl_base + CacheController::kCmd, CacheController::kCmdFlush);
        l2_st = p.read(m.l2_ctrl_base + CacheController::kStatus, l2_status);
        p.write(m.llc_ctrl_base + CacheController::kCmd, CacheController::kCmdFlush);
        llc_st = p.read(m.llc_ctrl_base + CacheController::kStatus, llc_status);
        p.expect_unmapped(m.l2_ctrl_base + CacheController::kWindowBytes);
        p.expect_unmapped(m.llc_ctrl_base + CacheController::kWindowBytes);
        p.expect_unmapped(kOldL2Ctrl + CacheController::kStatus);
        p.expect_unmapped(kOldLlcCtrl + CacheController::kStatus);
        // Tiles: a register reads back at the new base; the window's end reaches the tile
        // (which refuses an offset past its registers), past it nothing answers.
        p.write(e.reg_base + regs::kInputRdAddr, 0x40001230);
        eb_st = p.read(e.reg_base + regs::kInputRdAddr, eb_addr);
        p.expect_routed(e.reg_base + e.reg_size - 4, e.name + ".regs");
        p.expect_unmapped(e.reg_base + e.reg_size);
        p.expect_unmapped(kOldEdgebert);
        p.write(s.reg_base + sys::kM, 7);
        sys_st = p.read(s.reg_base + sys::kM, sys_m);
        p.expect_routed(s.reg_base + s.reg_size - 4, s.name + ".regs");
        p.expect_unmapped(s.reg_base + s.reg_size);  // inside the default 0x1000 window
        p.expect_unmapped(kOldSystolic);
    });
    EXPECT_EQ(plic_st, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(prio, 5u);
    EXPECT_EQ(soc.plic.priority(7), 5u);  // the write landed in this PLIC
    EXPECT_EQ(plic_end_st, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(plic_end, 0u);
    EXPECT_EQ(uart_st, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(uart_status & Uart::kStatusTxReady, Uart::kStatusTxReady);
    EXPECT_EQ(uart_end_st, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(uart_end, 0u);
    EXPECT_EQ(timer_st, tlm::TLM_OK_RESPONSE);
    EXPECT_GT(mtime1, mtime0);
    EXPECT_EQ(mtimecmp, 0x1234u);
    EXPECT_EQ(l2_st, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(llc_st, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(l2_status & CacheController::kStatusDone, CacheController::kStatusDone);
    EXPECT_EQ(llc_status & CacheController::kStatusDone, CacheController::kStatusDone);
    EXPECT_EQ(soc.l2_controller().flushes(), 1u);
    EXPECT_EQ(soc.llc_controller().flushes(), 1u);
    EXPECT_EQ(eb_st, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(eb_addr, 0x40001230u);
    EXPECT_EQ(sys_st, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(sys_m, 7u);
}

TEST_F(SocAddressMap, DramWindowFollowsBaseAndSize) {
    const SocConfig cfg = moved();
    const uint64_t base = cfg.dram.base, size = cfg.dram.size;
    Soc soc("soc", cfg);
    Probe p(soc);
    EXPECT_EQ(soc.dram.base(), base);
    EXPECT_EQ(soc.dram.size(), size);
    // The DRAM model holds exactly [base, base + size) (a backdoor write checks the range).
    const uint32_t first = 0x11223344, last = 0x55667788;
    soc.dram.write(base, &first, 4);
    soc.dram.write(base + size - 4, &last, 4);
    EXPECT_THROW(soc.dram.write(base + size, &last, 4), Error);
    EXPECT_THROW(soc.dram.write(base - 4, &last, 4), Error);
    uint32_t got_first = 0, got_last = 0, back = 0;
    tlm::tlm_response_status st_first{}, st_last{}, st_write{};
    soc.run([&](NativeHost&) {
        st_first = p.read(base, got_first);
        st_last = p.read(base + size - 4, got_last);
        st_write = p.write(base + size - 8, 0xCAFEF00D);
        p.read(base + size - 8, back);
        p.expect_unmapped(base + size);
        p.expect_unmapped(base - 4);
        p.expect_unmapped(kOldDram);
        p.expect_unmapped(kOldDram + 0x1000);
    });
    EXPECT_EQ(st_first, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(st_last, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(st_write, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(got_first, first);
    EXPECT_EQ(got_last, last);
    EXPECT_EQ(back, 0xCAFEF00Du);
}

TEST_F(SocAddressMap, TileCompletionsArriveAsTheirConfiguredSources) {
    const SocConfig cfg = moved();
    Soc soc("soc", cfg);
    Completions c;
    soc.run([&](NativeHost& host) { c = run_completions(host, cfg); });
    // The systolic tile now has the EdgeBERT tile's old source 5; the EdgeBERT tile
    // has 40, which exists only because plic_sources is 48.
    EXPECT_EQ(c.systolic_source, 5u);
    EXPECT_EQ(c.edgebert_source, 40u);
    EXPECT_EQ(c.systolic_c, -12);
    EXPECT_EQ(c.systolic_ctrl & (sys::ctrl::kErrorBit | sys::ctrl::kDoneBit), sys::ctrl::kDoneBit);
    EXPECT_EQ(c.edgebert_ctrl & (regs::ctrl::kErrorBit | regs::ctrl::kDmaDoneBit), regs::ctrl::kDmaDoneBit);
    // The row came from the moved DRAM.
    const uint8_t* row = soc.edgebert().dec0.input_sram.row(0);
    for (int i = 0; i < cfg.edgebert.lanes; ++i) EXPECT_EQ(row[i], i + 1) << i;
    EXPECT_EQ(soc.plic.stats().claims, 2u);
}

TEST_F(SocAddressMap, EspIrqLinesArriveAsSourceEspIrqPlusOne) {
    // configs/soc/epochs.json gives ESP interrupt lines: move them (edgebert 5 -> 9, systolic 6 -> 2).
    const SocConfig cfg = edited("configs/soc/epochs.json", [](boost::json::object& r) {
        tile(r, 2)["esp_irq"] = 9;
        tile(r, 3)["esp_irq"] = 2;
    });
    EXPECT_EQ(cfg.tiles_of(TileKind::Edgebert).at(0)->irq, 10);
    EXPECT_EQ(cfg.tiles_of(TileKind::Systolic).at(0)->irq, 3);
    Soc soc("soc", cfg);
    Completions c;
    soc.run([&](NativeHost& host) { c = run_completions(host, cfg); });
    EXPECT_EQ(c.systolic_source, 3u);
    EXPECT_EQ(c.edgebert_source, 10u);
    EXPECT_EQ(c.systolic_c, -12);
}

TEST_F(SocAddressMap, PlicSourcesBoundTheSourceIds) {
    const SocConfig cfg = moved();  // plic_sources 48: ids 1 .. 47
    Soc soc("soc", cfg);
    Probe p(soc);
    // The C++ side refuses a source that does not exist (checked before the simulation runs).
    EXPECT_THROW(soc.plic.trigger(48), Error);
    EXPECT_THROW(soc.plic.priority(48), Error);
    const uint64_t plic = cfg.map.plic_base;
    uint32_t prio47 = 0, prio48 = 1, enables = 0, claim = 1;
    soc.run([&](NativeHost&) {
        // Priority and enable bits of sources >= plic_sources read as zero and ignore writes.
        p.write(plic + 4 * 47, 3);
        p.write(plic + 4 * 48, 3);
        p.read(plic + 4 * 47, prio47);
        p.read(plic + 4 * 48, prio48);
        p.write(plic + Plic::kEnableOffset + 4, 0xFFFFFFFF);  // sources 32 .. 63
        p.read(plic + Plic::kEnableOffset + 4, enables);
        p.read(plic + Plic::kClaimOffset, claim);  // nothing pending
    });
    EXPECT_EQ(prio47, 3u);
    EXPECT_EQ(prio48, 0u);
    EXPECT_EQ(enables, 0xFFFFu);  // 32 .. 47 only
    EXPECT_EQ(claim, 0u);
}

TEST_F(SocAddressMap, ConfigRefusesIrqsAndWindowsThatDoNotFit) {
    auto refused = [](const std::string& rel, const Edit& edit, const std::string& fragment) {
        try {
            edited(rel, edit, "bad.json");
            ADD_FAILURE() << "accepted; expected: " << fragment;
        } catch (const ConfigError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find(fragment), std::string::npos) << what;
            EXPECT_NE(what.find("bad.json"), std::string::npos) << what;
        }
    };
    const std::string def = "configs/soc/default.json", epochs = "configs/soc/epochs.json";
    using O = boost::json::object;
    // A tile irq must be below plic_sources.
    refused(def, [](O& r) { tile(r, 2)["irq"] = 32; },
            "tiles[2] ('edgebert0'): field 'irq' = 32 is out of range [1, 31]");
    refused(def, [](O& r) { r["plic_sources"] = 6; }, "tiles[3] ('systolic0'): field 'irq' = 6 is out of range [1, 5]");
    EXPECT_NO_THROW(edited(def, [](O& r) { r["plic_sources"] = 7; }));
    refused(def, [](O& r) { move_everything(r), r["plic_sources"] = 40; }, "field 'irq' = 40 is out of range [1, 39]");
    // An ESP line's source (esp_irq + 1) too.
    refused(epochs, [](O& r) { r["plic_sources"] = 7; },
            "tiles[3] ('systolic0'): field 'esp_irq' = 6 is out of range [0, 5]");
    // Windows must hold the registers the drivers use.
    refused(def, [](O& r) { r["memory_map"].as_object()["plic_size"] = "0x200004"; },
            "field 'memory_map.plic_size' = 0x200004 is too small: the claim / complete register ends at +0x200008");
    refused(def, [](O& r) { r["memory_map"].as_object()["uart_size"] = "0x4"; },
            "field 'memory_map.uart_size' = 0x4 is too small");
    refused(def, [](O& r) { r["memory_map"].as_object()["timer_size"] = "0xbffc"; },
            "field 'memory_map.timer_size' = 0xbffc is too small: the mtime register ends at +0xc000");
    refused(def, [](O& r) { tile(r, 2)["reg_size"] = "0x40"; },
            "tiles[2] ('edgebert0'): field 'reg_size' = 0x40 is smaller than the tile's 0x80 bytes of registers");
    refused(def, [](O& r) { tile(r, 3)["reg_size"] = "0x3c"; },
            "tiles[3] ('systolic0'): field 'reg_size' = 0x3c is smaller than the tile's 0x40 bytes of registers");
    // Moved windows must not overlap another block or DRAM.
    refused(def, [](O& r) { r["memory_map"].as_object()["uart_base"] = "0x6c000100"; }, "address windows overlap");
    refused(def, [](O& r) { r["dram"].as_object()["base"] = "0x60000000"; }, "address windows overlap");
}
