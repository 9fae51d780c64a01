/* greet.c: calls into the C library (printf, fflush are host imports). */
#include <stdio.h>

#include "xyz.h"

int xyz_greetings; /* at a fixed address, reached through its GOT cell */

void xyz_greet(const char *who)
{
    xyz_greetings++;
    printf("hello, %s, from libxyz %s\n", who, xyz_version());
}
