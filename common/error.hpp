// Error types shared by every part of the simulator.
//
// Every user-facing failure (bad config, malformed weight file, illegal shape)
// is reported with an Error whose message names the file / field / register and,
// where it applies, the allowed range. Nothing in the simulator aborts on bad
// input; the CLI catches Error at the top level and prints it.
#pragma once

#include <stdexcept>
#include <string>

namespace edgebert {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A configuration file or field is missing, malformed or out of range.
class ConfigError : public Error {
public:
    using Error::Error;
};

// A data file (weights, traces, tables) is malformed, truncated or inconsistent.
class FileFormatError : public Error {
public:
    using Error::Error;
};

// The command line itself is wrong: an unknown option, a malformed option
// value, a missing argument. The CLI exits with status 2 for it (1 for Error).
class UsageError : public Error {
public:
    using Error::Error;
};

// A shape or size does not fit the hardware or the model.
class ShapeError : public Error {
public:
    using Error::Error;
};

}  // namespace edgebert
