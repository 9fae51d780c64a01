/* rewrite.h: one instruction that names an exported or imported variable, rewritten into an
 * indirection through the variable's GOT cell __GOT_<name> (DESIGN §4 item 4). */
#ifndef JUMP_REWRITE_H
#define JUMP_REWRITE_H

#include <stddef.h>

struct arch;
struct asm_tok;
struct buf;
struct jerr;

/* What a name in an operand is, as far as the rewrite cares. */
enum { RW_NONE = 0, RW_EXPORTED, RW_IMPORTED };

typedef struct rw_ctx {
    const struct arch *arch;
    const char *text;  /* the input the tokens point into */
    /* RW_NONE, RW_EXPORTED or RW_IMPORTED for the name text[off, off+len) */
    int (*classify)(void *cctx, const char *name, size_t len);
    void *cctx;
    const char *file;  /* for messages */
    unsigned line;
} rw_ctx;

/* The prefix of every GOT cell symbol. */
#define RW_GOT_PREFIX "__GOT_"

/* Rewrite the instruction t[0..n) (t[0] its mnemonic, labels not included). Returns 0 when
 * no operand names a variable (out untouched); 1 with the replacement for the bytes
 * text[t[0].off, t[n-1].off + t[n-1].len) appended to out (one line: instructions separated
 * by "; ", so line numbers stay); -1 with e set (status EXIT_BAD) for a form it cannot
 * rewrite, or a call or jump to a variable. */
int rw_insn(const rw_ctx *c, const struct asm_tok *t, size_t n, struct buf *out,
            struct jerr *e);

/* Is text[0..n) a mnemonic that calls or jumps (call, jmp, jcc, loop)? */
int rw_is_branch(const char *p, size_t n);

#endif
