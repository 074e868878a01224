#include "hw/noc/mesh_noc.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <utility>

#include "common/error.hpp"

namespace edgebert::hw {

namespace {

std::string range_text(uint64_t base, uint64_t size) {
    // Inclusive last byte: base + size itself may not be representable.
    return fmt::format("[0x{:x}, 0x{:x}]", base, base + (size - 1));
}

constexpr std::array<NocPort, 4> kMeshPorts{NocPort::East, NocPort::West, NocPort::South, NocPort::North};

}  // namespace

const char* to_string(NocPlane p) {
    switch (p) {
        case NocPlane::Dma: return "dma";
        case NocPlane::Mmio: return "mmio";
        case NocPlane::Irq: return "irq";
        case NocPlane::Coh: return "coh";
    }
    return "?";
}

const char* to_string(NocPort p) {
    switch (p) {
        case NocPort::East: return "east";
        case NocPort::West: return "west";
        case NocPort::South: return "south";
        case NocPort::North: return "north";
        case NocPort::Inject: return "inject";
        case NocPort::Eject: return "eject";
    }
    return "?";
}

MeshNoc::MeshNoc(sc_core::sc_module_name name, const NocConfig& cfg)
    : sc_core::sc_module(name), in("in"), out("out"), cfg_(cfg) {
    cfg_.validate(this->name());
    cycle_ = cfg_.cycle();
    for (auto& p : planes_) p.links.resize(static_cast<size_t>(cfg_.tiles()) * kNocPorts);
    // The callbacks of `in` are registered at before_end_of_elaboration, so
    // that in.size() counts bindings exactly until then (see the header).
}

// ---------------------------------------------------------------- elaboration

int MeshNoc::bound_initiators() {
    return callbacks_registered_ ? bound_initiators_at_elaboration_ : static_cast<int>(in.size());
}

void MeshNoc::check_tile(const char* what, const std::string& name, int x, int y) const {
    if (x < 0 || x >= cfg_.cols)
        throw ConfigError(fmt::format("{}: {} '{}': tile x = {} is out of range [0, {}] (noc.cols = {})",
                                      this->name(), what, name, x, cfg_.cols - 1, cfg_.cols));
    if (y < 0 || y >= cfg_.rows)
        throw ConfigError(fmt::format("{}: {} '{}': tile y = {} is out of range [0, {}] (noc.rows = {})",
                                      this->name(), what, name, y, cfg_.rows - 1, cfg_.rows));
}

int MeshNoc::add_initiator(int x, int y, NocPlane plane, std::string name) {
    if (callbacks_registered_)
        throw ConfigError(fmt::format("{}: initiator '{}' registered after elaboration", this->name(), name));
    check_tile("initiator", name, x, y);
    if (idx(plane) < 0 || idx(plane) >= kNocPlanes)
        throw ConfigError(fmt::format("{}: initiator '{}': plane {} is out of range [0, {}]", this->name(), name,
                                      idx(plane), kNocPlanes - 1));
    const int index = num_initiators();
    const int bound = bound_initiators();
    if (bound != index)
        throw ConfigError(fmt::format(
            "{}: initiator '{}' registered as index {} but {} socket(s) are bound to 'in'; bind each initiator "
            "right after registering it so that its index is its binding order",
            this->name(), name, index, bound));
    InitiatorInfo info;
    info.x = x;
    info.y = y;
    info.name = std::move(name);
    info.plane = plane;
    initiators_.push_back(std::move(info));
    return index;
}

int MeshNoc::add_target(int x, int y, uint64_t base, uint64_t size, std::string name) {
    check_tile("target", name, x, y);
    if (size == 0)
        throw ConfigError(fmt::format("{}: target '{}': field 'size' = 0 must be > 0", this->name(), name));
    if (size - 1 > std::numeric_limits<uint64_t>::max() - base)
        throw ConfigError(fmt::format("{}: target '{}': base 0x{:x} + size 0x{:x} runs past the 64-bit address space",
                                      this->name(), name, base, size));
    const uint64_t last = base + (size - 1);
    // The only candidates for an overlap are the neighbours in base order.
    auto next = by_base_.lower_bound(base);
    if (next != by_base_.end() && next->first <= last) {
        const TargetInfo& o = targets_[static_cast<size_t>(next->second)];
        throw ConfigError(fmt::format("{}: target '{}' {} overlaps target '{}' {}", this->name(), name,
                                      range_text(base, size), o.name, range_text(o.base, o.size)));
    }
    if (next != by_base_.begin()) {
        const TargetInfo& o = targets_[static_cast<size_t>(std::prev(next)->second)];
        if (o.base + (o.size - 1) >= base)
            throw ConfigError(fmt::format("{}: target '{}' {} overlaps target '{}' {}", this->name(), name,
                                          range_text(base, size), o.name, range_text(o.base, o.size)));
    }
    const int index = num_targets();
    const int bound = static_cast<int>(out.size());
    if (bound != index)
        throw ConfigError(fmt::format(
            "{}: target '{}' registered as index {} but 'out' is bound to {} target(s); bind each target right "
            "after registering it so that its index is its binding order",
            this->name(), name, index, bound));
    TargetInfo info;
    info.x = x;
    info.y = y;
    info.name = std::move(name);
    info.base = base;
    info.size = size;
    targets_.push_back(std::move(info));
    by_base_.emplace(base, index);
    return index;
}

void MeshNoc::check_bindings() {
    const int bi = bound_initiators();
    if (bi != num_initiators())
        throw ConfigError(fmt::format("{}: {} initiator(s) registered with add_initiator() but {} bound to 'in'",
                                      name(), num_initiators(), bi));
    const int bt = static_cast<int>(out.size());
    if (bt != num_targets())
        throw ConfigError(fmt::format("{}: {} target(s) registered with add_target() but {} bound to 'out'", name(),
                                      num_targets(), bt));
}

void MeshNoc::before_end_of_elaboration() {
    check_bindings();
    bound_initiators_at_elaboration_ = static_cast<int>(in.size());
    callbacks_registered_ = true;
    in.register_b_transport(this, &MeshNoc::b_transport);
    in.register_transport_dbg(this, &MeshNoc::transport_dbg);
}

void MeshNoc::end_of_elaboration() { check_bindings(); }

// ---------------------------------------------------------------- geometry

int MeshNoc::decode(uint64_t addr) const {
    auto it = by_base_.upper_bound(addr);
    if (it == by_base_.begin()) return -1;
    --it;
    const TargetInfo& t = targets_[static_cast<size_t>(it->second)];
    return addr - t.base <= t.size - 1 ? it->second : -1;
}

uint64_t MeshNoc::data_flits(uint64_t bytes) const {
    const auto lb = static_cast<uint64_t>(cfg_.link_bytes());
    return bytes / lb + (bytes % lb != 0 ? 1 : 0);
}

uint64_t MeshNoc::request_flits(tlm::tlm_command cmd, uint64_t bytes) const {
    const auto h = static_cast<uint64_t>(cfg_.header_flits);
    return cmd == tlm::TLM_WRITE_COMMAND ? h + data_flits(bytes) : h;
}

uint64_t MeshNoc::response_flits(tlm::tlm_command cmd, uint64_t bytes, bool ok) const {
    const auto h = static_cast<uint64_t>(cfg_.header_flits);
    return cmd == tlm::TLM_READ_COMMAND && ok ? h + data_flits(bytes) : h;
}

int MeshNoc::hops(int x0, int y0, int x1, int y1) { return std::abs(x1 - x0) + std::abs(y1 - y0); }

sc_core::sc_time MeshNoc::uncontended_latency(int x0, int y0, int x1, int y1, uint64_t flits) const {
    return cycles(static_cast<uint64_t>(hops(x0, y0, x1, y1)) * static_cast<uint64_t>(cfg_.router_latency_cycles) +
                  flits);
}

bool MeshNoc::has_link(int x, int y, NocPort port) const {
    if (!on_grid(x, y)) return false;
    switch (port) {
        case NocPort::East: return x + 1 < cfg_.cols;
        case NocPort::West: return x > 0;
        case NocPort::South: return y + 1 < cfg_.rows;
        case NocPort::North: return y > 0;
        case NocPort::Inject:
        case NocPort::Eject: return true;
    }
    return false;
}

int MeshNoc::links_per_plane() const {
    // Inject + eject per tile, and both directions of every mesh edge.
    return 2 * cfg_.tiles() + 2 * (cfg_.rows * (cfg_.cols - 1) + cfg_.cols * (cfg_.rows - 1));
}

std::vector<MeshNoc::Hop> MeshNoc::path(int x0, int y0, int x1, int y1) const {
    if (!on_grid(x0, y0) || !on_grid(x1, y1))
        throw Error(fmt::format("{}: path from ({}, {}) to ({}, {}) leaves the {} x {} grid", name(), x0, y0, x1, y1,
                                cfg_.cols, cfg_.rows));
    std::vector<Hop> p;
    p.reserve(static_cast<size_t>(hops(x0, y0, x1, y1)) + 2);
    p.push_back({x0, y0, NocPort::Inject});
    int x = x0;
    int y = y0;
    while (x != x1) {
        const bool east = x1 > x;
        p.push_back({x, y, east ? NocPort::East : NocPort::West});
        x += east ? 1 : -1;
    }
    while (y != y1) {
        const bool south = y1 > y;
        p.push_back({x, y, south ? NocPort::South : NocPort::North});
        y += south ? 1 : -1;
    }
    p.push_back({x1, y1, NocPort::Eject});
    return p;
}

// ---------------------------------------------------------------- timing

sc_core::sc_time MeshNoc::first_fit(Link& l, sc_core::sc_time ready, sc_core::sc_time length) {
    auto& busy = l.busy;
    // Every initiator's local time is at or after the global time, so no
    // packet can start before it: intervals that ended by then are history.
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    while (l.head < busy.size() && busy[l.head].second <= now) ++l.head;
    if (l.head >= 64 && 2 * l.head >= busy.size()) {
        busy.erase(busy.begin(), busy.begin() + static_cast<std::ptrdiff_t>(l.head));
        l.head = 0;
    }
    const auto first = busy.begin() + static_cast<std::ptrdiff_t>(l.head);

    // Common case: the packet comes after every reservation.
    if (first == busy.end() || busy.back().second <= ready) {
        if (first != busy.end() && busy.back().second == ready) {
            busy.back().second = ready + length;
        } else {
            busy.emplace_back(ready, ready + length);
        }
        return ready;
    }
    // The first gap of `length` at or after `ready`.
    sc_core::sc_time t = ready;
    auto it = std::upper_bound(first, busy.end(), t,
                               [](const sc_core::sc_time& v, const auto& iv) { return v < iv.first; });
    if (it != first && std::prev(it)->second > t) t = std::prev(it)->second;
    while (it != busy.end() && it->first < t + length) {
        t = std::max(t, it->second);
        ++it;
    }
    // Insert [t, t + length) before `it`, merged with touching neighbours.
    const sc_core::sc_time start = t;
    sc_core::sc_time end = t + length;
    if (it != busy.end() && it->first == end) {
        end = it->second;
        it = busy.erase(it);
    }
    if (it != busy.begin() + static_cast<std::ptrdiff_t>(l.head) && std::prev(it)->second == start) {
        std::prev(it)->second = end;
    } else {
        busy.emplace(it, start, end);
    }
    return t;
}

sc_core::sc_time MeshNoc::reserve(Plane& p, int x, int y, NocPort port, uint64_t flits, sc_core::sc_time ready) {
    Link& l = p.links[link_index(x, y, port)];
    const sc_core::sc_time length = cycles(flits);
    const sc_core::sc_time start = cfg_.reservation == NocReservation::BusyUntil ? std::max(ready, l.busy_until)
                                                                                 : first_fit(l, ready, length);
    const sc_core::sc_time waited = start - ready;
    l.busy_until = std::max(l.busy_until, start + length);
    horizon_ = std::max(horizon_, l.busy_until);
    const double wait = to_cycles(waited);
    l.stats.packets += 1;
    l.stats.flits += flits;
    l.stats.busy_cycles += flits;
    l.stats.wait_cycles += wait;
    p.stats.link_flits += flits;
    p.stats.busy_cycles += flits;
    p.stats.wait_cycles += wait;
    return start;
}

sc_core::sc_time MeshNoc::route_packet(NocPlane plane, int x0, int y0, int x1, int y1, uint64_t flits,
                                       sc_core::sc_time start) {
    if (!on_grid(x0, y0) || !on_grid(x1, y1))
        throw Error(fmt::format("{}: packet from ({}, {}) to ({}, {}) leaves the {} x {} grid", name(), x0, y0, x1, y1,
                                cfg_.cols, cfg_.rows));
    if (idx(plane) < 0 || idx(plane) >= kNocPlanes)
        throw Error(fmt::format("{}: plane {} is out of range [0, {}]", name(), idx(plane), kNocPlanes - 1));
    if (flits < 1) throw Error(fmt::format("{}: a packet needs at least 1 flit (got {})", name(), flits));
    Plane& p = planes_[static_cast<size_t>(idx(plane))];
    const sc_core::sc_time hop = cycles(static_cast<uint64_t>(cfg_.router_latency_cycles));

    // The head claims the injection port, every link of the X-Y route and the
    // ejection port in turn; each is held for `flits` cycles from its claim.
    sc_core::sc_time head = reserve(p, x0, y0, NocPort::Inject, flits, start);
    int x = x0;
    int y = y0;
    while (x != x1) {
        const bool east = x1 > x;
        head = reserve(p, x, y, east ? NocPort::East : NocPort::West, flits, head) + hop;
        x += east ? 1 : -1;
    }
    while (y != y1) {
        const bool south = y1 > y;
        head = reserve(p, x, y, south ? NocPort::South : NocPort::North, flits, head) + hop;
        y += south ? 1 : -1;
    }
    const sc_core::sc_time tail = reserve(p, x1, y1, NocPort::Eject, flits, head) + cycles(flits);

    p.stats.packets += 1;
    p.stats.flits += flits;
    p.stats.latency_cycles += to_cycles(tail - start);
    if (packet_observer_) packet_observer_(plane, flits, start, tail);
    return tail;
}

sc_core::sc_time MeshNoc::route(NocPlane plane, int x0, int y0, int x1, int y1, int flits, sc_core::sc_time start) {
    if (flits < 1) throw Error(fmt::format("{}: a packet needs at least 1 flit (got {})", name(), flits));
    return route_packet(plane, x0, y0, x1, y1, static_cast<uint64_t>(flits), start);
}

sc_core::sc_time MeshNoc::send_message(NocPlane plane, int x0, int y0, int x1, int y1, int flits) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    return route(plane, x0, y0, x1, y1, flits, now) - now;
}

