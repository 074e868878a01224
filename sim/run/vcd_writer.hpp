// A VCD writer for waveforms that are recorded as events rather than sampled:
// value changes of SystemC signals, and transactions (register writes, DMA
// bursts, NoC packets) whose loosely-timed time stamps reach it out of order.
// Records are kept in a time-ordered buffer and written once simulated time has
// passed them (by `slack`: a record never lies further in the past than that),
// so the file is in time order; a record that still arrives late is written at
// the earliest time not yet written.
//
// What reaches the file is bounded and selectable:
//   window   only times in [from, to) are written; the first time written holds
//            every variable's current value, so the window opens on the true
//            state (counters count from the start of the run, not of the window);
//   gate     a second on/off switch set by records (e.g. "the program is in
//            layer 0, ffn"); while it is off nothing is written, when it opens
//            again the values that changed meanwhile are written at that time;
//   limit    the file stops before it would exceed `limit_bytes` (0: no limit):
//            the last time stamp written is the cut, cut_ps() says where.
// Several changes of one variable at one time stamp collapse into the last.
#pragma once

#include <cstdint>
#include <cstdio>
#include <queue>
#include <string>
#include <vector>

namespace edgebert::sim {

class VcdWriter {
public:
    enum class Type { Wire, Real };

    struct Options {
        uint64_t from_ps = 0, to_ps = UINT64_MAX;  // the window
        bool gate_open = true;                    // the gate's state at time 0
        uint64_t limit_bytes = 0;                 // 0: no limit
        uint64_t slack_ps = 1'000'000;            // how far behind `now` records may still arrive
    };

    // Creates (truncates) the file; throws Error if it cannot.
    VcdWriter(const std::string& path, const Options& opt);
    ~VcdWriter();
    VcdWriter(const VcdWriter&) = delete;
    VcdWriter& operator=(const VcdWriter&) = delete;

    // Declares a variable in `scope` (dot-separated, e.g. "soc.edgebert0.control")
    // before the first record; returns its id. Width 1..64 for wires.
    int add(const std::string& scope, const std::string& name, int width, Type type = Type::Wire);
    // The name GTKWave gives the variable: scope.name, and [msb:0] for a wider wire.
    std::string gtkwave_name(int id) const;
    int width(int id) const { return vars_.at(static_cast<size_t>(id)).width; }

    // Records (time in ps). set_* replace the value, add_to adds to it (counters,
    // levels made of +1 / -1 events).
    void set(int id, uint64_t t_ps, uint64_t value) { push(t_ps, id, kSet, value); }
    void set_real(int id, uint64_t t_ps, double value);
    void add_to(int id, uint64_t t_ps, int64_t delta) { push(t_ps, id, kAdd, static_cast<uint64_t>(delta)); }
    void gate(uint64_t t_ps, bool open) { push(t_ps, -1, kGate, open ? 1 : 0); }

    // Writes the records older than now_ps - slack (called by the recorders; cheap).
    void advance(uint64_t now_ps) {
        if (now_ps > opt_.slack_ps && now_ps - opt_.slack_ps > horizon_ + kFlushQuantum) flush(now_ps - opt_.slack_ps);
    }
    // Writes everything up to end_ps (records after it are dropped), the final
    // time stamp, and closes the file.
    void finish(uint64_t end_ps);

    // After finish():
    uint64_t bytes() const { return bytes_; }
    bool capped() const { return capped_; }
    uint64_t cut_ps() const { return cut_ps_; }           // the limit's cut (valid if capped())
    bool wrote_any() const { return opened_once_; }       // a time inside the window and the gate was written
    uint64_t first_ps() const { return first_ps_; }       // first / last time stamp written
    uint64_t last_ps() const { return last_ps_; }
    // First / last time a variable's change was written after the initial values
    // (UINT64_MAX / 0 if it never changed in the file).
    uint64_t first_change_ps(int id) const { return vars_.at(static_cast<size_t>(id)).first_change; }
    uint64_t last_change_ps(int id) const { return vars_.at(static_cast<size_t>(id)).last_change; }
    uint64_t changes_written() const { return changes_; }
    uint64_t late_records() const { return late_; }      // records that arrived after their time was written
    uint64_t max_late_ps() const { return max_late_ps_; } // ... by at most this much (they are written that late)

private:
    enum Kind : uint8_t { kSet, kReal, kAdd, kGate, kEdge };  // kEdge: a time stamp of the window (no change)
    struct Rec {
        uint64_t t;
        uint64_t seq;
        int32_t id;
        Kind kind;
        uint64_t v;
        bool operator>(const Rec& o) const { return t != o.t ? t > o.t : seq > o.seq; }
    };
    struct Var {
        std::string scope, name, code;
        int width = 1;
        Type type = Type::Wire;
        uint64_t cur = 0, written = 0;  // bit patterns (doubles through memcpy)
        bool dirty = false, ever_written = false;
        uint64_t first_change = UINT64_MAX, last_change = 0;
    };
    static constexpr uint64_t kFlushQuantum = 100'000;  // ps between flushes at most once

    void push(uint64_t t, int id, Kind kind, uint64_t v);
    void flush(uint64_t before_ps);   // writes records with t < before_ps
    void apply(const Rec& r);
    void end_time_stamp(uint64_t t);  // writes the time stamp's changes, if the window and gate are open
    void write_header();
    void emit(const std::string& s);
    void value_text(const Var& v, uint64_t bits, std::string& out) const;

    std::string path_;
    Options opt_;
    std::FILE* f_ = nullptr;
    std::vector<Var> vars_;
    std::vector<int> dirty_;
    std::priority_queue<Rec, std::vector<Rec>, std::greater<Rec>> queue_;
    uint64_t seq_ = 0;
    uint64_t horizon_ = 0;         // every record before this time has been applied
    bool header_ = false;
    bool gate_ = true;             // the gate's state
    bool open_ = false;            // the last time stamp was written (window and gate open)
    bool opened_once_ = false;
    bool capped_ = false, finished_ = false;
    uint64_t cut_ps_ = 0, first_ps_ = 0, last_ps_ = 0;
    uint64_t bytes_ = 0, changes_ = 0, late_ = 0, max_late_ps_ = 0;
    std::string buf_;
};

}  // namespace edgebert::sim
