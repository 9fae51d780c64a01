/* prog.c: a program linked against libxyz.sa. */
#include <stdio.h>

#include "xyz.h"

static int ready_before_main = -1;

__attribute__((constructor)) static void early(void)
{
    /* The image's constructors run before the program's. */
    ready_before_main = xyz_ready();
}

int main(void)
{
    int v[] = {1, 2, 3, 4, 5};
    char *up = xyz_dup_upper("jump tables");
    printf("libxyz version %s\n", xyz_version());
    printf("image constructor ran before the program's: %s\n", ready_before_main == 1 ? "yes" : "no");
    xyz_greet("world");
    printf("greetings: %d\n", xyz_greetings);
    printf("upper: %s\n", up);
    xyz_free(up);
    printf("sum: %ld, fib(20): %ld\n", xyz_sum(v, 5), xyz_fib(20));
    return 0;
}
