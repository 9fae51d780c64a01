/* rewrite.c: rewrite one AT&T x86 instruction that names an exported or imported variable v
 * into an indirection through its GOT cell __GOT_v, which holds v's address (DESIGN §4 item
 * 4). The operands come from the bison grammar (operand_parse.y); the scratch register is
 * one the instruction does not use, saved around it unless the instruction only loads it. */
#include "rewrite.h"
#include "arch.h"
#include "asm_scan.h"
#include "buf.h"
#include "diag.h"
#include "operand_parse.h"

#include <stdio.h>
#include <string.h>

/* ---- registers ---- */

enum { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI, R_R8, R_R9, R_R10, R_R11, R_NGP = 16,
       R_IP = 16 };

static const char *const reg64[R_NGP] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                         "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const reg32[R_NGP] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                         "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d",
                                         "r15d"};

/* The family of register token text p[0..n) ("%eax" -> R_AX) and its width in bits; -1 for
 * anything but a general register or %rip/%eip. */
static int reg_family(const char *p, size_t n, int *width)
{
    static const struct { const char *name; int fam, width; } r[] = {
        {"al", R_AX, 8},  {"ah", R_AX, 8},  {"ax", R_AX, 16},  {"cl", R_CX, 8},  {"ch", R_CX, 8},
        {"cx", R_CX, 16}, {"dl", R_DX, 8},  {"dh", R_DX, 8},   {"dx", R_DX, 16}, {"bl", R_BX, 8},
        {"bh", R_BX, 8},  {"bx", R_BX, 16}, {"spl", R_SP, 8},  {"sp", R_SP, 16}, {"bpl", R_BP, 8},
        {"bp", R_BP, 16}, {"sil", R_SI, 8}, {"si", R_SI, 16},  {"dil", R_DI, 8}, {"di", R_DI, 16},
        {"rip", R_IP, 64}, {"eip", R_IP, 32},
    };
    char s[8];
    if (n < 2 || n > 6 || p[0] != '%')
        return -1;
    n--;
    for (size_t i = 0; i < n; i++)
        s[i] = (char)(p[1 + i] | 0x20);
    s[n] = 0;
    for (int f = 0; f < R_NGP; f++) {
        if (!strcmp(s, reg64[f])) {
            *width = 64;
            return f;
        }
        if (!strcmp(s, reg32[f])) {
            *width = 32;
            return f;
        }
    }
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        if (!strcmp(s, r[i].name)) {
            *width = r[i].width;
            return r[i].fam;
        }
    if (s[0] == 'r' && s[1] >= '0' && s[1] <= '9') { /* r8w, r12b */
        int f = s[1] - '0';
        size_t i = 2;
        if (s[2] >= '0' && s[2] <= '9')
            f = f * 10 + (s[i++] - '0');
        if (f >= 8 && f < 16 && (s[i] == 'w' || s[i] == 'b') && s[i + 1] == 0) {
            *width = s[i] == 'w' ? 16 : 8;
            return f;
        }
    }
    return -1;
}

/* ---- mnemonics ---- */

static int mn_is(const char *mn, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(mn, list[i]))
            return 1;
    return 0;
}

static int mn_starts(const char *mn, const char *pre)
{
    return !strncmp(mn, pre, strlen(pre));
}

int rw_is_branch(const char *p, size_t n)
{
    char mn[16];
    if (n == 0 || n >= sizeof mn)
        return 0;
    for (size_t i = 0; i < n; i++)
        mn[i] = (char)(p[i] | 0x20);
    mn[n] = 0;
    return mn[0] == 'j' || mn_starts(mn, "call") || mn_starts(mn, "loop");
}

/* A base mnemonic followed by an optional size suffix (b w l q s t). */
static int mn_base(const char *mn, const char *base)
{
    size_t n = strlen(base);
    return !strncmp(mn, base, n) && (mn[n] == 0 || (strchr("bwlqst", mn[n]) && mn[n + 1] == 0));
}

