/* ldconfig: the ldconfig-style step for jump images: <lib>.so.<M> -> newest <lib>.so.<M>.<m>[.<p>]. */
#ifndef JUMP_LDCONFIG_H
#define JUMP_LDCONFIG_H

#include <stdio.h>

typedef struct ldc_opts {
    int verbose;   /* -v: "<dir>:" and "\tlibxyz.so.1 => libxyz.so.1.0.0 (changed)" lines */
    int report;    /* -N: change nothing */
    FILE *out;     /* where -v lines go */
} ldc_opts;

/* Update the links in one directory. `must_exist` 0 lets a missing directory pass silently
 * (the default directories). Prints warnings and errors itself; returns the exit status
 * (0, 1 when the directory cannot be read, 2 when a link cannot be made). */
int ldconfig_dir(const char *dir, int must_exist, const ldc_opts *o);

#endif
