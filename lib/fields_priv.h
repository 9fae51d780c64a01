/* fields_priv.h: glue between the flex scanner, the bison parser and fields.c. */
#ifndef JUMP_FIELDS_PRIV_H
#define JUMP_FIELDS_PRIV_H

#include "fields.h"
#include "diag.h"

struct buf;

struct fields_scan_extra {
    int line, col;
};

struct fields_state {
    const char *path;
    fields_fn fn;
    void *ctx;
    jerr *e;
    int failed;
    fields_line cur;
    struct buf *text;          /* this line's fields and comment, each NUL-terminated */
    size_t off[FIELDS_MAX];    /* where each field starts in text */
    long comment_off;          /* where the comment starts, or -1 */
};

struct FIELDS_YYLTYPE;
void fields_loc_step(void *loc, struct fields_scan_extra *x, const char *text, int len);
int fields_add(struct fields_state *st, const char *word, int line, int col);
void fields_comment(struct fields_state *st, const char *text);
int fields_end_line(struct fields_state *st, int line);
void fields_syntax_error(struct fields_state *st, int line, int col, const char *msg);

#endif
