/* Compiled programs: the file format the compiler writes and the runtime's
 * executor runs (docs/program-format.md).
 *
 * File: eb_program_header, then `num_tensors` eb_tensor records, then
 * `num_instrs` eb_instr records, then `strings_bytes` of NUL-separated
 * operator names. All little endian. The DRAM image the program expects
 * (weights, inputs) is a separate part of the compiler's output. */
#ifndef EB_PROGRAM_H
#define EB_PROGRAM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EB_PROGRAM_MAGIC 0x3130474F52504245ull /* "EBPROG01" */

typedef struct {
    uint64_t magic;
    uint32_t version;       /* 1 */
    uint32_t target;        /* eb_target */
    uint32_t num_tensors;
    uint32_t num_instrs;
    uint32_t strings_bytes;
    uint32_t reserved;
} eb_program_header;

typedef enum { EB_TARGET_EDGEBERT = 0, EB_TARGET_SYSTOLIC = 1, EB_TARGET_CPU = 2 } eb_target;

/* Tensor formats in DRAM. */
typedef enum {
    EB_FMT_F32 = 0,       /* rows x cols floats, row stride `ld` elements */
    EB_FMT_AF_BLOCKS = 1, /* AdaptivFloat codes, bitmask-encoded per block of block_rows rows */
    EB_FMT_I8 = 2,        /* rows x cols int8, row stride ld, value = q * scale */
    EB_FMT_I32 = 3,       /* rows x cols int32, row stride ld, value = q * scale */
    EB_FMT_AF_DENSE = 4   /* rows x cols AdaptivFloat codes, one byte each, row stride ld, bias exp_bias
                             (thesis mode: the published software's `char` arrays) */
} eb_format;

/* An AF block b starts at addr + b * block_stride: the mask words
 * (vectors * lanes/8 bytes), then, 64-byte aligned, at most `vectors` packed
 * input rows of `lanes` bytes (vectors = block_rows * cols / lanes). */
typedef struct {
    uint64_t addr;
    uint64_t block_stride;
    uint32_t format;
    uint32_t rows, cols, ld;
    uint32_t block_rows;
    int32_t exp_bias;
    float scale;
    uint32_t af_total_bits, af_exp_bits;
    uint32_t reserved[3];
} eb_tensor;

/* Modules of the encoder, for region markers and reports. */
typedef enum {
    EB_MOD_EMBEDDING = 0,
    EB_MOD_ATTENTION = 1,
    EB_MOD_POST_PROCESSING = 2,
    EB_MOD_FFN = 3,
    EB_MOD_CLASSIFIER = 4,
    EB_MOD_COUNT = 5
} eb_module;

typedef enum {
    EB_OP_END = 0,
    EB_OP_REGION = 1,     /* a0 layer, a1 module, a2 operator-name offset in the string table */
    EB_OP_EB_DMA = 2,     /* a0 sram | to_sram << 8 | dec << 16 | wait << 24, a1 sram row, a2 dram addr, a3 rows */
    EB_OP_EB_MATMUL = 3,  /* a0 n0 | n1 << 16 | m << 32, a1 a_mask | a_input << 16 | b_mask << 32 | b_input << 48,
                             a2 out_dec | out_mask << 16 | out_input << 32 | dense_out << 48 (ext: dense result),
                             a3 a_bias | b_bias << 8 | out_bias << 16 | relu << 24 | add_bias << 25 | shift << 32 |
                                (weight_bias & 0xFF) << 40, a4 wait */
    EB_OP_EB_SFU = 4,     /* a0 op | num_vector << 8 | num_timestep << 16 | out_dec << 24 | wait << 32 |
                                dense_out << 33 (ext: dense result),
                             a1 x_mask | x_input << 16 | y_mask << 32 | y_input << 48,
                             a2 out_mask | out_input << 16 | gamma_row << 32 | beta_row << 40 | span_row << 48,
                             a3 x_bias | y_bias << 8 | out_bias << 16 | gamma_bias << 24 | beta_bias << 32 |
                                span_bias << 40, a4 threshold_q10 | scale << 16 | direct_level << 24,
                             a5 the high bytes (value >> 8) of num_vector | num_timestep << 8 | gamma_row << 16 |
                                beta_row << 24 | span_row << 32 (extended register layout; 0 when they fit a byte) */
    EB_OP_EB_WAIT = 5,    /* a0 dma (1) or compute (0), a1 category the wait is accounted to */
    EB_OP_SYS_CALL = 6,   /* a0 m | n << 16 | k << 32 | accumulate << 48, a1 A addr, a2 B addr, a3 C addr,
                             a4 lda | ldb << 21 | ldc << 42 */
    EB_OP_HOST = 7,       /* sub = eb_host_kernel, a0..a5 kernel arguments (tensor indices, parameters),
                             a6 accounting category + 1 overriding the kernel's own (0: none) */
    EB_OP_EXIT_IF = 8,    /* early exit: if the tile's entropy status says exit (3), write a1 (the layer)
                             and the entropy (Q6.10) to result slots a0 and a0 + 1 and end the program */
    EB_OP_COUNT = 9
} eb_opcode;

