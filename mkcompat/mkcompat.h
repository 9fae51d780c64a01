/* mkcompat: rebuild a jump.funcs or jump.vars that keeps every slot index and variable offset
 * of an existing stub library (DESIGN §8), so the next build is a drop-in replacement. */
#ifndef JUMP_MKCOMPAT_H
#define JUMP_MKCOMPAT_H

#include <stddef.h>
#include <stdio.h>

struct jerr;
struct stubmap;

typedef struct mkcompat_opts {
    int vars;           /* -v: jump.vars; else -f: jump.funcs */
    char **stubs;       /* stub paths, already found */
    size_t nstubs;
    const char *control;/* the current jump.funcs / jump.vars (NULL: $JUMP_DIR's) */
    int names;          /* JF_AOUT: control files with a.out names (--aout-names, JUMP_AOUT_NAMES) */
} mkcompat_opts;

/* Print the rebuilt file on `out` and the classic notes (Lost ..., Used N placeholder(s),
 * Found N new ...) on `notes`. Returns 0, 1 when a variable of the current file needs more
 * than the old library reserved for it (the file is printed with the old reserve), or -1
 * with e set. */
int mkcompat_run(const mkcompat_opts *o, FILE *out, FILE *notes, struct jerr *e);

/* Rebuilders on a loaded map and control file, for the tests: append the new file to `out`
 * and the notes to `notes`; return the number of placeholders used, or -1 with e set. With
 * `cur` NULL they work from the stub alone: every name it holds keeps its line. `flags`
 * (JF_AOUT or 0) is how `cur` was read and how the lines are written. */
struct jf_file;
struct buf;
long mkcompat_funcs(const struct stubmap *m, const struct jf_file *cur, int flags, struct buf *out,
                    struct buf *notes, struct jerr *e);
/* *overflows counts variables whose current size exceeds the old reserve. */
long mkcompat_vars(const struct stubmap *m, const struct jf_file *cur, int flags, struct buf *out,
                   struct buf *notes, unsigned *overflows, struct jerr *e);

#endif
