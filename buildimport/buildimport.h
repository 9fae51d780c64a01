/* buildimport: jump.import from other jump libraries' stubs (DESIGN §3, §8). */
#ifndef JUMP_BUILDIMPORT_H
#define JUMP_BUILDIMPORT_H

typedef struct buildimport_opts {
    const char *output;  /* -o, or NULL for $JUMP_DIR/jump.import */
    const char *arch;    /* -m, or NULL: the first stub's, else the host's */
    int no_host;         /* --no-host: leave out the C library's variables */
    char **stubs;
    int nstubs;
} buildimport_opts;

/* Write the file (atomically); 0, or the exit status after printing the error. */
int buildimport_run(const buildimport_opts *o);

#endif
