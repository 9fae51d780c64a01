/* ctl: the jump.* control files (DESIGN §3) and jump.params: reading with file:line errors,
 * writing atomically. */
#ifndef JUMP_CTL_H
#define JUMP_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "strmap.h"

struct jerr;
struct buf;

typedef enum jf_kind { JF_FUNCS, JF_VARS, JF_IMPORT, JF_IGNORE, JF_LOG, JF_UNDEFS } jf_kind;

/* Flags for jf_load. */
enum {
    JF_MISSING_OK = 1, /* a missing file reads as empty */
    JF_AOUT = 2,       /* names are a.out names: each must start with '_', which is stripped
                        * (DESIGN §3 "Names"); __DUMMY__ stays as it is. jf_format puts it back. */
};

/* The switch for a.out-named control files: JF_AOUT when JUMP_AOUT_NAMES is set to anything
 * but "" or "0" (every tool that reads control files honours it), else 0. */
int jf_env_flags(void);
/* For a message about `name` read with `flags`: a hint when it looks like an a.out name read
 * without the switch ("; if the control files carry a.out names ..."), else "". */
const char *jf_aout_hint(const char *name, int flags);


typedef struct jf_entry {
    uint64_t size;
    char type;      /* T t U D C K ... */
    char *name;
    char *library;  /* may name several stubs separated by ',' */
    char *objfile;
    char *needs;    /* optional sixth column, "lib_major:lib_major", or NULL */
    unsigned line;  /* line in the file it came from (0 if made in memory) */
    int hidden;     /* jump.log: the symbol has hidden or internal visibility (the line's
                     * comment is "hidden"); such symbols are not exported by default */
    char *dir;      /* jump.undefs: the directory the needed library's stub recorded (the
                     * line's comment "dir PATH"), or NULL */
} jf_entry;

typedef struct jf_file {
    char *path;
    jf_kind kind;
    int exists;
    int flags;       /* the JF_AOUT flag it was read with; jf_save writes the same names */
    jf_entry *v;     /* entries in file order; index = position + 1 */
    size_t n, cap;
    strmap byname;   /* name -> position + 1 (first occurrence); __DUMMY__ not indexed */
} jf_file;

#define JF_DUMMY "__DUMMY__"
/* The comment jumpas gives a jump.log line for a symbol of hidden or internal visibility. */
#define JF_HIDDEN_NOTE "hidden"

/* Load and validate a control file of the given kind. */
int jf_load(const char *path, jf_kind kind, int flags, jf_file *out, struct jerr *e);
/* Same from text in memory (path used in messages). */
int jf_parse(const char *path, const char *text, size_t len, jf_kind kind, int flags,
             jf_file *out, struct jerr *e);
void jf_free(jf_file *f);
/* Append an entry (strings copied); returns its 1-based index. */
size_t jf_add(jf_file *f, uint64_t size, char type, const char *name, const char *library,
              const char *objfile, const char *needs);
/* 1-based index of name, or 0. */
size_t jf_index(const jf_file *f, const char *name);
/* One line, as the classic tools wrote it: "%08llx %c name\tlibrary\tobjfile[\tneeds]\n";
 * with JF_AOUT in flags the name is written as an a.out name. */
void jf_format(struct buf *b, const jf_entry *x, int flags);
/* Write all entries atomically. */
int jf_save(const char *path, const jf_file *f, struct jerr *e);
/* Does `type` fit a file of `kind`? */
int jf_type_ok(jf_kind kind, char type);
const char *jf_kind_name(jf_kind kind);

/* jump.params: six lines Name= Text= Data= Jump= GOT= Version= */
typedef struct jparams {
    char name[256];
    uint64_t text, data, jump, got;
    char version[64];
    uint64_t writable;      /* Writable= (-w, a split image): a seventh line only when set */
} jparams;

/* 1 if read, 0 if the file does not exist, -1 with e set on a bad file. */
int jp_load(const char *path, jparams *p, struct jerr *e);
int jp_save(const char *path, const jparams *p, struct jerr *e);
/* Compare an existing jump.params with the requested one. Appends one warning line per
 * difference to `msgs` ("the load address has changed from 0x... to 0x..."); returns the
 * number of differences. */
int jp_compare(const jparams *old, const jparams *want, struct buf *msgs); /* msgs may be NULL */

/* The jump.params rule shared by mkimage and mkstubs: with no file, write `want`; with an
 * equal one, nothing; with a different one, refuse unless `force` (then rewrite it). On
 * refusal returns -1 with e holding the differences, one per line, and the classic
 * "Use -f switch to force the change." as the last line. The version line may change freely
 * (a new release keeps the same parameters). */
int jp_check_update(const char *path, const jparams *want, int force, struct jerr *e);

/* Resolve $JUMP_DIR/<file>: JUMP_DIR if set (else "." — the caller warns once). Returned
 * string is malloc'ed. */
char *jump_dir_file(const char *file);
/* The control directory, and whether JUMP_DIR was set. */
const char *jump_dir(int *was_set);

#endif
