/* getlog: the shared logic of getfuncs and getvars: split jump.log into new entries for
 * jump.funcs / jump.vars, appended to the existing file whose lines never move. */
#ifndef JUMP_GETLOG_H
#define JUMP_GETLOG_H

#include <stddef.h>

#include "buf.h"
#include "ctl.h"

struct jerr;

typedef enum gl_what { GL_FUNCS, GL_VARS } gl_what;

typedef struct gl_counts {
    size_t added;    /* new entries appended */
    size_t listed;   /* logged symbols the target already lists */
    size_t ignored;  /* logged symbols listed in jump.ignore */
    size_t imported; /* (getvars) logged symbols listed in jump.import */
    size_t hidden;   /* new symbols of hidden visibility, added to jump.ignore instead */
} gl_counts;

/* Is a log type one that `what` collects (T t for functions; D C K for variables)? */
int gl_wants(gl_what what, char type);

/* Choose the new entries for the target from the log. Every symbol must be logged with one
 * kind (function or variable) and one objfile, else -1 with e naming both log lines. Symbols
 * logged several times count once (variables keep their largest size; the last line gives
 * type and library). Symbols listed in `target`, `ignore` or `import` (getvars; may be NULL)
 * are counted and skipped; one listed in `other` (the other target file; may be NULL) with the
 * other kind is an error. The chosen entries are added to `add` (an empty jf_file the caller
 * owns and frees) sorted by (objfile, name); those jumpas logged as hidden go to `hide`
 * instead (same order), unless `hide` is NULL. */
int gl_select(gl_what what, const jf_file *log, const jf_file *target, const jf_file *other,
              const jf_file *ignore, const jf_file *import, jf_file *add, jf_file *hide,
              gl_counts *c, struct jerr *e);

typedef struct gl_result {
    char *target;   /* path of the target file (malloc'ed) */
    gl_counts c;
    buf appended;   /* the lines appended (or, dry run, that would be) */
    int backup;     /* a previous target was kept as <target>~ */
    size_t entries; /* lines the target has after the run (slots or GOT variables) */
} gl_result;

/* The whole step in directory `dir`: read jump.log, the target, jump.ignore (and jump.import
 * for variables), choose, and unless `dry_run` write the target atomically, keeping an existing
 * one as <target>~ first; symbols of hidden visibility are appended to jump.ignore the same
 * way (jump.ignore~). An existing target is not rewritten when there is nothing new; a missing
 * one is created, empty if need be. The caller frees r with gl_result_free (also after an
 * error). `names` is JF_AOUT when the files carry a.out names (read and appended so). */
int gl_run(gl_what what, const char *dir, int names, int dry_run, gl_result *r, struct jerr *e);
void gl_result_free(gl_result *r);

/* The summary line without the program name and newline:
 * "3 new functions in jump.funcs (12 already listed, 1 ignored)". Caller frees. */
char *gl_summary(gl_what what, const gl_result *r, int dry_run);

/* The sizes the target's entries need, in the classic spirit of "multiply by 8 and pad":
 * "jump table: 71 slots need 0x248 bytes; SL_JUMP_TABLE_SIZE=0x800 leaves room to grow"
 * (getfuncs) or the GOT's cells on each architecture (getvars). Caller frees. */
char *gl_size_advice(gl_what what, const gl_result *r);

#endif
