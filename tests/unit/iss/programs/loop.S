// Never exits: the run stops at the instruction limit.
    .section .text.init
    .globl _start
_start:
    li a0, 0
1:  addi a0, a0, 1
    j 1b
    .section .tohost, "aw", @progbits
    .balign 8
    .globl tohost
tohost: .dword 0
