/* fields: the line syntax shared by every jump.* control file and the registry table:
 * fields separated by white space, '#' starts a comment, blank lines ignored. Scanned by
 * flex (lib/fields_scan.l) and parsed by bison (lib/fields_parse.y). */
#ifndef JUMP_FIELDS_H
#define JUMP_FIELDS_H

#include <stddef.h>

struct jerr;

#define FIELDS_MAX 64

typedef struct fields_line {
    unsigned line;             /* 1-based line number */
    int n;                     /* number of fields (0 for a comment-only or blank line) */
    char *f[FIELDS_MAX];       /* the fields, NUL-terminated, valid during the callback */
    unsigned col[FIELDS_MAX];  /* 1-based column of each field */
    const char *comment;       /* text after '#' (without it), or NULL */
} fields_line;

/* Called for every line, blank and comment lines included. Return 0 to go on, or -1 after
 * setting e to stop the parse with that error. */
typedef int (*fields_fn)(void *ctx, const fields_line *l, struct jerr *e);

/* Parse text (need not be NUL-terminated). `path` names the file in messages. 0 on success,
 * -1 with e set ("path:line:col: message") on a syntax error or a callback's error. */
int fields_parse(const char *path, const char *text, size_t len, fields_fn fn, void *ctx,
                 struct jerr *e);

#endif
