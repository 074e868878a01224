// The tile's programming checks (edgebert.checks, docs/register-map.md "Checks"),
// table-driven: for every cause strict mode refuses, strict raises that cause
// with an interrupt; silicon does what the original hardware does (wrap, floor,
// ignore, back-pressure, no check; refuses where the original hangs), records
// exactly one warning naming the cause, and the SystemC tile and the functional
// platform end with identical SRAMs and DRAM on random data.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <memory>

#include "common/rng.hpp"
#include "hw/edgebert/command_check.hpp"
#include "hw/edgebert/functional/matmul.hpp"
#include "hw/edgebert/functional/sfu_ops.hpp"
#include "hw/edgebert/register_map.hpp"
#include "hw/edgebert/testbench/tile_testbench.hpp"
#include "hw/formats/bitmask.hpp"
#include "hw/soc/soc_config.hpp"
#include "sim/functional/functional_platform.hpp"
#include "sim/run/soc_runner.hpp"
#include "sim/run/tile_checks_report.hpp"
#include "tests/support/sc_test.hpp"

using namespace edgebert;
using namespace edgebert::hw;
using namespace edgebert::hw::regs;

namespace {

constexpr int kL = 16;
constexpr int kN = 32, kM = 64;        // A (decoder 0) and B (decoder 1): 32 x 64
constexpr int kVec = kN * kM / kL;     // 128 vectors per operand
constexpr int kOpRow = 100;            // operands: rows and mask entries from here
constexpr int kOutRow = 2000;          // results: decoder 1, rows and mask entries from here
constexpr uint64_t kAMask = 0x0, kAInput = 0x10000, kBMask = 0x20000, kBInput = 0x30000, kAux = 0x40000;
constexpr uint64_t kScratch = 0x100000, kScratchBytes = 0x10000;
constexpr uint32_t kDone = ctrl::kDmaDoneBit | ctrl::kComputeDoneBit;
// Bias fields (exp_bias = field - 10).
constexpr uint32_t kActA = 2, kActB = 1, kAccum = 6, kAct3 = 3, kGamma = 0, kBeta = 1;

SocConfig soc_config(CheckMode mode) {
    SocConfig s = load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json");
    s.edgebert.checks = mode;
    return s;
}

// The tile seen through its registers, its DRAM and its SRAMs: SystemC or functional.
class Port {
public:
    virtual ~Port() = default;
    virtual void write(uint32_t off, uint32_t v) = 0;
    virtual uint32_t read(uint32_t off) = 0;
    virtual void put(uint64_t off, const std::vector<uint8_t>& bytes) = 0;  // at a DRAM offset
    virtual std::vector<uint8_t> get(uint64_t off, size_t n) = 0;
    virtual uint32_t addr(uint64_t off) const = 0;  // the bus address of a DRAM offset
    // Waits until every command has finished and its interrupt pulse is over.
    virtual void settle() = 0;
    // Writes the command register; returns kCtrl once the tile is quiet, then clears the done bits.
    uint32_t command(uint32_t cmd) {
        write(kCommand, cmd);
        settle();
        const uint32_t c = read(kCtrl);
        write(kCtrl, c & kDone);
        return c;
    }
    virtual const Sram& sram(SramId s) = 0;
    virtual std::vector<CheckWarning> warnings() = 0;
    virtual uint64_t irqs() = 0;

