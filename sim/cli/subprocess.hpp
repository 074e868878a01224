// Running another program (python3 for `plot`, GNU parallel for `sweep`) with its
// arguments passed as they are, no shell.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace edgebert::cli {

struct ProcessResult {
    int spawn_errno = 0;  // non-zero: the program could not be started
    int status = 0;       // waitpid status otherwise
    std::string output;   // stdout and stderr, when captured
    bool not_found() const;
    bool ok() const;
    int exit_code() const;  // the exit status, 128 + signal if killed
};

enum class ChildOutput { Inherit, Discard, Capture };

// Runs argv[0] (looked up on PATH) and waits for it. While it runs, SIGINT and
// SIGTERM sent to this process are passed on to it (so a sweep stopped by its
// user stops its engine too) and the wait goes on until the child has exited.
ProcessResult run_process(const std::vector<std::string>& argv, ChildOutput output);

}  // namespace edgebert::cli
