/* jumpas: read gas's arguments, scan the assembly once (jumpas/asm_scan.l), log the global
 * definitions the control files do not describe, rename the jump.funcs functions this file
 * defines, and run the real as on the result (DESIGN §4, items 1 and 2). */
#include "jumpas.h"
#include "arch.h"
#include "asm_scan.h"
#include "buf.h"
#include "ctl.h"
#include "diag.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCAL_SUFFIX "__LOCAL__"

/* ---- arguments ---- */

/* gas's long options (getopt_long_only: one or two dashes) that take their value as the next
 * argument when it is not attached with '='. From as --help and gas's option tables. */
static const char *const long_with_arg[] = {
    "defsym", "debug-prefix-map", "MD", "hash-size", "listing-lhs-width", "listing-lhs-width2",
    "listing-rhs-width", "listing-cont-lines", "size-check", "elf-stt-common",
    "generate-missing-build-notes", "multibyte-handling", "gdwarf-cie-version", "march",
    "mtune", "mmnemonic", "msyntax", "msse-check", "moperand-check", "mavxscalar", "mvexwig",
    "mevexlig", "mevexwig", "mevexrcig", "momit-lock-prefix", "mfence-as-lock-add",
    "mrelax-relocations", "mx86-used-note", "mlfence-after-load",
    "mlfence-before-indirect-branch", "mlfence-before-ret", "malign-branch-boundary",
    "malign-branch-prefix-size", "malign-branch", "mtls-check", NULL,
};

static int takes_separate_arg(const char *opt)
{
    const char *body = opt + 1 + (opt[1] == '-');
    if (strchr(body, '='))
        return 0;
    for (size_t i = 0; long_with_arg[i]; i++)
        if (!strcmp(body, long_with_arg[i]))
            return 1;
    /* Short options with a value: -o FILE, -I DIR, -Q y (attached or separate). */
    return opt[1] != '-' && strchr("oIQ", opt[1]) && opt[2] == 0;
}

int jumpas_parse_args(int argc, char **argv, jumpas_args *a, jerr *e)
{
    int only_files = 0;
    memset(a, 0, sizeof *a);
    a->argc = argc;
    a->argv = argv;
    a->arch = arch_host();
    a->input = xmalloc((size_t)(argc + 1) * sizeof *a->input);
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (only_files || s[0] != '-' || s[1] == 0) {
            a->input[a->ninput++] = (size_t)i;
            continue;
        }
        if (!strcmp(s, "--")) {
            only_files = 1;
        } else if (arch_by_as_flag(s)) {
            a->arch = arch_by_as_flag(s);
        } else if (!strcmp(s, "-v")) {
            a->verbose = 1;
        } else if (!strcmp(s, "-f")) {
            a->no_preprocess = 1;
        } else if (takes_separate_arg(s)) {
            if (i + 1 >= argc) {
                jumpas_args_free(a);
                return jerr_set(e, EXIT_USAGE, "option '%s' requires an argument", s);
            }
            if (!strcmp(s, "-o"))
                a->output = argv[i + 1];
            i++;
        } else if (s[1] == 'o') {
            a->output = s + 2; /* -oFILE */
        }
    }
    return 0;
}

void jumpas_args_free(jumpas_args *a)
{
    free(a->input);
    a->input = NULL;
    a->ninput = 0;
}

/* ---- control files ---- */

int jumpas_ctl_load(const char *dir, jumpas_ctl *c, jerr *e)
{
    struct { const char *file; jf_kind kind; jf_file *f; } t[] = {
        {"jump.funcs", JF_FUNCS, &c->funcs},
        {"jump.vars", JF_VARS, &c->vars},
        {"jump.ignore", JF_IGNORE, &c->ignore},
        {"jump.import", JF_IMPORT, &c->import},
    };
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char *path = xasprintf("%s/%s", dir ? dir : ".", t[i].file);
        int rc = jf_load(path, t[i].kind, JF_MISSING_OK, t[i].f, e);
        free(path);
        if (rc != 0) {
            jumpas_ctl_free(c);
            return -1;
        }
    }
    return 0;
}

void jumpas_ctl_free(jumpas_ctl *c)
{
    jf_free(&c->funcs);
    jf_free(&c->vars);
    jf_free(&c->ignore);
    jf_free(&c->import);
}

/* ---- the symbol table: names are spans of the input text ---- */

static uint32_t span_hash(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)p[i];
        h *= 16777619u;
    }
    return h;
}

