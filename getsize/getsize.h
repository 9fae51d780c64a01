/* getsize: real sizes of the diverted variables into a new jump.vars. */
#ifndef JUMP_GETSIZE_H
#define JUMP_GETSIZE_H

#include <stdio.h>

struct jerr;

/* Print $JUMP_DIR/jump.vars with real sizes to `out`; *overflows counts the variables larger
 * than their reserve. `names` is JF_AOUT when jump.vars carries a.out names (read and printed
 * so). 0, or -1 with e set. */
int getsize_run(FILE *out, int names, int *overflows, struct jerr *e);

#endif
