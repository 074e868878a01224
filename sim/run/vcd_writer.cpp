#include "sim/run/vcd_writer.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <ctime>
#include <map>

#include "common/error.hpp"

namespace edgebert::sim {

namespace {

std::string id_code(size_t i) {
    std::string s;
    do {
        s += static_cast<char>('!' + i % 94);
        i /= 94;
    } while (i);
    return s;
}

std::vector<std::string> split_dots(const std::string& s) {
    std::vector<std::string> out;
    size_t a = 0;
    while (a <= s.size()) {
        const size_t b = s.find('.', a);
        out.push_back(s.substr(a, b == std::string::npos ? std::string::npos : b - a));
        if (b == std::string::npos) break;
        a = b + 1;
    }
    return out;
}

}  // namespace

VcdWriter::VcdWriter(const std::string& path, const Options& opt) : path_(path), opt_(opt), gate_(opt.gate_open) {
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) throw Error(fmt::format("{}: cannot write the waveform: {}", path, std::strerror(errno)));
    // The window's edges are time stamps of their own, so the first one holds
    // the initial values and the last one shows the state up to the edge.
    if (opt_.from_ps < opt_.to_ps) {
        push(opt_.from_ps, -1, kEdge, 0);
        if (opt_.to_ps != UINT64_MAX) push(opt_.to_ps, -1, kEdge, 0);
    }
}

VcdWriter::~VcdWriter() {
    if (f_) std::fclose(f_);
}

int VcdWriter::add(const std::string& scope, const std::string& name, int width, Type type) {
    if (header_)
        throw Error(fmt::format("{}: variable {}.{} declared after the first record was written", path_, scope, name));
    if (type == Type::Wire && (width < 1 || width > 64))
        throw Error(fmt::format("{}: variable {}.{}: width {} is out of range [1, 64]", path_, scope, name, width));
    Var v;
    v.scope = scope;
    v.name = name;
    v.width = type == Type::Real ? 64 : width;
    v.type = type;
    v.code = id_code(vars_.size());
    vars_.push_back(std::move(v));
    return static_cast<int>(vars_.size() - 1);
}

std::string VcdWriter::gtkwave_name(int id) const {
    const Var& v = vars_.at(static_cast<size_t>(id));
    std::string n = v.scope.empty() ? v.name : v.scope + "." + v.name;
    if (v.type == Type::Wire && v.width > 1) n += fmt::format("[{}:0]", v.width - 1);
    return n;
}

void VcdWriter::set_real(int id, uint64_t t_ps, double value) {
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    push(t_ps, id, kReal, bits);
}

void VcdWriter::push(uint64_t t, int id, Kind kind, uint64_t v) {
    if (finished_ || capped_) return;
    if (t >= opt_.to_ps && kind != kEdge) return;  // never written: nothing after the window is shown
    if (header_ && t < horizon_) {
        max_late_ps_ = std::max(max_late_ps_, horizon_ - t);
        t = horizon_;
        ++late_;
    }
    queue_.push(Rec{t, seq_++, id, kind, v});
}

void VcdWriter::apply(const Rec& r) {
    if (r.kind == kEdge) return;
    if (r.kind == kGate) {
        gate_ = r.v != 0;
        return;
    }
    Var& var = vars_[static_cast<size_t>(r.id)];
    uint64_t nv = r.v;
    if (r.kind == kAdd) nv = var.cur + r.v;
    if (var.type == Type::Wire && var.width < 64) nv &= (uint64_t{1} << var.width) - 1;
    if (nv != var.cur) {
        var.cur = nv;
        if (!var.dirty) {
            var.dirty = true;
            dirty_.push_back(r.id);
        }
    }
}

void VcdWriter::value_text(const Var& v, uint64_t bits, std::string& out) const {
    if (v.type == Type::Real) {
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        out += fmt::format("r{:.16g} {}\n", d, v.code);
    } else if (v.width == 1) {
        out += bits ? '1' : '0';
        out += v.code;
        out += '\n';
    } else {
        out += 'b';
        if (!bits) {
            out += '0';
        } else {
            int msb = 63;
            while (!((bits >> msb) & 1)) --msb;
            for (int b = msb; b >= 0; --b) out += ((bits >> b) & 1) ? '1' : '0';
        }
        out += ' ';
        out += v.code;
        out += '\n';
    }
}