static void slots_grow(jas_scan *s)
{
    size_t cap = s->capslot ? s->capslot * 2 : 1024;
    uint32_t *slot = xcalloc(cap, sizeof *slot);
    for (size_t i = 0; i < s->nsym; i++) {
        size_t j = s->sym[i].hash & (cap - 1);
        while (slot[j])
            j = (j + 1) & (cap - 1);
        slot[j] = (uint32_t)(i + 1);
    }
    free(s->slot);
    s->slot = slot;
    s->capslot = cap;
}

static long find_span(const jas_scan *s, const char *p, size_t n, uint32_t h)
{
    if (!s->capslot)
        return -1;
    for (size_t j = h & (s->capslot - 1); s->slot[j]; j = (j + 1) & (s->capslot - 1)) {
        const jas_sym *y = &s->sym[s->slot[j] - 1];
        if (y->hash == h && y->len == n && !memcmp(y->name, p, n))
            return (long)s->slot[j] - 1;
    }
    return -1;
}

long jas_find(const jas_scan *s, const char *name)
{
    size_t n = strlen(name);
    return find_span(s, name, n, span_hash(name, n));
}

/* What the control files say about a new symbol. */
static unsigned ctl_flags(const jumpas_ctl *c, const char *p, size_t n)
{
    char small[256], *name = n < sizeof small ? small : xmalloc(n + 1);
    unsigned f = 0;
    size_t i;
    memcpy(name, p, n);
    name[n] = 0;
    if ((i = jf_index(&c->funcs, name)) != 0) {
        f |= JAS_S_KNOWN;
        if (c->funcs.v[i - 1].type == 'T' || c->funcs.v[i - 1].type == 't')
            f |= JAS_S_FUNCS;
    }
    if (jf_index(&c->vars, name))
        f |= JAS_S_KNOWN | JAS_S_VARS;
    if (jf_index(&c->ignore, name))
        f |= JAS_S_KNOWN;
    if (name != small)
        free(name);
    return f;
}

static size_t intern(jas_scan *s, const char *p, size_t n)
{
    uint32_t h = span_hash(p, n);
    long i = find_span(s, p, n, h);
    jas_sym *y;
    if (i >= 0)
        return (size_t)i;
    if (2 * (s->nsym + 1) > s->capslot)
        slots_grow(s);
    if (s->nsym == s->capsym) {
        s->capsym = s->capsym ? s->capsym * 2 : 256;
        s->sym = xrealloc(s->sym, s->capsym * sizeof *s->sym);
    }
    y = &s->sym[s->nsym];
    memset(y, 0, sizeof *y);
    y->name = p;
    y->len = n;
    y->hash = h;
    y->alias = -1;
    y->flags = ctl_flags(s->ctl, p, n);
    i = (long)s->nsym++;
    {
        size_t j = h & (s->capslot - 1);
        while (s->slot[j])
            j = (j + 1) & (s->capslot - 1);
        s->slot[j] = (uint32_t)(i + 1);
    }
    return (size_t)i;
}

void jas_init(jas_scan *s, const jumpas_ctl *ctl)
{
    memset(s, 0, sizeof *s);
    s->ctl = ctl;
    s->cur = s->prev = JAS_SEC_TEXT; /* as starts in .text */
}

void jas_free(jas_scan *s)
{
    for (size_t i = 0; i < s->nin; i++) {
        free(s->in[i].name);
        free(s->in[i].text);
    }
    free(s->in);
    free(s->sym);
    free(s->slot);
    free(s->edit);
    free(s->stack);
    memset(s, 0, sizeof *s);
}

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
static int worth_a_symbol(const char *p, size_t n)
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
        !worth_a_symbol(c->text + t->off, t->len))
        return -1;
    i = intern(c->s, c->text + t->off, t->len);
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

