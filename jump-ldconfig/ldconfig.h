/* ldconfig: the ldconfig-style step for jump images: <lib>.so.<M> -> newest <lib>.so.<M>.<m>[.<p>]. */
#ifndef JUMP_LDCONFIG_H
#define JUMP_LDCONFIG_H

#include <stddef.h>
#include <stdio.h>

typedef struct ldc_opts {
    int verbose;   /* -v: "<dir>:" and "\tlibxyz.so.1 => libxyz.so.1.0.0 (changed)" lines */
    int report;    /* -N: change nothing */
    int no_cache;  /* -C: write no image cache (and remove the directory's old one) */
    FILE *out;     /* where -v lines go */
} ldc_opts;

/* Update the links in one directory. `must_exist` 0 lets a missing directory pass silently
 * (the default directories). Prints warnings and errors itself; returns the exit status
 * (0, 1 when the directory cannot be read, 2 when a link cannot be made). */
int ldconfig_dir(const char *dir, int must_exist, const ldc_opts *o);

/* Write dir/jump.cache holding the images the n links dir/<lib>.so.<M> point at (an image
 * the loader would refuse stays out, quietly); none: remove it. A cache that cannot be
 * written or removed is a warning only (the loader never trusts an out-of-date copy).
 * Returns the exit status: 0. */
int ldconfig_cache(const char *dir, char *const *links, size_t n, const ldc_opts *o);

#endif