/* Registers an instruction uses without naming them (families as a bit mask). */
static unsigned implicit_regs(const char *mn, size_t nop)
{
    static const char *const axdx[] = {"mul", "div", "idiv", NULL};
    static const char *const allfour[] = {"cmpxchg8b", "cmpxchg16b", NULL};
    for (size_t i = 0; axdx[i]; i++)
        if (mn_base(mn, axdx[i]))
            return 1u << R_AX | 1u << R_DX;
    if (mn_base(mn, "imul") && nop == 1)
        return 1u << R_AX | 1u << R_DX;
    if (mn_is(mn, allfour))
        return 1u << R_AX | 1u << R_BX | 1u << R_CX | 1u << R_DX;
    if (mn_base(mn, "cmpxchg"))
        return 1u << R_AX;
    if (mn_starts(mn, "xlat"))
        return 1u << R_AX | 1u << R_BX;
    return 0;
}

/* String instructions (their operands are implicit: a variable named there is not
 * something to rewrite), and instructions that move the stack pointer themselves. */
static int refused_mnemonic(const char *mn)
{
    static const char *const str[] = {"movs", "movsb", "movsw", "movsl", "movsq", "cmps",
                                      "cmpsb", "cmpsw", "cmpsl", "cmpsq", "stos", "lods", "scas",
                                      "ins", "outs", NULL};
    static const char *const stack[] = {"pop", "ret", "leave", "enter", "pushf", "popf", "pusha",
                                        "popa", "movabs", "iret", "lret", NULL};
    for (size_t i = 0; str[i]; i++)
        if (!strncmp(mn, str[i], strlen(str[i])) && (strlen(mn) == strlen(str[i]) ||
                                                      (strlen(str[i]) == 4 && strlen(mn) == 5 &&
                                                       strchr("bwlq", mn[4]))))
            return 1;
    for (size_t i = 0; stack[i]; i++)
        if (mn_base(mn, stack[i]) || (mn_starts(mn, stack[i]) && strlen(stack[i]) >= 4))
            return 1;
    return 0;
}

/* Loads: the destination register is only written, so it can serve as the scratch. */
static int pure_load(const char *mn)
{
    static const char *const ld[] = {"mov", "movl", "movq", "lea", "leal", "leaq", "movzbl",
                                     "movzwl", "movzbq", "movzwq", "movsbl", "movswl", "movsbq",
                                     "movswq", "movslq", "movzx", "movsx", "movsxd", NULL};
    return mn_is(mn, ld);
}

/* Instructions where "$v" can become the memory operand "__GOT_v" when the rest are
 * registers: the cell holds exactly the value the immediate was. */
static int imm_to_mem_ok(const char *mn)
{
    static const char *const b[] = {"mov", "cmp", "add", "sub", "and", "or", "xor", "adc",
                                    "sbb", "test", "push", NULL};
    for (size_t i = 0; b[i]; i++)
        if (mn_base(mn, b[i]))
            return 1;
    return 0;
}

/* ---- the rewrite ---- */

typedef struct ref {
    size_t op;     /* operand index */
    size_t tok;    /* the variable's token (index into the operand tokens) */
    int kind;      /* RW_EXPORTED / RW_IMPORTED */
    int scratch;   /* register family, -1 before the choice */
    int saved;     /* pushed and popped around the instruction */
} ref;

typedef struct rw {
    const rw_ctx *c;
    const asm_tok *t;   /* operand tokens */
    size_t n;
    opd_state st;
    const char *mn;     /* lower-case mnemonic */
    int bits;           /* 32 or 64 */
    jerr *e;
    const char *insn;   /* the instruction, white space collapsed, for messages */
    const char *var;    /* the first variable, for messages */
    size_t nvar;
    int kind;
} rw;

static int span_empty(opd_span s) { return s.last + 1 == s.first; }

static const char *tok_text(const rw *w, size_t i) { return w->c->text + w->t[i].off; }

static int tok_punct(const rw *w, size_t i, char ch)
{
    return w->t[i].kind == ASM_PUNCT && w->t[i].len == 1 && tok_text(w, i)[0] == ch;
}

