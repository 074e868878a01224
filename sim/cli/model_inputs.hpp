// The input sequences a user gives a command: token ids with their attention
// mask and token type ids, from the command line (--tokens, --attention-mask,
// --token-type-ids) or from a file (--input: JSON, JSON lines or CSV, as a
// Hugging Face tokenizer writes them). Shared by run, compile, reference and
// sentences.
#pragma once

#include <boost/program_options.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/model/albert_config.hpp"
#include "compiler/model/reference.hpp"

namespace edgebert::cli {

// One sequence and where it came from ("FILE line N", "--tokens", "synthetic(seed=S)").
struct InputSequence {
    model::ModelInput input;
    std::string origin;
    int line = 0;  // its line in the --input file (0: from the command line)
};

struct InputOptions {
    std::string tokens, attention_mask, token_type_ids, input_path;

    void add_to(boost::program_options::options_description& desc);
    // Every sequence: those of --input, or one from --tokens (else the synthetic tokens
    // of seq_len and seed) with --attention-mask / --token-type-ids. Each is checked
    // against the model: malformed option text is a UsageError naming the option (exit
    // 2); a wrong length or an out-of-range value an Error naming the option, or the
    // file, line and field, and the allowed range (exit 1).
    std::vector<InputSequence> sequences(const model::AlbertConfig& cfg, int seq_len, uint64_t seed) const;
    // The first of sequences(); when --input holds several, a note on stderr says that
    // `command` uses the first.
    InputSequence first(const model::AlbertConfig& cfg, int seq_len, uint64_t seed, const std::string& command) const;
    bool from_file() const { return !input_path.empty(); }

private:
    bool tokens_given_ = false, mask_given_ = false, types_given_ = false;
};

// Reads an input file; the format follows from its first character:
//   {...}     one JSON object {"input_ids": [...], "attention_mask": [...],
//             "token_type_ids": [...]} (the last two optional); its fields may also
//             be lists of lists, one per sequence (a tokenizer's batch), and several
//             objects may follow one another (JSON lines: one object per line)
//   [...]     a JSON array of such objects
//   else      CSV: a header naming the columns (input_ids, attention_mask,
//             token_type_ids; input_ids required), then one sequence per line with
//             the ids of each cell separated by spaces
// Every sequence is checked against `cfg`. Errors (FileFormatError, exit 1) name the
// file, the line and the field.
std::vector<InputSequence> read_input_file(const std::string& path, const model::AlbertConfig& cfg);
// The same from the file's text; `origin` names it in messages.
std::vector<InputSequence> parse_input_text(const std::string& text, const std::string& origin,
                                            const model::AlbertConfig& cfg);

// "1,0,1" as integers; text that is not a comma-separated list of integers is a
// UsageError naming `option`.
std::vector<int64_t> parse_int_list(const std::string& option, const std::string& text);

}  // namespace edgebert::cli
