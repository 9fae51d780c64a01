/* jumpas/scan.c: one statement of the assembly at a time: labels, symbol and section
 * directives, and the references the rewrite must see. */
#include "jumpas.h"
#include "jumpas_int.h"
#include "buf.h"
#include "diag.h"
#include "rewrite.h"

#include <stdio.h>
#include <string.h>

/* ---- one statement ---- */

typedef struct scan_ctx {
    jas_scan *s;
    size_t input;
    const char *text;
} scan_ctx;

static int tok_is(const scan_ctx *c, const asm_tok *t, const char *lit)
{
    size_t n = strlen(lit);
    return t->len == n && !memcmp(c->text + t->off, lit, n);
}

static int is_punct(const scan_ctx *c, const asm_tok *t, char ch)
{
    return t->kind == ASM_PUNCT && t->len == 1 && c->text[t->off] == ch;
}

/* Names the scan keeps: not local labels (.L*, numbers) and not '.' itself. */
int jas_worth_a_symbol(const char *p, size_t n)
{
    if (n == 0 || (p[0] >= '0' && p[0] <= '9'))
        return 0;
    if (p[0] == '.' && (n == 1 || p[1] == 'L'))
        return 0;
    return 1;
}

static void add_edit(jas_scan *s, size_t sym, size_t input, size_t off)
{
    if (s->nedit == s->capedit) {
        s->capedit = s->capedit ? s->capedit * 2 : 64;
        s->edit = xrealloc(s->edit, s->capedit * sizeof *s->edit);
    }
    s->edit[s->nedit++] = (jas_edit){sym, input, off};
}

/* A symbol named by an operand token in a definition role; -1 if not one worth keeping. */
static long operand_sym(scan_ctx *c, const asm_tok *t, int edit)
{
    size_t i;
    if ((t->kind != ASM_IDENT && t->kind != ASM_MNEMONIC) ||
        !jas_worth_a_symbol(c->text + t->off, t->len))
        return -1;
    i = jas_intern(c->s, c->text + t->off, t->len);
    if (edit && (c->s->sym[i].flags & JAS_S_FUNCS))
        add_edit(c->s, i, c->input, t->off + t->len);
    return (long)i;
}

static void define(scan_ctx *c, size_t i, unsigned how, int sect, unsigned line)
{
    jas_sym *y = &c->s->sym[i];
    if (y->flags & (JAS_S_LABEL | JAS_S_SET | JAS_S_COMM))
        return; /* a second definition: as reports it */
    y->flags |= how;
    y->sect = sect;
    y->input = c->input;
    y->line = line;
}

static jas_def *add_def(scan_ctx *c, size_t sym, const asm_tok *h, const asm_tok *op, size_t nop);
static void note_tls(scan_ctx *c, const char *name, size_t n, unsigned line, int defined);

static void on_label(scan_ctx *c, const asm_tok *t)
{
    size_t n = t->len - 1, i; /* without the ':' */
    c->s->def_open = -1;
    if (!jas_worth_a_symbol(c->text + t->off, n)) {
        c->s->align = 0;
        return;
    }
    i = jas_intern(c->s, c->text + t->off, n);
    define(c, i, JAS_S_LABEL, c->s->cur.cls, t->line);
    if (c->s->cur.tls)
        note_tls(c, c->text + t->off, n, t->line, 1);
    if (c->s->sym[i].flags & JAS_S_FUNCS)
        add_edit(c->s, i, c->input, t->off + n);
    if ((c->s->sym[i].flags & JAS_S_VARS) && c->s->sym[i].line == t->line &&
        c->s->sym[i].input == c->input)
        add_def(c, i, t, NULL, 0);
    c->s->align = 0;
}

static int has_prefix(const char *p, size_t n, const char *pre)
{
    size_t k = strlen(pre);
    return n >= k && !memcmp(p, pre, k);
}