static int cannot(rw *w, const char *why)
{
    return jerr_at(w->e, EXIT_BAD, w->c->file, w->c->line, 0,
                   "cannot rewrite '%s' (reference to %s variable '%.*s'%s%s)", w->insn,
                   w->kind == RW_EXPORTED ? "exported" : "imported", (int)w->nvar, w->var, why ? ": " : "",
                   why ? why : "");
}

/* Byte range of the tokens of span s (s not empty). */
static void span_bytes(const rw *w, opd_span s, size_t *from, size_t *to)
{
    *from = w->t[s.first].off;
    *to = w->t[s.last].off + w->t[s.last].len;
}

/* The variable in expression span s: its token, or -1 if there is none; -2 if it is there
 * in a form that is not "v", "v+N", "v-N" or "N+v". */
static long expr_var(rw *w, opd_span s, int *kind)
{
    long found = -1;
    if (span_empty(s))
        return -1;
    for (size_t i = s.first; i <= s.last; i++) {
        int k;
        if (w->t[i].kind != ASM_IDENT || (i > s.first && tok_punct(w, i - 1, '@')))
            continue;
        if ((k = w->c->classify(w->c->cctx, tok_text(w, i), w->t[i].len)) == RW_NONE)
            continue;
        if (found >= 0)
            return -2; /* two variables in one expression */
        found = (long)i;
        *kind = k;
    }
    if (found < 0)
        return -1;
    for (size_t i = s.first; i <= s.last; i++) { /* operators binding looser than '+' */
        const asm_tok *t = &w->t[i];
        if (t->kind == ASM_PUNCT && (t->len == 2 || strchr("|&^!<>", tok_text(w, i)[0])))
            return -2;
    }
    if ((size_t)found > s.first && !tok_punct(w, (size_t)found - 1, '+'))
        return -2;
    if ((size_t)found < s.last && !tok_punct(w, (size_t)found + 1, '+') &&
        !tok_punct(w, (size_t)found + 1, '-'))
        return -2;
    if ((size_t)found < s.last && tok_punct(w, (size_t)found + 1, '@'))
        return -2;
    return found;
}

/* The expression of span s with the variable's token (v) taken out: "" for "v", "4" for
 * "v+4", "-4" for "v-4", "8+0" for "8+v". */
static void expr_offset(const rw *w, opd_span s, size_t v, buf *b)
{
    size_t from, to;
    span_bytes(w, s, &from, &to);
    if (v == s.first) {
        size_t p = w->t[v].off + w->t[v].len;
        while (p < to && (w->c->text[p] == ' ' || w->c->text[p] == '\t'))
            p++;
        if (p < to && w->c->text[p] == '+')
            p++;
        buf_add(b, w->c->text + p, to - p);
    } else {
        buf_add(b, w->c->text + from, w->t[v].off - from);
        buf_addc(b, '0');
        buf_add(b, w->c->text + w->t[v].off + w->t[v].len, to - (w->t[v].off + w->t[v].len));
    }
}

static const char *rname(int fam, int width)
{
    return width == 64 ? reg64[fam] : reg32[fam];
}

static void sep(buf *b)
{
    if (b->len)
        buf_adds(b, "; ");
}

/* "movl __GOT_v, %s" / "movq __GOT_v(%rip), %s" */
static void load_cell(const rw *w, size_t tok, int s, buf *b)
{
    sep(b);
    if (w->bits == 64)
        buf_printf(b, "movq " RW_GOT_PREFIX "%.*s(%%rip), %%%s", (int)w->t[tok].len, tok_text(w, tok),
                   reg64[s]);
    else
        buf_printf(b, "movl " RW_GOT_PREFIX "%.*s, %%%s", (int)w->t[tok].len, tok_text(w, tok),
                   reg32[s]);
}

static const char *lea(const rw *w) { return w->bits == 64 ? "leaq" : "leal"; }

/* A register token used for addressing must have the address width. */
static int addr_reg(rw *w, long tok, int *fam)
{
    int width;
    *fam = -1;
    if (tok < 0)
        return 0;
    *fam = reg_family(tok_text(w, (size_t)tok), w->t[tok].len, &width);
    if (*fam < 0 || (*fam == R_IP ? width != 64 : width != w->bits))
        return cannot(w, "unexpected address register");
    return 0;
}

