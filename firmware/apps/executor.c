/* The program executor as firmware: runs a compiled program (eb_program.h)
 * that the simulator placed in DRAM, exactly as the native host does, but
 * with every CPU-side operator executed as real RISC-V instructions.
 *
 * The loader writes a descriptor at FW_PROGRAM_DESC: magic, the program's
 * address and size, and where to leave the executor's results. */
#include <string.h>

#include "eb_edgebert.h"
#include "eb_executor.h"
#include "eb_systolic.h"
#include "firmware.h"

#define FW_PROGRAM_DESC (0x80000000ull + 0x1000000ull)
#define FW_DESC_MAGIC 0x43534544474f5250ull /* "PROGDESC" */

typedef struct {
    uint64_t magic;
    uint64_t program_addr;
    uint64_t program_size;
    uint64_t results_addr;   /* eb_exec_state is copied here */
    uint64_t uart_base;      /* the SoC's UART (console and accounting markers) */
    uint64_t platform_bytes; /* sizeof(eb_platform) as the loader knows it */
} fw_program_desc;
#define FW_DESC_PLATFORM_OFFSET 64 /* the loader's eb_platform follows the descriptor */

int main(void) {
    const fw_program_desc* d = (const fw_program_desc*)(uintptr_t)FW_PROGRAM_DESC;
    if (d->magic != FW_DESC_MAGIC) {
        fw_puts("executor: no program descriptor\n");
        return 90;
    }
    /* The SoC this run is on: the loader's platform, not the header's (which
     * describes configs/soc/default.json only). */
    if (d->platform_bytes != sizeof(eb_platform)) {
        fw_puts("executor: the loader's platform description does not match this firmware\n");
        return 93;
    }
    static eb_platform platform;
    memcpy(&platform, (const void*)(uintptr_t)(FW_PROGRAM_DESC + FW_DESC_PLATFORM_OFFSET), sizeof platform);
    fw_set_uart_base(d->uart_base);
    eb_program prog;
    if (eb_program_parse((const void*)(uintptr_t)d->program_addr, d->program_size, &prog) != 0) {
        fw_puts("executor: malformed program\n");
        return 91;
    }
    const eb_platform* p = &platform;
    if (p->edgebert_base) eb_tile_init(p);
    if (p->systolic_base) eb_systolic_init(p);
    static eb_exec_state st;
    const int rc = eb_execute(p, &prog, &st);
    memcpy((void*)(uintptr_t)d->results_addr, &st, sizeof st);
    if (rc) {
        fw_puts("executor: instruction ");
        fw_put_dec(st.error_instr);
        fw_puts(" failed with ");
        fw_put_dec(rc);
        fw_puts("\n");
        return 92;
    }
    return 0;
}
