// riscv-tests syscall proxy: write(1, "hello\n", 6), then exit(7).
    .section .text.init
    .globl _start
_start:
    la s0, block
    li t0, 64
    sd t0, 0(s0)
    li t0, 1
    sd t0, 8(s0)
    la t0, msg
    sd t0, 16(s0)
    li t0, 6
    sd t0, 24(s0)
    la t5, tohost
    la t6, fromhost
    sd s0, 0(t5)
1:  ld t0, 0(t6)
    beqz t0, 1b
    sd zero, 0(t6)
    ld a0, 0(s0)                          // return value: bytes written
    li t0, 6
    bne a0, t0, bad
    li t0, 93
    sd t0, 0(s0)
    li t0, 7
    sd t0, 8(s0)
    sd s0, 0(t5)
1:  j 1b
bad:
    li a0, (99 << 1) | 1
    sd a0, 0(t5)
1:  j 1b
    .section .tohost, "aw", @progbits
    .balign 8
    .globl tohost
tohost: .dword 0
    .globl fromhost
fromhost: .dword 0
    .data
    .balign 8
block: .zero 64
msg: .ascii "hello\n"