void VcdWriter::end_time_stamp(uint64_t t) {
    const bool open_now = gate_ && t >= opt_.from_ps && t < opt_.to_ps && !capped_;
    if (open_now) {
        const bool opening = !open_, first = !opened_once_;
        std::vector<size_t> changed;
        if (opening) {
            for (size_t i = 0; i < vars_.size(); ++i)
                if (first || !vars_[i].ever_written || vars_[i].cur != vars_[i].written) changed.push_back(i);
        } else {
            for (int id : dirty_)
                if (vars_[static_cast<size_t>(id)].cur != vars_[static_cast<size_t>(id)].written)
                    changed.push_back(static_cast<size_t>(id));
        }
        if (!changed.empty() || opening) {
            std::string block = fmt::format("#{}\n", t);
            if (first) block += "$dumpvars\n";
            for (size_t i : changed) value_text(vars_[i], vars_[i].cur, block);
            if (first) block += "$end\n";
            if (opt_.limit_bytes && bytes_ + block.size() + 64 > opt_.limit_bytes) {
                capped_ = true;
                cut_ps_ = t;
                if (open_) {
                    emit(fmt::format("#{}\n", t));  // the state holds up to the cut
                    last_ps_ = t;
                }
                open_ = false;
            } else {
                emit(block);
                for (size_t i : changed) {
                    Var& v = vars_[i];
                    if (!opening) {
                        v.first_change = std::min(v.first_change, t);
                        v.last_change = t;
                        ++changes_;
                    }
                    v.written = v.cur;
                    v.ever_written = true;
                }
                if (first) first_ps_ = t;
                opened_once_ = true;
                last_ps_ = t;
                open_ = true;
            }
        }
    } else if (open_) {
        emit(fmt::format("#{}\n", t));  // closing: the state holds up to here
        last_ps_ = t;
        open_ = false;
    }
    for (int id : dirty_) vars_[static_cast<size_t>(id)].dirty = false;
    dirty_.clear();
}

void VcdWriter::flush(uint64_t before_ps) {
    if (!header_) write_header();
    while (!queue_.empty() && queue_.top().t < before_ps) {
        const uint64_t t = queue_.top().t;
        while (!queue_.empty() && queue_.top().t == t) {
            apply(queue_.top());
            queue_.pop();
        }
        end_time_stamp(t);
        if (capped_) {
            while (!queue_.empty()) queue_.pop();
            break;
        }
    }
    if (before_ps > horizon_) horizon_ = before_ps;
    if (buf_.size() > (1u << 20)) {
        std::fwrite(buf_.data(), 1, buf_.size(), f_);
        buf_.clear();
    }
}

void VcdWriter::finish(uint64_t end_ps) {
    if (finished_) return;
    if (end_ps < opt_.to_ps && end_ps >= opt_.from_ps) push(end_ps, -1, kEdge, 0);
    flush(end_ps == UINT64_MAX ? end_ps : end_ps + 1);
    while (!queue_.empty()) queue_.pop();
    if (open_ && last_ps_ < end_ps && end_ps != UINT64_MAX) {
        emit(fmt::format("#{}\n", end_ps));
        last_ps_ = end_ps;
    }
    finished_ = true;
    if (!buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), f_);
    buf_.clear();
    const bool failed = std::ferror(f_) != 0;
    std::fclose(f_);
    f_ = nullptr;
    if (failed) throw Error(fmt::format("{}: writing the waveform failed (disk full?)", path_));
}

void VcdWriter::emit(const std::string& s) {
    buf_ += s;
    bytes_ += s.size();
}

void VcdWriter::write_header() {
    header_ = true;
    const std::time_t now = std::time(nullptr);
    char date[64] = "";
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
    std::string h = fmt::format("$date {} $end\n$version edgebert-sim $end\n$timescale 1ps $end\n", date);
    // Scopes as a tree, children in order of first declaration.
    struct Node {
        std::vector<std::string> order;
        std::map<std::string, Node> kids;
        std::vector<size_t> vars;
    };
    Node root;
    for (size_t i = 0; i < vars_.size(); ++i) {
        Node* n = &root;
        if (!vars_[i].scope.empty())
            for (const auto& part : split_dots(vars_[i].scope)) {
                if (!n->kids.count(part)) n->order.push_back(part);
                n = &n->kids[part];
            }
        n->vars.push_back(i);
    }
    auto emit_node = [&](auto& self, const Node& n) -> void {
        for (size_t i : n.vars) {
            const Var& v = vars_[i];
            if (v.type == Type::Real) h += fmt::format("$var real 64 {} {} $end\n", v.code, v.name);
            else if (v.width == 1) h += fmt::format("$var wire 1 {} {} $end\n", v.code, v.name);
            else h += fmt::format("$var wire {} {} {} [{}:0] $end\n", v.width, v.code, v.name, v.width - 1);
        }
        for (const auto& k : n.order) {
            h += fmt::format("$scope module {} $end\n", k);
            self(self, n.kids.at(k));
            h += "$upscope $end\n";
        }
    };
    emit_node(emit_node, root);
    h += "$enddefinitions $end\n";
    emit(h);
}

}  // namespace edgebert::sim
