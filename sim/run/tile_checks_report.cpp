#include "sim/run/tile_checks_report.hpp"

#include <fmt/format.h>

#include "hw/edgebert/control.hpp"
#include "sim/run/soc_runner.hpp"

namespace edgebert::sim {

namespace regs = hw::regs;

boost::json::object tile_checks_json(const hw::Control& control) {
    const auto& st = control.stats();
    boost::json::object by_cause;
    for (int c = 0; c < regs::kNumErrorCauses; ++c)
        if (st.warnings_by_cause[static_cast<size_t>(c)])
            by_cause[regs::error_cause_name(static_cast<regs::ErrorCause>(c))] =
                st.warnings_by_cause[static_cast<size_t>(c)];
    boost::json::array list;
    for (const auto& w : control.warnings()) {
        if (list.size() >= kListedTileWarnings) break;
        boost::json::object r;
        for (const auto& [name, value] : w.registers) r[name] = fmt::format("0x{:X}", value);
        list.push_back({{"cycle", w.cycle},
                        {"time_ps", w.time_ps},
                        {"command", regs::command_name(w.command)},
                        {"command_code", w.command},
                        {"cause", regs::error_cause_name(w.cause)},
                        {"check", w.check},
                        {"hardware", w.hardware},
                        {"registers", r}});
    }
    return {{"mode", hw::check_mode_name(control.checks())},
            {"warnings", st.warnings},
            {"by_cause", by_cause},
            {"refused", st.refused},
            {"list", list}};
}

void add_tile_checks(boost::json::object& target, const RunResult& r) {
    if (r.tile_checks.empty()) return;
    if (r.target == "edgebert" || r.tile_checks.at("warnings").as_uint64() || r.tile_checks.at("refused").as_uint64())
        target["tile_checks"] = r.tile_checks;
}

std::string tile_checks_line(const std::string& target, const boost::json::object& target_json) {
    if (!target_json.contains("tile_checks")) return "";
    const auto& tc = target_json.at("tile_checks").as_object();
    const uint64_t warnings = tc.at("warnings").as_uint64(), refused = tc.at("refused").as_uint64();
    if (!warnings && !refused) return "";
    std::string causes;
    for (const auto& [name, n] : tc.at("by_cause").as_object())
        causes += fmt::format("{}{} {}", causes.empty() ? "" : ", ", std::string(name), n.as_uint64());
    std::string line = fmt::format("{:<10} tile checks ({}):", target, std::string(tc.at("mode").as_string()));
    if (warnings) line += fmt::format(" {} warning{} ({})", warnings, warnings > 1 ? "s" : "", causes);
    if (refused) line += fmt::format("{} {} command{} refused", warnings ? "," : "", refused, refused > 1 ? "s" : "");
    return line + "; see tile_checks in the JSON report\n";
}

}  // namespace edgebert::sim
