#include "sim/cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace edgebert::cli {

namespace {
const char* const kModuleNames[] = {"embedding", "attention", "post_processing", "ffn", "classifier"};

std::string seconds(double s) { return s < 90 ? fmt::format("{:.0f} s", s) : fmt::format("{:.1f} min", s / 60); }
}  // namespace

Progress::Progress(std::string target, uint64_t regions, bool terminal)
    : target_(std::move(target)), regions_(std::max<uint64_t>(regions, 1)), terminal_(terminal),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

bool Progress::stderr_is_terminal() { return isatty(fileno(stderr)) != 0; }

void Progress::region(const hw::RegionKey& k, uint64_t cycles) {
    ++done_;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    // Regions already entered are done but the current one: the rate of those done.
    const double left = done_ > 1 ? elapsed / double(done_ - 1) * double(regions_ - std::min(done_ - 1, regions_)) : 0;
    const char* module = k.module < 5 ? kModuleNames[k.module] : "?";
    if (terminal_) {
        if (now - last_ < std::chrono::milliseconds(250) && done_ > 1) return;
        last_ = now;
        drawn_ = true;
        std::cerr << fmt::format("\r[{}] {}/{} layer {} {:<16} {:<22} {:>12} cycles  {:6.2f} M cycles/s  ~{} left   ",
                                 target_, done_, regions_, k.layer, module, k.op, cycles,
                                 cycles / std::max(elapsed, 1e-9) / 1e6, seconds(left))
                  << std::flush;
    } else {
        std::cerr << fmt::format("[{}] region {}/{}: layer {} {} {} at {} cycles, {} elapsed, ~{} left\n", target_,
                                 done_, regions_, k.layer, module, k.op, cycles, seconds(elapsed), seconds(left));
    }
}

void Progress::finish() {
    if (terminal_ && drawn_) std::cerr << "\r" << std::string(120, ' ') << "\r" << std::flush;
}

}  // namespace edgebert::cli
