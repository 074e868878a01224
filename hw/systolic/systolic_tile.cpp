#include "hw/systolic/systolic_tile.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace edgebert::hw {

using systolic_regs::ErrorCause;
namespace R = systolic_regs;

namespace {
constexpr uint64_t k4KiB = 4096;

sc_core::sc_time mhz_to_period(double mhz) { return sc_core::sc_time(1e6 / mhz, sc_core::SC_PS); }

const SystolicTileConfig& validated(const SystolicTileConfig& cfg, const char* origin) {
    cfg.validate(origin);
    return cfg;
}
}  // namespace

SystolicTile::SystolicTile(sc_core::sc_module_name name, const SystolicTileConfig& cfg)
    : sc_module(name),
      cfg_socket("cfg_socket"),
      axi_master("axi_master"),
      irq("irq", false),
      busy("busy", false),
      error_cause("error_cause", 0),
      command("command", 0),
      phase("phase", 0),
      cfg_(validated(cfg, this->name())),
      period_(mhz_to_period(cfg.clock_mhz)),
      rtl_(cfg_.size) {
    cfg_socket.register_b_transport(this, &SystolicTile::b_transport);
    const size_t n = static_cast<size_t>(cfg_.size);
    a_buf_.resize(n * n);
    b_buf_.resize(n * n);
    c_buf_.resize(n * n);
    row_bytes_.resize(n * 4);
    SC_HAS_PROCESS(SystolicTile);
    SC_THREAD(run_thread);
    SC_THREAD(irq_thread);
}

SystolicTile::~SystolicTile() { close_fst(); }

void SystolicTile::open_fst(const std::string& path, uint64_t from_cycle, uint64_t to_cycle) {
    rtl_.open_fst(path, from_cycle, to_cycle, period_.to_seconds() * 1e12);
}

void SystolicTile::close_fst() { rtl_.close_fst(); }

void SystolicTile::trace(sc_core::sc_trace_file* tf) const {
    const std::string p = name();
    sc_core::sc_trace(tf, irq, p + ".irq");
    sc_core::sc_trace(tf, busy, p + ".busy");
    sc_core::sc_trace(tf, error_cause, p + ".error_cause");
    sc_core::sc_trace(tf, command, p + ".command");
    sc_core::sc_trace(tf, phase, p + ".phase");
}

uint64_t SystolicTile::to_cycles(const sc_core::sc_time& t) const {
    return static_cast<uint64_t>(std::llround(t / period_));
}

uint64_t SystolicTile::cycle() const { return to_cycles(sc_core::sc_time_stamp()); }

// ---------------------------------------------------------------- registers

uint32_t SystolicTile::read_register(uint32_t offset) const {
    switch (offset) {
        case R::kCtrl: {
            uint32_t v = static_cast<uint32_t>(cause_) & R::ctrl::kCauseMask;
            if (error_) v |= R::ctrl::kErrorBit;
            if (job_) v |= R::ctrl::kBusyBit;
            if (done_) v |= R::ctrl::kDoneBit;
            return v;
        }
        case R::kCommand: return 0;  // write-only
        case R::kCycles: return last_cycles_;
        default: return regs_[offset / 4];
    }
}

void SystolicTile::write_register(uint32_t offset, uint32_t value) {
    switch (offset) {
        case R::kCtrl:
            if (value & R::ctrl::kSoftResetBit) {
                error_ = false;
                cause_ = ErrorCause::kNone;
                done_ = false;
                error_cause.write(0);
            }
            if (value & R::ctrl::kDoneBit) done_ = false;
            return;
        case R::kCommand: issue(value); return;
        case R::kCycles: return;  // read-only
        default: regs_[offset / 4] = value;
    }
}

uint32_t SystolicTile::peek(uint32_t offset) const { return read_register(offset & (R::kWindowBytes - 4)); }
void SystolicTile::poke(uint32_t offset, uint32_t value) { write_register(offset & (R::kWindowBytes - 4), value); }

