/* vowels.c: the function appended in libxyz 1.1.0. */
#include <string.h>

#include "xyz.h"

int xyz_count_vowels(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += strchr("aeiouAEIOU", *s) != NULL;
    return n;
}
