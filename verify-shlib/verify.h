/* verify-shlib: check that stub libraries describe a jump image exactly (DESIGN §8). */
#ifndef JUMP_VERIFY_H
#define JUMP_VERIFY_H

typedef struct verify_opts {
    const char *image;   /* -l: the image file */
    char **stubs;        /* stub libraries (.sa) */
    int nstubs;
} verify_opts;

/* Print the used address range, then either the classic "identical symbols" line (return
 * 0) or one line per difference and their count (return 1). An unreadable or malformed
 * image or stub is reported on stderr (return 2). */
int verify_shlib_run(const verify_opts *o);

#endif