/* For a memory reference to the variable through scratch s: append the instructions that
 * come before (pre) and the new operand text (op). */
static int mem_ref(rw *w, const asm_opd *o, const ref *r, buf *pre, buf *op)
{
    int bf, xf;
    if (o->seg >= 0)
        return cannot(w, "segment override");
    if (addr_reg(w, o->base, &bf) || addr_reg(w, o->idx, &xf))
        return -1;
    if (xf == R_IP)
        return cannot(w, "%rip is no index register");
    if (bf == R_IP && xf >= 0)
        return cannot(w, NULL);
    if (bf == R_IP)
        bf = -1;
    load_cell(w, r->tok, r->scratch, pre);
    if (bf >= 0 && xf >= 0) {
        sep(pre);
        buf_printf(pre, "%s (%%%s,%%%s), %%%s", lea(w), rname(r->scratch, w->bits), rname(bf, w->bits),
                   rname(r->scratch, w->bits));
        bf = -1;
    }
    if (o->star)
        buf_addc(op, '*');
    expr_offset(w, o->expr, r->tok, op);
    buf_printf(op, "(%%%s", rname(r->scratch, w->bits));
    if (bf >= 0)
        buf_printf(op, ",%%%s", rname(bf, w->bits));
    if (xf >= 0) {
        buf_printf(op, ",%%%s", rname(xf, w->bits));
        if (!span_empty(o->scale)) {
            size_t from, to;
            span_bytes(w, o->scale, &from, &to);
            buf_printf(op, ",%.*s", (int)(to - from), w->c->text + from);
        }
    }
    buf_addc(op, ')');
    return 0;
}

/* The operand size of the instruction in bits: a general register operand's, else the
 * mnemonic's suffix; 0 if neither says. */
static int op_size(const rw *w)
{
    size_t n = strlen(w->mn);
    for (size_t i = 0; i < w->st.nop; i++) {
        int width;
        if (w->st.op[i].kind == OPD_REG &&
            reg_family(tok_text(w, (size_t)w->st.op[i].reg), w->t[w->st.op[i].reg].len, &width) >= 0)
            return width;
    }
    switch (n ? w->mn[n - 1] : 0) {
    case 'l': return 32;
    case 'q': return 64;
    case 'w': return 16;
    case 'b': return 8;
    default: return 0;
    }
}

/* An immediate "$v+N" through scratch s: the value lands in s. */
static void imm_ref(const rw *w, const asm_opd *o, const ref *r, buf *pre)
{
    buf off = {0};
    load_cell(w, r->tok, r->scratch, pre);
    expr_offset(w, o->expr, r->tok, &off);
    if (off.len) {
        sep(pre);
        buf_printf(pre, "%s %.*s(%%%s), %%%s", lea(w), (int)off.len, (const char *)off.p,
                   rname(r->scratch, w->bits), rname(r->scratch, w->bits));
    }
    buf_free(&off);
}

static int pick(const int *order, size_t n, unsigned used)
{
    for (size_t i = 0; i < n; i++)
        if (!(used & 1u << order[i]))
            return order[i];
    return -1;
}

/* The text between operand tokens, and each operand either as it was or replaced. */
static void emit_insn(const rw *w, const asm_tok *head, char *const *repl, buf *b)
{
    const char *text = w->c->text;
    size_t pos = head->off;
    for (size_t i = 0; i < w->st.nop; i++) {
        size_t from, to;
        span_bytes(w, w->st.op[i].all, &from, &to);
        buf_add(b, text + pos, from - pos);
        if (repl[i])
            buf_adds(b, repl[i]);
        else
            buf_add(b, text + from, to - from);
        pos = to;
    }
    if (w->st.nop == 0) {
        const asm_tok *last = w->n ? &w->t[w->n - 1] : head;
        buf_add(b, text + pos, last->off + last->len - pos);
    }
}

