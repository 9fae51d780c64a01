/* callcost: the cost of one call of an empty exported function, built several ways by
 * bench/run.sh (linked against the static archive: a direct call; against the jump stub: a
 * call to the entry the stub put in the program, which jumps to the slot, -no-pie and PIE;
 * against the ELF shared library: a call through the PLT, -no-pie and, on x86-64, PIE). The best of
 * REPS repetitions of N calls, minus the best of the same loop without the call; printed as
 * nanoseconds (clock_gettime) and time-stamp-counter ticks (rdtsc) per call, then the gross
 * nanoseconds per iteration of the loop with the call.
 *
 * Both loops are written in assembly, each at the start of its own 64-byte line: a loop that
 * the compiler lays out happens to cross a fetch-block boundary in one binary and not in the
 * other (the three binaries place main differently), and that alone moved the empty loop from
 * one cycle per iteration to two, i.e. by 0.27 ns, more than the slot/PLT difference measured.
 * With the loops fixed, the three binaries run byte-identical loops at identical alignment and
 * differ only in where the call goes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

void b001_empty(void);
/* n calls of b001_empty; n iterations of the same loop without the call. */
void cc_loop_call(long n);
void cc_loop_empty(long n);

#if defined(__x86_64__)
#define CC_ENTER "    push %rbx\n    mov %rdi, %rbx\n"
#define CC_COUNT "%rbx"
#define CC_LEAVE "    pop %rbx\n    ret\n"
#else
#define CC_ENTER "    push %ebx\n    mov 8(%esp), %ebx\n"
#define CC_COUNT "%ebx"
#define CC_LEAVE "    pop %ebx\n    ret\n"
#endif
/* A loop of COUNT iterations, its body at a 32-byte boundary, the function at 64 bytes. */
#define CC_LOOP(name, body)                                                                    \
    ".p2align 6\n.globl " name "\n.type " name ", @function\n" name ":\n" CC_ENTER              \
    "    .p2align 5\n1:" body "    dec " CC_COUNT "\n    jnz 1b\n" CC_LEAVE ".size " name ", .-" name "\n"
/* CC_PLT: the call as position-independent code writes it, for the PIE variants. */
#ifdef CC_PLT
#define CC_CALL "  call b001_empty@PLT\n"
#else
#define CC_CALL "  call b001_empty\n"
#endif
__asm__(".text\n" CC_LOOP("cc_loop_call", CC_CALL) CC_LOOP("cc_loop_empty", "\n"));

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000000, reps = argc > 2 ? atol(argv[2]) : 15;
    uint64_t call_ns = UINT64_MAX, loop_ns = UINT64_MAX, call_tsc = UINT64_MAX, loop_tsc = UINT64_MAX;
    if (n < 1)
        n = 1;
    b001_empty(); /* bind it, for a lazily bound PLT */
    for (long r = 0; r < reps; r++) {
        uint64_t t0 = now_ns(), c0 = __rdtsc(), t1, c1;
        cc_loop_call(n);
        c1 = __rdtsc();
        t1 = now_ns();
        if (t1 - t0 < call_ns)
            call_ns = t1 - t0;
        if (c1 - c0 < call_tsc)
            call_tsc = c1 - c0;
        t0 = now_ns();
        c0 = __rdtsc();
        cc_loop_empty(n);
        c1 = __rdtsc();
        t1 = now_ns();
        if (t1 - t0 < loop_ns)
            loop_ns = t1 - t0;
        if (c1 - c0 < loop_tsc)
            loop_tsc = c1 - c0;
    }
    printf("%.3f\t%.3f\t%.3f\n", ((double)call_ns - (double)loop_ns) / (double)n,
           ((double)call_tsc - (double)loop_tsc) / (double)n, (double)call_ns / (double)n);
    return 0;
}
