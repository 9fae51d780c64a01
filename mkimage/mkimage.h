/* mkimage: build a fixed-address jump image from a library's objects (DESIGN §5). */
#ifndef JUMP_MKIMAGE_H
#define JUMP_MKIMAGE_H

#include <stdint.h>

#include "arch.h"

typedef struct mkimage_opts {
    const char *image;      /* -l: [dir/]root */
    const char *version;    /* -v: M.m[.p] */
    uint64_t origin;        /* -a */
    uint64_t jumpsize;      /* -j, default 0x4000 */
    uint64_t gotsize;       /* -g, default 0x1000 */
    uint64_t dataaddr;      /* -d, 0 = none */
    int force;              /* -f: accept changed jump.params, overlaps in the registry */
    int keep;               /* -G: keep the generated assembly and linker script */
    int verbose;            /* -V: echo as/ld commands */
    int aout_names;         /* --aout-names */
    const arch *arch;       /* -m, or NULL to take it from the first object */
    char **inputs;          /* objects, archives, stubs, -l/-L options, after "--" */
    int ninputs;
} mkimage_opts;

/* Build the image. 0 on success; otherwise the process exit status, after printing the
 * error. */
int mkimage_run(const mkimage_opts *o);

#endif
