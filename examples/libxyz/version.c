/* version.c: the version string, and the constructor that marks the library ready. */
#include "xyz.h"

#ifndef XYZ_VERSION
#define XYZ_VERSION "unknown"
#endif

static int ready;

__attribute__((constructor)) static void xyz_setup(void)
{
    ready = 1;
}

const char *xyz_version(void)
{
    return XYZ_VERSION;
}

int xyz_ready(void)
{
    return ready;
}