/* A memory operand based on the stack pointer, moved by `adj` bytes of pushes. */
static char *sp_adjusted(const rw *w, const asm_opd *o, unsigned adj)
{
    int width;
    size_t from, to, dfrom, dto;
    buf b = {0};
    if (o->kind != OPD_MEM || o->base < 0 ||
        reg_family(tok_text(w, (size_t)o->base), w->t[o->base].len, &width) != R_SP)
        return NULL;
    span_bytes(w, o->all, &from, &to);
    if (span_empty(o->expr)) {
        dfrom = dto = w->t[o->expr.first].off; /* the '(' */
    } else {
        span_bytes(w, o->expr, &dfrom, &dto);
    }
    buf_add(&b, w->c->text + from, dfrom - from);
    if (dto > dfrom) {
        buf_add(&b, w->c->text + dfrom, dto - dfrom);
        buf_addc(&b, '+');
    }
    buf_printf(&b, "%u", adj);
    buf_add(&b, w->c->text + dto, to - dto);
    return buf_cstr(&b);
}

static void collapse(const char *p, size_t n, buf *b)
{
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == ' ' || p[i] == '\t') {
            space = 1;
            continue;
        }
        if (space && b->len)
            buf_addc(b, ' ');
        space = 0;
        buf_addc(b, p[i]);
    }
}

/* The registers a rewrite may take as scratch, in the order it takes them, and those the
 * instruction already uses (named or implied); whether it names the stack pointer other than
 * as a base. */
typedef struct regs {
    const int *order;
    size_t norder;
    unsigned used;
    int sp_as_reg;
} regs;

static regs regs_of(const rw *w)
{
    static const int order32[] = {R_BX, R_AX, R_CX, R_DX, R_SI, R_DI};
    static const int order64[] = {R_R11, R_R10, R_AX, R_CX, R_DX, R_SI, R_DI, R_R8, R_R9, R_BX};
    regs r = {w->bits == 64 ? order64 : order32,
              w->bits == 64 ? sizeof order64 / sizeof order64[0] : sizeof order32 / sizeof order32[0],
              implicit_regs(w->mn, w->st.nop), 0};
    for (size_t i = 0; i < w->n; i++) {
        int width, f;
        if (w->t[i].kind != ASM_REG || (f = reg_family(tok_text(w, i), w->t[i].len, &width)) < 0 || f == R_IP)
            continue;
        r.used |= 1u << f;
        if (f == R_SP) {
            int base = 0;
            for (size_t k = 0; k < w->st.nop; k++)
                base |= w->st.op[k].kind == OPD_MEM && w->st.op[k].base == (long)i;
            r.sp_as_reg |= !base;
        }
    }
    return r;
}

/* An indirect call or jump through the variable: the cell's value into a call-clobbered
 * register, then the branch through it. A direct one names a variable as a function. */
static int rw_branch(rw *w, const asm_tok *head, ref *refs, const regs *r, buf *out)
{
    static const int call32[] = {R_CX, R_DX, R_AX};
    static const int call64[] = {R_R11, R_R10};
    const asm_opd *o = &w->st.op[refs[0].op];
    char *repl[OPD_MAX] = {0};
    buf pre = {0}, insn = {0};
    int rc = -1;
    if (!o->star || o->kind != OPD_MEM)
        return jerr_at(w->e, EXIT_BAD, w->c->file, w->c->line, 0, "Function %.*s incorrectly listed in %s",
                       (int)w->nvar, w->var, w->kind == RW_EXPORTED ? "jump.vars" : "jump.import");
    refs[0].scratch = pick(w->bits == 64 ? call64 : call32, w->bits == 64 ? 2 : 3, r->used);
    if (refs[0].scratch < 0)
        return cannot(w, "no free register");
    if (mem_ref(w, o, &refs[0], &pre, &insn) == 0) {
        repl[refs[0].op] = buf_cstr(&insn);
        buf_adds(&pre, "; ");
        emit_insn(w, head, repl, &pre);
        buf_add(out, pre.p, pre.len);
        rc = 1;
    }
    free(repl[refs[0].op]);
    buf_free(&pre);
    buf_free(&insn);
    return rc;
}

/* push of the variable's address or value: "pushl $v" is "pushl __GOT_v"; otherwise push a
 * scratch register, compute the value in it and exchange it with the top of the stack (no
 * flags touched). */