static void on_label(scan_ctx *c, const asm_tok *t)
{
    size_t n = t->len - 1, i; /* without the ':' */
    if (!worth_a_symbol(c->text + t->off, n))
        return;
    i = intern(c->s, c->text + t->off, n);
    define(c, i, JAS_S_LABEL, c->s->cur, t->line);
    if (c->s->sym[i].flags & JAS_S_FUNCS)
        add_edit(c->s, i, c->input, t->off + n);
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

/* .section NAME[, "FLAGS"[, @TYPE ...]] */
static int section_operands(scan_ctx *c, const asm_tok *op, size_t nop)
{
    const char *name = NULL, *flags = NULL;
    size_t nname = 0, nflags = 0, i = 0, field = 0;
    int nobits = 0;
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
    return section_class(name, nname, flags, nflags, nobits);
}

static void set_section(jas_scan *s, int cls)
{
    s->prev = s->cur;
    s->cur = cls;
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
    define(c, (size_t)i, JAS_S_SET, c->s->cur, name->line);
    if (nexpr == 1 && (t = operand_sym(c, &expr[0], 0)) >= 0 && t != i)
        c->s->sym[i].alias = t;
}

enum { D_TEXT = 1, D_DATA, D_BSS, D_SECTION, D_PUSH, D_POP, D_PREVIOUS, D_GLOBL, D_WEAK,
       D_LOCAL, D_VIS, D_TYPE, D_SIZE, D_COMM, D_LCOMM, D_SET };

static int directive_id(const char *p, size_t n)
{
    static const struct { const char *name; int id; } d[] = {
        {".text", D_TEXT}, {".data", D_DATA}, {".bss", D_BSS}, {".section", D_SECTION},
        {".pushsection", D_PUSH}, {".popsection", D_POP}, {".previous", D_PREVIOUS},
        {".globl", D_GLOBL}, {".global", D_GLOBL}, {".weak", D_WEAK}, {".local", D_LOCAL},
        {".hidden", D_VIS}, {".internal", D_VIS}, {".protected", D_VIS}, {".type", D_TYPE},
        {".size", D_SIZE}, {".comm", D_COMM}, {".lcomm", D_LCOMM}, {".set", D_SET},
        {".equ", D_SET}, {".equiv", D_SET},
    };
    /* Most directives in gcc output (.loc, .cfi_*, .byte, .long, .string) are none of these. */
    if (n < 4 || n > 12)
        return 0;
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        if (d[i].name[1] == p[1] && strlen(d[i].name) == n && !memcmp(d[i].name, p, n))
            return d[i].id;
    return 0;
}

static void on_directive(scan_ctx *c, const asm_tok *h, const asm_tok *op, size_t nop)
{
    jas_scan *s = c->s;
    int id = directive_id(c->text + h->off, h->len);
    unsigned flag = 0;
    long i;
    switch (id) {
    case D_TEXT: set_section(s, JAS_SEC_TEXT); break;
    case D_DATA: set_section(s, JAS_SEC_DATA); break;
    case D_BSS: set_section(s, JAS_SEC_BSS); break;
    case D_SECTION: set_section(s, section_operands(c, op, nop)); break;
    case D_PUSH:
        if (s->nstack + 2 > s->capstack) {
            s->capstack = s->capstack ? s->capstack * 2 : 16;
            s->stack = xrealloc(s->stack, s->capstack * sizeof *s->stack);
        }
        s->stack[s->nstack++] = s->cur;
        s->stack[s->nstack++] = s->prev;
        set_section(s, section_operands(c, op, nop));
        break;
    case D_POP:
        if (s->nstack >= 2) {
            s->prev = s->stack[--s->nstack];
            s->cur = s->stack[--s->nstack];
        }
        break;
    case D_PREVIOUS: {
        int t = s->cur;
        s->cur = s->prev;
        s->prev = t;
        break;
    }
    case D_GLOBL: flag = JAS_S_GLOBAL; goto list;
    case D_WEAK: flag = JAS_S_WEAK; goto list;
    case D_LOCAL: flag = JAS_S_LOCAL; goto list;
    case D_VIS:
    list:
        for (size_t k = 0; k < nop; k++)
            if ((i = operand_sym(c, &op[k], 1)) >= 0)
                s->sym[i].flags |= flag;
        break;
    case D_TYPE:
        if (nop && (i = operand_sym(c, &op[0], 1)) >= 0)
            s->sym[i].flags |= type_flag(c, op, nop);
        break;
    case D_SIZE:
        if (nop == 0 || (i = operand_sym(c, &op[0], 1)) < 0)
            break;
        if (nop == 3 && is_punct(c, &op[1], ',') && number(c, &op[2], &s->sym[i].size) == 0)
            s->sym[i].flags |= JAS_S_SIZE;
        for (size_t k = 1; k < nop; k++) { /* .size f, .-f */
            long j;
            if (op[k].kind == ASM_IDENT &&
                (j = find_span(s, c->text + op[k].off, op[k].len,
                               span_hash(c->text + op[k].off, op[k].len))) >= 0 &&
                (s->sym[j].flags & JAS_S_FUNCS))
                add_edit(s, (size_t)j, c->input, op[k].off + op[k].len);
        }
        break;
    case D_COMM:
    case D_LCOMM:
        if (nop == 0 || (i = operand_sym(c, &op[0], 0)) < 0)
            break;
        if (id == D_COMM) {
            define(c, (size_t)i, JAS_S_COMM, JAS_SEC_BSS, h->line);
        } else {
            define(c, (size_t)i, JAS_S_LABEL, JAS_SEC_BSS, h->line);
            s->sym[i].flags |= JAS_S_SIZE;
        }
        if (nop < 3 || !is_punct(c, &op[1], ',') || number(c, &op[2], &s->sym[i].size) != 0)
            s->sym[i].size = 0;
        break;
    case D_SET:
        if (nop >= 2 && is_punct(c, &op[1], ','))
            on_set(c, &op[0], op + 2, nop - 2);
        break;
    default:
        break;
    }
}

int jas_scan_text(jas_scan *s, const char *name, char *text, size_t len, jerr *e)
{
    scan_ctx c;
    asm_stmt st;
    asm_lexer *lx;
    (void)e; /* issue B's rewrite reports forms it cannot handle through e */
    s->in = xrealloc(s->in, (s->nin + 1) * sizeof *s->in);
    s->in[s->nin] = (jas_input){xstrdup(name), text, len, 0};
    c.s = s;
    c.input = s->nin++;
    c.text = text;
    lx = asm_lexer_new(text, len);
    while (asm_next_stmt(lx, &st)) {
        const asm_tok *h = &st.t[st.nlabels];
        for (size_t k = 0; k < st.nlabels; k++)
            on_label(&c, &st.t[k]);
        if (!st.has_head)
            continue;
        if (h->kind == ASM_DIRECTIVE)
            on_directive(&c, h, h + 1, st.n - st.nlabels - 1);
        else if (h->kind == ASM_MNEMONIC && st.n - st.nlabels >= 2 && is_punct(&c, h + 1, '='))
            on_set(&c, h, h + 2, st.n - st.nlabels - 2);
    }
    asm_lexer_free(lx);
    return 0;
}

/* ---- results ---- */

static int defined(const jas_sym *y) { return (y->flags & (JAS_S_LABEL | JAS_S_SET)) != 0; }

static int is_function(const jas_sym *y)
{
    if (y->flags & JAS_S_FUNC)
        return 1;
    return defined(y) && y->sect == JAS_SEC_TEXT && !(y->flags & JAS_S_OBJECT);
}

int jas_finish(jas_scan *s, jerr *e)
{
    for (size_t i = 0; i < s->nsym; i++) {
        jas_sym *y = &s->sym[i];
        if ((y->flags & JAS_S_VARS) && defined(y) && is_function(y))
            return jerr_set(e, EXIT_BAD, "%s:%u: Function %.*s incorrectly listed in jump.vars",
                            s->in[y->input].name, y->line, (int)y->len, y->name);
        if ((y->flags & JAS_S_FUNCS) && defined(y))
            y->flags |= JAS_S_RENAME;
    }
    for (size_t k = 0; k < s->nedit; k++)
        if (s->sym[s->edit[k].sym].flags & JAS_S_RENAME)
            s->in[s->edit[k].input].nedits++;
    return 0;
}

char jas_sym_type(const jas_scan *s, size_t i, uint64_t *size)
{
    const jas_sym *y = &s->sym[i];
    int sect = y->sect;
    *size = 0;
    if ((y->flags & JAS_S_COMM) && !defined(y)) {
        *size = y->size;
        return 'C';
    }
    if (y->flags & JAS_S_FUNC)
        return 'T';
    /* An alias takes the type of what it names (a few hops at most). */
    for (int hop = 0; hop < 8 && (y->flags & JAS_S_SET) && y->alias >= 0; hop++) {
        const jas_sym *t = &s->sym[y->alias];
        if (!(t->flags & (JAS_S_LABEL | JAS_S_SET | JAS_S_COMM)))
            break;
        if (t->flags & JAS_S_FUNC)
            return 'T';
        if ((t->flags & JAS_S_COMM) && !defined(t))
            sect = JAS_SEC_BSS;
        else
            sect = t->sect;
        y = t;
    }
    if (s->sym[i].flags & JAS_S_SIZE)
        *size = s->sym[i].size;
    switch (sect) {
    case JAS_SEC_TEXT: *size = 0; return 'T';
    case JAS_SEC_BSS: return 'C';
    case JAS_SEC_RODATA: return 'K';
    default: return 'D';
    }
}

size_t jas_log_lines(const jas_scan *s, const char *library, const char *objfile, buf *out)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nsym; i++) {
        const jas_sym *y = &s->sym[i];
        jf_entry x;
        int global = (y->flags & (JAS_S_GLOBAL | JAS_S_WEAK | JAS_S_COMM)) && !(y->flags & JAS_S_LOCAL);
        if (!global || !(y->flags & (JAS_S_LABEL | JAS_S_SET | JAS_S_COMM)) ||
            (y->flags & JAS_S_KNOWN))
            continue;
        memset(&x, 0, sizeof x);
        x.type = jas_sym_type(s, i, &x.size);
        x.name = xstrndup(y->name, y->len);
        x.library = (char *)library;
        x.objfile = (char *)objfile;
        jf_format(out, &x);
        free(x.name);
        n++;
    }
    return n;
}

