/* mkimage: build a fixed-address jump image from a library's objects (DESIGN §5). */
#ifndef JUMP_MKIMAGE_H
#define JUMP_MKIMAGE_H

#include <stdint.h>

#include "arch.h"
#include "imgopts.h"

typedef struct mkimage_opts {
    img_opts p;             /* -l -v -a -j -g -d -m -F -f --aout-names */
    int keep;               /* -G: keep the generated assembly and linker script */
    int verbose;            /* -V: echo as/ld commands */
    char **inputs;          /* objects, archives, stubs, -l/-L options, after "--" */
    int ninputs;
} mkimage_opts;

/* Build the image. 0 on success; otherwise the process exit status, after printing the
 * error. */
int mkimage_run(const mkimage_opts *o);

#endif
