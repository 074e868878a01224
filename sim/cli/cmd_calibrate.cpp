// `edgebert-sim calibrate`: re-derives the native host's cost table from the
// RISC-V core with the SoC's caches. Runs firmware/apps/calibrate.c on the ISS,
// which times each kind of CPU work with its data in the L1 D$ and the memory
// traffic (extra cycles per cache line) at working sets spanning the cache
// levels, and prints / writes the measured table (docs/host-costs.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "common/json_writer.hpp"
#include "hw/soc/soc.hpp"
#include "sim/cli/cli_common.hpp"
#include "sim/cli/commands.hpp"
#include "embedded_configs.hpp"

namespace edgebert::cli {

namespace {

// The firmware's descriptor (calibrate.c: cal_desc), at DRAM base + 16 MiB.
constexpr uint64_t kDescOffset = 0x1000000, kBufferOffset = 0x2000000;
constexpr uint64_t kDescMagic = 0x5357424c41434245ull;  // "EBCALBWS"
constexpr size_t kMaxPoints = 16;

// Working sets that put the traffic loops' data in every level of the data
// caches and beyond: 1/8 of the first level (the reference: L1 hits), 3/4 and
// 3/2 of every level's capacity (the LLC: all memory tiles' slices), and 4x
// and 16x the last level (DRAM).
std::vector<uint64_t> working_sets(const hw::SocConfig& cfg) {
    const auto& c = cfg.caches;
    std::vector<uint64_t> sizes;
    if (c.enabled) {
        for (const hw::CacheGeometry* g : {&c.l1d, &c.l2})
            if (g->enabled) sizes.push_back(g->size_bytes);
        if (c.llc.enabled) sizes.push_back(c.llc.size_bytes * std::max<size_t>(1, cfg.tiles_of(hw::TileKind::Mem).size()));
    }
    std::set<uint64_t> ws;
    if (sizes.empty()) {
        ws = {4096, 1u << 20};  // ideal memory: both points measure L1-like hits
    } else {
        ws.insert(std::max<uint64_t>(1024, sizes.front() / 8));
        for (uint64_t s : sizes) {
            ws.insert(s / 4 * 3);
            ws.insert(s / 2 * 3);
        }
        ws.insert(sizes.back() * 4);
        ws.insert(sizes.back() * 16);
    }
    const uint64_t cap = std::min<uint64_t>(64ull << 20, cfg.dram.size > kBufferOffset ? (cfg.dram.size - kBufferOffset) / 2 : 0);
    std::vector<uint64_t> out;
    for (uint64_t w : ws)
        if (w <= cap) out.push_back(w / 64 * 64);
    if (out.size() > kMaxPoints) out.resize(kMaxPoints);
    return out;
}

uint64_t line_bytes(const hw::SocConfig& cfg) {
    const hw::CacheGeometry* g = hw::first_data_level(cfg.caches);
    return g ? g->line_bytes : 16;
}

}  // namespace

int cmd_calibrate(const std::vector<std::string>& args) {
    po::options_description desc("options");
    std::string soc_path, json_path, soc_out;
    desc.add_options()
        ("soc", po::value(&soc_path), "SoC config (default: embedded configs/soc/default.json)")
        ("json", po::value(&json_path), "write {\"host_costs\": {...}} with the measured table")
        ("soc-out", po::value(&soc_out), "write a copy of the SoC config with the measured host_costs");
    po::variables_map vm;
    if (!parse_options("calibrate", "[options]", desc, args, vm)) return 0;
    const auto cfg = load_soc(soc_path);

    sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
    sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
    hw::Soc soc("soc", cfg, /*with_iss=*/true);
    const auto ws = working_sets(cfg);
    {
        const uint64_t lanes = static_cast<uint64_t>(cfg.edgebert.lanes);
        std::vector<uint64_t> d = {kDescMagic,         line_bytes(cfg),        cfg.dram.base + kBufferOffset,
                                   cfg.map.uart_base,  cfg.caches.enabled ? cfg.map.l2_ctrl_base : 0,
                                   cfg.caches.enabled ? cfg.map.llc_ctrl_base : 0, lanes, ws.size()};
        d.insert(d.end(), ws.begin(), ws.end());
        soc.dram.write(cfg.dram.base + kDescOffset, d.data(), d.size() * sizeof(uint64_t));
    }
    const auto r = soc.run_firmware(std::string(EDGEBERT_FIRMWARE_DIR) + "/calibrate.elf", 1ull << 36);
    const std::string out = soc.uart.take_output();
    if (!r.exited || r.exit_code != 0)
        throw Error(fmt::format("calibrate: the calibration firmware failed ({}); UART: {}", r.stop, out));

    hw::HostCostTable measured;
    std::vector<uint64_t> matmul;  // m n k cycles
    std::map<std::string, std::vector<uint64_t>> kernels;  // name -> a b cycles
    std::istringstream ss(out);
    std::string line;
    while (std::getline(ss, line)) {
        std::istringstream ls(line);
        std::string tag, name;
        if (!(ls >> tag)) continue;
        if (tag == "cost") {
            long long milli = 0;
            if (ls >> name >> milli) measured.set(name, milli / 1000.0);
        } else if (tag == "kernel") {
            uint64_t v = 0;
            if (!(ls >> name)) continue;
            while (ls >> v) kernels[name].push_back(v);
        } else if (tag == "matmul") {
            uint64_t v = 0;
            while (ls >> v) matmul.push_back(v);
        } else if (tag == "curve") {
            long long bytes = 0, milli = 0;
            if (!(ls >> name >> bytes >> milli)) continue;
            auto& c = measured.entries[name];
            c.emplace_back(static_cast<double>(bytes), milli / 1000.0);
        }
    }
    if (matmul.size() == 4 && measured.is_curve("load_line") && measured.is_curve("store_line")) {
        // fp32_mac: the measured product minus its memory traffic as the native host
        // charges it (eb_k_matmul_f32 and the executor's EB_H_MATMUL): A read once per
        // column block of 8 (runtime/src/eb_kernels.c: MM_NR) within A, a panel of
        // 128 x 8 and a strip of m x 8 floats; B loaded and C stored once within the
        // operation's bytes. Contiguous operands; k = 128 is one panel depth.
        const double m = static_cast<double>(matmul[0]), n = static_cast<double>(matmul[1]),
                     k = static_cast<double>(matmul[2]), line = static_cast<double>(line_bytes(cfg));
        const double a = m * k * 4, b = n * k * 4, c = m * n * 4, blocks = std::ceil(n / 8);
        const double traffic = blocks * a / line * measured.get("load_line", a + 128 * 8 * 4 + m * 8 * 4) +
                               b / line * measured.get("load_line", a + b + c) +
                               c / line * measured.get("store_line", a + b + c);
        measured.set("fp32_mac", std::round((static_cast<double>(matmul[3]) - traffic) / (m * n * k) * 1000.0) / 1000.0);
    }
    // Kinds measured inside the kernel that charges nearly all their units, net of
    // that kernel's other charges at their measured figures (runtime/include/eb_kernels.h):
    //   eb_k_softmax_f32 (rows x cols): FP32_ADD 3 rc, FP32_EXP rc, FP32_DIV r, FP32_MAC rc
    //   eb_k_gelu_new_f32 (n):          FP32_MAC 6 n, FP32_ADD 2 n, FP32_TANH n
    // and memcpy_call: a short memcpy's cycles beyond its bytes at memcpy_per_byte.
    auto net = [&](const char* kind, double cycles, double units, double others) {
        const double v = std::round((cycles - others) / units * 1000.0) / 1000.0;
        if (!(v > 0)) throw Error(fmt::format("calibrate: '{}' came out at {} cycles per unit", kind, v));
        measured.set(kind, v);
    };
    const auto has = [&](const char* k) { return measured.entries.count(k) > 0; };
    if (auto it = kernels.find("softmax"); it != kernels.end() && it->second.size() == 3 && has("fp32_add") &&
                                           has("fp32_mac") && has("fp32_div")) {
        const double r = static_cast<double>(it->second[0]), rc = r * static_cast<double>(it->second[1]);
        net("fp32_exp", static_cast<double>(it->second[2]), rc,
            rc * (3 * measured.get("fp32_add") + measured.get("fp32_mac")) + r * measured.get("fp32_div"));
    }
    if (auto it = kernels.find("gelu"); it != kernels.end() && it->second.size() == 3 && has("fp32_add") &&
                                        has("fp32_mac")) {
        const double n = static_cast<double>(it->second[0]);
        net("fp32_tanh", static_cast<double>(it->second[2]), n,
            n * (6 * measured.get("fp32_mac") + 2 * measured.get("fp32_add")));
    }
    // memcpy_call: rows (calls) x bytes copied, minus the bytes at memcpy_per_byte (a 4 KiB copy's).
    if (auto it = kernels.find("memcpy_rows"); it != kernels.end() && it->second.size() == 3 && has("memcpy_per_byte")) {
        const double calls = static_cast<double>(it->second[0]), bytes = calls * static_cast<double>(it->second[1]);
        net("memcpy_call", static_cast<double>(it->second[2]), calls, bytes * measured.get("memcpy_per_byte"));
    }
    for (const auto& [name, entry] : cfg.host_costs.entries)
        if (!measured.entries.count(name))
            throw Error(fmt::format("calibrate: the firmware measured no '{}' (UART: {})", name, out));

    boost::json::object costs;
    std::cout << fmt::format("{:<26} {:>12} {:>12}\n", "entry", "table", "measured");
    for (const auto& [name, curve] : measured.entries) {
        if (!measured.is_curve(name)) {
            costs[name] = curve.front().second;
            std::cout << fmt::format("{:<26} {:>12.3f} {:>12.3f}\n", name, cfg.host_costs.get(name),
                                     curve.front().second);
            continue;
        }
        boost::json::object points;
        for (const auto& [bytes, cycles] : curve) {
            points[fmt::format("{}", static_cast<uint64_t>(bytes))] = cycles;
            std::cout << fmt::format("{:<26} {:>12.3f} {:>12.3f}\n",
                                     fmt::format("{} @ {} KiB", name, bytes / 1024.0), cfg.host_costs.get(name, bytes),
                                     cycles);
        }
        costs[name] = points;
    }
    std::cout << fmt::format("(mmio_access: the driver path's core cycles per register access, the NoC and target "
                             "latency come from the models; the curves count {}-byte lines)\n",
                             line_bytes(cfg));
    const std::string source = fmt::format(
        "measured on the RISC-V ISS with the caches {} by `edgebert-sim calibrate` (firmware/apps/calibrate.c): "
        "cycles per unit of each kind with its data in the L1 D$; load_line / store_line: extra cycles per {}-byte "
        "line over the working set in bytes; mmio_access: the core cycles of the drivers per register access, the "
        "NoC and target latency come from the models",
        cfg.caches.enabled ? "on" : "off", line_bytes(cfg));
    if (!json_path.empty()) {
        write_json_file(json_path, boost::json::object{{"host_costs", costs}, {"source", source}});
        std::cout << "wrote " << json_path << "\n";
    }
    if (!soc_out.empty()) {
        boost::json::value v = soc_path.empty() ? parse_json_text(kDefaultSocJson, kDefaultSocOrigin)
                                                : parse_json_file(soc_path);
        boost::json::object hc;
        hc["_comment"] = source;
        for (const auto& kv : costs) hc[kv.key()] = kv.value();
        v.as_object()["host_costs"] = hc;
        write_json_file(soc_out, v);
        std::cout << "wrote " << soc_out << "\n";
    }
    return 0;
}

}  // namespace edgebert::cli
