#include "sim/cli/subprocess.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>

#include "common/error.hpp"

extern char** environ;

namespace edgebert::cli {

namespace {

std::atomic<pid_t> g_child{0};

void forward_signal(int sig) {
    const pid_t c = g_child.load();
    if (c > 0) kill(c, sig);
}

}  // namespace

bool ProcessResult::not_found() const { return spawn_errno != 0 || (WIFEXITED(status) && WEXITSTATUS(status) == 127); }
bool ProcessResult::ok() const { return !not_found() && WIFEXITED(status) && WEXITSTATUS(status) == 0; }
int ProcessResult::exit_code() const {
    return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}

ProcessResult run_process(const std::vector<std::string>& argv, ChildOutput output) {
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);

    int pipe_fds[2] = {-1, -1};
    if (output == ChildOutput::Capture && pipe(pipe_fds) != 0)
        throw Error(fmt::format("cannot create a pipe for '{}': {}", argv[0], std::strerror(errno)));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (output == ChildOutput::Discard) {
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    } else if (output == ChildOutput::Capture) {
        posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
        posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
        posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
    }
    std::cout.flush();
    std::cerr.flush();
    pid_t pid = 0;
    ProcessResult r;
    r.spawn_errno = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (output == ChildOutput::Capture) close(pipe_fds[1]);
    if (r.spawn_errno != 0) {
        if (output == ChildOutput::Capture) close(pipe_fds[0]);
        return r;
    }
    g_child = pid;
    struct sigaction fwd {}, old_int {}, old_term {};
    fwd.sa_handler = forward_signal;
    sigemptyset(&fwd.sa_mask);
    sigaction(SIGINT, &fwd, &old_int);
    sigaction(SIGTERM, &fwd, &old_term);
    if (output == ChildOutput::Capture) {
        char buf[4096];
        ssize_t n;
        while ((n = read(pipe_fds[0], buf, sizeof buf)) != 0) {
            if (n > 0) r.output.append(buf, size_t(n));
            else if (errno != EINTR) break;
        }
        close(pipe_fds[0]);
    }
    int wait_errno = 0;
    while (waitpid(pid, &r.status, 0) < 0) {
        if (errno != EINTR) {
            wait_errno = errno;
            break;
        }
    }
    g_child = 0;
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    if (wait_errno) throw Error(fmt::format("waiting for '{}' failed: {}", argv[0], std::strerror(wait_errno)));
    return r;
}

}  // namespace edgebert::cli