/* CPU-side kernels the executor runs (arguments in docs/program-format.md). */
typedef enum {
    EB_H_EMBED = 1,          /* a0 token ids (I32, 1 x S), a1 word emb, a2 pos emb, a3 token type emb (F32, one row
                                per type id), a4 out (F32, S x E), a5 token type ids (I32, 1 x S, each < a3's rows):
                                out[s] = word[ids[s]] + pos[s] + type[type_ids[s]] */
    EB_H_MATMUL = 2,         /* a0 A, a1 B, a2 C: C (+)= A B^T (B: N x K), or A B (B: K x N) if a3 bit 1; a3 bit 0 accumulate */
    EB_H_ADD_BIAS = 3,       /* a0 x, a1 bias (1 x cols) */
    EB_H_ADD = 4,            /* a0 y, a1 a, a2 b */
    EB_H_LAYER_NORM = 5,     /* a0 x (in place), a1 gamma, a2 beta, a3 eps as float bits */
    EB_H_SOFTMAX = 6,        /* a0 x (in place), a1 scale as float bits, a2 key mask tensor + 1 (0: none; F32,
                                1 x x's cols: 0 for a kept key, -FLT_MAX for a padded one): per row,
                                x = softmax(x * scale + mask) */
    EB_H_GELU = 7,           /* a0 x (in place), a1 the function (eb_activation; 0: the tanh approximation) */
    EB_H_TANH = 8,           /* a0 x (in place) */
    EB_H_QUANTIZE = 9,       /* a0 src (F32), a1 dst (AF_BLOCKS or I8), a2 row offset into src, a3 col offset */
    EB_H_DEQUANTIZE = 10,    /* a0 src (AF_BLOCKS or I32), a1 dst (F32), a2 row offset into dst, a3 col offset */
    EB_H_TRANSPOSE = 11,     /* a0 src (rows x cols), a1 dst (cols x rows), same dense format (F32, I32, I8,
                                AF_DENSE); a2 bit 0: through a malloc'd temporary, then copied into dst (which may
                                then be src's own storage: an in-place transpose) */
    EB_H_COPY = 12,          /* a0 src, a1 dst (F32; staging copies into temporary tile buffers) */
    EB_H_MALLOC = 13,        /* a0 bytes, a1 slot (< EB_ALLOC_SLOTS): a real malloc, kept in the slot */
    EB_H_I32_ACCUMULATE = 14,/* a0 acc (I32), a1 part (I32) */
    EB_H_ENTROPY = 15,       /* a0 logits (F32, 1 x n), a1 result slot */
    EB_H_SLICE = 16,         /* a0 src (F32), a1 dst (F32), a2 row offset, a3 col offset: dst = src[r.., c..] */
    EB_H_I32_MATMUL = 17,    /* a0 A, a1 B, a2 C (I32): C = A B (B: K x N) by the naive loop, modulo 2^32 */
    EB_H_FREE = 18,          /* a0 slot: frees what EB_H_MALLOC put there */
    EB_H_I32_TO_I8 = 19,     /* a0 src (I32), a1 dst (I8), a2 right shift (0..31): dst = sat127(src >> shift) */
    EB_H_AF_GATHER = 24,     /* a0 src, a1 dst (AF_BLOCKS), a2 row offset, a3 col offset into src, a4 table + 1
                                (an AF_DENSE 1 x 256 code map, 0: none), a5 bit 0: the sources are dense streams
                                (every mask bit set; the result is one too): dst = table[src[r.., c..]] re-blocked
                                in the code domain (docs/compiler.md, "edgebert") */
    /* Thesis mode's EdgeBERT operators, each as the published driver ran it
     * (runtime/include/eb_thesis.h); AF_DENSE tensors; `staging`: the DMA
     * staging area (a tensor of eb_thesis_staging_bytes() bytes). */
    EB_H_EB_MATMUL_STAGED = 32,  /* a0 A (n0 x m), a1 B (m x n1), a2 C (n0 x n1), a3 staging, a4 right shift */
    EB_H_EB_SOFTMAX_STAGED = 33, /* a0 x, a1 y (x's storage, the output bias), a2 staging */
    EB_H_EB_ADD_LN_STAGED = 34,  /* a0 x, a1 y (x's storage), a2 residual, a3 gamma, a4 beta (1 x cols),
                                    a5 staging | sum bias field << 32: y = LayerNorm(x + residual) */
    EB_H_EB_DMA_REFERENCE = 35   /* a0 staging: times the silicon DMA projection's reference transfers */
} eb_host_kernel;

