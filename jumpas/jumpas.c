/* jumpas: read gas's arguments, scan the assembly once (jumpas/asm_scan.l), log the global
 * definitions the control files do not describe, rename the jump.funcs functions this file
 * defines, divert the jump.vars variables it defines into _GVAR_/_GCMN_ files, rewrite
 * references to exported and imported variables through their GOT cells (jumpas/rewrite.c),
 * and run the real as on the result (DESIGN §4). */
#include "jumpas.h"
#include "arch.h"
#include "asm_scan.h"
#include "buf.h"
#include "ctl.h"
#include "diag.h"
#include "proc.h"
#include "rewrite.h"

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
    a->output_at = -1;
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
            if (!strcmp(s, "-o")) {
                a->output = argv[i + 1];
                a->output_at = i + 1;
            }
            i++;
        } else if (s[1] == 'o') {
            a->output = s + 2; /* -oFILE */
            a->output_at = i;
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

/* ---- name sets ---- */

static int names_has(const jas_names *m, const char *p, size_t n, uint32_t h)
{
    if (!m->cap)
        return 0;
    for (size_t j = h & (m->cap - 1); m->p[j]; j = (j + 1) & (m->cap - 1))
        if (m->hash[j] == h && m->len[j] == n && !memcmp(m->p[j], p, n))
            return 1;
    return 0;
}

static void names_put(jas_names *m, const char *p, size_t n)
{
    uint32_t h = span_hash(p, n);
    size_t j;
    if (names_has(m, p, n, h))
        return;
    if (2 * (m->n + 1) > m->cap) {
        jas_names g = {0};
        g.cap = m->cap ? m->cap * 2 : 64;
        g.p = xcalloc(g.cap, sizeof *g.p);
        g.len = xcalloc(g.cap, sizeof *g.len);
        g.hash = xcalloc(g.cap, sizeof *g.hash);
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->p[i])
                continue;
            for (j = m->hash[i] & (g.cap - 1); g.p[j]; j = (j + 1) & (g.cap - 1))
                ;
            g.p[j] = m->p[i], g.len[j] = m->len[i], g.hash[j] = m->hash[i];
        }
        g.n = m->n;
        free(m->p), free(m->len), free(m->hash);
        *m = g;
    }
    for (j = h & (m->cap - 1); m->p[j]; j = (j + 1) & (m->cap - 1))
        ;
    m->p[j] = p, m->len[j] = n, m->hash[j] = h;
    m->n++;
}

static void names_free(jas_names *m)
{
    free(m->p), free(m->len), free(m->hash);
    memset(m, 0, sizeof *m);
}

/* A candidate name (cand_first keeps most other names from being hashed at all). */
static void cand_put(jas_scan *s, const char *p, size_t n)
{
    names_put(&s->cand, p, n);
    if (n)
        s->cand_first[(uint8_t)p[0] >> 3] |= (uint8_t)(1u << ((uint8_t)p[0] & 7));
}

/* C-library variables a library may reference (glibc and the classic libc). */
const char *const jas_host_vars[] = {
    "stdin", "stdout", "stderr", "environ", "__environ", "optarg", "optind", "opterr", "optopt",
    "timezone", "__timezone", "daylight", "__daylight", "tzname", "__tzname", "signgam",
    "program_invocation_name", "program_invocation_short_name", "__progname",
    "__progname_full", "sys_errlist", "sys_nerr", "_sys_errlist", "_sys_nerr", "sys_siglist",
    "_sys_siglist", "getdate_err", "__libc_single_threaded", NULL,
};

static int is_data_type(char type) { return type == 'D' || type == 'C' || type == 'K'; }

void jas_init(jas_scan *s, const jumpas_ctl *ctl)
{
    memset(s, 0, sizeof *s);
    s->ctl = ctl;
    s->cur.cls = s->prev.cls = JAS_SEC_TEXT; /* as starts in .text */
    s->cur.input = s->prev.input = -1;
    s->arch = arch_host();
    s->objfile = "a";
    s->def_open = -1;
    /* The names an instruction must mention before it is worth keeping for the rewrite. */
    for (size_t i = 0; i < ctl->vars.n; i++)
        if (is_data_type(ctl->vars.v[i].type))
            cand_put(s, ctl->vars.v[i].name, strlen(ctl->vars.v[i].name));
    for (size_t i = 0; i < ctl->import.n; i++)
        cand_put(s, ctl->import.v[i].name, strlen(ctl->import.v[i].name));
    for (size_t i = 0; jas_host_vars[i]; i++)
        cand_put(s, jas_host_vars[i], strlen(jas_host_vars[i]));
}

