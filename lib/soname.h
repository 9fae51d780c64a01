/* soname: the version numbers in a jump image's file name, <lib>.so.<M>.<m>[.<p>], and the
 * numeric order jump-ldconfig uses to pick the newest image of each major. */
#ifndef JUMP_SONAME_H
#define JUMP_SONAME_H

#include <stddef.h>

typedef struct soname_ver {
    size_t linklen;             /* length of the "<lib>.so.<M>" prefix: the link's name */
    unsigned long major, minor, patch; /* a missing patch is 0 */
    int has_patch;
} soname_ver;

/* 1 and v filled if `name` is <lib>.so.<M>.<m>[.<p>] with a non-empty <lib> and decimal
 * numbers (no signs, no overflow); 0 otherwise. */
int soname_parse(const char *name, soname_ver *v);
/* Numeric order of two versions: <0, 0, >0 (so 1.0.10 is newer than 1.0.9). */
int soname_cmp(const soname_ver *a, const soname_ver *b);

#endif