static int rw_push(rw *w, const asm_tok *head, ref *refs, const regs *r, buf *out)
{
    const asm_opd *o = &w->st.op[refs[0].op];
    const char *sfx = w->bits == 64 ? "q" : "l";
    size_t hlen = w->t[o->all.first].off - head->off;
    buf pre = {0}, insn = {0};
    int s, rc = -1;
    if (w->mn[4] && w->mn[4] != sfx[0])
        return cannot(w, "operand size");
    while (hlen && (w->c->text[head->off + hlen - 1] == ' ' || w->c->text[head->off + hlen - 1] == '\t'))
        hlen--;
    if (o->kind == OPD_IMM && w->t[o->expr.first].off == w->t[refs[0].tok].off && o->expr.first == o->expr.last) {
        buf_printf(out, "%.*s " RW_GOT_PREFIX "%.*s%s", (int)hlen, w->c->text + head->off,
                   (int)w->t[refs[0].tok].len, tok_text(w, refs[0].tok), w->bits == 64 ? "(%rip)" : "");
        return 1;
    }
    s = refs[0].scratch = pick(r->order, r->norder, r->used);
    if (s < 0)
        return cannot(w, "no free register");
    buf_printf(&pre, "push%s %%%s", sfx, rname(s, w->bits));
    if (o->kind == OPD_IMM) {
        imm_ref(w, o, &refs[0], &pre);
    } else {
        if (mem_ref(w, o, &refs[0], &pre, &insn) != 0)
            goto out;
        sep(&pre);
        buf_printf(&pre, "mov%s %.*s, %%%s", sfx, (int)insn.len, (const char *)insn.p, rname(s, w->bits));
    }
    buf_printf(&pre, "; xchg%s %%%s, (%%%s)", sfx, rname(s, w->bits), w->bits == 64 ? "rsp" : "esp");
    buf_add(out, pre.p, pre.len);
    rc = 1;
out:
    buf_free(&pre);
    buf_free(&insn);
    return rc;
}

/* "$v" where the other operands are registers: the cell itself is the operand (1), or 0 when
 * the instruction is not of that shape. */
static int rw_cell_operand(rw *w, const asm_tok *head, const ref *refs, size_t nref, buf *out)
{
    const asm_opd *o = &w->st.op[refs[0].op];
    char *repl[OPD_MAX] = {0};
    int regs_only = 1, size, other, width = 0, f = -1;
    if (nref != 1 || o->kind != OPD_IMM || !imm_to_mem_ok(w->mn) || o->expr.first != o->expr.last)
        return 0;
    size = op_size(w);
    for (size_t i = 0; i < w->st.nop; i++)
        regs_only &= i == refs[0].op || w->st.op[i].kind == OPD_REG;
    if (!regs_only)
        return 0;
    other = refs[0].op == 0 ? 1 : 0;
    if (w->st.nop == 2 && w->st.op[other].kind == OPD_REG)
        f = reg_family(tok_text(w, (size_t)w->st.op[other].reg), w->t[w->st.op[other].reg].len, &width);
    if (w->bits == 64 && size == 32 && mn_base(w->mn, "mov") && f >= 0 && f != R_IP && width == 32) {
        /* "movl $v, %e.." is how x86-64 code puts an address below 4 GB in a register; the
         * variable may now be anywhere (a PIE program's copy, an override): load the whole
         * cell into the whole register, which is what the zero-extending movl meant. */
        buf_printf(out, "movq " RW_GOT_PREFIX "%.*s(%%rip), %%%s", (int)w->t[refs[0].tok].len,
                   tok_text(w, refs[0].tok), rname(f, 64));
        return 1;
    }
    if (size != w->bits && !(w->bits == 64 && size == 32))
        return 0;
    repl[refs[0].op] = xasprintf(RW_GOT_PREFIX "%.*s%s", (int)w->t[refs[0].tok].len, tok_text(w, refs[0].tok),
                                 w->bits == 64 ? "(%rip)" : "");
    emit_insn(w, head, repl, out);
    free(repl[refs[0].op]);
    return 1;
}