    void set(uint32_t off, int lsb, int width, uint32_t v) {
        const uint32_t mask = ((1u << width) - 1u) << lsb;
        write(off, (read(off) & ~mask) | ((v << lsb) & mask));
    }
};

class ScPort : public Port {
public:
    ScPort(TileTestbench& tb, uint64_t dram) : tb_(tb), dram_(dram) {}
    void write(uint32_t off, uint32_t v) override { tb_.write_reg(off, v); }
    uint32_t read(uint32_t off) override { return tb_.read_reg(off); }
    void put(uint64_t off, const std::vector<uint8_t>& b) override { tb_.mem.write(dram_ + off, b.data(), b.size()); }
    std::vector<uint8_t> get(uint64_t off, size_t n) override {
        std::vector<uint8_t> b(n);
        tb_.mem.read(dram_ + off, b.data(), n);
        return b;
    }
    uint32_t addr(uint64_t off) const override { return static_cast<uint32_t>(dram_ + off); }
    void settle() override {
        do sc_core::wait(tb_.period() * 10.0);
        while (!tb_.tile.control.idle());
        sc_core::wait(tb_.period() * 30.0);  // the interrupt pulse
    }
    const Sram& sram(SramId s) override {
        switch (s) {
            case SramId::Input0: return tb_.tile.dec0.input_sram;
            case SramId::Mask0: return tb_.tile.dec0.mask_sram;
            case SramId::Input1: return tb_.tile.dec1.input_sram;
            case SramId::Mask1: return tb_.tile.dec1.mask_sram;
            case SramId::Aux: break;
        }
        return tb_.tile.sfu.aux_sram;
    }
    std::vector<CheckWarning> warnings() override { return tb_.tile.control.warnings(); }
    uint64_t irqs() override { return tb_.tile.control.stats().irq_pulses; }

private:
    TileTestbench& tb_;
    uint64_t dram_;
};

class FnPort : public Port {
public:
    explicit FnPort(const SocConfig& soc)
        : fp_(soc), dram_(soc.dram.base), regs_(soc.tiles_of(TileKind::Edgebert)[0]->reg_base),
          claim_(soc.map.plic_base + 0x200004) {}
    void write(uint32_t off, uint32_t v) override { fp_.write32(regs_ + off, v); }
    uint32_t read(uint32_t off) override { return fp_.read32(regs_ + off); }
    void put(uint64_t off, const std::vector<uint8_t>& b) override { fp_.copy_to_dev(dram_ + off, b.data(), b.size()); }
    std::vector<uint8_t> get(uint64_t off, size_t n) override {
        std::vector<uint8_t> b(n);
        fp_.copy_from_dev(b.data(), dram_ + off, n);
        return b;
    }
    uint32_t addr(uint64_t off) const override { return static_cast<uint32_t>(dram_ + off); }
    void settle() override {}
    const Sram& sram(SramId s) override { return fp_.edgebert_sram(s); }
    std::vector<CheckWarning> warnings() override { return fp_.edgebert_warnings(); }
    uint64_t irqs() override {
        while (fp_.read32(claim_)) ++irqs_;
        return irqs_;
    }

private:
    sim::FunctionalPlatform fp_;
    uint64_t dram_, regs_, claim_;
    uint64_t irqs_ = 0;
};

// Random operands and aux rows (AF<8,3> codes, no negative zero).
struct Data {
    std::vector<uint8_t> a, b, aux;
};

std::vector<uint8_t> random_codes(Rng& rng, size_t n, double sparsity) {
    std::vector<uint8_t> c(n);
    for (auto& x : c) {
        x = rng.uniform() < sparsity ? 0 : static_cast<uint8_t>(rng.uniform_int(1, 255));
        if ((x & 0x7F) == 0) x = 0;
    }
    return c;
}

Data make_data(uint64_t seed) {
    Rng rng(seed);
    Data d;
    d.a = random_codes(rng, size_t(kN) * kM, 0.3);
    d.b = random_codes(rng, size_t(kN) * kM, 0.5);
    d.aux = random_codes(rng, 256 * kL, 0.1);
    for (auto& x : d.aux) x &= 0x3F;  // positive, modest gamma / beta
    return d;
}

num::BitmaskDramImage image(const std::vector<uint8_t>& codes) {
    return num::bitmask_to_dram(num::bitmask_encode(codes.data(), codes.size() / kL, kL, 0x7F));
}

fn::MatmulParams matmul_params(int n0) {
    fn::MatmulParams p;
    p.n0 = n0, p.n1 = kN, p.m = kM;
    p.a_bias = -10 + kActA, p.b_bias = -10 + kActB, p.out_bias = -10 + kAccum;
    return p;
}

// Operands into decoders 0 and 1 at kOpRow (reads with use_axi = 0, as the
// original's driver), all aux rows, then a valid matmul programmed (result to
// decoder 1 at kOutRow).
void load(Port& p, const Data& d) {
    for (int dec = 0; dec < 2; ++dec) {
        const auto img = image(dec ? d.b : d.a);
        p.put(dec ? kBMask : kAMask, img.mask_bytes);
        p.put(dec ? kBInput : kAInput, img.input_bytes);
        p.write(kUseAxi, 0);
        p.write(kFlipMem, static_cast<uint32_t>(dec));
        p.write(kBaseMask, field_bits(kOpRow, 0, 12) | field_bits(kOpRow, 16, 12));
        p.write(kBaseInput, field_bits(kOpRow, 0, 12) | field_bits(kOpRow, 16, 12));
        p.write(kMaskRdAddr, p.addr(dec ? kBMask : kAMask));
        p.write(kDmaLength, kVec - 1);
        ASSERT_EQ(p.command(kCmdMaskRead) & ctrl::kErrorBit, 0u);
        p.write(kInputRdAddr, p.addr(dec ? kBInput : kAInput));
        p.write(kDmaLength, static_cast<uint32_t>(img.input_bytes.size() / kL - 1));
        ASSERT_EQ(p.command(kCmdInputRead) & ctrl::kErrorBit, 0u);
    }
    p.put(kAux, d.aux);
    p.write(kAuxRdAddr, p.addr(kAux));
    p.write(kAuxDmaLength, field_bits(255, 0, 8));
    ASSERT_EQ(p.command(kCmdAuxRead) & ctrl::kErrorBit, 0u);
    p.put(kScratch, std::vector<uint8_t>(kScratchBytes, 0xA5));
    p.write(kUseAxi, 0);
    p.write(kUseGb, 0);
    p.write(kFlipMem, 1);
    p.write(kMatmulDims, field_bits(kN, 0, 10) | field_bits(kN, 10, 10) | field_bits(kM, 20, 12));
    p.write(kMatmulConfig, field_bits(kAccum, 16, 3));
    p.write(kSfuShape, field_bits(kActA, 16, 3) | field_bits(kActB, 20, 3) | field_bits(kAct3, 24, 3));
    p.write(kBaseOutput, field_bits(kOutRow, 0, 12) | field_bits(kOutRow, 16, 12));
}

// The DRAM offsets in the scratch area a test reads back.
uint64_t scratch(uint64_t off) { return kScratch + off; }

std::vector<uint8_t> rows_of(const Sram& s, int first, int count) {
    std::vector<uint8_t> out(size_t(count) * s.row_bytes());
    for (int i = 0; i < count; ++i) std::memcpy(&out[size_t(i) * s.row_bytes()], s.row(s.index(first + i)), s.row_bytes());
    return out;
}

std::vector<uint8_t> decoded(Port& p, int dec, int mask_base, int input_base, int vectors) {
    return decode_bitmask(p.sram(input_sram_of(dec)), p.sram(mask_sram_of(dec)), kL, mask_base, input_base, vectors)
        .codes;
}

// ------------------------------------------------------------------ the table

struct Case {
    const char* name;
    ErrorCause cause;
    HwEffect silicon;                   // Runs, Ignored or Hangs
    std::function<void(Port&)> program;  // register writes (and earlier commands) before the command
    uint32_t command;
    std::function<void(Port&, const Data&)> verify;  // silicon: the hardware's semantics
    ErrorCause strict_ctrl = ErrorCause::kNone;       // kCtrl's cause if not `cause` (the first error is kept)
};

void sfu_setup(Port& p, uint32_t mode, int nv, int nt) {
    p.write(kUseGb, 1);
    p.write(kGbMode, mode);
    p.write(kSfuShape, field_bits(static_cast<uint32_t>(nv), 0, 8) | field_bits(static_cast<uint32_t>(nt), 8, 8) |
                           field_bits(kActA, 16, 3) | field_bits(kAct3, 24, 3));
}

void expect_matmul_result(Port& p, const Data& d, int dec, int base, int n0) {
    const auto expect = fn::matmul(EdgebertTileConfig{}, d.a.data(), d.b.data(), matmul_params(n0));
    EXPECT_EQ(decoded(p, dec, base, base, n0 * kN / kL), expect);
}

const std::vector<Case>& cases() {
    static const std::vector<Case> c = {
        {"unknown_command", ErrorCause::kUnknownCommand, HwEffect::Ignored, [](Port&) {}, 13,
         [](Port& p, const Data&) {  // nothing happened
             EXPECT_EQ(p.sram(SramId::Mask1).row(kOutRow)[0], 0u);
         }},
        {"write_out_with_use_axi_0", ErrorCause::kBadMode, HwEffect::Hangs,
         [](Port& p) {
             p.write(kMaskWrAddr, p.addr(scratch(0)));
             p.write(kDmaLength, 15);
         },
         kCmdMaskWrite, [](Port& p, const Data&) { EXPECT_EQ(p.get(scratch(0), 32), std::vector<uint8_t>(32, 0xA5)); }},
        {"matmul_with_use_axi_1", ErrorCause::kBadMode, HwEffect::Hangs, [](Port& p) { p.write(kUseAxi, 1); },
         kCmdMatmul, nullptr},
        {"softmax_with_use_gb_0", ErrorCause::kBadMode, HwEffect::Hangs,
         [](Port& p) {
             sfu_setup(p, kGbSoftmax, 4, 2);
             p.write(kUseGb, 0);
         },
         kCmdSoftmax, nullptr},
        {"softmax_with_gb_mode_of_layer_norm", ErrorCause::kBadMode, HwEffect::Hangs,
         [](Port& p) { sfu_setup(p, kGbLayerNorm, 4, 2); }, kCmdSoftmax, nullptr},
        {"n1_not_whole_blocks", ErrorCause::kBadDims, HwEffect::Hangs,
         [](Port& p) { p.set(kMatmulDims, 10, 10, 24); }, kCmdMatmul, nullptr},
        {"m_zero", ErrorCause::kBadDims, HwEffect::Hangs, [](Port& p) { p.set(kMatmulDims, 20, 12, 0); }, kCmdMatmul,
         nullptr},
        {"num_vector_zero", ErrorCause::kBadDims, HwEffect::Hangs, [](Port& p) { sfu_setup(p, kGbLayerNorm, 0, 4); },
         kCmdLayerNorm, nullptr},
        {"n0_floored", ErrorCause::kBadDims, HwEffect::Runs, [](Port& p) { p.set(kMatmulDims, 0, 10, kN + 8); },
         kCmdMatmul, [](Port& p, const Data& d) { expect_matmul_result(p, d, 1, kOutRow, kN); }},
        {"n0_below_lanes_no_output", ErrorCause::kBadDims, HwEffect::Runs,
         [](Port& p) { p.set(kMatmulDims, 0, 10, 8); }, kCmdMatmul,
         [](Port& p, const Data&) {
             EXPECT_EQ(rows_of(p.sram(SramId::Mask1), kOutRow, 64), std::vector<uint8_t>(128, 0));
         }},
        {"mask_read_wraps", ErrorCause::kSramOverflow, HwEffect::Runs,
         [](Port& p) {
             p.write(kFlipMem, 0);
             p.write(kBaseMask, field_bits(4090, 0, 12));
             p.write(kMaskRdAddr, p.addr(kAMask));
             p.write(kDmaLength, 15);
         },
         kCmdMaskRead,
         [](Port& p, const Data& d) {  // mask word i at entry (4090 + i) mod 4096
             const auto a = image(d.a).mask_bytes;
             EXPECT_EQ(rows_of(p.sram(SramId::Mask0), 4090, 16), std::vector<uint8_t>(a.begin(), a.begin() + 32));
         }},
        {"input_write_out_wraps", ErrorCause::kSramOverflow, HwEffect::Runs,
         [](Port& p) {
             p.write(kUseAxi, 1);
             p.write(kBaseOutput, field_bits(4090, 0, 12));
             p.write(kInputWrAddr, p.addr(scratch(0)));
             p.write(kDmaLength, 6 + kOpRow + 10 - 1);
         },
         kCmdInputWrite,
         [](Port& p, const Data& d) {  // rows 4090..4095 and 0..kOpRow-1 (never written), then B's first 10
             std::vector<uint8_t> expect(size_t(6 + kOpRow) * kL, 0);
             const auto b = image(d.b).input_bytes;
             expect.insert(expect.end(), b.begin(), b.begin() + 10 * kL);
             EXPECT_EQ(p.get(scratch(0), expect.size()), expect);
         }},
        {"aux_read_wraps", ErrorCause::kSramOverflow, HwEffect::Runs,
         [](Port& p) {
             p.write(kAuxRdAddr, p.addr(kAux + 100 * kL));
             p.write(kAuxDmaLength, field_bits(15, 0, 8) | field_bits(250, 16, 8));
         },
         kCmdAuxRead,
         [](Port& p, const Data& d) {
             EXPECT_EQ(rows_of(p.sram(SramId::Aux), 250, 16),
                       std::vector<uint8_t>(d.aux.begin() + 100 * kL, d.aux.begin() + 116 * kL));
         }},
        {"matmul_result_wraps", ErrorCause::kSramOverflow, HwEffect::Runs,
         [](Port& p) { p.write(kBaseOutput, field_bits(4090, 0, 12) | field_bits(4090, 16, 12)); }, kCmdMatmul,
         [](Port& p, const Data& d) { expect_matmul_result(p, d, 1, 4090, kN); }},
        {"operand_bank_pointers_wrap", ErrorCause::kSramOverflow, HwEffect::Runs,
         [](Port& p) { p.set(kBaseInput, 0, 12, 4090); },  // A's values from row 4090 on: past the end
         kCmdMatmul,
         [](Port& p, const Data& d) {
             const auto a = decoded(p, 0, kOpRow, 4090, kVec);  // the rows the bank pointers wrap to
             const auto b = decoded(p, 1, kOpRow, kOpRow, kVec);
             EXPECT_EQ(decoded(p, 1, kOutRow, kOutRow, kN * kN / kL),
                       fn::matmul(EdgebertTileConfig{}, a.data(), b.data(), matmul_params(kN)));
             EXPECT_NE(a, d.a);
         }},
        {"layer_norm_gamma_wraps", ErrorCause::kSramOverflow, HwEffect::Runs,
         [](Port& p) {
             sfu_setup(p, kGbLayerNorm, 8, 2);
             p.write(kAuxBases, field_bits(252, 7, 8) | field_bits(20, 15, 8) | field_bits(kGamma, 26, 3) |
                                    field_bits(kBeta, 29, 3));
         },
         kCmdLayerNorm,
         [](Port& p, const Data& d) {
             std::vector<uint8_t> gamma;
             for (int r = 252; r < 260; ++r) gamma.insert(gamma.end(), d.aux.begin() + (r % 256) * kL,
                                                        d.aux.begin() + (r % 256 + 1) * kL);
             const auto expect = fn::sfu_layer_norm(EdgebertTileConfig{}, d.a.data(), -10 + kActA, 2, 8 * kL,
                                                    gamma.data(), -10 + kGamma, d.aux.data() + 20 * kL, -10 + kBeta,
                                                    -10 + kAct3);
             EXPECT_EQ(decoded(p, 1, kOutRow, kOutRow, 16), expect);
         }},
        {"result_over_its_operand", ErrorCause::kOverlap, HwEffect::Runs,
         [](Port& p) {
             p.write(kFlipMem, 0);  // result into decoder 0, over A
             p.write(kBaseOutput, field_bits(kOpRow + 5, 0, 12) | field_bits(kOpRow + 5, 16, 12));
         },
         kCmdMatmul, [](Port& p, const Data& d) { expect_matmul_result(p, d, 0, kOpRow + 5, kN); }},
        {"command_after_an_error", ErrorCause::kErrorPending, HwEffect::Runs,
         [](Port& p) {
             p.write(kUseAxi, 1);
             p.command(kCmdMatmul);  // refused in both modes (the original hangs): the error latches
             p.write(kUseAxi, 0);
         },
         kCmdMatmul, [](Port& p, const Data& d) { expect_matmul_result(p, d, 1, kOutRow, kN); },
         ErrorCause::kBadMode},
    };
    return c;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

struct Outcome {
    uint32_t ctrl = 0;
    std::vector<CheckWarning> warnings;  // those of the case's command
    uint64_t irqs = 0;                   // interrupts of the case's command
};

Outcome run_case(Port& p, const Case& c, const Data& d, bool verify) {
    load(p, d);
    c.program(p);
    const size_t w0 = p.warnings().size();
    const uint64_t i0 = p.irqs();
    Outcome o;
    o.ctrl = p.command(c.command);
    const auto w = p.warnings();
    o.warnings.assign(w.begin() + static_cast<long>(w0), w.end());
    o.irqs = p.irqs() - i0;
    if (verify && c.verify) c.verify(p, d);
    return o;
}

void expect_strict(const Outcome& o, const Case& c, const char* model) {
    SCOPED_TRACE(model);
    const ErrorCause ctrl_cause = c.strict_ctrl != ErrorCause::kNone ? c.strict_ctrl : c.cause;
    EXPECT_TRUE(o.ctrl & ctrl::kErrorBit);
    EXPECT_EQ(static_cast<ErrorCause>(o.ctrl & ctrl::kCauseMask), ctrl_cause)
        << error_cause_name(static_cast<ErrorCause>(o.ctrl & ctrl::kCauseMask));
    EXPECT_EQ(o.ctrl & kDone, 0u);
    EXPECT_EQ(o.irqs, 1u);
    EXPECT_TRUE(o.warnings.empty());
}

void expect_silicon(const Outcome& o, const Case& c, const char* model) {
    SCOPED_TRACE(model);
    ASSERT_EQ(o.warnings.size(), 1u);
    const auto& w = o.warnings[0];
    EXPECT_EQ(w.cause, c.cause) << error_cause_name(w.cause);
    EXPECT_EQ(w.command, c.command);
    EXPECT_FALSE(w.check.empty());
    EXPECT_FALSE(w.registers.empty());
    switch (c.silicon) {
        case HwEffect::Ignored:
            EXPECT_EQ(o.irqs, 0u);
            EXPECT_EQ(o.ctrl & (ctrl::kErrorBit | kDone), 0u);
            break;
        case HwEffect::Hangs:
            EXPECT_EQ(w.hardware, kHangsText);
            EXPECT_EQ(o.irqs, 1u);
            EXPECT_TRUE(o.ctrl & ctrl::kErrorBit);
            EXPECT_EQ(static_cast<ErrorCause>(o.ctrl & ctrl::kCauseMask), c.cause);
            break;
        default:
            EXPECT_NE(w.hardware, kHangsText);
            EXPECT_EQ(o.irqs, 1u);
            EXPECT_TRUE(o.ctrl & (is_dma_command(c.command) ? ctrl::kDmaDoneBit : ctrl::kComputeDoneBit));
            if (c.cause != ErrorCause::kErrorPending) {
                EXPECT_EQ(o.ctrl & ctrl::kErrorBit, 0u);
            }
    }
}

// Runs `body` on a fresh tile testbench of `soc` (DRAM at the SoC's base).
void on_tile(const SocConfig& soc, const std::function<void(TileTestbench&, Port&)>& body) {
    TestbenchMemory mem;
    mem.base = soc.dram.base;
    mem.size = soc.dram.size;
    auto* tb = new TileTestbench("tb", soc.edgebert, mem);  // owned by the simulation context
    ScPort port(*tb, soc.dram.base);
    tb->run([&] { body(*tb, port); });
}

}  // namespace

class TileChecks : public edgebert::test::ScTest, public ::testing::WithParamInterface<Case> {};

TEST_P(TileChecks, StrictRefusesWithTheCause) {
    const Case& c = GetParam();
    const SocConfig soc = soc_config(CheckMode::Strict);
    const Data d = make_data(1);
    on_tile(soc, [&](TileTestbench& tb, Port& p) {
        expect_strict(run_case(p, c, d, false), c, "SystemC tile");
        EXPECT_EQ(tb.tile.control.log().back().error, c.cause);
        EXPECT_TRUE(tb.tile.control.warnings().empty());
        EXPECT_EQ(tb.tile.control.stats().warnings, 0u);
    });
    FnPort f(soc);
    expect_strict(run_case(f, c, d, false), c, "functional platform");
}

TEST_P(TileChecks, SiliconRunsAsTheHardwareAndWarnsOnce) {
    const Case& c = GetParam();
    const SocConfig soc = soc_config(CheckMode::Silicon);
    for (uint64_t seed : {2u, 3u}) {
        fresh_context();
        const Data d = make_data(seed);
        std::array<std::vector<uint8_t>, 5> tile_srams;
        std::vector<uint8_t> tile_dram;
        on_tile(soc, [&](TileTestbench&, Port& p) {
            expect_silicon(run_case(p, c, d, true), c, "SystemC tile");
            for (int s = 0; s < 5; ++s) {
                const Sram& m = p.sram(static_cast<SramId>(s));
                tile_srams[size_t(s)] = rows_of(m, 0, m.rows());
            }
            tile_dram = p.get(kScratch, kScratchBytes);
        });
        FnPort f(soc);
        expect_silicon(run_case(f, c, d, true), c, "functional platform");
        for (int s = 0; s < 5; ++s) {
            const Sram& m = f.sram(static_cast<SramId>(s));
            EXPECT_TRUE(rows_of(m, 0, m.rows()) == tile_srams[size_t(s)]) << sram_name(static_cast<SramId>(s));
        }
        EXPECT_TRUE(f.get(kScratch, kScratchBytes) == tile_dram);
    }
}

INSTANTIATE_TEST_SUITE_P(Causes, TileChecks, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

// ------------------------------------------------------- timing-dependent causes

class TileChecksTiming : public edgebert::test::ScTest {};

TEST_F(TileChecksTiming, BusyStrictRefusesSiliconQueuesBehindTheRunningCommand) {
    for (CheckMode mode : {CheckMode::Strict, CheckMode::Silicon}) {
        fresh_context();
        const SocConfig soc = soc_config(mode);
        const Data d = make_data(4);
        on_tile(soc, [&](TileTestbench& tb, Port& p) {
            load(p, d);
            const uint64_t i0 = p.irqs();
            const size_t log0 = tb.tile.control.log().size();
            tb.start(kCmdMatmul);  // result at kOutRow
            p.write(kBaseOutput, field_bits(3000, 0, 12) | field_bits(3000, 16, 12));
            tb.start(kCmdMatmul);  // the unit is busy
            p.write(kBaseOutput, field_bits(100, 0, 12) | field_bits(100, 16, 12));  // after the command: no effect
            p.settle();
            const auto& log = tb.tile.control.log();
            ASSERT_EQ(log.size(), log0 + 2);
            EXPECT_EQ(p.irqs() - i0, 2u);
            const auto w = p.warnings();
            if (mode == CheckMode::Strict) {
                EXPECT_EQ(log[log0].error, ErrorCause::kBusy);  // refused at once, the first still running
                EXPECT_EQ(log[log0 + 1].error, ErrorCause::kNone);
                EXPECT_EQ(static_cast<ErrorCause>(p.read(kCtrl) & ctrl::kCauseMask), ErrorCause::kBusy);
                EXPECT_TRUE(w.empty());
                expect_matmul_result(p, d, 1, kOutRow, kN);
                return;
            }
            const auto& first = log[log0];
            const auto& second = log[log0 + 1];
            EXPECT_EQ(first.error, ErrorCause::kNone);
            EXPECT_EQ(second.error, ErrorCause::kNone);
            EXPECT_LT(second.issued, first.finished);
            EXPECT_GE(second.started, first.finished);  // waited for the first
            EXPECT_EQ(p.read(kCtrl) & ctrl::kErrorBit, 0u);
            ASSERT_EQ(w.size(), 1u);
            EXPECT_EQ(w[0].cause, ErrorCause::kBusy);
            EXPECT_EQ(w[0].command, kCmdMatmul);
            expect_matmul_result(p, d, 1, kOutRow, kN);
            expect_matmul_result(p, d, 1, 3000, kN);  // registers as written with the command
        });
    }
}

TEST_F(TileChecksTiming, DmaIntoRowsOfTheRunningMatmulStrictRefusesSiliconRuns) {
    for (CheckMode mode : {CheckMode::Strict, CheckMode::Silicon}) {
        fresh_context();
        const SocConfig soc = soc_config(mode);
        const Data d = make_data(5);
        on_tile(soc, [&](TileTestbench& tb, Port& p) {
            load(p, d);
            tb.start(kCmdMatmul);  // reads A in decoder 0
            p.write(kFlipMem, 0);
            p.write(kBaseInput, field_bits(kOpRow, 0, 12));
            p.write(kInputRdAddr, p.addr(kAInput));
            p.write(kDmaLength, 15);
            const uint32_t c = p.command(kCmdInputRead);  // A's own rows again
            const auto w = p.warnings();
            if (mode == CheckMode::Strict) {
                EXPECT_EQ(static_cast<ErrorCause>(c & ctrl::kCauseMask), ErrorCause::kOverlap);
                EXPECT_TRUE(w.empty());
            } else {
                EXPECT_EQ(c & ctrl::kErrorBit, 0u);
                EXPECT_TRUE(c & ctrl::kDmaDoneBit);
                ASSERT_EQ(w.size(), 1u);
                EXPECT_EQ(w[0].cause, ErrorCause::kOverlap);
                EXPECT_EQ(w[0].command, kCmdInputRead);
                EXPECT_EQ(tb.tile.control.stats().count[kCmdMatmul], 1u);
            }
            expect_matmul_result(p, d, 1, kOutRow, kN);  // the same rows were loaded again
        });
    }
}

// ------------------------------------------------------------- pieces

TEST(TileChecksConfig, DefaultIsStrictEpochsIsSilicon) {
    EXPECT_EQ(load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/default.json").edgebert.checks,
              CheckMode::Strict);
    EXPECT_EQ(load_soc_config(std::string(EDGEBERT_SOURCE_DIR) + "/configs/soc/epochs.json").edgebert.checks,
              CheckMode::Silicon);
}

TEST_F(TileChecksTiming, RunReportListsWarningsByCause) {
    const SocConfig soc = soc_config(CheckMode::Silicon);
    const Data d = make_data(6);
    on_tile(soc, [&](TileTestbench& tb, Port& p) {
        load(p, d);
        p.command(0);
        p.command(14);
        p.write(kBaseOutput, field_bits(4090, 0, 12) | field_bits(4090, 16, 12));
        p.command(kCmdMatmul);
        sim::RunResult r;
        r.target = "edgebert";
        r.tile_checks = sim::tile_checks_json(tb.tile.control);
        boost::json::object t;
        sim::add_tile_checks(t, r);
        const auto& tc = t.at("tile_checks").as_object();
        EXPECT_EQ(tc.at("mode").as_string(), "silicon");
        EXPECT_EQ(tc.at("warnings").as_uint64(), 3u);
        EXPECT_EQ(tc.at("by_cause").at("unknown_command").as_uint64(), 2u);
        EXPECT_EQ(tc.at("by_cause").at("sram_overflow").as_uint64(), 1u);
        EXPECT_EQ(tc.at("refused").as_uint64(), 0u);
        const auto& last = tc.at("list").as_array().at(2).as_object();
        EXPECT_EQ(last.at("command").as_string(), "matmul");
        EXPECT_EQ(last.at("registers").at("base_output").as_string(), "0xFFA");
        EXPECT_GT(last.at("cycle").as_uint64(), 0u);
        const std::string line = sim::tile_checks_line("edgebert", t);
        EXPECT_NE(line.find("3 warnings (unknown_command 2, sram_overflow 1)"), std::string::npos) << line;
    });
}
