/* jumpas: the assembler wrapper gcc runs as `as` (DESIGN §4): argument parsing, the scan that
 * classifies global definitions and finds what to rename, the log and the rewrite. */
#ifndef JUMP_JUMPAS_H
#define JUMP_JUMPAS_H

#include <stddef.h>
#include <stdint.h>

#include "ctl.h"

struct jerr;
struct buf;
struct arch;

/* gas's command line as jumpas understands it. */
typedef struct jumpas_args {
    int argc;                /* the arguments for the real as (argv[0] not included) */
    char **argv;             /* borrowed from the caller */
    size_t *input;           /* positions in argv of the input files ("-" included); malloc'ed */
    size_t ninput;
    const char *output;      /* the -o value, or NULL (as writes a.out) */
    const struct arch *arch; /* --32 / --64, else the host's */
    int verbose;             /* -v */
    int no_preprocess;       /* -f: as skips comment preprocessing */
} jumpas_args;

/* Parse argv[0..argc) (the program name not included). 0, or -1 with e set (status
 * EXIT_USAGE) when an option lacks its argument. Free with jumpas_args_free. */
int jumpas_parse_args(int argc, char **argv, jumpas_args *a, struct jerr *e);
void jumpas_args_free(jumpas_args *a);

/* The control files jumpas reads (all optional). */
typedef struct jumpas_ctl {
    jf_file funcs, vars, ignore, import;
} jumpas_ctl;

/* Load $JUMP_DIR/jump.{funcs,vars,ignore,import} (dir "." when NULL). 0 or -1 with e set. */
int jumpas_ctl_load(const char *dir, jumpas_ctl *c, struct jerr *e);
void jumpas_ctl_free(jumpas_ctl *c);

/* Section classes, for the type letter of a symbol defined in them. */
enum { JAS_SEC_TEXT = 1, JAS_SEC_DATA, JAS_SEC_BSS, JAS_SEC_RODATA, JAS_SEC_OTHER };

/* A symbol the scan met in a label or a symbol directive. Its name points into the input
 * text (not NUL-terminated). */
typedef struct jas_sym {
    const char *name;
    size_t len;
    uint32_t hash;
    unsigned flags;   /* JAS_S_* */
    int sect;         /* section class where it was defined */
    size_t input;     /* input and line of the definition */
    unsigned line;
    uint64_t size;    /* .size (plain number) or .comm size */
    long alias;       /* .set target symbol index, or -1 */
} jas_sym;

enum {
    JAS_S_GLOBAL = 1 << 0,
    JAS_S_WEAK = 1 << 1,
    JAS_S_LOCAL = 1 << 2,
    JAS_S_LABEL = 1 << 3,   /* defined by a label */
    JAS_S_COMM = 1 << 4,    /* .comm */
    JAS_S_SET = 1 << 5,     /* defined by .set/.equ/= */
    JAS_S_FUNC = 1 << 6,    /* .type function */
    JAS_S_OBJECT = 1 << 7,  /* .type object */
    JAS_S_SIZE = 1 << 8,    /* .size with a plain number */
    JAS_S_FUNCS = 1 << 9,   /* listed in jump.funcs as T or t */
    JAS_S_VARS = 1 << 10,   /* listed in jump.vars */
    JAS_S_KNOWN = 1 << 11,  /* listed in jump.funcs, jump.vars or jump.ignore */
    JAS_S_RENAME = 1 << 12, /* decided by jas_finish */
};

/* A place where "__LOCAL__" is inserted: after the name ending at `off` in input `input`. */
typedef struct jas_edit {
    size_t sym, input, off;
} jas_edit;

typedef struct jas_input {
    char *name;     /* as given, "-" for standard input */
    char *text;     /* owned; text[len] and text[len+1] are NUL */
    size_t len;
    size_t nedits;  /* edits applied (after jas_finish) */
} jas_input;

/* The state of one run over all inputs (as reads its inputs as one stream, so sections and
 * symbols carry over from one file to the next). */
typedef struct jas_scan {
    const jumpas_ctl *ctl;
    jas_input *in;
    size_t nin;
    jas_sym *sym;
    size_t nsym, capsym;
    uint32_t *slot;   /* hash slots: symbol index + 1, or 0 */
    size_t capslot;
    jas_edit *edit;
    size_t nedit, capedit;
    int cur, prev;    /* section classes */
    int *stack;       /* .pushsection: pairs (cur, prev) */
    size_t nstack, capstack;
} jas_scan;

void jas_init(jas_scan *s, const jumpas_ctl *ctl);
void jas_free(jas_scan *s);
/* Scan one input. `text` is malloc'ed with two NUL bytes after len; the scan takes it over. */
int jas_scan_text(jas_scan *s, const char *name, char *text, size_t len, struct jerr *e);
/* After the last input: check jump.vars, decide the renames. 0 or -1 with e set. */
int jas_finish(jas_scan *s, struct jerr *e);
/* The jump.log lines for this file's global definitions not described in the control files,
 * in the order the symbols first appear; appended to out. Returns the number of lines. */
size_t jas_log_lines(const jas_scan *s, const char *library, const char *objfile, struct buf *out);
/* The type letter and size jas_log_lines would log for symbol i. */
char jas_sym_type(const jas_scan *s, size_t i, uint64_t *size);
/* Index of a symbol by name, or -1. */
long jas_find(const jas_scan *s, const char *name);
/* The rewritten text of input i (renames applied) appended to out. */
void jas_rewrite(const jas_scan *s, size_t i, struct buf *out);

/* The whole tool: returns the exit status. */
int jumpas_run(const jumpas_args *a);

#endif