void jas_rewrite(const jas_scan *s, size_t i, buf *out)
{
    const jas_input *in = &s->in[i];
    size_t pos = 0;
    for (size_t k = 0; k < s->nedit; k++) {
        const jas_edit *d = &s->edit[k];
        if (d->input != i || !(s->sym[d->sym].flags & JAS_S_RENAME) || d->off < pos)
            continue;
        buf_add(out, in->text + pos, d->off - pos);
        buf_adds(out, LOCAL_SUFFIX);
        pos = d->off;
    }
    buf_add(out, in->text + pos, in->len - pos);
}

/* ---- running ---- */

/* Temporary files, removed on every way out (a signal included). */
static char *volatile temps[64];
static volatile sig_atomic_t ntemps;

static void temps_remove(void)
{
    while (ntemps > 0) {
        ntemps--;
        unlink(temps[ntemps]);
        free(temps[ntemps]);
    }
}

static void on_fatal_signal(int sig)
{
    for (sig_atomic_t i = 0; i < ntemps; i++)
        unlink(temps[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int temp_write(const void *p, size_t n, char **path, jerr *e)
{
    const char *dir = getenv("TMPDIR");
    char *tmpl;
    int fd;
    if (ntemps == (sig_atomic_t)(sizeof temps / sizeof temps[0]))
        return jerr_set(e, EXIT_USAGE, "too many input files");
    tmpl = xasprintf("%s/jumpasXXXXXX.s", dir && *dir ? dir : "/tmp");
    if (ntemps == 0) {
        signal(SIGINT, on_fatal_signal);
        signal(SIGTERM, on_fatal_signal);
        signal(SIGHUP, on_fatal_signal);
    }
    fd = mkstemps(tmpl, 2);
    if (fd < 0) {
        jerr_sys(e, "cannot create a temporary file in %s", dir && *dir ? dir : "/tmp");
        free(tmpl);
        return -1;
    }
    temps[ntemps] = tmpl;
    ntemps++;
    if (write_all(fd, p, n) != 0) {
        jerr_sys(e, "cannot write %s", tmpl);
        close(fd);
        return -1;
    }
    if (close(fd) != 0)
        return jerr_sys(e, "cannot write %s", tmpl);
    *path = tmpl;
    return 0;
}

/* The whole of a file or of standard input ("-"), with two NUL bytes after it. */
static int read_input(const char *path, char **text, size_t *len, jerr *e)
{
    int is_stdin = !strcmp(path, "-");
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    size_t cap = 65536, n = 0;
    char *p;
    if (fd < 0)
        return jerr_sys(e, "cannot open %s", path);
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0)
        cap = (size_t)st.st_size + 2;
    p = xmalloc(cap);
    for (;;) {
        ssize_t r;
        if (cap - n < 3) {
            cap *= 2;
            p = xrealloc(p, cap);
        }
        r = read(fd, p + n, cap - n - 2);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            jerr_sys(e, "cannot read %s", is_stdin ? "standard input" : path);
            free(p);
            if (!is_stdin)
                close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (!is_stdin)
        close(fd);
    p[n] = p[n + 1] = 0;
    *text = p;
    *len = n;
    return 0;
}

static int log_append(const char *path, const buf *b, jerr *e)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    int rc = 0;
    if (fd < 0)
        return jerr_sys(e, "cannot open %s", path);
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            jerr_sys(e, "cannot write %s", path); /* (flock) */
            close(fd);
            return -1;
        }
    }
    if (write_all(fd, b->p, b->len) != 0)
        rc = jerr_sys(e, "cannot write %s", path);
    if (close(fd) != 0 && rc == 0)
        rc = jerr_sys(e, "cannot write %s", path);
    return rc;
}