/* The class of a section from its name, else from its flags ("awx") and type (nobits). */
static int section_class(const char *name, size_t n, const char *flags, size_t nflags, int nobits)
{
    static const struct { const char *pre; int cls; } known[] = {
        {".text", JAS_SEC_TEXT}, {".init", JAS_SEC_TEXT}, {".fini", JAS_SEC_TEXT},
        {".data", JAS_SEC_DATA}, {".tdata", JAS_SEC_DATA}, {".sdata", JAS_SEC_DATA},
        {".bss", JAS_SEC_BSS}, {".tbss", JAS_SEC_BSS}, {".sbss", JAS_SEC_BSS},
        {".rodata", JAS_SEC_RODATA},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (has_prefix(name, n, known[i].pre))
            return known[i].cls;
    if (flags && memchr(flags, 'x', nflags))
        return JAS_SEC_TEXT;
    if (flags && memchr(flags, 'w', nflags))
        return nobits ? JAS_SEC_BSS : JAS_SEC_DATA;
    if (flags && memchr(flags, 'a', nflags))
        return JAS_SEC_RODATA;
    return JAS_SEC_OTHER;
}

/* .section NAME[, "FLAGS"[, @TYPE ...]]; *tls: a thread-local section (.tdata*, .tbss*, or
 * the flag T). */
static int section_operands(scan_ctx *c, const asm_tok *op, size_t nop, int *tls)
{
    const char *name = NULL, *flags = NULL;
    size_t nname = 0, nflags = 0, i = 0, field = 0;
    int nobits = 0;
    *tls = 0;
    if (nop == 0)
        return JAS_SEC_OTHER;
    if (op[0].kind == ASM_STRING && op[0].len >= 2) {
        name = c->text + op[0].off + 1;
        nname = op[0].len - 2;
    } else {
        size_t end = 0;
        while (end < nop && !is_punct(c, &op[end], ','))
            end++;
        name = c->text + op[0].off;
        nname = end ? op[end - 1].off + op[end - 1].len - op[0].off : 0;
    }
    for (i = 0; i < nop; i++) {
        const asm_tok *t = &op[i];
        if (is_punct(c, t, ',')) {
            field++;
        } else if (field == 1 && t->kind == ASM_STRING && t->len >= 2) {
            flags = c->text + t->off + 1;
            nflags = t->len - 2;
        } else if (field == 2 && (tok_is(c, t, "nobits") || tok_is(c, t, "%nobits"))) {
            nobits = 1;
        }
    }
    *tls = has_prefix(name, nname, ".tdata") || has_prefix(name, nname, ".tbss") ||
           (flags && memchr(flags, 'T', nflags));
    return section_class(name, nname, flags, nflags, nobits);
}

/* The section set by the directive statement h..op[nop-1]. */
static void set_section(scan_ctx *c, int cls, const asm_tok *h, const asm_tok *op, size_t nop,
                        int push, int tls)
{
    jas_scan *s = c->s;
    const asm_tok *last = nop ? &op[nop - 1] : h;
    s->prev = s->cur;
    s->cur = (jas_sect){cls, (long)c->input, h->off, last->off + last->len, push, tls};
    s->align = 0;
}

/* A fixed-address image has no thread-local storage block: remember the first thread-local
 * definition or use, with the C source line when .loc gives one; jas_scan_text refuses it. */
static void note_tls(scan_ctx *c, const char *name, size_t n, unsigned line, int defined)
{
    jas_scan *s = c->s;
    if (s->tls.found)
        return;
    s->tls.found = 1;
    s->tls.defined = defined;
    s->tls.name = xstrndup(name, n);
    s->tls.srcfile = s->srcfile ? xstrdup(s->srcfile) : NULL;
    s->tls.srcline = s->srcline;
    s->tls.line = line;
}

/* x@tpoff, x@ntpoff, x@gottpoff, x@tlsgd ...: the relocation operators of the TLS models. */
static int tls_operator(const char *p, size_t n)
{
    static const char *const ops[] = {"tpoff", "ntpoff", "gottpoff", "indntpoff", "gotntpoff",
                                       "tlsgd", "tlsld", "tlsldm", "dtpoff", "dtpmod",
                                       "tlsdesc", "tlscall", NULL};
    for (size_t k = 0; ops[k]; k++)
        if (strlen(ops[k]) == n && !strncasecmp(ops[k], p, n))
            return 1;
    return 0;
}

/* The word of a .type: function, @function, %function, "function", STT_FUNC ... */
static unsigned type_flag(scan_ctx *c, const asm_tok *op, size_t nop)
{
    static const char *const fn[] = {"function", "gnu_indirect_function", "STT_FUNC",
                                     "STT_GNU_IFUNC", NULL};
    static const char *const obj[] = {"object", "tls_object", "common", "STT_OBJECT",
                                      "STT_TLS", "STT_COMMON", NULL};
    size_t i = 0;
    while (i < nop && !is_punct(c, &op[i], ','))
        i++;
    for (i++; i < nop; i++) {
        const char *p = c->text + op[i].off;
        size_t n = op[i].len;
        if (op[i].kind == ASM_REG) {
            p++, n--;
        } else if (op[i].kind == ASM_STRING && n >= 2) {
            p++, n -= 2;
        } else if (op[i].kind != ASM_IDENT) {
            continue;
        }
        for (size_t k = 0; fn[k]; k++)
            if (strlen(fn[k]) == n && !memcmp(fn[k], p, n))
                return JAS_S_FUNC;
        for (size_t k = 0; obj[k]; k++)
            if (strlen(obj[k]) == n && !memcmp(obj[k], p, n))
                return JAS_S_OBJECT;
        return 0;
    }
    return 0;
}

static int number(scan_ctx *c, const asm_tok *t, uint64_t *v)
{
    char tmp[32];
    if (t->kind != ASM_NUMBER || t->len >= sizeof tmp)
        return -1;
    memcpy(tmp, c->text + t->off, t->len);
    tmp[t->len] = 0;
    return parse_u64(tmp, 0, v);
}

/* NAME, EXPR (.set, .equ, .equiv, NAME = EXPR): NAME is defined here; a plain symbol EXPR
 * makes it an alias whose type follows the target's. */
static void on_set(scan_ctx *c, const asm_tok *name, const asm_tok *expr, size_t nexpr)
{
    long i = operand_sym(c, name, 1), t;
    if (i < 0)
        return;
    define(c, (size_t)i, JAS_S_SET, c->s->cur.cls, name->line);
    if (nexpr == 1 && (t = operand_sym(c, &expr[0], 0)) >= 0 && t != i)
        c->s->sym[i].alias = t;
}

enum { D_TEXT = 1, D_DATA, D_BSS, D_SECTION, D_PUSH, D_POP, D_PREVIOUS, D_GLOBL, D_WEAK,
       D_LOCAL, D_VIS, D_HIDDEN, D_TYPE, D_SIZE, D_COMM, D_LCOMM, D_SET, D_FILE, D_LOC,
       D_TLS_COMMON };

/* .cfi_*: the most frequent directives in gcc's output, none of those the scan looks at. */
static int is_cfi(const char *p, size_t n)
{
    return n > 5 && p[1] == 'c' && !memcmp(p, ".cfi_", 5);
}

static int directive_id(const char *p, size_t n)
{
    static const struct { const char *name; int id; } d[] = {
        {".text", D_TEXT}, {".data", D_DATA}, {".bss", D_BSS}, {".section", D_SECTION},
        {".pushsection", D_PUSH}, {".popsection", D_POP}, {".previous", D_PREVIOUS},
        {".globl", D_GLOBL}, {".global", D_GLOBL}, {".weak", D_WEAK}, {".local", D_LOCAL},
        {".hidden", D_HIDDEN}, {".internal", D_HIDDEN}, {".protected", D_VIS}, {".type", D_TYPE},
        {".size", D_SIZE}, {".comm", D_COMM}, {".lcomm", D_LCOMM}, {".set", D_SET},
        {".equ", D_SET}, {".equiv", D_SET}, {".file", D_FILE}, {".loc", D_LOC},
        {".tls_common", D_TLS_COMMON},
    };
    /* Most directives in gcc output (.loc, .cfi_*, .byte, .long, .string) are none of these. */
    if (n < 4 || n > 12 || is_cfi(p, n))
        return 0;
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        if (d[i].name[1] == p[1] && strlen(d[i].name) == n && !memcmp(d[i].name, p, n))
            return d[i].id;
    return 0;
}

/* Directives that emit data (what a variable's initialiser is made of). */
static int data_directive(const char *p, size_t n)
{
#define DD(s) {s, sizeof s - 1}
    static const struct { const char *name; size_t len; } d[] = {
        DD(".byte"), DD(".2byte"), DD(".4byte"), DD(".8byte"), DD(".short"), DD(".value"),
        DD(".word"), DD(".hword"), DD(".long"), DD(".int"), DD(".quad"), DD(".octa"),
        DD(".zero"), DD(".skip"), DD(".space"), DD(".fill"), DD(".string"), DD(".string8"),
        DD(".string16"), DD(".string32"), DD(".ascii"), DD(".asciz"), DD(".float"),
        DD(".single"), DD(".double"), DD(".tfloat"), DD(".uleb128"), DD(".sleb128"),
    };
#undef DD
    if (is_cfi(p, n))
        return 0;
    if (n > 4 && !memcmp(p, ".dc.", 4))
        return 1;
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        if (d[i].len == n && d[i].name[1] == p[1] && !memcmp(d[i].name, p, n))
            return 1;
    return 0;
}

/* .align N / .balign N (bytes on x86 ELF), .p2align N: the alignment in bytes, else 0. */
static int align_directive(scan_ctx *c, const asm_tok *h, const asm_tok *op, size_t nop,
                           uint64_t *bytes)
{
    uint64_t v = 0;
    int p2;
    if (h->len < 6 || h->len > 8 || c->text[h->off + h->len - 1] != 'n')
        return 0; /* not ".align", ".balign" or ".p2align" */
    p2 = tok_is(c, h, ".p2align");
    if (!p2 && !tok_is(c, h, ".align") && !tok_is(c, h, ".balign"))
        return 0;
    *bytes = 0;
    if (nop && number(c, &op[0], &v) == 0 && v < 64)
        *bytes = p2 ? (uint64_t)1 << v : v;
    else if (nop && !p2 && number(c, &op[0], &v) == 0)
        *bytes = v;
    return 1;
}

static jas_span stmt_span(const scan_ctx *c, const asm_tok *h, const asm_tok *op, size_t nop)
{
    const asm_tok *last = nop ? &op[nop - 1] : h;
    return (jas_span){c->input, h->off, last->off + last->len};
}

static jas_def *add_def(scan_ctx *c, size_t sym, const asm_tok *h, const asm_tok *op, size_t nop)
{
    jas_scan *s = c->s;
    jas_def *d;
    if (s->ndef == s->capdef) {
        s->capdef = s->capdef ? s->capdef * 2 : 16;
        s->def = xrealloc(s->def, s->capdef * sizeof *s->def);
    }
    d = &s->def[s->ndef];
    memset(d, 0, sizeof *d);
    d->sym = sym;
    d->line = h->line;
    d->sect = s->cur;
    d->align = s->align;
    d->head = stmt_span(c, h, op, nop);
    d->data = s->nspan;
    s->def_open = (long)s->ndef++;
    return d;
}

static void add_vdir(scan_ctx *c, size_t sym, const asm_tok *h, const asm_tok *op, size_t nop)
{
    jas_scan *s = c->s;
    if (s->nvdir == s->capvdir) {
        s->capvdir = s->capvdir ? s->capvdir * 2 : 16;
        s->vdir = xrealloc(s->vdir, s->capvdir * sizeof *s->vdir);
    }
    s->vdir[s->nvdir++] = (jas_vdir){sym, stmt_span(c, h, op, nop)};
}

/* A data directive: part of the definition being diverted, if one is open. */
static void on_data(scan_ctx *c, const asm_tok *h, const asm_tok *op, size_t nop)
{
    jas_scan *s = c->s;
    if (s->def_open >= 0) {
        if (s->nspan == s->capspan) {
            s->capspan = s->capspan ? s->capspan * 2 : 64;
            s->span = xrealloc(s->span, s->capspan * sizeof *s->span);
        }
        s->span[s->nspan++] = stmt_span(c, h, op, nop);
        s->def[s->def_open].ndata++;
    }
    s->align = 0;
}

/* .text .data .bss .section .pushsection .popsection .previous: the current section. */
static void on_section(scan_ctx *c, int id, const asm_tok *h, const asm_tok *op, size_t nop)
{
    jas_scan *s = c->s;
    int tls, cls;
    switch (id) {
    case D_TEXT: set_section(c, JAS_SEC_TEXT, h, op, nop, 0, 0); break;
    case D_DATA: set_section(c, JAS_SEC_DATA, h, op, nop, 0, 0); break;
    case D_BSS: set_section(c, JAS_SEC_BSS, h, op, nop, 0, 0); break;
    case D_SECTION:
        cls = section_operands(c, op, nop, &tls);
        set_section(c, cls, h, op, nop, 0, tls);
        break;
    case D_PUSH:
        if (s->nstack + 2 > s->capstack) {
            s->capstack = s->capstack ? s->capstack * 2 : 16;
            s->stack = xrealloc(s->stack, s->capstack * sizeof *s->stack);
        }
        s->stack[s->nstack++] = s->cur;
        s->stack[s->nstack++] = s->prev;
        cls = section_operands(c, op, nop, &tls);
        set_section(c, cls, h, op, nop, 1, tls);
        break;
    case D_POP:
        if (s->nstack >= 2) {
            s->prev = s->stack[--s->nstack];
            s->cur = s->stack[--s->nstack];
        }
        break;
    case D_PREVIOUS: {
        jas_sect t = s->cur;
        s->cur = s->prev;
        s->prev = t;
        break;
    }
    }
}

/* .globl .weak .local .hidden (and the other visibilities): flags for each symbol named. */
static void on_symbol_list(scan_ctx *c, int id, const asm_tok *h, const asm_tok *op, size_t nop)
{
    jas_scan *s = c->s;
    unsigned flag = id == D_GLOBL ? JAS_S_GLOBAL : id == D_WEAK ? JAS_S_WEAK : id == D_LOCAL ? JAS_S_LOCAL
                  : id == D_HIDDEN ? JAS_S_HIDDEN : 0;
    long i;
    for (size_t k = 0; k < nop; k++)
        if ((i = operand_sym(c, &op[k], 1)) >= 0)
            s->sym[i].flags |= flag;
    /* ".globl v" for a variable that may be diverted goes with it (else the object would
     * keep an undefined v). */
    if (nop == 1 && (id == D_GLOBL || id == D_WEAK) && (i = operand_sym(c, &op[0], 0)) >= 0 &&
        (s->sym[i].flags & JAS_S_VARS))
        add_vdir(c, (size_t)i, h, op, nop);
}

/* .size sym, expr: the size, the directive diverted with a variable, and ".-f" of a renamed
 * function follows the rename. */
static void on_size(scan_ctx *c, const asm_tok *h, const asm_tok *op, size_t nop)
{
    jas_scan *s = c->s;
    long i;
    if (nop == 0 || (i = operand_sym(c, &op[0], 1)) < 0)
        return;
    if (s->sym[i].flags & JAS_S_VARS)
        add_vdir(c, (size_t)i, h, op, nop);
    if (nop == 3 && is_punct(c, &op[1], ',') && number(c, &op[2], &s->sym[i].size) == 0)
        s->sym[i].flags |= JAS_S_SIZE;
    for (size_t k = 1; k < nop; k++) { /* .size f, .-f */
        long j;
        if (op[k].kind == ASM_IDENT &&
            (j = jas_find_span(s, c->text + op[k].off, op[k].len, jas_span_hash(c->text + op[k].off, op[k].len))) >= 0 &&
            (s->sym[j].flags & JAS_S_FUNCS))
            add_edit(s, (size_t)j, c->input, op[k].off + op[k].len);
    }
}

/* .comm sym, size[, align] and .lcomm: a definition in bss; an exported common variable is
 * diverted as a whole. */
static void on_comm(scan_ctx *c, int id, const asm_tok *h, const asm_tok *op, size_t nop)
{
    jas_scan *s = c->s;
    long i;
    if (nop == 0 || (i = operand_sym(c, &op[0], 0)) < 0)
        return;
    if (id == D_COMM) {
        define(c, (size_t)i, JAS_S_COMM, JAS_SEC_BSS, h->line);
    } else {
        define(c, (size_t)i, JAS_S_LABEL, JAS_SEC_BSS, h->line);
        s->sym[i].flags |= JAS_S_SIZE;
    }
    if (nop < 3 || !is_punct(c, &op[1], ',') || number(c, &op[2], &s->sym[i].size) != 0)
        s->sym[i].size = 0;
    if (id == D_COMM && (s->sym[i].flags & JAS_S_VARS)) {
        uint64_t al = 0;
        jas_def *d;
        if (nop >= 5 && is_punct(c, &op[3], ',') && number(c, &op[4], &al) != 0)
            al = 0;
        d = add_def(c, (size_t)i, h, op, nop);
        d->comm = 1;
        d->align = al;
        s->def_open = -1;
    }
}

static void on_directive(scan_ctx *c, const asm_tok *h, const asm_tok *op, size_t nop)
{
    jas_scan *s = c->s;
    int id = directive_id(c->text + h->off, h->len);
    long i;
    uint64_t a;
    if (data_directive(c->text + h->off, h->len)) {
        on_data(c, h, op, nop);
        return;
    }
    s->def_open = -1;
    if (align_directive(c, h, op, nop, &a)) {
        s->align = a;
        return;
    }
    switch (id) {
    case D_TEXT: case D_DATA: case D_BSS: case D_SECTION: case D_PUSH: case D_POP: case D_PREVIOUS:
        on_section(c, id, h, op, nop);
        break;
    case D_FILE: /* .file "x.c" names the source; .file N "x.c" (with -g) comes after it */
        if (!s->srcfile && nop == 1 && op[0].kind == ASM_STRING && op[0].len >= 2)
            s->srcfile = xstrndup(c->text + op[0].off + 1, op[0].len - 2);
        break;
    case D_LOC:
        if (nop >= 2 && number(c, &op[1], &a) == 0 && a <= UINT32_MAX)
            s->srcline = (unsigned)a;
        break;
    case D_TLS_COMMON:
        if (nop >= 1 && op[0].kind == ASM_IDENT)
            note_tls(c, c->text + op[0].off, op[0].len, h->line, 1);
        break;
    case D_GLOBL: case D_WEAK: case D_LOCAL: case D_HIDDEN: case D_VIS:
        on_symbol_list(c, id, h, op, nop);
        break;
    case D_TYPE:
        if (nop && (i = operand_sym(c, &op[0], 1)) >= 0) {
            s->sym[i].flags |= type_flag(c, op, nop);
            if (s->sym[i].flags & JAS_S_VARS)
                add_vdir(c, (size_t)i, h, op, nop);
        }
        break;
    case D_SIZE: on_size(c, h, op, nop); break;
    case D_COMM: case D_LCOMM: on_comm(c, id, h, op, nop); break;
    case D_SET:
        if (nop >= 2 && is_punct(c, &op[1], ','))
            on_set(c, &op[0], op + 2, nop - 2);
        break;
    default:
        break;
    }
}

/* An instruction: remember the names it calls, and keep it for the rewrite if it mentions
 * a name that may be a variable. */
static void on_insn(scan_ctx *c, const asm_tok *h, size_t n)
{
    jas_scan *s = c->s;
    int keep = 0;
    s->def_open = -1;
    if (n >= 2 && h[1].kind == ASM_IDENT && rw_is_branch(c->text + h->off, h->len) &&
        jas_worth_a_symbol(c->text + h[1].off, h[1].len))
        jas_names_put(&s->called, c->text + h[1].off, h[1].len);
    /* x@ntpoff and the like: thread-local storage (one memchr first: most statements have
     * no '@' at all). */
    if (n >= 4 && memchr(c->text + h[1].off, '@', h[n - 1].off + h[n - 1].len - h[1].off))
        for (size_t k = 2; k + 1 < n; k++)
            if (h[k].kind == ASM_PUNCT && h[k].len == 1 && c->text[h[k].off] == '@' &&
                h[k - 1].kind == ASM_IDENT && h[k + 1].kind == ASM_IDENT &&
                tls_operator(c->text + h[k + 1].off, h[k + 1].len))
                note_tls(c, c->text + h[k - 1].off, h[k - 1].len, h->line, 0);
    for (size_t k = 1; k < n && !keep; k++) {
        const asm_tok *t = &h[k];
        uint8_t first = (uint8_t)c->text[t->off];
        if (t->kind != ASM_IDENT || !jas_worth_a_symbol(c->text + t->off, t->len))
            continue;
        keep = s->implied || ((s->cand_first[first >> 3] & (1u << (first & 7))) &&
                              jas_names_has(&s->cand, c->text + t->off, t->len,
                                        jas_span_hash(c->text + t->off, t->len)));
    }
    if (!keep)
        return;
    if (s->ninsn == s->capinsn) {
        s->capinsn = s->capinsn ? s->capinsn * 2 : 64;
        s->insn = xrealloc(s->insn, s->capinsn * sizeof *s->insn);
    }
    if (s->nitok + n > s->capitok) {
        s->capitok = s->capitok ? s->capitok * 2 : 256;
        if (s->capitok < s->nitok + n)
            s->capitok = s->nitok + n;
        s->itok = xrealloc(s->itok, s->capitok * sizeof *s->itok);
    }
    memcpy(s->itok + s->nitok, h, n * sizeof *h);
    s->insn[s->ninsn++] = (jas_insn){c->input, h->line, s->nitok, n};
    s->nitok += n;
}

/* The refusal of thread-local storage: where (the C file and line when the assembly names
 * them, else the assembly's), which variable, and what to do. */
static int tls_error(const jas_scan *s, const char *input, jerr *e)
{
    char where[512];
    if (s->tls.srcfile && s->tls.srcline)
        snprintf(where, sizeof where, "%s:%u: ", s->tls.srcfile, s->tls.srcline);
    else if (s->tls.srcfile)
        snprintf(where, sizeof where, "%s (assembly line %u): ", s->tls.srcfile, s->tls.line);
    else
        snprintf(where, sizeof where, "%s:%u: ", input, s->tls.line);
    return jerr_set(e, EXIT_BAD,
                    "%sthread-local variable '%s' %s: a jump image is mapped at a fixed address "
                    "with no thread-local storage of its own; make it an ordinary variable, or "
                    "build the library without TLS (e2fsprogs: configure --disable-tls)",
                    where, s->tls.name, s->tls.defined ? "defined" : "used");
}

int jas_scan_text(jas_scan *s, const char *name, char *text, size_t len, jerr *e)
{
    scan_ctx c;
    asm_stmt st;
    asm_lexer *lx;
    size_t reported = 0;
    (void)e; /* issue B's rewrite reports forms it cannot handle through e */
    s->in = xrealloc(s->in, (s->nin + 1) * sizeof *s->in);
    s->in[s->nin] = (jas_input){xstrdup(name), text, len, 0};
    c.s = s;
    c.input = s->nin++;
    c.text = text;
    lx = asm_lexer_new(text, len);
    while (asm_next_stmt(lx, &st)) {
        const asm_tok *h = &st.t[st.nlabels];
        if (s->progress) {
            size_t done = st.t[0].off;  /* the statements before this one are complete */
            if (done - reported >= JAS_PROGRESS_BYTES) {
                reported = done;
                if (s->progress(s->progress_ctx, c.input, done))
                    s->progress = NULL;
            }
        }
        for (size_t k = 0; k < st.nlabels; k++)
            on_label(&c, &st.t[k]);
        if (!st.has_head)
            continue;
        if (h->kind == ASM_DIRECTIVE)
            on_directive(&c, h, h + 1, st.n - st.nlabels - 1);
        else if (h->kind == ASM_MNEMONIC && st.n - st.nlabels >= 2 && is_punct(&c, h + 1, '='))
            on_set(&c, h, h + 2, st.n - st.nlabels - 2);
        else if (h->kind == ASM_MNEMONIC)
            on_insn(&c, h, st.n - st.nlabels);
    }
    asm_lexer_free(lx);
    if (s->tls.found)
        return tls_error(s, name, e);
    return 0;
}
