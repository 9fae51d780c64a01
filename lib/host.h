/* host: the C library of the machine (glibc), whose functions and variables jump images do not
 * contain but import by name when a program starts (DESIGN §5.2). */
#ifndef JUMP_HOST_H
#define JUMP_HOST_H

#include "arch.h"
#include "buf.h"
#include "strmap.h"

struct jerr;

/* Add the defined global symbols of the host library `file` ("libc.so.6", "libm.so.6",
 * "libc_nonshared.a") for architecture `a` to `m`, each mapped to its ELF symbol type + 1.
 * The map's keys point into the file's bytes, which are handed to the caller in *keep (free
 * with blob_free after the map). The file is found with gcc -print-file-name. */
int host_symbols(const arch *a, const char *file, strmap *m, blob *keep, struct jerr *e);

/* The path gcc would link for the C library file `file` of architecture a (gcc
 * -print-file-name), malloc'ed; NULL with e set when gcc does not know it. */
char *host_file(const arch *a, const char *file, struct jerr *e);

#endif
