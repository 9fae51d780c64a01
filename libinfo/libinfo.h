/* libinfo: the classic report on a jump library, read from its stub alone (DESIGN §8). */
#ifndef JUMP_LIBINFO_H
#define JUMP_LIBINFO_H

#include <stdio.h>

struct jerr;

/* Print the report on stub `path` to `out`, looking its range up in the registry table at
 * `registry` (NULL: $JUMP_REGISTRY, else the installed table). 0, or -1 with e set. */
int libinfo_run(const char *path, const char *registry, FILE *out, struct jerr *e);

#endif