// ---------------------------------------------------------------- transport

void MeshNoc::b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    if (id < 0 || id >= num_initiators()) {
        // Unreachable when check_bindings() passed; answer rather than crash.
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    const InitiatorInfo& ini = initiators_[static_cast<size_t>(id)];
    Plane& p = planes_[static_cast<size_t>(idx(ini.plane))];
    const int t = decode(trans.get_address());
    if (t < 0) {
        // Decoded at the initiator's network interface: nothing enters the mesh.
        ++p.stats.decode_errors;
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    ++p.stats.transactions;
    const TargetInfo& tg = targets_[static_cast<size_t>(t)];
    const tlm::tlm_command cmd = trans.get_command();
    const uint64_t len = trans.get_data_length();

    const sc_core::sc_time req_start = sc_core::sc_time_stamp() + delay;
    const sc_core::sc_time req_end =
        route_packet(ini.plane, ini.x, ini.y, tg.x, tg.y, request_flits(cmd, len), req_start);
    delay += req_end - req_start;

    out[t]->b_transport(trans, delay);

    // The target may have waited: take the time afresh.
    const sc_core::sc_time rsp_start = sc_core::sc_time_stamp() + delay;
    const sc_core::sc_time rsp_end = route_packet(ini.plane, tg.x, tg.y, ini.x, ini.y,
                                                  response_flits(cmd, len, trans.is_response_ok()), rsp_start);
    delay += rsp_end - rsp_start;
    if (transfer_observer_) transfer_observer_(NocTransfer{id, t, ini.plane, &trans, req_start, rsp_end});
}

unsigned int MeshNoc::transport_dbg(int /*id*/, tlm::tlm_generic_payload& trans) {
    const int t = decode(trans.get_address());
    return t < 0 ? 0u : out[t]->transport_dbg(trans);
}

// ---------------------------------------------------------------- statistics

const NocLinkStats& MeshNoc::link_stats(NocPlane plane, int x, int y, NocPort port) const {
    if (idx(plane) < 0 || idx(plane) >= kNocPlanes || !has_link(x, y, port))
        throw Error(fmt::format("{}: no link '{}' at router ({}, {}) on plane {} of the {} x {} grid", name(),
                                to_string(port), x, y, idx(plane), cfg_.cols, cfg_.rows));
    return planes_[static_cast<size_t>(idx(plane))].links[link_index(x, y, port)].stats;
}

sc_core::sc_time MeshNoc::elapsed() const { return std::max(sc_core::sc_time_stamp(), horizon_); }

double MeshNoc::link_utilization(NocPlane plane, int x, int y, NocPort port, sc_core::sc_time elapsed) const {
    const double e = to_cycles(elapsed);
    return e > 0 ? static_cast<double>(link_stats(plane, x, y, port).busy_cycles) / e : 0.0;
}

double MeshNoc::plane_utilization(NocPlane plane, sc_core::sc_time elapsed) const {
    const double e = to_cycles(elapsed);
    if (!(e > 0)) return 0.0;
    return static_cast<double>(plane_stats(plane).busy_cycles) / (e * links_per_plane());
}

boost::json::object MeshNoc::stats_json(sc_core::sc_time elapsed) const {
    namespace json = boost::json;
    json::object cfg;
    cfg["cols"] = cfg_.cols;
    cfg["rows"] = cfg_.rows;
    cfg["router_latency_cycles"] = cfg_.router_latency_cycles;
    cfg["link_width_bits"] = cfg_.link_width_bits;
    cfg["clock_mhz"] = cfg_.clock_mhz;
    cfg["header_flits"] = cfg_.header_flits;

    json::object root;
    root["config"] = std::move(cfg);
    root["elapsed_cycles"] = to_cycles(elapsed);
    json::object planes;
    for (int pi = 0; pi < kNocPlanes; ++pi) {
        const auto plane = static_cast<NocPlane>(pi);
        const NocPlaneStats& s = plane_stats(plane);
        json::object o;
        o["transactions"] = s.transactions;
        o["decode_errors"] = s.decode_errors;
        o["packets"] = s.packets;
        o["flits"] = s.flits;
        o["link_flits"] = s.link_flits;
        o["busy_cycles"] = s.busy_cycles;
        o["wait_cycles"] = s.wait_cycles;
        o["mean_latency_cycles"] = s.packets ? s.latency_cycles / static_cast<double>(s.packets) : 0.0;
        o["utilization"] = plane_utilization(plane, elapsed);
        o["links_total"] = links_per_plane();
        double max_util = 0;
        json::array links;
        for (int y = 0; y < cfg_.rows; ++y)
            for (int x = 0; x < cfg_.cols; ++x)
                for (int port = 0; port < kNocPorts; ++port) {
                    const auto np = static_cast<NocPort>(port);
                    if (!has_link(x, y, np)) continue;
                    const NocLinkStats& l = link_stats(plane, x, y, np);
                    if (l.packets == 0) continue;
                    const double u = link_utilization(plane, x, y, np, elapsed);
                    max_util = std::max(max_util, u);
                    json::object lo;
                    lo["x"] = x;
                    lo["y"] = y;
                    lo["port"] = to_string(np);
                    lo["packets"] = l.packets;
                    lo["flits"] = l.flits;
                    lo["busy_cycles"] = l.busy_cycles;
                    lo["wait_cycles"] = l.wait_cycles;
                    lo["utilization"] = u;
                    links.push_back(std::move(lo));
                }
        o["max_link_utilization"] = max_util;
        o["links"] = std::move(links);
        planes[to_string(plane)] = std::move(o);
    }
    root["planes"] = std::move(planes);
    return root;
}

}  // namespace edgebert::hw
