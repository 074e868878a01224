// Lowers an ALBERT model to a Program for one target of the SoC:
//   edgebert  matmuls, softmax, layer norm, element add on the EdgeBERT tile,
//             the rest (embedding, GELU, re-layouts, classifier) on the CPU
//   systolic  matmuls as <= 32 x 32 x 32 INT8 calls on the systolic tile,
//             everything else on the CPU
//   cpu       everything on the host in FP32
// Two modes: `optimized` (what a good compiler does) and `thesis` (the
// published software's approach, for comparison with the silicon study).
// docs/compiler.md describes the lowering of each operator.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/model/albert_config.hpp"
#include "compiler/model/albert_weights.hpp"
#include "compiler/model/reference.hpp"
#include "compiler/program/program.hpp"
#include "hw/soc/soc_config.hpp"

namespace edgebert::compiler {

enum class Target { Edgebert, Systolic, Cpu };
enum class Mode { Optimized, Thesis };
const char* target_name(Target t);
Target parse_target(const std::string& s);  // throws Error listing the allowed names
const char* mode_name(Mode m);
Mode parse_mode(const std::string& s);

// The bottom of DRAM belongs to the firmware (16 MiB: code, data, stack; see
// firmware/common/link.ld) and to the program loader (16 MiB: descriptor and the
// program itself); the compiler places tensors above it.
constexpr uint64_t kFirmwareReserved = 32ull << 20;
constexpr uint64_t kProgramArea = 16ull << 20;  // offset of the loader's descriptor

struct CompileOptions {
    Target target = Target::Edgebert;
    Mode mode = Mode::Optimized;
    int layers = 1;
    bool offramps = false;  // after every layer: the early-exit off-ramp (pooler, classifier, entropy)
    // > 0 (edgebert target, with offramps): after every off-ramp the tile's entropy
    // unit judges the logits against this threshold and the program ends on exit.
    double exit_threshold = 0;
    // Thesis mode: the encoder layer's input (seq x hidden, FP32: the reference's
    // embedding output). The published flow starts from data already in memory.
    std::vector<float> thesis_input;
    // Thesis mode, edgebert target: time the silicon DMA projection's reference
    // transfers first (region "dma_reference", module embedding; docs/thesis-mode.md).
    bool silicon_dma_projection = false;
};

struct CompiledModel {
    Program program;
    uint32_t hidden_out = 0;   // F32 tensor: last layer's hidden states (seq x hidden)
    uint32_t logits_out = 0;   // F32 tensor: classifier logits (1 x labels)
    int entropy_slots = 0;     // executor result slots: 0 final classifier, 1..layers the off-ramps
    int exit_slot = -1;        // with exit_threshold: slot of the exit layer (0 = ran every layer), next its entropy
    // Thesis mode: hidden_out is the last layer's output in the target's own format
    // (I32, I8 or AF codes), and there are no logits (logits_out = kNoTensor).
    bool thesis = false;
};
constexpr uint32_t kNoTensor = UINT32_MAX;

// `act_max` is the calibration (max |x| per intermediate) from the FP32
// reference of the same input; it fixes every activation's AF bias / INT8 scale.
CompiledModel compile_model(const model::AlbertConfig& cfg, const model::AlbertWeights& w,
                            const model::ModelInput& in, const hw::SocConfig& soc, const CompileOptions& opt,
                            const std::map<std::string, float>& act_max);

// EdgeBERT magnitude-prunes the encoder's six matrices before quantizing them
// (`run --prune`): each to at least `sparsity` zeros, smallest magnitudes first.
void prune_encoder_weights(model::AlbertWeights& w, double sparsity);

}  // namespace edgebert::compiler