/* The objfile column: the output's basename without ".o"; "a" for as's default a.out. */
static char *objfile_name(const char *output)
{
    const char *b;
    size_t n;
    if (!output || !*output)
        return xstrdup("a");
    b = strrchr(output, '/') ? strrchr(output, '/') + 1 : output;
    n = strlen(b);
    if (n > 2 && !strcmp(b + n - 2, ".o"))
        n -= 2;
    return xstrndup(b, n);
}

/* A line marker so that as names the original file and lines in messages and debug
 * information; only for names it can quote as they are. */
static void line_marker(const jumpas_args *a, const char *name, buf *out)
{
    if (a->no_preprocess || strpbrk(name, "\"\\\n"))
        return;
    buf_printf(out, "# 1 \"%s\"\n", name);
}

static int fail(const jerr *e)
{
    diag_report(e);
    return e->status ? e->status : EXIT_BAD;
}

int jumpas_run(const jumpas_args *a)
{
    jumpas_ctl ctl;
    jas_scan s;
    jerr e;
    int was_set, rc = EXIT_OK, status;
    const char *dir = jump_dir(&was_set);
    size_t nin = a->ninput ? a->ninput : 1, extra = a->ninput ? 0 : 1;
    char **argv = NULL, *as_path = NULL, *objfile, *logpath;
    const char *env_as = getenv("JUMP_AS");
    buf log = {0};

    if (!was_set)
        diag_warn("JUMP_DIR is not set; using the current directory");
    if (jumpas_ctl_load(dir, &ctl, &e) != 0)
        return fail(&e);
    jas_init(&s, &ctl);
    for (size_t i = 0; i < nin; i++) {
        const char *path = a->ninput ? a->argv[a->input[i]] : "-";
        char *text = NULL;
        size_t len = 0;
        if (read_input(path, &text, &len, &e) != 0 ||
            jas_scan_text(&s, path, text, len, &e) != 0) {
            rc = fail(&e);
            goto out;
        }
    }
    if (jas_finish(&s, &e) != 0) {
        rc = fail(&e);
        goto out;
    }

    /* The command: the real as, the same arguments, rewritten inputs in temporary files. */
    if (env_as && *env_as) {
        as_path = xstrdup(env_as);
    } else if (!(as_path = spawn_which("as", "/proc/self/exe"))) {
        diag_error("cannot find the real 'as' in PATH");
        rc = EXIT_USAGE;
        goto out;
    }
    argv = xcalloc((size_t)a->argc + extra + 2, sizeof *argv);
    argv[0] = as_path;
    for (int i = 0; i < a->argc; i++)
        argv[i + 1] = a->argv[i];
    for (size_t i = 0; i < nin; i++) {
        const jas_input *in = &s.in[i];
        int is_stdin = !strcmp(in->name, "-");
        buf t = {0};
        char *tmp = NULL;
        if (!is_stdin && in->nedits == 0)
            continue; /* as reads the original */
        /* as calls standard input "{standard input}" in messages and debug information. */
        line_marker(a, is_stdin ? "{standard input}" : in->name, &t);
        jas_rewrite(&s, i, &t);
        rc = temp_write(t.p, t.len, &tmp, &e);
        buf_free(&t);
        if (rc != 0) {
            rc = fail(&e);
            goto out;
        }
        if (a->ninput)
            argv[a->input[i] + 1] = tmp;
        else
            argv[a->argc + 1] = tmp;
    }
    status = spawn_status(argv, a->verbose, &e);
    temps_remove();
    if (status < 0) {
        rc = fail(&e);
        goto out;
    }
    if (status > 0) {
        rc = status; /* as said why */
        goto out;
    }

    objfile = objfile_name(a->output);
    {
        const char *lib = getenv("JUMP_LIB");
        if (jas_log_lines(&s, lib && *lib ? lib : "unknown", objfile, &log) && !(lib && *lib))
            diag_warn("JUMP_LIB is not set");
    }
    free(objfile);
    {
        /* Even with nothing new to log the file is created, so that getfuncs/getvars after
         * a rebuild whose symbols are all described find an empty log, not a missing one. */
        logpath = xasprintf("%s/jump.log", dir);
        if (log_append(logpath, &log, &e) != 0)
            rc = fail(&e);
        free(logpath);
    }
out:
    temps_remove();
    buf_free(&log);
    free(argv);
    free(as_path);
    jas_free(&s);
    jumpas_ctl_free(&ctl);
    return rc;
}
