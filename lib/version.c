/* version: parsing M.m[.p] and the version word. */
#include "version.h"
#include "jumpfmt.h"

#include <errno.h>
#include <stdlib.h>

int jump_version_parse(const char *v, unsigned *major, unsigned *minor, unsigned *patch)
{
    unsigned long part[3] = {0, 0, 0};
    int n = 0;
    const char *p = v;
    while (n < 3) {
        char *end;
        if (*p < '0' || *p > '9')
            return -1;
        errno = 0;
        part[n++] = strtoul(p, &end, 10);
        if (errno)
            return -1;
        p = end;
        if (!*p)
            break;
        if (*p != '.')
            return -1;
        p++;
    }
    if (*p || n < 2 || part[0] > 0x7fff || part[1] > 99 || part[2] > 99)
        return -1;
    *major = (unsigned)part[0];
    *minor = (unsigned)part[1];
    *patch = (unsigned)part[2];
    return 0;
}

uint32_t jump_version_word(unsigned major, unsigned minor, unsigned patch)
{
    return (uint32_t)JUMP_VERSION_WORD(major, minor, patch);
}
