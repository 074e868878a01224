#include "hw/soc/soc.hpp"

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

    // Initiators, in binding order: the host on the MMIO plane, then every DMA master.
    noc.add_initiator(cpu.x, cpu.y, NocPlane::Mmio, "host");
    host.data.bind(noc.in);
    for (const TileSpec* t : cfg_.tiles_of(TileKind::Edgebert)) {
        edgebert_.push_back(std::make_unique<EdgebertTile>(t->name.c_str(), cfg_.edgebert));
        noc.add_initiator(t->x, t->y, NocPlane::Dma, t->name + ".dma");
        edgebert_.back()->axi_master().bind(noc.in);
    }
    for (const TileSpec* t : cfg_.tiles_of(TileKind::Systolic)) {
        systolic_.push_back(std::make_unique<SystolicTile>(t->name.c_str(), cfg_.systolic));
        noc.add_initiator(t->x, t->y, NocPlane::Dma, t->name + ".dma");
        systolic_.back()->axi_master.bind(noc.in);
    }

    if (with_iss) {
        iss_host_ = std::make_unique<IssHost>("iss", cfg_, dram);
        noc.add_initiator(cpu.x, cpu.y, NocPlane::Mmio, "iss");
        iss_host_->data.bind(noc.in);
    }

    // Targets: DRAM in the memory tile, register windows, the io tile's
    // peripherals, the timer beside the cpu.
    noc.add_target(mem.x, mem.y, cfg_.dram.base, cfg_.dram.size, "dram");
    noc.out.bind(dram.socket);
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

void Soc::trace(sc_core::sc_trace_file* tf) const {
    for (const auto& e : edgebert_) e->trace(tf);
    sc_core::sc_trace(tf, plic.ext_irq, std::string(name()) + ".plic.ext_irq");
    for (const auto& l : irq_links_) sc_core::sc_trace(tf, l->out, std::string(l->name()) + ".out");
}

}  // namespace edgebert::hw