void SystolicTile::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const uint64_t addr = trans.get_address();
    if (addr >= R::kWindowBytes) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (trans.get_data_length() != 4 || (addr & 3) || trans.get_streaming_width() < 4) {
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (trans.get_byte_enable_ptr()) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (!trans.is_read() && !trans.is_write()) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);  // TLM_IGNORE_COMMAND
        return;
    }
    // One AXI-lite transfer costs a tile cycle at the slave; synchronise so a
    // command starts, and a status read sees the state, at the annotated time.
    delay += period_;
    if (delay > sc_core::SC_ZERO_TIME && (trans.is_read() || addr == R::kCommand)) {
        sc_core::wait(delay);
        delay = sc_core::SC_ZERO_TIME;
    }
    uint32_t v = 0;
    if (trans.is_write()) {
        std::memcpy(&v, trans.get_data_ptr(), 4);
        write_register(static_cast<uint32_t>(addr), v);
    } else {
        v = read_register(static_cast<uint32_t>(addr));
        std::memcpy(trans.get_data_ptr(), &v, 4);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// ---------------------------------------------------------------- commands

void SystolicTile::latch_error(ErrorCause cause) {
    if (!error_) {  // the first cause is kept until a soft reset
        error_ = true;
        cause_ = cause;
        error_cause.write(static_cast<uint32_t>(cause));
    }
    ++stats_.errors;
}

void SystolicTile::refuse(uint32_t command, ErrorCause cause) {
    latch_error(cause);
    // A refusal while a call runs must not disturb that call's record.
    if (!job_) {
        last_ = SystolicCallRecord{};
        last_.command = command;
        last_.error = cause;
        last_.issued = last_.finished = sc_core::sc_time_stamp();
    }
    request_irq();
}

void SystolicTile::issue(uint32_t command) {
    if (error_) return refuse(command, ErrorCause::kErrorPending);
    if (command != R::kCmdRun) return refuse(command, ErrorCause::kUnknownCommand);
    if (job_) return refuse(command, ErrorCause::kBusy);
    const uint32_t m = regs_[R::kM / 4], n = regs_[R::kN / 4], k = regs_[R::kK / 4];
    const auto size = static_cast<uint32_t>(cfg_.size);
    if (m < 1 || m > size || n < 1 || n > size || k < 1 || k > size) return refuse(command, ErrorCause::kBadDims);
    Job j;
    j.m = static_cast<int>(m);
    j.n = static_cast<int>(n);
    j.k = static_cast<int>(k);
    j.accumulate = (regs_[R::kFlags / 4] & R::flags::kAccumulate) != 0;
    j.lda = regs_[R::kLda / 4];
    j.ldb = regs_[R::kLdb / 4];
    j.ldc = regs_[R::kLdc / 4];
    if (j.lda < k || j.ldb < n || j.ldc < n) return refuse(command, ErrorCause::kBadStride);
    auto addr = [&](uint32_t lo) { return uint64_t{regs_[lo / 4]} | uint64_t{regs_[lo / 4 + 1]} << 32; };
    j.a = addr(R::kAddrALo);
    j.b = addr(R::kAddrBLo);
    j.c = addr(R::kAddrCLo);
    j.issued = sc_core::sc_time_stamp();
    job_ = j;
    busy.write(true);
    this->command.write(command);
    start_.notify(sc_core::SC_ZERO_TIME);
}

bool SystolicTile::dma_row(bool write, uint64_t addr, uint8_t* data, uint64_t len, sc_core::sc_time& delay,
                           SystolicCallRecord& rec) {
    const uint64_t max_bytes = static_cast<uint64_t>(cfg_.max_burst_beats) * static_cast<uint64_t>(cfg_.axi_beat_bytes());
    const sc_core::sc_time overhead = period_ * static_cast<double>(cfg_.axi_burst_overhead_cycles);
    tlm::tlm_generic_payload trans;
    uint64_t done = 0;
    while (done < len) {
        const uint64_t a = addr + done;
        const uint64_t burst = std::min({len - done, max_bytes, k4KiB - (a % k4KiB)});
        trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        trans.set_address(a);
        trans.set_data_ptr(data + done);
        trans.set_data_length(static_cast<unsigned>(burst));
        trans.set_streaming_width(static_cast<unsigned>(burst));
        trans.set_byte_enable_ptr(nullptr);
        trans.set_dmi_allowed(false);
        trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        delay += overhead;
        // The port moves one beat of axi_data_bits per tile cycle: a burst takes at
        // least its beats, however fast the memory behind it answers.
        const sc_core::sc_time data_phase_end =
            delay + period_ * static_cast<double>((burst + cfg_.axi_beat_bytes() - 1) / cfg_.axi_beat_bytes());
        axi_master->b_transport(trans, delay);
        if (delay < data_phase_end) delay = data_phase_end;
        ++stats_.bursts;
        if (trans.is_response_error()) {
            rec.error_addr = a;
            return false;
        }
        done += burst;
        (write ? rec.bytes_written : rec.bytes_read) += burst;
    }
    return true;
}

void SystolicTile::run_thread() {
    for (;;) {
        sc_core::wait(start_);
        const Job j = *job_;
        SystolicCallRecord rec;
        rec.command = R::kCmdRun;
        rec.m = j.m, rec.n = j.n, rec.k = j.k;
        rec.accumulate = j.accumulate;
        rec.issued = j.issued;
        const size_t M = static_cast<size_t>(j.m), N = static_cast<size_t>(j.n), K = static_cast<size_t>(j.k);
        const sc_core::sc_time setup = period_ * static_cast<double>(cfg_.dma_setup_cycles);
        bool ok = true;

        // 1. DMA in, row by row into the packed staging buffers.
        phase.write(1);
        sc_core::sc_time t = sc_core::sc_time_stamp();
        sc_core::sc_time delay = setup;
        for (size_t i = 0; ok && i < M; ++i)
            ok = dma_row(false, j.a + i * j.lda, reinterpret_cast<uint8_t*>(&a_buf_[i * K]), K, delay, rec);
        for (size_t kk = 0; ok && kk < K; ++kk)
            ok = dma_row(false, j.b + kk * j.ldb, reinterpret_cast<uint8_t*>(&b_buf_[kk * N]), N, delay, rec);
        for (size_t i = 0; ok && j.accumulate && i < M; ++i) {
            ok = dma_row(false, j.c + 4 * i * j.ldc, row_bytes_.data(), 4 * N, delay, rec);
            for (size_t x = 0; ok && x < N; ++x) {  // little endian
                const uint8_t* p = &row_bytes_[4 * x];
                c_buf_[i * N + x] = static_cast<int32_t>(uint32_t{p[0]} | uint32_t{p[1]} << 8 |
                                                         uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24);
            }
        }
        sc_core::wait(delay);
        rec.dma_in_cycles = to_cycles(sc_core::sc_time_stamp() - t);

        // 2. Compute: the whole call in one tight loop, then one wait.
        if (ok) {
            phase.write(2);
            SystolicRtl::Call call;
            call.m = j.m, call.n = j.n, call.k = j.k;
            call.accumulate = j.accumulate;
            call.a = a_buf_.data(), call.lda = K;
            call.b = b_buf_.data(), call.ldb = N;
            call.c = c_buf_.data(), call.ldc = N;
            rec.compute_cycles = rtl_.run(call, cycle());
            sc_core::wait(period_ * static_cast<double>(rec.compute_cycles));
        }

        // 3. DMA out.
        if (ok) {
            phase.write(3);
            t = sc_core::sc_time_stamp();
            delay = setup;
            for (size_t i = 0; ok && i < M; ++i) {
                for (size_t x = 0; x < N; ++x) {
                    const auto v = static_cast<uint32_t>(c_buf_[i * N + x]);
                    for (int b = 0; b < 4; ++b) row_bytes_[4 * x + b] = static_cast<uint8_t>(v >> (8 * b));
                }
                ok = dma_row(true, j.c + 4 * i * j.ldc, row_bytes_.data(), 4 * N, delay, rec);
            }
            sc_core::wait(delay);
            rec.dma_out_cycles = to_cycles(sc_core::sc_time_stamp() - t);
        }

        // 4. Completion.
        rec.finished = sc_core::sc_time_stamp();
        rec.cycles = to_cycles(rec.finished - rec.issued);
        stats_.busy_cycles += rec.cycles;
        stats_.dma_in_cycles += rec.dma_in_cycles;
        stats_.compute_cycles += rec.compute_cycles;
        stats_.dma_out_cycles += rec.dma_out_cycles;
        stats_.bytes_read += rec.bytes_read;
        stats_.bytes_written += rec.bytes_written;
        if (ok) {
            ++stats_.calls;
            stats_.macs += static_cast<uint64_t>(M * N * K);
            last_cycles_ = static_cast<uint32_t>(std::min<uint64_t>(rec.cycles, UINT32_MAX));
            done_ = true;
        } else {
            rec.error = ErrorCause::kDmaError;
            latch_error(ErrorCause::kDmaError);
        }
        last_ = rec;
        job_.reset();
        busy.write(false);
        command.write(0);
        phase.write(0);
        request_irq();
    }
}

void SystolicTile::request_irq() {
    ++irq_pending_;
    irq_request_.notify(sc_core::SC_ZERO_TIME);
}

void SystolicTile::irq_thread() {
    for (;;) {
        // Events during a pulse get a pulse of their own after a one-cycle low,
        // so every completion or error is a rising edge for the interrupt controller.
        while (irq_pending_ == 0) sc_core::wait(irq_request_);
        irq_pending_ = 0;
        ++stats_.irq_pulses;
        irq.write(true);
        sc_core::wait(period_ * static_cast<double>(cfg_.irq_pulse_cycles));
        irq.write(false);
        sc_core::wait(period_);
    }
}

}  // namespace edgebert::hw