void jas_free(jas_scan *s)
{
    for (size_t i = 0; i < s->nin; i++) {
        free(s->in[i].name);
        free(s->in[i].text);
    }
    free(s->in);
    free(s->srcfile);
    free(s->tls.name);
    free(s->tls.srcfile);
    free(s->sym);
    free(s->slot);
    free(s->edit);
    free(s->stack);
    names_free(&s->cand);
    names_free(&s->called);
    free(s->def);
    free(s->span);
    free(s->vdir);
    free(s->itok);
    free(s->insn);
    for (size_t i = 0; i < s->nrepl; i++)
        free(s->repl[i].text);
    free(s->repl);
    for (size_t i = 0; i < s->ngvar; i++) {
        free(s->gvar[i].file);
        free(s->gvar[i].text);
    }
    free(s->gvar);
    if (s->trace) {
        buf_free(s->trace);
        free(s->trace);
    }
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

static jas_def *add_def(scan_ctx *c, size_t sym, const asm_tok *h, const asm_tok *op, size_t nop);
static void note_tls(scan_ctx *c, const char *name, size_t n, unsigned line, int defined);

static void on_label(scan_ctx *c, const asm_tok *t)
{
    size_t n = t->len - 1, i; /* without the ':' */
    c->s->def_open = -1;
    if (!worth_a_symbol(c->text + t->off, n)) {
        c->s->align = 0;
        return;
    }
    i = intern(c->s, c->text + t->off, n);
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

static void on_directive(scan_ctx *c, const asm_tok *h, const asm_tok *op, size_t nop)
{
    jas_scan *s = c->s;
    int id = directive_id(c->text + h->off, h->len);
    unsigned flag = 0;
    long i;
    uint64_t a;
    if (data_directive(c->text + h->off, h->len)) {
        if (s->def_open >= 0) {
            if (s->nspan == s->capspan) {
                s->capspan = s->capspan ? s->capspan * 2 : 64;
                s->span = xrealloc(s->span, s->capspan * sizeof *s->span);
            }
            s->span[s->nspan++] = stmt_span(c, h, op, nop);
            s->def[s->def_open].ndata++;
        }
        s->align = 0;
        return;
    }
    s->def_open = -1;
    if (align_directive(c, h, op, nop, &a)) {
        s->align = a;
        return;
    }
    switch (id) {
    case D_TEXT: set_section(c, JAS_SEC_TEXT, h, op, nop, 0, 0); break;
    case D_DATA: set_section(c, JAS_SEC_DATA, h, op, nop, 0, 0); break;
    case D_BSS: set_section(c, JAS_SEC_BSS, h, op, nop, 0, 0); break;
    case D_SECTION: {
        int tls, cls = section_operands(c, op, nop, &tls);
        set_section(c, cls, h, op, nop, 0, tls);
        break;
    }
    case D_FILE: /* .file "x.c" names the source; .file N "x.c" (with -g) comes after it */
        if (!s->srcfile && nop == 1 && op[0].kind == ASM_STRING && op[0].len >= 2)
            s->srcfile = xstrndup(c->text + op[0].off + 1, op[0].len - 2);
        break;
    case D_LOC: {
        uint64_t v;
        if (nop >= 2 && number(c, &op[1], &v) == 0 && v <= UINT32_MAX)
            s->srcline = (unsigned)v;
        break;
    }
    case D_TLS_COMMON:
        if (nop >= 1 && op[0].kind == ASM_IDENT)
            note_tls(c, c->text + op[0].off, op[0].len, h->line, 1);
        break;
    case D_PUSH:
        if (s->nstack + 2 > s->capstack) {
            s->capstack = s->capstack ? s->capstack * 2 : 16;
            s->stack = xrealloc(s->stack, s->capstack * sizeof *s->stack);
        }
        s->stack[s->nstack++] = s->cur;
        s->stack[s->nstack++] = s->prev;
        {
            int tls, cls = section_operands(c, op, nop, &tls);
            set_section(c, cls, h, op, nop, 1, tls);
        }
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
    case D_GLOBL: flag = JAS_S_GLOBAL; goto list;
    case D_WEAK: flag = JAS_S_WEAK; goto list;
    case D_LOCAL: flag = JAS_S_LOCAL; goto list;
    case D_HIDDEN: flag = JAS_S_HIDDEN; goto list;
    case D_VIS:
    list:
        for (size_t k = 0; k < nop; k++)
            if ((i = operand_sym(c, &op[k], 1)) >= 0)
                s->sym[i].flags |= flag;
        /* ".globl v" for a variable that may be diverted goes with it (else the object
         * would keep an undefined v). */
        if (nop == 1 && (id == D_GLOBL || id == D_WEAK) && (i = operand_sym(c, &op[0], 0)) >= 0 &&
            (s->sym[i].flags & JAS_S_VARS))
            add_vdir(c, (size_t)i, h, op, nop);
        break;
    case D_TYPE:
        if (nop && (i = operand_sym(c, &op[0], 1)) >= 0) {
            s->sym[i].flags |= type_flag(c, op, nop);
            if (s->sym[i].flags & JAS_S_VARS)
                add_vdir(c, (size_t)i, h, op, nop);
        }
        break;
    case D_SIZE:
        if (nop == 0 || (i = operand_sym(c, &op[0], 1)) < 0)
            break;
        if (s->sym[i].flags & JAS_S_VARS)
            add_vdir(c, (size_t)i, h, op, nop);
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
        break;
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
        worth_a_symbol(c->text + h[1].off, h[1].len))
        names_put(&s->called, c->text + h[1].off, h[1].len);
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
        if (t->kind != ASM_IDENT || !worth_a_symbol(c->text + t->off, t->len))
            continue;
        keep = s->implied || ((s->cand_first[first >> 3] & (1u << (first & 7))) &&
                              names_has(&s->cand, c->text + t->off, t->len,
                                        span_hash(c->text + t->off, t->len)));
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

/* ---- results ---- */

static int defined(const jas_sym *y) { return (y->flags & (JAS_S_LABEL | JAS_S_SET)) != 0; }

static int is_function(const jas_sym *y)
{
    if (y->flags & JAS_S_FUNC)
        return 1;
    return defined(y) && y->sect == JAS_SEC_TEXT && !(y->flags & JAS_S_OBJECT);
}

/* ---- diversion and rewriting ---- */

static int sym_global(const jas_sym *y)
{
    if (y->flags & JAS_S_LOCAL)
        return 0;
    return (y->flags & (JAS_S_GLOBAL | JAS_S_WEAK | JAS_S_COMM)) != 0;
}

static int sym_defined(const jas_sym *y)
{
    return (y->flags & (JAS_S_LABEL | JAS_S_SET | JAS_S_COMM)) != 0;
}

static int host_var(const char *name)
{
    for (size_t i = 0; jas_host_vars[i]; i++)
        if (!strcmp(name, jas_host_vars[i]))
            return 1;
    return 0;
}

/* The jump.vars type of a name, or 0. */
static char vars_type(const jas_scan *s, const char *name, size_t *index)
{
    size_t k = jf_index(&s->ctl->vars, name);
    if (index)
        *index = k;
    return k ? s->ctl->vars.v[k - 1].type : 0;
}

/* What a name in an instruction operand is (rewrite.h's RW_*): the rule of DESIGN §4 item 4.
 * A file-local symbol of the same name wins over everything; then jump.funcs and jump.ignore
 * say "not a variable"; jump.vars D/C/K "exported"; a global this file defines otherwise is
 * the library's own; jump.import, the C library's variables (jas_host_vars) and, in
 * implied-import mode, any other name the file never calls or jumps to are "imported". */
static int classify(void *ctx, const char *p, size_t n)
{
    jas_scan *s = ctx;
    char small[256], *name;
    long i;
    int kind = RW_NONE;
    if (!worth_a_symbol(p, n))
        return RW_NONE;
    name = n < sizeof small ? small : xmalloc(n + 1);
    memcpy(name, p, n);
    name[n] = 0;
    i = find_span(s, p, n, span_hash(p, n));
    if (jf_index(&s->ctl->funcs, name) || jf_index(&s->ctl->ignore, name))
        goto out;
    if (i >= 0 && sym_defined(&s->sym[i]) && !sym_global(&s->sym[i]))
        goto out;
    if (is_data_type(vars_type(s, name, NULL))) {
        kind = RW_EXPORTED;
        goto out;
    }
    if (i >= 0 && sym_defined(&s->sym[i]))
        goto out;
    if (jf_index(&s->ctl->import, name) || host_var(name) ||
        (s->implied && !names_has(&s->called, p, n, span_hash(p, n))))
        kind = RW_IMPORTED;
out:
    if (name != small)
        free(name);
    return kind;
}

static void add_repl(jas_scan *s, size_t input, size_t off, size_t end, char *text)
{
    if (s->nrepl == s->caprepl) {
        s->caprepl = s->caprepl ? s->caprepl * 2 : 64;
        s->repl = xrealloc(s->repl, s->caprepl * sizeof *s->repl);
    }
    s->repl[s->nrepl++] = (jas_repl){input, off, end, text};
}

static int repl_cmp(const void *a, const void *b)
{
    const jas_repl *x = a, *y = b;
    if (x->input != y->input)
        return x->input < y->input ? -1 : 1;
    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    return 0;
}

/* The ___STV_ name for a static or local label a diverted initialiser refers to. */
static char *stv_name(const jas_scan *s, const char *p, size_t n)
{
    buf b = {0};
    buf_adds(&b, "___STV_");
    for (const char *o = s->objfile; *o; o++)
        buf_addc(&b, (*o >= 'a' && *o <= 'z') || (*o >= 'A' && *o <= 'Z') ||
                             (*o >= '0' && *o <= '9') || *o == '_' ? *o : '_');
    buf_addc(&b, '_');
    buf_add(&b, p, n);
    return buf_cstr(&b);
}

/* Does a diverted initialiser's name p[0..n) stay behind in this file's object (a local
 * label, or a symbol defined here but not global)? */
static int stays_local(const jas_scan *s, const char *p, size_t n)
{
    long i;
    if (n >= 2 && p[0] == '.' && p[1] == 'L')
        return 1;
    i = find_span(s, p, n, span_hash(p, n));
    return i >= 0 && sym_defined(&s->sym[i]) && !sym_global(&s->sym[i]);
}

/* One data statement of a diverted definition, with its local names renamed to ___STV_
 * names (each new one also recorded in `aliases` as "name\0stv\0"). */
static void copy_data(const jas_scan *s, const jas_span *sp, buf *out, buf *aliases,
                      jas_names *seen)
{
    const char *src = s->in[sp->input].text + sp->off;
    size_t len = sp->end - sp->off, pos = 0;
    char *text = xmalloc(len + 2);
    asm_lexer *lx;
    asm_tok t;
    memcpy(text, src, len);
    text[len] = text[len + 1] = 0;
    lx = asm_lexer_new(text, len);
    buf_addc(out, '\t');
    while (asm_lex(lx, &t) != ASM_EOF) {
        char *stv;
        if (t.kind != ASM_IDENT || !stays_local(s, src + t.off, t.len))
            continue;
        stv = stv_name(s, src + t.off, t.len);
        buf_add(out, src + pos, t.off - pos);
        buf_adds(out, stv);
        pos = t.off + t.len;
        if (!names_has(seen, src + t.off, t.len, span_hash(src + t.off, t.len))) {
            names_put(seen, src + t.off, t.len);
            buf_add(aliases, src + t.off, t.len);
            buf_addc(aliases, 0);
            buf_adds(aliases, stv);
            buf_addc(aliases, 0);
        }
        free(stv);
    }
    buf_add(out, src + pos, len - pos);
    buf_addc(out, '\n');
    asm_lexer_free(lx);
    free(text);
}

/* The section directive for a diverted definition. */
static void section_line(const jas_scan *s, const jas_def *d, buf *out)
{
    const jas_sect *c = &d->sect;
    const char *p;
    size_t n;
    if (d->comm) {
        buf_adds(out, "\t.bss\n");
        return;
    }
    if (c->input < 0) {
        buf_adds(out, "\t.text\n");
        return;
    }
    p = s->in[c->input].text + c->off;
    n = c->end - c->off;
    if (c->push) { /* ".pushsection NAME..." -> ".section NAME..." */
        size_t k = strlen(".pushsection");
        p += k, n -= k;
        buf_adds(out, "\t.section");
    } else {
        buf_addc(out, '\t');
    }
    buf_add(out, p, n);
    buf_addc(out, '\n');
}

/* Divert definition d: the _GVAR_/_GCMN_ text, the deletions from the input. */
static void divert(jas_scan *s, const jas_def *d, size_t index, char type, buf *aliases,
                   jas_names *seen)
{
    jas_sym *y = &s->sym[d->sym];
    int n = (int)y->len;
    uint64_t align = d->align;
    buf g = {0};
    jas_gvar *v;
    if (d->comm && !align) { /* as's default for .comm: the size's power of two, up to 16 */
        align = 1;
        while (align < 16 && align * 2 <= y->size)
            align *= 2;
    }
    buf_printf(&g, "# _%s_%zu.s: %.*s from %s (generated by jumpas)\n", type == 'C' ? "GCMN" : "GVAR",
               index, n, y->name, s->objfile);
    section_line(s, d, &g);
    buf_printf(&g, "\t.balign %llu\n", (unsigned long long)(align ? align : 1));
    buf_printf(&g, "\t.%s %.*s\n\t.type %.*s, @object\n", (y->flags & JAS_S_WEAK) ? "weak" : "globl",
               n, y->name, n, y->name);
    if (d->comm || (y->flags & JAS_S_SIZE))
        buf_printf(&g, "\t.size %.*s, %llu\n", n, y->name, (unsigned long long)y->size);
    buf_printf(&g, "%.*s:\n", n, y->name);
    if (d->comm)
        buf_printf(&g, "\t.zero %llu\n", (unsigned long long)y->size);
    for (size_t k = 0; k < d->ndata; k++)
        copy_data(s, &s->span[d->data + k], &g, aliases, seen);
    if (!d->comm && !(y->flags & JAS_S_SIZE))
        buf_printf(&g, "\t.size %.*s, .-%.*s\n", n, y->name, n, y->name);
    buf_adds(&g, "\t.section .note.GNU-stack,\"\",@progbits\n");
    s->gvar = xrealloc(s->gvar, (s->ngvar + 1) * sizeof *s->gvar);
    v = &s->gvar[s->ngvar++];
    v->file = xasprintf("_%s_%zu.s", type == 'C' ? "GCMN" : "GVAR", index);
    v->text = buf_cstr(&g);

    add_repl(s, d->head.input, d->head.off, d->head.end, xstrdup(""));
    for (size_t k = 0; k < d->ndata; k++) {
        const jas_span *sp = &s->span[d->data + k];
        add_repl(s, sp->input, sp->off, sp->end, xstrdup(""));
    }
}

static int divert_all(jas_scan *s)
{
    buf aliases = {0};
    jas_names seen = {0};
    for (size_t i = 0; i < s->ndef; i++) {
        const jas_def *d = &s->def[i];
        jas_sym *y = &s->sym[d->sym];
        char *name, type;
        size_t index;
        if ((y->flags & JAS_S_DIVERT) || !sym_global(y))
            continue;
        name = xstrndup(y->name, y->len);
        type = vars_type(s, name, &index);
        free(name);
        if (!is_data_type(type))
            continue;
        y->flags |= JAS_S_DIVERT;
        divert(s, d, index, type, &aliases, &seen);
    }
    for (size_t i = 0; i < s->nvdir; i++)
        if (s->sym[s->vdir[i].sym].flags & JAS_S_DIVERT)
            add_repl(s, s->vdir[i].sp.input, s->vdir[i].sp.off, s->vdir[i].sp.end, xstrdup(""));
    if (aliases.len && s->nin) { /* global hidden aliases, at the end of the last input */
        buf b = {0};
        for (size_t k = 0; k < aliases.len;) {
            const char *name = (const char *)aliases.p + k, *stv = name + strlen(name) + 1;
            buf_printf(&b, "\n\t.globl %s\n\t.hidden %s\n\t.set %s, %s", stv, stv, stv, name);
            k = (size_t)(stv + strlen(stv) + 1 - (const char *)aliases.p);
        }
        buf_addc(&b, '\n');
        add_repl(s, s->nin - 1, s->in[s->nin - 1].len, s->in[s->nin - 1].len, buf_cstr(&b));
    }
    buf_free(&aliases);
    names_free(&seen);
    return 0;
}

/* Text for the trace: runs of blanks become one space. */
static void trace_text(buf *out, const char *p, size_t n)
{
    int blank = 0;
    for (size_t k = 0; k < n; k++) {
        if (p[k] == ' ' || p[k] == '\t') {
            blank = 1;
            continue;
        }
        if (blank)
            buf_addc(out, ' ');
        blank = 0;
        buf_addc(out, p[k]);
    }
}

static int rewrite_all(jas_scan *s, jerr *e)
{
    for (size_t i = 0; i < s->ninsn; i++) {
        const jas_insn *r = &s->insn[i];
        const asm_tok *t = s->itok + r->tok, *last = &t[r->n - 1];
        const jas_input *in = &s->in[r->input];
        /* as calls standard input "{standard input}"; so do these messages. */
        const char *name = strcmp(in->name, "-") ? in->name : "{standard input}";
        rw_ctx c = {s->arch, in->text, classify, s, name, r->line};
        buf b = {0};
        int rc = rw_insn(&c, t, r->n, &b, e);
        if (rc < 0) {
            buf_free(&b);
            return -1;
        }
        if (rc == 0)
            continue;
        if (!s->trace)
            s->trace = xcalloc(1, sizeof *s->trace);
        buf_printf(s->trace, "%s:%u: ", name, r->line);
        trace_text(s->trace, in->text + t->off, last->off + last->len - t->off);
        buf_adds(s->trace, "  =>  ");
        trace_text(s->trace, (const char *)b.p, b.len);
        buf_addc(s->trace, '\n');
        add_repl(s, r->input, t->off, last->off + last->len, buf_cstr(&b));
    }
    return 0;
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
    if (divert_all(s) != 0 || rewrite_all(s, e) != 0)
        return -1;
    if (s->nrepl)
        qsort(s->repl, s->nrepl, sizeof *s->repl, repl_cmp);
    for (size_t k = 0; k < s->nrepl; k++)
        s->in[s->repl[k].input].nedits++;
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
        x.hidden = (y->flags & JAS_S_HIDDEN) != 0;
        jf_format(out, &x);
        free(x.name);
        n++;
    }
    return n;
}

/* The first element of a (input, off)-sorted array at or after (i, from). */
#define FIRST_AT(v, n, i, from)                                                          \
    do {                                                                                 \
        size_t lo_ = 0, hi_ = (n);                                                       \
        while (lo_ < hi_) {                                                              \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                                         \
            if ((v)[mid_].input < (i) || ((v)[mid_].input == (i) && (v)[mid_].off < (from))) \
                lo_ = mid_ + 1;                                                          \
            else                                                                         \
                hi_ = mid_;                                                              \
        }                                                                                \
        first_ = lo_;                                                                    \
    } while (0)

void jas_rewrite_range(const jas_scan *s, size_t i, size_t from, size_t to, buf *out)
{
    const jas_input *in = &s->in[i];
    size_t pos = from, k, r, first_;
    /* Edits and replacements are sorted by input and offset (the scan's order; qsort). */
    FIRST_AT(s->edit, s->nedit, i, from);
    k = first_;
    FIRST_AT(s->repl, s->nrepl, i, from);
    r = first_;
    for (;;) {
        const jas_edit *d = NULL;
        const jas_repl *x = r < s->nrepl && s->repl[r].input == i ? &s->repl[r] : NULL;
        while (k < s->nedit && s->edit[k].input == i && !(s->sym[s->edit[k].sym].flags & JAS_S_RENAME))
            k++;
        if (k < s->nedit && s->edit[k].input == i)
            d = &s->edit[k];
        if (d && d->off >= to && to < in->len)
            d = NULL;
        if (x && x->off >= to && to < in->len)
            x = NULL;
        if (d && (!x || d->off <= x->off)) { /* a rename: insert the suffix */
            k++;
            if (d->off < pos)
                continue;
            buf_add(out, in->text + pos, d->off - pos);
            buf_adds(out, LOCAL_SUFFIX);
            pos = d->off;
        } else if (x) { /* a replacement */
            r++;
            if (x->off < pos)
                continue;
            buf_add(out, in->text + pos, x->off - pos);
            buf_adds(out, x->text);
            pos = x->end;
        } else {
            break;
        }
    }
    if (pos < to)
        buf_add(out, in->text + pos, to - pos);
}
#undef FIRST_AT

void jas_rewrite(const jas_scan *s, size_t i, buf *out)
{
    jas_rewrite_range(s, i, 0, s->in[i].len, out);
}

size_t jas_settled(jas_scan *s, size_t upto)
{
    size_t limit = upto;
    if (s->nin != 1)
        return 0;
    for (; s->settled_edit < s->nedit; s->settled_edit++) {
        const jas_edit *d = &s->edit[s->settled_edit];
        jas_sym *y = &s->sym[d->sym];
        if (d->off >= limit)
            break;
        if (!defined(y)) { /* its definition may come later */
            limit = d->off;
            break;
        }
        y->flags |= JAS_S_RENAME; /* what jas_finish decides for it */
    }
    if (s->ninsn && s->itok[s->insn[0].tok].off < limit)
        limit = s->itok[s->insn[0].tok].off;
    if (s->ndef && s->def[0].head.off < limit)
        limit = s->def[0].head.off;
    if (s->nvdir && s->vdir[0].sp.off < limit)
        limit = s->vdir[0].sp.off;
    return limit;
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

/* Remember a temporary file (room checked by the caller). */
static void temps_add(char *path)
{
    if (ntemps == 0) {
        signal(SIGINT, on_fatal_signal);
        signal(SIGTERM, on_fatal_signal);
        signal(SIGHUP, on_fatal_signal);
    }
    temps[ntemps] = path;
    ntemps++;
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
    fd = mkstemps(tmpl, 2);
    if (fd < 0) {
        jerr_sys(e, "cannot create a temporary file in %s", dir && *dir ? dir : "/tmp");
        free(tmpl);
        return -1;
    }
    temps_add(tmpl);
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

/* Does as need input i rewritten (standard input always: jumpas has read it)? */
static int rewritten(const jas_scan *s, size_t i)
{
    return s->in[i].nedits || !strcmp(s->in[i].name, "-");
}

/* The line marker for input i: as calls standard input "{standard input}" in messages and
 * debug information. */
static void input_marker(const jumpas_args *a, const jas_scan *s, size_t i, buf *out)
{
    const char *name = s->in[i].name;
    line_marker(a, strcmp(name, "-") ? name : "{standard input}", out);
}

/* The real as and its arguments (a's, the inputs in place); NULL if as is not found. The
 * caller frees argv[0] and argv. */
static char **as_command(const jumpas_args *a)
{
    const char *env_as = getenv("JUMP_AS");
    char *as_path, **argv;
    if (env_as && *env_as)
        as_path = xstrdup(env_as);
    else if (!(as_path = spawn_which("as", "/proc/self/exe")))
        return NULL;
    argv = xcalloc((size_t)a->argc + 3, sizeof *argv);
    argv[0] = as_path;
    for (int i = 0; i < a->argc; i++)
        argv[i + 1] = a->argv[i];
    return argv;
}

/* The object as writes when its text comes through a pipe: a temporary beside the output
 * (".NAME.jumpasXXXXXX", a temps[] entry, so removed on every way out), which as's argv names
 * instead of the output and which object_commit renames into place once as and jumpas both
 * succeeded. A jumpas that dies while as reads the pipe (as then assembles a truncated text)
 * leaves no object that make would take for a good one. NULL, and as writes the output
 * itself, when the output is not a regular file (/dev/null) or no temporary can be made. */
static char *object_temp(const jumpas_args *a, char **argv)
{
    static char *joined; /* "-oTEMP" for an output given as -oFILE */
    struct stat sb;
    const char *out = a->output, *base;
    char *tmpl;
    int fd;
    if (a->output_at < 0 || !*out || (stat(out, &sb) == 0 && !S_ISREG(sb.st_mode)) ||
        ntemps == (sig_atomic_t)(sizeof temps / sizeof temps[0]))
        return NULL;
    base = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
    tmpl = xasprintf("%.*s.%s.jumpasXXXXXX", (int)(base - out), out, base);
    if ((fd = mkstemp(tmpl)) < 0) {
        free(tmpl);
        return NULL;
    }
    {
        mode_t mask = umask(0); /* the mode as would give a new file, not mkstemp's 0600 */
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    close(fd);
    temps_add(tmpl);
    if (a->argv[a->output_at] == out) {
        argv[a->output_at + 1] = tmpl;
    } else {
        free(joined);
        argv[a->output_at + 1] = joined = xasprintf("-o%s", tmpl);
    }
    return tmpl;
}

/* The object as wrote under `tmp` becomes the output. */
static int object_commit(const jumpas_args *a, const char *tmp, jerr *e)
{
    if (tmp && rename(tmp, a->output) != 0)
        return jerr_sys(e, "cannot rename %s to %s", tmp, a->output);
    return 0;
}

/* Where as finds input i in its argv: its own place, or after the options for standard input
 * that jumpas read because no input was named. */
static char **input_slot(const jumpas_args *a, char **argv, size_t i)
{
    return a->ninput ? &argv[a->input[i] + 1] : &argv[a->argc + 1];
}

/* Streaming: with one input, as starts before the control files are read and reads the
 * text through a pipe while it is scanned, each prefix as soon as it is settled (jas_settled)
 * once the first rename is decided (the input will be rewritten), so that as starts up and
 * assembles while jumpas reads and scans. An input that turns out to need no rewrite is
 * read by as itself (that as is stopped and another one run), as before; so is every input
 * with -v, which echoes the as command that does the work. */
typedef struct stream {
    jas_scan *s;
    const jumpas_args *a;
    char **argv;      /* as's command, once started */
    char *object;     /* the temporary it writes (object_temp), or NULL */
    spawn_pipe as;
    int started;
    int marked;       /* the line marker is sent */
    int werr;         /* errno of a failed write: nothing more is sent */
    size_t sent;      /* bytes of the input whose text as has */
} stream;

static void stream_send(stream *st, size_t upto)
{
    buf t = {0};
    if (!st->marked)
        input_marker(st->a, st->s, 0, &t);
    st->marked = 1;
    jas_rewrite_range(st->s, 0, st->sent, upto, &t);
    st->sent = upto;
    if (!st->werr && t.len && write_all(st->as.fd, t.p, t.len) != 0)
        st->werr = errno ? errno : EIO;
    buf_free(&t);
}

/* Start as on standard input (jumpas_run goes the ordinary way if it cannot, and says why
 * there, in its order). */
static void stream_start(stream *st)
{
    jerr e;
    if (!(st->argv = as_command(st->a)))
        return;
    *input_slot(st->a, st->argv, 0) = "-";
    st->object = object_temp(st->a, st->argv);
    st->started = spawn_pipe_start(st->argv, 0, &st->as, &e) == 0;
}

static int stream_progress(void *ctx, size_t input, size_t done)
{
    stream *st = ctx;
    size_t upto = jas_settled(st->s, done);
    (void)input;
    if (st->s->settled_edit == 0)
        return 0; /* no rename decided yet */
    if (upto > st->sent)
        stream_send(st, upto);
    return st->werr != 0;
}

/* jumpas gives up after as started: as is killed, and the object it may have begun removed
 * (as deletes it itself on its own errors; only a regular file, never a device). */
static void stream_abort(stream *st, int remove_output)
{
    const char *out = st->a->output ? st->a->output : "a.out";
    struct stat sb;
    spawn_pipe_abort(&st->as);
    st->started = 0;
    if (remove_output && lstat(out, &sb) == 0 && S_ISREG(sb.st_mode))
        unlink(out);
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
    int rc = EXIT_OK, status;
    const char *dir = jump_dir(NULL);
    size_t nin = a->ninput ? a->ninput : 1;
    char **argv = NULL, *objfile = objfile_name(a->output), *logpath;
    const char *implied = getenv("JUMP_IMPLIED_IMPORT");
    const char *trace = getenv("JUMP_TRACE");
    buf log = {0};
    stream st = {0};

    diag_jump_dir();
    memset(&s, 0, sizeof s);
    memset(&ctl, 0, sizeof ctl);
    if (nin == 1 && !a->verbose) { /* -v echoes only the as that does the work */
        st.s = &s;
        st.a = a;
        stream_start(&st);
    }
    if (jumpas_ctl_load(dir, &ctl, &e) != 0) {
        rc = fail(&e);
        goto out;
    }
    jas_init(&s, &ctl);
    s.arch = a->arch;
    s.objfile = objfile;
    s.implied = implied && !strcmp(implied, "1");
    if (st.started) {
        s.progress = stream_progress;
        s.progress_ctx = &st;
    }
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

    if (st.started && !rewritten(&s, 0))
        stream_abort(&st, 0); /* as reads the original: the ordinary way */
    if (st.started) {
        stream_send(&st, s.in[0].len);
        status = spawn_pipe_finish(&st.as, st.werr, &e);
        st.started = 0;
        if (status == 0 && object_commit(a, st.object, &e) != 0)
            status = -1;
    } else {
        /* The real as, the same arguments; the first rewritten input through a pipe, the
         * others in temporary files. */
        long piped = -1;
        char *object = NULL;
        spawn_pipe as;
        if (!(argv = as_command(a))) {
            diag_error("cannot find the real 'as' in PATH");
            rc = EXIT_USAGE;
            goto out;
        }
        for (size_t i = 0; i < nin; i++) {
            buf t = {0};
            char *tmp = NULL;
            if (!rewritten(&s, i))
                continue; /* as reads the original */
            if (piped < 0) {
                piped = (long)i;
                *input_slot(a, argv, i) = "-";
                continue;
            }
            input_marker(a, &s, i, &t);
            jas_rewrite(&s, i, &t);
            rc = temp_write(t.p, t.len, &tmp, &e);
            buf_free(&t);
            if (rc != 0) {
                rc = fail(&e);
                goto out;
            }
            *input_slot(a, argv, i) = tmp;
        }
        if (piped >= 0)
            object = object_temp(a, argv);
        if (piped < 0) {
            status = spawn_status(argv, a->verbose, &e);
        } else if (spawn_pipe_start(argv, a->verbose, &as, &e) != 0) {
            status = -1;
        } else {
            /* as starts up while the text is made, and assembles while it is written. */
            buf t = {0};
            int werr = 0;
            input_marker(a, &s, (size_t)piped, &t);
            jas_rewrite(&s, (size_t)piped, &t);
            if (write_all(as.fd, t.p, t.len) != 0)
                werr = errno ? errno : EIO;
            buf_free(&t);
            status = spawn_pipe_finish(&as, werr, &e);
            if (status == 0 && object_commit(a, object, &e) != 0)
                status = -1;
        }
    }
    temps_remove();
    if (status < 0) {
        rc = fail(&e);
        goto out;
    }
    if (status > 0) {
        rc = status; /* as said why */
        goto out;
    }

    /* The object is there: now the diversion files, the logs. */
    for (size_t i = 0; i < s.ngvar && rc == EXIT_OK; i++) {
        char *path = xasprintf("%s/%s", dir, s.gvar[i].file);
        if (file_commit(path, s.gvar[i].text, strlen(s.gvar[i].text), 0644, &e) != 0)
            rc = fail(&e);
        free(path);
    }
    if (rc == EXIT_OK && s.trace && trace && !strcmp(trace, "1")) {
        logpath = xasprintf("%s/jumpas.log", dir);
        if (log_append(logpath, s.trace, &e) != 0)
            rc = fail(&e);
        free(logpath);
    }
    {
        const char *lib = getenv("JUMP_LIB");
        if (jas_log_lines(&s, lib && *lib ? lib : "unknown", objfile, &log) && !(lib && *lib))
            diag_warn("JUMP_LIB is not set");
    }
    if (rc == EXIT_OK) {
        /* Even with nothing new to log the file is created, so that getfuncs/getvars after
         * a rebuild whose symbols are all described find an empty log, not a missing one. */
        logpath = xasprintf("%s/jump.log", dir);
        if (log_append(logpath, &log, &e) != 0)
            rc = fail(&e);
        free(logpath);
    }
out:
    if (st.started)
        stream_abort(&st, 1);
    if (st.argv)
        free(st.argv[0]);
    free(st.argv);
    free(objfile);
    temps_remove();
    buf_free(&log);
    if (argv)
        free(argv[0]);
    free(argv);
    jas_free(&s);
    jumpas_ctl_free(&ctl);
    return rc;
}
