// edgebert-sim: the command-line front end. A thin dispatcher over the
// subcommands in sim/cli; every error reaches the user as one clear line.
#include <systemc>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "sim/cli/cli_common.hpp"

namespace {

// The report is ours: keep SystemC's banner off stdout (read when the kernel starts).
const bool kQuietSystemC = (setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0), true);

void usage(std::ostream& os) {
    os << "edgebert-sim: hardware-software co-design simulator for EdgeBERT-class SoCs\n\n"
          "usage: edgebert-sim <command> [options]   (edgebert-sim <command> --help)\n\ncommands:\n";
    for (const auto& c : edgebert::cli::all_subcommands())
        os << "  " << c.name << std::string(12 - std::min<size_t>(11, c.name.size()), ' ') << c.summary << "\n";
}

}  // namespace

// SystemC's library owns main() and calls sc_main once the kernel is set up.
int sc_main(int argc, char** argv) {
    // SystemC's informational notes (e.g. the VCD timescale) are not for users.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
        std::string(argv[1]) == "help") {
        usage(argc < 2 ? std::cerr : std::cout);
        return argc < 2 ? 2 : 0;
    }
    const std::string name = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& c : edgebert::cli::all_subcommands()) {
        if (c.name != name) continue;
        try {
            return c.run(args);
        } catch (const edgebert::UsageError& e) {
            std::cerr << "error: " << e.what() << "\n";
            return 2;
        } catch (const edgebert::Error& e) {
            std::cerr << "error: " << e.what() << "\n";
            return 1;
        } catch (const std::exception& e) {
            std::cerr << "internal error: " << e.what() << "\n";
            return 3;
        }
    }
    std::cerr << "error: unknown command '" << name << "'\n\n";
    usage(std::cerr);
    return 2;
}
