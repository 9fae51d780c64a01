/* strings.c: allocation through the host C library. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "xyz.h"

char *xyz_dup_upper(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        p[i] = (char)toupper((unsigned char)s[i]);
    return p;
}

void xyz_free(char *p)
{
    free(p);
}
