// Plain C++ harness of the verilated systolic array: rtl/systolic_array.sv is
// verilated once per size of kSystolicRtlSizes (Vsystolic_array_8 ..
// Vsystolic_array_64, parameter N = size) and the constructor picks the model
// of its size. It owns the model, the three buffers the array reads and writes
// (operands, C) and optional FST tracing, and runs one call as a tight loop of
// eval()s, one per clock edge. No SystemC: SystolicTile uses it from its
// thread, the RTL tests directly.
//
// Buffer model (synchronous SRAMs, one-cycle read latency): a read request the
// array presents before a rising edge is answered on the buffer's output port
// right after that edge; a write request is stored at the edge. The operand
// buffer holds A by columns (word k = A[0..N-1][k]) and B by rows (word k =
// B[k][0..N-1]), as the tile's DMA writes them; lanes beyond M / N are zero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace edgebert::hw {

namespace detail {
class SystolicArrayModel;
}

class SystolicRtl {
public:
    // Throws ConfigError naming the allowed sizes if no RTL of `size` is built in.
    explicit SystolicRtl(int size);
    ~SystolicRtl();
    SystolicRtl(const SystolicRtl&) = delete;
    SystolicRtl& operator=(const SystolicRtl&) = delete;

    struct Call {
        int m = 0, n = 0, k = 0;
        bool accumulate = false;
        const int8_t* a = nullptr;   // M x K, row stride lda
        size_t lda = 0;
        const int8_t* b = nullptr;   // K x N, row stride ldb
        size_t ldb = 0;
        int32_t* c = nullptr;        // M x N, row stride ldc: C_in (accumulate) and C_out
        size_t ldc = 0;
    };

    // Fills the buffers from the call's operands (and C_in), pulses start and
    // clocks the array until done; the results land in call.c. Returns the
    // cycles from the edge that samples start to the edge that raises done,
    // both included (= fn::systolic_call_cycles). `first_cycle` is the tile
    // cycle of the first edge: it places the call in the FST window and time.
    // Throws ShapeError for dimensions the RTL does not accept (M, N, K in 1..size)
    // and std::logic_error if the array never raises done.
    uint64_t run(const Call& call, uint64_t first_cycle = 0);

    // FST of every RTL signal for the cycles first_cycle + c of run() that fall
    // in [from_cycle, to_cycle), with cycle c spanning [c, c + 1) x period_ps
    // (clock low in the first half, rising edge in the middle). Replaces an
    // open trace. Off by default; when off a call pays nothing for it.
    void open_fst(const std::string& path, uint64_t from_cycle, uint64_t to_cycle, double period_ps);
    void close_fst();   // flushes and closes (also done by the destructor)
    bool tracing() const;
    // Optional gate, asked once per call: false leaves the call out of the trace
    // (e.g. outside the program region the waveform was asked for).
    void set_fst_gate(std::function<bool()> gate);
    // Stops tracing before the file would exceed `bytes` (0: no limit): the file
    // is flushed and measured every few thousand traced cycles, and tracing ends
    // at the call that reaches the limit less a reserve. fst_cut_cycle() is the
    // first cycle not traced because of the limit (UINT64_MAX: never cut).
    void set_fst_limit(uint64_t bytes);
    uint64_t fst_cut_cycle() const;
    uint64_t fst_traced_cycles() const;  // cycles dumped into the open (or last) trace
    uint64_t fst_first_cycle() const;    // the first cycle dumped (UINT64_MAX: none)
    // Every variable of a closed FST as GTKWave names it (scopes joined by '.',
    // vectors with their [msb:lsb] range, integers and parameters without), for
    // save files that must resolve. Throws std::runtime_error if unreadable.
    static std::vector<std::string> fst_signal_names(const std::string& path);

    uint64_t edges() const;   // rising edges clocked since construction (reset included)
    int size() const;         // the array's PEs per side (its RTL parameter N)

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace edgebert::hw