/* The activation function of EB_H_GELU (a1): the model's hidden_act. */
typedef enum {
    EB_ACT_GELU_TANH = 0, /* 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): HF gelu_new, gelu_pytorch_tanh, gelu_fast */
    EB_ACT_GELU_ERF = 1,  /* 0.5 x (1 + erf(x / sqrt(2))): HF gelu */
    EB_ACT_RELU = 2,      /* max(x, 0): HF relu */
    EB_ACT_COUNT = 3
} eb_activation;

/* What kind of CPU work a host operation is, for the cpu_compute split of the
 * reports (eb_hal_cpu_kind). */
typedef enum {
    EB_KIND_CONVERSION = 0, /* FP32 <-> AdaptivFloat / INT8, INT32 narrowing, the bitmask codec */
    EB_KIND_GELU = 1,
    EB_KIND_TRANSPOSE = 2,
    EB_KIND_SOFTMAX = 3,
    EB_KIND_LAYER_NORM = 4,
    EB_KIND_MATMUL = 5,     /* CPU matmuls and the accumulation of tile partial sums */
    EB_KIND_SPLICE = 6,     /* re-blocking tile-format (bitmask AF) activations between tile operators */
    EB_KIND_OTHER = 7,      /* everything else, drivers' register programming included */
    EB_KIND_COUNT = 8
} eb_cpu_kind;

/* Allocation slots of EB_H_MALLOC / EB_H_FREE (the executor's table). */
#define EB_ALLOC_SLOTS 64

/* Accounting categories of the published breakdown. */
typedef enum {
    EB_CAT_REGISTER = 0,
    EB_CAT_READ = 1,
    EB_CAT_WRITE = 2,
    EB_CAT_COMPUTE = 3,
    EB_CAT_MALLOC = 4,
    EB_CAT_MEMSET = 5,
    EB_CAT_TRANSPOSE = 6,
    EB_CAT_CPU_COMPUTE = 7,
    EB_CAT_FLUSH = 8, /* cache flushes and recalls for non-coherent / LLC-coherent DMA */
    EB_CAT_COUNT = 9
} eb_category;

typedef struct {
    eb_program_header header;
    const eb_tensor* tensors;
    const struct eb_instr_s* instrs;
    const char* strings;
} eb_program;

typedef struct eb_instr_s {
    uint32_t op;
    uint32_t sub;
    uint64_t a[7];
} eb_instr;

#ifdef __cplusplus
}
#endif

#endif /* EB_PROGRAM_H */
