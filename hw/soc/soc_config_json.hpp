// The effective SoC config (every field, after defaults) as JSON in exactly
// the format load_soc_config reads, and a short hash of it.
//
// parse_soc_config(soc_config_json_text(c)) gives back c for every valid c
// whose doubles have at most 15 significant digits (Boost.JSON 1.81 parses
// longer mantissas to within one ulp only; every shipped figure is shorter).
// Reports carry the object and its hash, so a design point says exactly
// which configuration produced it (docs/run-report.schema.json, `config`).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>

#include "hw/soc/soc_config.hpp"

namespace edgebert::hw {

// Every field of `c` under the keys the parser reads, in the parser's order.
// Addresses and sizes are "0x..." strings; integral doubles are written as integers.
boost::json::object soc_config_to_json(const SocConfig& c);

// The canonical text: soc_config_to_json serialized compactly (no spaces).
std::string soc_config_json_text(const SocConfig& c);

// 64-bit FNV-1a of the canonical text, and the same as 16 lower-case hex digits.
uint64_t soc_config_hash(const SocConfig& c);
std::string soc_config_hash_hex(const SocConfig& c);

// FNV-1a (64-bit) of any text: the hash above is this of the canonical text.
uint64_t fnv1a64(const std::string& text);

}  // namespace edgebert::hw
