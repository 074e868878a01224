#include "hw/soc/soc.hpp"

#include <fmt/format.h>

#include <exception>

#include "common/error.hpp"

namespace edgebert::hw {

namespace {

DramConfig dram_of(const SocConfig& c) { return c.dram; }

PlicConfig plic_of(const SocConfig& c) {
    PlicConfig p;
    p.base = c.map.plic_base;
    p.num_sources = c.plic_sources;
    p.clock_mhz = c.noc.clock_mhz;
    return p;
}

UartConfig uart_of(const SocConfig& c) {
    UartConfig u;
    u.base = c.map.uart_base;
    u.clock_mhz = c.noc.clock_mhz;
    return u;
}

TimerConfig timer_of(const SocConfig& c) {
    TimerConfig t;
    t.base = c.map.timer_base;
    t.freq_hz = static_cast<uint64_t>(c.cpu_clock_mhz * 1e6);  // mtime counts CPU cycles
    t.clock_mhz = c.cpu_clock_mhz;
    return t;
}

}  // namespace

Soc::Soc(sc_core::sc_module_name name, const SocConfig& cfg, bool with_iss)
    : sc_module(name),
      cfg_((cfg.validate(cfg.name), cfg)),
      noc("noc", cfg_.noc),
      dram("dram", dram_of(cfg_)),
      plic("plic", plic_of(cfg_)),
      uart("uart", uart_of(cfg_)),
      timer("timer", timer_of(cfg_)),
      host("host", cfg_) {
    const TileSpec& cpu = cfg_.cpu();
    const TileSpec& mem = cfg_.memory();
    const TileSpec* io = cfg_.io();
    const int io_x = io ? io->x : cpu.x, io_y = io ? io->y : cpu.y;

    // Initiators, in binding order: the host on the MMIO plane, then every DMA
    // master through its tile's DMA port (which tags the coherence mode).
    noc.add_initiator(cpu.x, cpu.y, NocPlane::Mmio, "host");
    host.data.bind(noc.in);
    auto dma_port = [&](const TileSpec& t) -> DmaPort& {
        const int index = static_cast<int>(&t - cfg_.tiles.data());
        auto port = std::make_unique<DmaPort>((t.name + "_dma_port").c_str(), index, t.coherence, cfg_.caches, dram,
                                              cfg_.noc.clock_mhz);
        noc.add_initiator(t.x, t.y, NocPlane::Dma, t.name + ".dma");
        port->out.bind(noc.in);
        if (port->coh) {  // the tile's private cache for fully coherent DMA
            noc.add_initiator(t.x, t.y, NocPlane::Coh, t.name + ".coh");
            port->coh->bind(noc.in);
        }
        return *(dma_ports_[t.name] = std::move(port));
    };
    for (const TileSpec* t : cfg_.tiles_of(TileKind::Edgebert)) {
        edgebert_.push_back(std::make_unique<EdgebertTile>(t->name.c_str(), cfg_.edgebert));
        edgebert_.back()->axi_master().bind(dma_port(*t).in);
    }
    for (const TileSpec* t : cfg_.tiles_of(TileKind::Systolic)) {
        systolic_.push_back(std::make_unique<SystolicTile>(t->name.c_str(), cfg_.systolic));
        systolic_.back()->axi_master.bind(dma_port(*t).in);
    }

    if (with_iss) {
        iss_host_ = std::make_unique<IssHost>("iss", cfg_, dram);
        noc.add_initiator(cpu.x, cpu.y, NocPlane::Mmio, "iss");
        iss_host_->data.bind(noc.in);
        noc.add_initiator(cpu.x, cpu.y, NocPlane::Coh, "iss.coh");
        iss_host_->coh.bind(noc.in);
    }

    // Targets: DRAM in the memory tile, register windows, the io tile's
    // peripherals, the timer beside the cpu.
    MemoryTile::Geometry where;
    where.x = mem.x;
    where.y = mem.y;
    where.cpu_x = cpu.x;
    where.cpu_y = cpu.y;
    memory_tile_ = std::make_unique<MemoryTile>("mem_tile", cfg_.caches, dram, noc, where);
    noc.add_target(mem.x, mem.y, cfg_.dram.base, cfg_.dram.size, "dram");
    noc.out.bind(memory_tile_->in);
    memory_tile_->to_dram.bind(dram.socket);
    // Coherence warnings name the program region the CPU is in (the RISC-V core's
    // markers when it runs the program, else the native host's).
    memory_tile_->set_region_annotator([this](CoherenceWarning& w) {
        if (iss_host_ ? !iss_host_->has_region() : !host.has_region()) return;
        const RegionKey& r = iss_host_ ? iss_host_->region() : host.region();
        w.layer = static_cast<int>(r.layer);
        w.module = static_cast<int>(r.module);
        w.op = r.op;
    });
    if (iss_host_ && iss_host_->caches()) {
        memory_tile_->set_cpu_caches(iss_host_->caches());
        iss_host_->caches()->set_stale_read_observer([this](uint64_t line) {
            CoherenceWarning w;
            w.kind = "cpu_read_stale";
            w.addr = line;
            w.lines = 1;
            memory_tile_->warn(std::move(w));
        });
    }
    for (size_t i = 0; i < cfg_.tiles.size(); ++i) {
        const TileSpec& t = cfg_.tiles[i];
        if (auto p = dma_ports_.find(t.name); p != dma_ports_.end() && p->second->cache())
            memory_tile_->add_accelerator_cache(p->second->cache(), t.x, t.y, static_cast<int>(i));
    }
    // ESP's cache controllers: the L2's in the CPU tile, the LLC's in the memory tile.
    l2_ctrl_ = std::make_unique<CacheController>("l2_ctrl", cfg_.map.l2_ctrl_base, 0, [this](sc_core::sc_time start) {
        return iss_host_ ? iss_host_->flush_caches(start) : sc_core::SC_ZERO_TIME;
    });
    noc.add_target(cpu.x, cpu.y, cfg_.map.l2_ctrl_base, CacheController::kWindowBytes, "l2_ctrl");
    noc.out.bind(l2_ctrl_->socket);
    llc_ctrl_ = std::make_unique<CacheController>("llc_ctrl", cfg_.map.llc_ctrl_base, 0,
                                                  [this](sc_core::sc_time start) { return memory_tile_->flush(start); });
    noc.add_target(mem.x, mem.y, cfg_.map.llc_ctrl_base, CacheController::kWindowBytes, "llc_ctrl");
    noc.out.bind(llc_ctrl_->socket);
    auto window = [&](const TileSpec& t, auto& target_socket) {
        adapters_.push_back(std::make_unique<WindowAdapter>((t.name + "_window").c_str(), t.reg_base));
        noc.add_target(t.x, t.y, t.reg_base, t.reg_size, t.name + ".regs");
        noc.out.bind(adapters_.back()->in);
        adapters_.back()->out.bind(target_socket);
    };
    size_t ei = 0, si = 0;
    for (const TileSpec* t : cfg_.tiles_of(TileKind::Edgebert)) window(*t, edgebert_[ei++]->cfg_socket());
    for (const TileSpec* t : cfg_.tiles_of(TileKind::Systolic)) window(*t, systolic_[si++]->cfg_socket);
    noc.add_target(io_x, io_y, cfg_.map.plic_base, cfg_.map.plic_size, "plic");
    noc.out.bind(plic.socket);
    noc.add_target(io_x, io_y, cfg_.map.uart_base, cfg_.map.uart_size, "uart");
    noc.out.bind(uart.socket);
    noc.add_target(cpu.x, cpu.y, cfg_.map.timer_base, cfg_.map.timer_size, "timer");
    noc.out.bind(timer.socket);

    // DMA coherence per accelerator tile (held by its DMA port); with an "esp"
    // section, ESP's per-tile CSR block sets it: each tile's block sits at that
    // tile on the MMIO plane (ESP reaches tile CSRs over its I/O plane).
    if (cfg_.esp) {
        EspCsrConfig ec;
        ec.base = cfg_.esp->csr_base;
        ec.tile_stride = cfg_.esp->csr_tile_stride;
        ec.clock_mhz = cfg_.noc.clock_mhz;
        esp_csr_ = std::make_unique<EspCsr>("esp_csr", ec, cfg_.tiles);
        esp_csr_->set_coherence_callback(
            [this](const TileSpec& t, DmaCoherence mode) { set_dma_coherence(t.name, mode); });
        for (size_t i = 0; i < cfg_.tiles.size(); ++i) {
            const TileSpec& t = cfg_.tiles[i];
            // Pass-through (base 0): the CSR block decodes global addresses itself.
            adapters_.push_back(std::make_unique<WindowAdapter>((t.name + "_csr_window").c_str(), 0));
            noc.add_target(t.x, t.y, ec.base + i * ec.tile_stride, ec.tile_stride, t.name + ".csr");
            noc.out.bind(adapters_.back()->in);
            adapters_.back()->out.bind(esp_csr_->socket);
        }
    }

    // Interrupts: tile -> interrupt plane -> PLIC (in the io tile) -> host.
    ei = si = 0;
    for (const TileSpec* t : cfg_.tiles_of(TileKind::Edgebert)) {
        irq_links_.push_back(std::make_unique<IrqLink>((t->name + "_irq").c_str(), noc, edgebert_[ei++]->irq(),
                                                       t->x, t->y, io_x, io_y));
        plic.connect_source(t->irq, irq_links_.back()->out);
    }
    for (const TileSpec* t : cfg_.tiles_of(TileKind::Systolic)) {
        irq_links_.push_back(std::make_unique<IrqLink>((t->name + "_irq").c_str(), noc, systolic_[si++]->irq,
                                                       t->x, t->y, io_x, io_y));
        plic.connect_source(t->irq, irq_links_.back()->out);
    }
    host.connect_interrupt(plic.ext_irq);
    host.attach_backdoor(&dram);
    if (iss_host_) iss_host_->connect_interrupt(plic.ext_irq);
}

void Soc::run(const std::function<void(NativeHost&)>& program) {
    std::exception_ptr failure;
    bool finished = false;
    sc_core::sc_spawn([&] {
        try {
            program(host);
        } catch (...) {
            failure = std::current_exception();
        }
        finished = true;
    });
    // Every block sleeps on events: the simulation ends once the program and
    // the last interrupt pulses are done.
    sc_core::sc_start();
    if (failure) std::rethrow_exception(failure);
    if (!finished) throw Error("SoC run: the host program stalled (waiting for an interrupt that never came?)");
}

IssRunResult Soc::run_firmware(const std::string& elf, uint64_t max_cycles) {
    if (!iss_host_) throw Error("SoC built without the RISC-V core (with_iss = false)");
    iss_host_->load(elf);
    IssRunResult r;
    run([&](NativeHost&) { r = iss_host_->run(max_cycles); });
    return r;
}

DmaPort& Soc::dma_port(const std::string& tile_name) const {
    const auto it = dma_ports_.find(tile_name);
    if (it == dma_ports_.end())
        throw Error(fmt::format("SoC: '{}' is not an accelerator tile (DMA coherence applies to edgebert and "
                                "systolic tiles)",
                                tile_name));
    return *it->second;
}

DmaCoherence Soc::dma_coherence(const std::string& tile_name) const { return dma_port(tile_name).mode(); }

void Soc::set_dma_coherence(const std::string& tile_name, DmaCoherence mode) {
    dma_port(tile_name).set_mode(mode);
    if (esp_csr_)
        for (size_t i = 0; i < cfg_.tiles.size(); ++i)
            if (cfg_.tiles[i].name == tile_name) esp_csr_->set_coherence(i, mode);
}

void Soc::trace(sc_core::sc_trace_file* tf) const {
    for (const auto& e : edgebert_) e->trace(tf);
    sc_core::sc_trace(tf, plic.ext_irq, std::string(name()) + ".plic.ext_irq");
    for (const auto& l : irq_links_) sc_core::sc_trace(tf, l->out, std::string(l->name()) + ".out");
}

}  // namespace edgebert::hw
