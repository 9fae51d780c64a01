/* verify-shlib: check that stub libraries describe a jump image exactly (DESIGN §8). */
#ifndef JUMP_VERIFY_H
#define JUMP_VERIFY_H

typedef struct verify_opts {
    const char *image;   /* -l: the image file */
    char **stubs;        /* stub libraries (.sa) */
    int nstubs;
    /* --against / --program (issue D): */
    char *against;       /* the old stub library */
    const char *program; /* a linked program */
    const char *waivers; /* file of finding keys to silence */
    const char *old_image; /* --old-image: the old image, for abidiff's comparison of types */
    const char *registry;/* -r, else $JUMP_REGISTRY, else the installed table */
    int json;
} verify_opts;

/* Print the used address range, then either the classic "identical symbols" line (return
 * 0) or one line per difference and their count (return 1). An unreadable or malformed
 * image or stub is reported on stderr (return 2). */
int verify_shlib_run(const verify_opts *o);

/* The differences between stubs[0..n) and the image, a line each appended to `out`; their
 * number, or -1 (reported on stderr) if a file cannot be read. */
struct buf;
long verify_stubs_differences(const char *image, char *const *stubs, int n, struct buf *out);

/* --against OLD.sa (with image and stubs: the new library) or --program PROG (with image):
 * one graded finding per line (or JSON), a summary, and the status 0 identical, 4 compatible
 * changes only, 12 incompatible, 1 error. */
int verify_against_run(const verify_opts *o);

#endif
