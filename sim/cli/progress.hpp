// The progress of a run on stderr: on a terminal one line rewritten in place
// (at most four times a second); otherwise (a log, a pipe) one plain line per
// program region, so logs stay readable. Both estimate the time left from the
// regions done so far.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "hw/soc/native_host.hpp"

namespace edgebert::cli {

class Progress {
public:
    // `regions`: the program's region markers (the denominator of the estimate).
    Progress(std::string target, uint64_t regions, bool terminal);
    void region(const hw::RegionKey& k, uint64_t cycles);
    void finish();  // clears the terminal line

    static bool stderr_is_terminal();

private:
    std::string target_;
    uint64_t regions_, done_ = 0;
    bool terminal_, drawn_ = false;
    std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace edgebert::cli
