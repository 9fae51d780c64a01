/* greet.c: calls into the C library (printf, fflush are host imports). */
#include <stdio.h>

#include "xyz.h"

void xyz_greet(const char *who)
{
    printf("hello, %s, from libxyz %s\n", who, xyz_version());
}
