/* jumpas: the assembler wrapper gcc runs as `as` (DESIGN §4): argument parsing, the scan that
 * classifies global definitions and finds what to rename, the log and the rewrite. */
#ifndef JUMP_JUMPAS_H
#define JUMP_JUMPAS_H

#include <stddef.h>
#include <stdint.h>

#include "asm_scan.h"
#include "ctl.h"
#include "strmap.h"

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
    int output_at;           /* the position in argv of the argument holding it, or -1 */
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
    JAS_S_DIVERT = 1 << 13, /* a jump.vars variable this file defines: diverted (jas_finish) */
    JAS_S_HIDDEN = 1 << 14, /* .hidden or .internal: not exported by default */
};

/* Where the current section came from: the directive statement that set it. */
typedef struct jas_sect {
    int cls;          /* JAS_SEC_* */
    long input;       /* -1: as's initial .text */
    size_t off, end;  /* the directive statement's bytes */
    int push;         /* set by .pushsection (its head is not ".section") */
    int tls;          /* a thread-local section (.tdata, .tbss, flag T) */
} jas_sect;

/* Bytes [off, end) of one input. */
typedef struct jas_span {
    size_t input, off, end;
} jas_span;

/* A definition of a jump.vars variable (a label or .comm): what diversion needs. */
typedef struct jas_def {
    size_t sym;
    unsigned line;
    jas_sect sect;       /* the section it is in */
    uint64_t align;      /* bytes, from the last alignment directive before it; 0 if none */
    int comm;            /* defined by .comm NAME, SIZE[, ALIGN] */
    jas_span head;       /* the label or the .comm statement */
    size_t data, ndata;  /* its data statements: span[data .. data + ndata) */
} jas_def;

/* A .type or .size statement naming a jump.vars variable (removed if it is diverted). */
typedef struct jas_vdir {
    size_t sym;
    jas_span sp;
} jas_vdir;

/* An instruction that names a candidate variable: tokens itok[tok .. tok + n), head first. */
typedef struct jas_insn {
    size_t input;
    unsigned line;
    size_t tok, n;
} jas_insn;

/* Input bytes [off, end) replaced by text (malloc'ed; "" deletes), decided by jas_finish. */
typedef struct jas_repl {
    size_t input, off, end;
    char *text;
} jas_repl;

/* A diversion file: $JUMP_DIR/<file> with the given text (both malloc'ed). */
typedef struct jas_gvar {
    char *file;
    char *text;
} jas_gvar;


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
    strmap byname;    /* name (a span of the input) -> symbol index + 1 */
    jas_edit *edit;
    size_t nedit, capedit;
    jas_sect cur, prev; /* sections */
    jas_sect *stack;    /* .pushsection: pairs (cur, prev) */
    size_t nstack, capstack;

    /* Set by the caller before jas_finish (jas_init: the host, "a", explicit mode). */
    const struct arch *arch;
    const char *objfile;  /* the objfile column: ___STV_ names, _GVAR comments */
    int implied;          /* implied-import mode (JUMP_IMPLIED_IMPORT=1) */

    /* Collected by the scan for diversion and rewriting. */
    strmap cand;       /* names that may be variables (explicit mode) */
    uint8_t cand_first[32]; /* bit set of the candidates' first bytes: a quick "no" */
    strmap called;     /* names called or jumped to */
    jas_def *def;
    size_t ndef, capdef;
    long def_open;        /* the definition whose data statements follow, or -1 */
    uint64_t align;       /* the last alignment directive's bytes (0 after a label or section) */
    jas_span *span;       /* data statements of definitions */
    size_t nspan, capspan;
    jas_vdir *vdir;
    size_t nvdir, capvdir;
    asm_tok *itok;
    size_t nitok, capitok;
    char *srcfile;        /* the first .file "name" (the C source), or NULL */
    unsigned srcline;     /* the line of the last .loc (with -g), or 0 */
    struct {              /* the first thread-local definition or use (jumpas refuses it) */
        int found, defined;
        char *name;
        char *srcfile;
        unsigned srcline, line; /* C line (from .loc) or 0; assembly line */
    } tls;
    jas_insn *insn;
    size_t ninsn, capinsn;

    /* Set by the caller to see the scan progress (jumpas streams the settled text to as):
     * called after a statement ending at byte `done` of input `input`, about every
     * JAS_PROGRESS_BYTES; a non-zero return stops the calls. */
    int (*progress)(void *ctx, size_t input, size_t done);
    void *progress_ctx;
    size_t settled_edit;  /* jas_settled: the edits before it are decided renames */

    /* Decided by jas_finish. */
    jas_repl *repl;       /* sorted by input and offset */
    size_t nrepl, caprepl;
    jas_gvar *gvar;
    size_t ngvar;
    struct buf *trace;    /* "file:line: old  =>  new" lines; malloc'ed */
} jas_scan;

void jas_init(jas_scan *s, const jumpas_ctl *ctl);
void jas_free(jas_scan *s);
/* Scan one input. `text` is malloc'ed with two NUL bytes after len; the scan takes it over. */
int jas_scan_text(jas_scan *s, const char *name, char *text, size_t len, struct jerr *e);
/* After the last input: check jump.vars, decide the renames, the diversions (s->gvar) and
 * the rewrites of references to variables (s->repl, s->trace). 0 or -1 with e set. */
int jas_finish(jas_scan *s, struct jerr *e);
/* Names of C-library variables that are always reached through a GOT cell when the file
 * references them without defining them (stdout, environ, optarg, ...); NULL-terminated. */
extern const char *const jas_host_vars[];
/* The jump.log lines for this file's global definitions not described in the control files,
 * in the order the symbols first appear; appended to out. Returns the number of lines. */
size_t jas_log_lines(const jas_scan *s, const char *library, const char *objfile, struct buf *out);
/* The type letter and size jas_log_lines would log for symbol i. */
char jas_sym_type(const jas_scan *s, size_t i, uint64_t *size);
/* Index of a symbol by name, or -1. */
long jas_find(const jas_scan *s, const char *name);
/* The rewritten text of input i (renames, diversions and rewrites applied) appended to out. */
void jas_rewrite(const jas_scan *s, size_t i, struct buf *out);
/* The same for bytes [from, to) of input i only: a rename or replacement at `to` belongs to
 * the next range (to the end of the input, it belongs to this one). Ranges that follow one
 * another, cut nowhere inside a replaced statement, add up to jas_rewrite's text. */
void jas_rewrite_range(const jas_scan *s, size_t i, size_t from, size_t to, struct buf *out);

#define JAS_PROGRESS_BYTES 32768
/* During the scan of the only input, the end of the prefix of its text (at most `upto`, the
 * end of a statement scanned) that the rest of the scan cannot change, the renames in it
 * decided: it stops at the first rename whose symbol is not defined yet, and at the first
 * statement jas_finish may replace (a kept instruction, a jump.vars definition or directive).
 * Before jas_finish, jas_rewrite_range gives the prefix's final text. */
size_t jas_settled(jas_scan *s, size_t upto);

/* The whole tool: returns the exit status. */
int jumpas_run(const jumpas_args *a);

#endif
