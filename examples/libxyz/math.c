/* math.c: pure functions. */
#include "xyz.h"

long xyz_sum(const int *v, size_t n)
{
    long s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

long xyz_fib(int n)
{
    return n < 2 ? n : xyz_fib(n - 1) + xyz_fib(n - 2);
}