/* A load into a register that the source does not use: that register is the scratch. */
static void load_target_scratch(const rw *w, ref *refs, size_t nref)
{
    int width, f, in_src = 0;
    if (nref != 1 || w->st.nop != 2 || refs[0].op != 0 || !pure_load(w->mn) || w->st.op[1].kind != OPD_REG ||
        w->st.op[1].star)
        return;
    f = reg_family(tok_text(w, (size_t)w->st.op[1].reg), w->t[w->st.op[1].reg].len, &width);
    for (size_t i = w->st.op[0].all.first; i <= w->st.op[0].all.last; i++) {
        int wd;
        in_src |= w->t[i].kind == ASM_REG && reg_family(tok_text(w, i), w->t[i].len, &wd) == f;
    }
    if (f >= 0 && f != R_IP && !in_src && (width == w->bits || (w->bits == 64 && width == 32)))
        refs[0].scratch = f;
}

/* Is this "movl $v+N, %e.." on x86-64 whose register is the scratch? Then the scratch (its
 * 64-bit whole) already holds the address, which may lie above 4 GB: the movl itself would cut
 * it to 32 bits. */
static int scratch_is_result(const rw *w, const ref *refs, size_t nref)
{
    int width, f;
    size_t other;
    if (nref != 1 || w->bits != 64 || w->st.op[refs[0].op].kind != OPD_IMM || refs[0].saved ||
        !mn_base(w->mn, "mov") || op_size(w) != 32 || w->st.nop != 2)
        return 0;
    other = 1 - refs[0].op;
    if (w->st.op[other].kind != OPD_REG)
        return 0;
    f = reg_family(tok_text(w, (size_t)w->st.op[other].reg), w->t[w->st.op[other].reg].len, &width);
    return f == refs[0].scratch;
}

/* The general case: a scratch register per reference (saved around the instruction when the
 * code may still need it), the cell's value computed into it, the instruction with each
 * operand replaced, stack offsets adjusted for the pushes. */
static int rw_general(rw *w, const asm_tok *head, ref *refs, size_t nref, regs *r, buf *out)
{
    const char *sfx = w->bits == 64 ? "q" : "l";
    char *repl[OPD_MAX] = {0};
    unsigned pushes = 0;
    buf pre = {0};
    int rc = -1;

    load_target_scratch(w, refs, nref);
    for (size_t i = 0; i < nref; i++) {
        if (refs[i].scratch >= 0)
            continue;
        refs[i].scratch = pick(r->order, r->norder, r->used);
        if (refs[i].scratch < 0)
            return cannot(w, "no free register");
        r->used |= 1u << refs[i].scratch;
        refs[i].saved = 1;
        pushes++;
    }
    if (pushes && r->sp_as_reg)
        return cannot(w, "the stack pointer is an operand");
    for (size_t i = 0; i < nref; i++)
        if (refs[i].saved) {
            sep(&pre);
            buf_printf(&pre, "push%s %%%s", sfx, rname(refs[i].scratch, w->bits));
        }
    for (size_t i = 0; i < nref; i++) {
        const asm_opd *o = &w->st.op[refs[i].op];
        if (o->kind == OPD_IMM) {
            int size = op_size(w);
            if (size != 32 && size != w->bits) {
                rc = cannot(w, "operand size");
                goto out;
            }
            imm_ref(w, o, &refs[i], &pre);
            repl[refs[i].op] = xasprintf("%%%s", rname(refs[i].scratch, size));
        } else if (o->kind == OPD_MEM) {
            buf b = {0};
            if (mem_ref(w, o, &refs[i], &pre, &b) != 0) {
                buf_free(&b);
                goto out;
            }
            repl[refs[i].op] = buf_cstr(&b);
        }
    }
    for (size_t i = 0; i < w->st.nop; i++)
        if (!repl[i] && pushes)
            repl[i] = sp_adjusted(w, &w->st.op[i], (unsigned)(pushes * (w->bits / 8)));
    if (!scratch_is_result(w, refs, nref)) {
        sep(&pre);
        emit_insn(w, head, repl, &pre);
        for (size_t i = nref; i-- > 0;)
            if (refs[i].saved)
                buf_printf(&pre, "; pop%s %%%s", sfx, rname(refs[i].scratch, w->bits));
    }
    buf_add(out, pre.p, pre.len);
    rc = 1;
out:
    for (size_t i = 0; i < OPD_MAX; i++)
        free(repl[i]);
    buf_free(&pre);
    return rc;
}

