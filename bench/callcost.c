/* callcost: the cost of one call of an empty exported function, built three ways by
 * bench/run.sh (linked against the static archive: a direct call; against the jump stub: a
 * call to the jump slot; against the ELF shared library: a call through the PLT). The best of
 * REPS repetitions of N calls, minus the best of the same loop without the call; printed as
 * nanoseconds (clock_gettime) and time-stamp-counter ticks (rdtsc) per call. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

void b001_empty(void);

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
    b001_empty(); /* bind it, for a lazily bound PLT */
    for (long r = 0; r < reps; r++) {
        uint64_t t0 = now_ns(), c0 = __rdtsc(), t1, c1;
        for (long i = 0; i < n; i++)
            b001_empty();
        c1 = __rdtsc();
        t1 = now_ns();
        if (t1 - t0 < call_ns)
            call_ns = t1 - t0;
        if (c1 - c0 < call_tsc)
            call_tsc = c1 - c0;
        t0 = now_ns();
        c0 = __rdtsc();
        for (long i = 0; i < n; i++)
            __asm__ volatile("" ::: "memory");
        c1 = __rdtsc();
        t1 = now_ns();
        if (t1 - t0 < loop_ns)
            loop_ns = t1 - t0;
        if (c1 - c0 < loop_tsc)
            loop_tsc = c1 - c0;
    }
    printf("%.3f\t%.3f\n", ((double)call_ns - (double)loop_ns) / (double)n,
           ((double)call_tsc - (double)loop_tsc) / (double)n);
    return 0;
}
