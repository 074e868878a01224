/* Start-up: stack, global pointer, FPU on, zeroed .bss, trap vector, main(),
 * then the exit code through tohost ((code << 1) | 1), Spike's convention. */
    .section .text.init
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __stack_top
    li t0, 0x2000          /* mstatus.FS = initial: enable the FPU */
    csrs mstatus, t0
    csrwi fcsr, 0
    la t0, fw_trap_entry
    csrw mtvec, t0
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  call main
    call fw_exit
3:  j 3b

    .align 4
fw_trap_entry:
    csrr a0, mcause
    csrr a1, mepc
    csrr a2, mtval
    call fw_trap
4:  j 4b
