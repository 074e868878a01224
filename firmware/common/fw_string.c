/* memcpy, memmove and memset of the firmware, linked before the C library so
 * they replace picolibc's.
 *
 * Debian's picolibc is built for size: its memcpy and memset are byte loops
 * (about 10 and 5 cycles a byte on the ISS), and its malloc clears every block
 * it returns with that memset. The published EdgeBERT study ran on ESP's
 * toolchain with newlib, whose RISC-V memcpy and memset move 8-byte words
 * whenever the pointers allow it. These functions copy like that platform:
 *
 *   - memcpy / memmove: when source and destination share their offset within
 *     an 8-byte word, byte copies up to the first word boundary, then 8 words
 *     per iteration (all loads before the stores: no load-use stalls), then
 *     single words, then the bytes of the tail. Pointers of different offsets
 *     are copied byte by byte (newlib does the same).
 *   - memset: bytes up to the first word boundary, then the byte replicated
 *     into a word, 8 words per iteration, single words, and the tail's bytes.
 *
 * Built with -fno-builtin -fno-tree-loop-distribute-patterns
 * (firmware/CMakeLists.txt), so GCC does not turn these loops back into calls
 * of themselves. */
#include <stddef.h>
#include <stdint.h>

typedef uint64_t __attribute__((may_alias)) fw_word;
#define WORD_MASK ((uintptr_t)(sizeof(fw_word) - 1u))
/* The expected paths fall through (a static predictor takes forward branches as not taken). */
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Forward copy of n bytes; when the offsets agree, word by word. */
static inline void copy_forward(unsigned char* d, const unsigned char* s, size_t n) {
    if (LIKELY(n >= 2 * sizeof(fw_word) && (((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0)) {
        if (UNLIKELY((uintptr_t)d & WORD_MASK)) {
            do {
                *d++ = *s++;
                --n;
            } while ((uintptr_t)d & WORD_MASK);
        }
        fw_word* wd = (fw_word*)(void*)d;
        const fw_word* ws = (const fw_word*)(const void*)s;
        if (LIKELY(n >= 8 * sizeof(fw_word))) {
            do {
                const fw_word w0 = ws[0], w1 = ws[1], w2 = ws[2], w3 = ws[3];
                const fw_word w4 = ws[4], w5 = ws[5], w6 = ws[6], w7 = ws[7];
                wd[0] = w0, wd[1] = w1, wd[2] = w2, wd[3] = w3;
                wd[4] = w4, wd[5] = w5, wd[6] = w6, wd[7] = w7;
                n -= 8 * sizeof(fw_word), wd += 8, ws += 8;
            } while (n >= 8 * sizeof(fw_word));
        }
        if (UNLIKELY(n >= sizeof(fw_word))) {
            do {
                *wd++ = *ws++;
                n -= sizeof(fw_word);
            } while (n >= sizeof(fw_word));
        }
        d = (unsigned char*)wd;
        s = (const unsigned char*)ws;
    }
    if (UNLIKELY(n)) {
        const unsigned char* end = s + n;
        do *d++ = *s++;
        while (s != end);
    }
}

/* Backward copy of n bytes ending at d + n, s + n (memmove onto a higher, overlapping destination). */
static inline void copy_backward(unsigned char* d, const unsigned char* s, size_t n) {
    d += n;
    s += n;
    if (LIKELY(n >= 2 * sizeof(fw_word) && (((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0)) {
        if (UNLIKELY((uintptr_t)d & WORD_MASK)) {
            do {
                *--d = *--s;
                --n;
            } while ((uintptr_t)d & WORD_MASK);
        }
        fw_word* wd = (fw_word*)(void*)d;
        const fw_word* ws = (const fw_word*)(const void*)s;
        if (LIKELY(n >= 8 * sizeof(fw_word))) {
            do {
                wd -= 8, ws -= 8;
                const fw_word w0 = ws[0], w1 = ws[1], w2 = ws[2], w3 = ws[3];
                const fw_word w4 = ws[4], w5 = ws[5], w6 = ws[6], w7 = ws[7];
                wd[7] = w7, wd[6] = w6, wd[5] = w5, wd[4] = w4;
                wd[3] = w3, wd[2] = w2, wd[1] = w1, wd[0] = w0;
                n -= 8 * sizeof(fw_word);
            } while (n >= 8 * sizeof(fw_word));
        }
        if (UNLIKELY(n >= sizeof(fw_word))) {
            do {
                *--wd = *--ws;
                n -= sizeof(fw_word);
            } while (n >= sizeof(fw_word));
        }
        d = (unsigned char*)wd;
        s = (const unsigned char*)ws;
    }
    if (UNLIKELY(n)) {
        const unsigned char* begin = s - n;
        do *--d = *--s;
        while (s != begin);
    }
}

void* memcpy(void* restrict dst, const void* restrict src, size_t n) {
    copy_forward((unsigned char*)dst, (const unsigned char*)src, n);
    return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
    unsigned char* d = (unsigned char*)dst;
    const unsigned char* s = (const unsigned char*)src;
    /* Forward unless the destination starts inside the source. */
    if (LIKELY((uintptr_t)d - (uintptr_t)s >= n))
        copy_forward(d, s, n);
    else
        copy_backward(d, s, n);
    return dst;
}

void* memset(void* dst, int c, size_t n) {
    unsigned char* d = (unsigned char*)dst;
    const unsigned char b = (unsigned char)c;
    if (LIKELY(n >= 2 * sizeof(fw_word))) {
        if (UNLIKELY((uintptr_t)d & WORD_MASK)) {
            do {
                *d++ = b;
                --n;
            } while ((uintptr_t)d & WORD_MASK);
        }
        const fw_word w = (fw_word)b * 0x0101010101010101ull;
        fw_word* wd = (fw_word*)(void*)d;
        if (LIKELY(n >= 8 * sizeof(fw_word))) {
            do {
                wd[0] = w, wd[1] = w, wd[2] = w, wd[3] = w;
                wd[4] = w, wd[5] = w, wd[6] = w, wd[7] = w;
                n -= 8 * sizeof(fw_word), wd += 8;
            } while (n >= 8 * sizeof(fw_word));
        }
        if (UNLIKELY(n >= sizeof(fw_word))) {
            do {
                *wd++ = w;
                n -= sizeof(fw_word);
            } while (n >= sizeof(fw_word));
        }
        d = (unsigned char*)wd;
    }
    if (UNLIKELY(n)) {
        const unsigned char* end = d + n;
        do *d++ = b;
        while (d != end);
    }
    return dst;
}
