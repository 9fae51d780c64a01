/* registry/cmd.h: one parsed `registry` command line, run by registry_run (registry.c). */
#ifndef JUMP_REGISTRY_CMD_H
#define JUMP_REGISTRY_CMD_H

#include <stdint.h>
#include <stdio.h>

struct jerr;

enum reg_cmd { RC_LIST, RC_CHECK, RC_ADD, RC_REMOVE, RC_FIND, RC_WHICH };

typedef struct registry_cmd {
    enum reg_cmd cmd;
    const char *table; /* the table's path (already resolved: -r, $JUMP_REGISTRY, installed) */
    int force;         /* add: accept overlaps and a second range for a name */
    const char *name, *version, *contact; /* add, remove (version, contact may be NULL) */
    uint64_t start, end;                  /* add: inclusive */
    uint64_t size, align, lo, hi;         /* find: the range must lie in [lo, hi] */
    uint64_t addr;                        /* which */
} registry_cmd;

/* Run one command, printing results to `out` and warnings with diag_warn. Returns EXIT_OK,
 * EXIT_BAD after printing a failed check (overlaps found, address not registered), or -1
 * with e set. */
int registry_run(const registry_cmd *c, FILE *out, struct jerr *e);

#endif