static int rewrite(rw *w, const asm_tok *head, ref *refs, size_t nref, buf *out)
{
    regs r = regs_of(w);
    if (rw_is_branch(w->mn, strlen(w->mn)))
        return rw_branch(w, head, refs, &r, out);
    if (mn_base(w->mn, "push"))
        return rw_push(w, head, refs, &r, out);
    if (refused_mnemonic(w->mn))
        return cannot(w, NULL);
    if (rw_cell_operand(w, head, refs, nref, out))
        return 1;
    return rw_general(w, head, refs, nref, &r, out);
}

int rw_insn(const rw_ctx *c, const asm_tok *t, size_t n, buf *out, jerr *e)
{
    static const char *const prefixes[] = {"lock", "rep", "repe", "repz", "repne", "repnz",
                                           "data16", "data32", "addr16", "addr32", "notrack",
                                           "bnd", NULL};
    char mn[32];
    size_t k = 1, nref = 0;
    int rep = 0, rc;
    long first = -1;
    ref refs[OPD_MAX];
    buf insn = {0};
    rw w;

    memset(&w, 0, sizeof w);
    w.c = c;
    w.e = e;
    w.bits = c->arch->ptrsize == 8 ? 64 : 32;
    /* The mnemonic after any prefixes, lower case. */
    for (;;) {
        const asm_tok *h = &t[k - 1];
        size_t len = h->len < sizeof mn - 1 ? h->len : sizeof mn - 1;
        for (size_t i = 0; i < len; i++)
            mn[i] = (char)(c->text[h->off + i] | 0x20);
        mn[len] = 0;
        if (!mn_is(mn, prefixes) || k >= n || t[k].kind != ASM_IDENT)
            break;
        rep |= mn_starts(mn, "rep");
        k++;
    }
    w.mn = mn;
    w.t = t + k;
    w.n = n - k;

    /* Any variable at all? (Most instructions: no, and nothing is parsed.) */
    for (size_t i = 0; i < w.n; i++) {
        int kind;
        if (w.t[i].kind != ASM_IDENT || (i > 0 && tok_punct(&w, i - 1, '@')))
            continue;
        if ((kind = c->classify(c->cctx, tok_text(&w, i), w.t[i].len)) != RW_NONE) {
            first = (long)i;
            w.kind = kind;
            break;
        }
    }
    if (first < 0)
        return 0;
    w.var = tok_text(&w, (size_t)first);
    w.nvar = w.t[first].len;
    collapse(c->text + t[0].off, t[n - 1].off + t[n - 1].len - t[0].off, &insn);
    w.insn = buf_cstr(&insn);

    if (opd_parse(&w.st, c->text, w.t, w.n) != 0) {
        rc = cannot(&w, NULL);
        goto out;
    }
    for (size_t i = 0; i < w.st.nop; i++) {
        const asm_opd *o = &w.st.op[i];
        int kind = 0;
        long v = -1;
        if (o->kind == OPD_IMM || o->kind == OPD_MEM)
            v = expr_var(&w, o->expr, &kind);
        if (v == -2 || (o->kind == OPD_MEM && expr_var(&w, o->scale, &kind) != -1)) {
            rc = cannot(&w, NULL);
            goto out;
        }
        if (v < 0)
            continue;
        refs[nref].op = i;
        refs[nref].tok = (size_t)v;
        refs[nref].kind = kind;
        refs[nref].scratch = -1;
        refs[nref].saved = 0;
        nref++;
    }
    if (nref == 0) { /* a variable somewhere the grammar does not put one */
        rc = cannot(&w, NULL);
        goto out;
    }
    if (rep) {
        rc = cannot(&w, NULL);
        goto out;
    }
    rc = rewrite(&w, t, refs, nref, out);
out:
    free((char *)w.insn);
    return rc;
}
