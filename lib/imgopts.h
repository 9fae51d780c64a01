/* imgopts: the image parameters mkimage and mkstubs share on their command lines
 * (-l image -v version -a address -j jumpsize -g gotsize -d dataaddr -w waddr -m arch -f
 * -F format --aout-names), parsed and checked in one place. */
#ifndef JUMP_IMGOPTS_H
#define JUMP_IMGOPTS_H

#include <stdint.h>

#include "arch.h"

typedef struct img_opts {
    const char *image;      /* -l: [dir/]root */
    const char *version;    /* -v: M.m[.p] */
    uint64_t origin;        /* -a */
    uint64_t jumpsize;      /* -j, default 0x4000 */
    uint64_t gotsize;       /* -g, default 0x1000 */
    uint64_t dataaddr;      /* -d, 0 = none */
    uint64_t waddr;         /* -w: writable origin of a split image, 0 = none */
    const arch *arch;       /* -m, or NULL: the tool finds out */
    int force;              /* -f */
    int aout_names;         /* --aout-names */
    int aout;               /* -F aout: write the classic a.out format (else -F elf) */
} img_opts;

/* The short options, for getopt; the long option --aout-names returns IMG_OPT_AOUT. */
#define IMG_OPTSTRING "l:v:a:j:g:d:w:m:fF:"
#define IMG_OPT_AOUT 0x100

/* Defaults: jumpsize 0x4000, gotsize 0x1000 (classic). */
void img_opts_init(img_opts *o);
struct jerr;
/* Take option c with its argument if it is one of ours (1), else 0; -1 with e set (a usage
 * error: status EXIT_USAGE) for a bad value. */
int img_opts_option(img_opts *o, int c, const char *arg, struct jerr *e);
/* -l, -v and -a are required: 0, or -1 with e naming the first one missing. */
int img_opts_require(const img_opts *o, struct jerr *e);
struct layout;
/* The image's layout from -a -j -g -d -w (layout_init, then layout_split for -w): 0, or -1
 * with e set. */
int img_opts_layout(const img_opts *o, struct layout *l, unsigned cellsize, uint64_t min_origin, struct jerr *e);

#endif
