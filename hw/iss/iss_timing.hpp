// Timing model of the ISS: an in-order, single-issue core in the manner of
// Ariane / CVA6 (the core of ESP's CPU tiles).
//
// Model: every instruction issues in one cycle, after its source registers
// are ready (a scoreboard of result times per register: RAW stalls) and after
// its functional unit is free (the dividers are not pipelined: structural
// stalls). Its result is ready `latency` cycles after issue. Control-flow
// penalties and slow-bus latency add cycles on top. mcycle counts the total.
// A latency of 1 means a dependent instruction issues back to back; 2 means
// one stall cycle if it follows at once (the load-use case).
//
// Sources, quoted per field:
//  [cva6-pkg]  CVA6 ariane_pkg.sv / cva6 config: FPnew pipeline registers
//              LAT_COMP_FP32 = 2, LAT_COMP_FP64 = 3, LAT_NONCOMP = 1,
//              LAT_CONV = 2, LAT_DIVSQRT = 2 (result latency = registers + 1).
//  [cva6-doc]  CVA6 user manual / RTL structure: single-cycle ALU, 2-stage
//              multiplier (mult.sv), radix-2 serial divider (serdiv.sv) that
//              skips leading zero bits, branches resolved in EX with the front
//              end flushed on a misprediction, CSR / fence.i / trap flushes.
//  [estimate]  no public figure; a plausible value for the same class of core.
#pragma once

#include <cstdint>
#include <string>

namespace edgebert::iss {

struct IssTiming {
    // false: every instruction takes one cycle (mcycle == minstret + stalls of the bus).
    bool enabled = true;

    // ---- integer pipeline (result latencies, cycles) ----
    uint32_t alu = 1;          // [cva6-doc] single-cycle ALU, full forwarding
    uint32_t mul = 2;          // [cva6-doc] mult.sv: two pipeline stages
    uint32_t div_base = 2;     // [cva6-doc] serdiv.sv set-up + result cycles ...
    uint32_t div_per_bit = 1;  // ... plus one cycle per quotient bit (leading zeros skipped); 64-bit worst ~66
    uint32_t load = 2;         // [cva6-doc] D$ hit: data one cycle after the address -> load-use stall of 1
    uint32_t store = 1;        // [cva6-doc] store buffer: no stall on a hit
    uint32_t amo = 5;          // [estimate] AMO/LR/SC go through the cache's atomic path

    // ---- control flow (penalties added to the cycle count) ----
    uint32_t branch_mispredict = 5;  // [cva6-doc]/[estimate] static backward-taken/forward-not-taken; front-end refill
    uint32_t taken_bubble = 1;       // [estimate] fetch redirect of a correctly predicted taken branch or jal
    uint32_t jalr_mispredict = 5;    // [estimate] indirect jump other than a return (returns hit the RAS)

    // ---- system ----
    uint32_t csr = 1;      // result latency; [cva6-doc] CSRs are read/written in the commit stage
    uint32_t fence = 1;    // added cycles; [estimate] single hart: drain the store buffer
    uint32_t fence_i = 10; // added cycles; [estimate] pipeline flush + instruction cache invalidation
    uint32_t trap = 5;     // added cycles per trap entry and per mret; [cva6-doc]/[estimate] flush + refetch

    // ---- FPU (FPnew), result latencies ----
    uint32_t fp_add_s = 3;    // [cva6-pkg] LAT_COMP_FP32 = 2 registers (+1): add/sub/mul/fma single
    uint32_t fp_add_d = 4;    // [cva6-pkg] LAT_COMP_FP64 = 3 registers (+1): add/sub/mul/fma double
    uint32_t fp_noncomp = 2;  // [cva6-pkg] LAT_NONCOMP = 1 (+1): sgnj, min/max, compare, classify, moves
    uint32_t fp_conv = 3;     // [cva6-pkg] LAT_CONV = 2 (+1): conversions
    uint32_t fp_div_s = 12;   // [estimate] iterative div/sqrt unit (not pipelined), ~1 bit/cycle + LAT_DIVSQRT
    uint32_t fp_div_d = 21;   // [estimate] same unit, double precision
    uint32_t fp_sqrt_s = 12;  // [estimate]
    uint32_t fp_sqrt_d = 21;  // [estimate]

    // Throws ConfigError naming origin and the field if a latency is zero.
    void validate(const std::string& origin) const;
};

}  // namespace edgebert::iss
