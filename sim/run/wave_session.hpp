// Waveforms of one run on the SoC (`run --waves DIR`): a VCD of the SoC per
// target (sim/run/vcd_writer.hpp), the systolic RTL's FST, and for each a
// GTKWave save file that opens on the target's view, with translate filters
// that name the numbers (commands, registers, program regions).
//
// The VCD holds, under the top scope `soc` (names as in the save files):
//   soc.program        region (index into <target>_regions.filter), layer, module:
//                      the program's region marker, always written
//   soc.<edgebert>     the tile's levels (irq, running commands, busy flags,
//                      SRAM occupancy, DVFS) and transactions: regs.* (every
//                      register write: offset, data, a count), dma.* (every
//                      burst: address, beats, direction, a count, bursts in flight)
//   soc.<systolic>     irq, busy, command, phase, error_cause, regs.*, dma.*
//   soc.<io>.plic      ext_irq, the interrupt lines, claims (source id, count), completions
//   soc.noc.<plane>    packets (a count) and packets in flight, per plane
// Times are picoseconds; a cycle in the options is a CPU clock cycle counted
// from the start of the simulation.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/lower/lowering.hpp"
#include "hw/soc/native_host.hpp"
#include "hw/soc/soc.hpp"
#include "hw/soc/soc_config.hpp"
#include "sim/run/vcd_writer.hpp"

namespace edgebert::sim {

// --wave-operator: program regions by layer, module and operator:
// "layer0", "layer0.ffn", "layer0.attention.q_proj", "ffn" (every layer).
struct RegionSelector {
    int layer = -1;   // -1: any
    int module = -1;  // eb_module, -1: any
    std::string op;   // empty: any
    std::string text;
    bool matches(const hw::RegionKey& k) const;
};
// Throws UsageError for malformed text, Error for an unknown module name.
RegionSelector parse_region_selector(const std::string& text);
// "layer0.attention.q_proj" (module names as in the run report).
std::string region_name(const hw::RegionKey& k);

// The blocks --wave-scope can name: the SoC's edgebert and systolic tiles, its
// io tile (the PLIC) and "noc".
std::vector<std::string> wave_scopes(const hw::SocConfig& soc);

struct WaveOptions {
    std::string dir;
    std::string target;                              // edgebert | systolic | cpu: file names and view
    uint64_t from_cycle = 0, to_cycle = UINT64_MAX;  // CPU cycles; the window [from, to)
    std::optional<RegionSelector> region;            // --wave-operator
    std::vector<std::string> scopes;                 // --wave-scope; empty: every block
    uint64_t limit_bytes = 100'000'000;              // per file; 0: no limit
    bool rtl = false;                                // also the systolic RTL's FST (systolic target)
};

struct WaveFile {
    std::string path;
    uint64_t bytes = 0;
    std::string what;  // "VCD, cycles 0:1234", "GTKWave save file", ...
};

struct WaveResult {
    std::vector<WaveFile> files;
    std::vector<std::string> notes;  // what a limit cut, an RTL trace without array cycles
    uint64_t end_cycle = 0;          // the run's last CPU cycle
    bool empty = false;              // nothing of the window / region was in the run (no files kept)
};

class WaveSession {
public:
    // Declares the variables and attaches the observers; call after the SoC is
    // built and before it runs. Throws Error if the region selector matches no
    // region of the program.
    WaveSession(hw::Soc& soc, const compiler::CompiledModel& m, const WaveOptions& opt);
    ~WaveSession();
    WaveSession(const WaveSession&) = delete;
    WaveSession& operator=(const WaveSession&) = delete;

    // The program entered a region at time t (the native host: now; the RISC-V
    // core: its own time, ahead of SystemC's).
    void region(const hw::RegionKey& k, sc_core::sc_time t);
    // After the run: closes the files, writes the save files and filters.
    WaveResult finish();

private:
    struct TileVars;
    void declare();
    void attach();
    void on_transfer(const hw::NocTransfer& x);
    void write_filters();
    void write_view();
    void write_rtl_view();
    uint64_t ps(const sc_core::sc_time& t) const;
    uint64_t now_ps() const;
    std::string path(const std::string& file) const;
    std::string filter_path(const std::string& name) const;

    hw::Soc& soc_;
    const compiler::CompiledModel& m_;
    WaveOptions opt_;
    double cpu_period_ps_;
    double res_ps_;
    std::unique_ptr<VcdWriter> vcd_;
    std::vector<std::string> scopes_;                 // selected blocks
    std::vector<hw::RegionKey> regions_;              // the program's regions, in order (index + 1)
    std::map<hw::RegionKey, uint32_t> region_index_;
    bool region_open_ = true;                          // --wave-operator: the program is in a selected region
    int v_region_ = -1, v_layer_ = -1, v_module_ = -1;
    std::vector<std::unique_ptr<TileVars>> tiles_;    // accelerator tiles traced
    std::map<int, TileVars*> dma_of_initiator_;       // NoC initiator index -> tile whose DMA it is
    std::map<int, TileVars*> regs_of_target_;         // NoC target index -> tile whose registers it is
    int plic_target_ = -1;
    struct Plic {
        int ext_irq = -1, claim = -1, claims = -1, complete = -1;
        std::vector<std::pair<std::string, int>> lines;  // tile name, var
    };
    std::optional<Plic> plic_;
    std::string io_name_;
    struct Plane {
        int packets = -1, in_flight = -1;
    };
    std::vector<Plane> planes_;                        // by NocPlane, when "noc" is traced
    bool rtl_ = false;                                 // tracing the systolic RTL
    std::string vcd_file_, rtl_file_;
    std::vector<std::string> filters_;                // translate filter files written
};

bool scope_selected(const std::vector<std::string>& scopes, const std::string& name);

}  // namespace edgebert::sim
