/* jumpas/symtab.c: the scan's symbol table (names are spans of the input text), the name sets
 * the control files become, and what a symbol's flags say about it. */
#include "jumpas.h"
#include "jumpas_int.h"
#include "arch.h"
#include "buf.h"
#include "jumpfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the symbol table: names are spans of the input text ---- */

long jas_find_span(const jas_scan *s, const char *p, size_t n, uint32_t h)
{
    uintptr_t v;
    return strmap_get_span(&s->byname, p, n, h, &v) ? (long)v - 1 : -1;
}

long jas_find(const jas_scan *s, const char *name)
{
    size_t n = strlen(name);
    return jas_find_span(s, name, n, jas_span_hash(name, n));
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

size_t jas_intern(jas_scan *s, const char *p, size_t n)
{
    uint32_t h = jas_span_hash(p, n);
    long i = jas_find_span(s, p, n, h);
    jas_sym *y;
    if (i >= 0)
        return (size_t)i;
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
    strmap_put_span(&s->byname, p, n, h, (uintptr_t)i + 1);
    return (size_t)i;
}

/* ---- name sets ---- */

int jas_names_has(const strmap *m, const char *p, size_t n, uint32_t h)
{
    return strmap_get_span(m, p, n, h, NULL);
}

void jas_names_put(strmap *m, const char *p, size_t n)
{
    strmap_put_span(m, p, n, jas_span_hash(p, n), 1);
}

/* A candidate name (cand_first keeps most other names from being hashed at all). */
static void cand_put(jas_scan *s, const char *p, size_t n)
{
    jas_names_put(&s->cand, p, n);
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

int jas_is_data_type(char type) { return type == 'D' || type == 'C' || type == 'K'; }

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
        if (jas_is_data_type(ctl->vars.v[i].type))
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
    strmap_free(&s->byname);
    free(s->edit);
    free(s->stack);
    strmap_free(&s->cand);
    strmap_free(&s->called);
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

/* ---- results ---- */

int jas_defined(const jas_sym *y) { return (y->flags & (JAS_S_LABEL | JAS_S_SET)) != 0; }

int jas_is_function(const jas_sym *y)
{
    if (y->flags & JAS_S_FUNC)
        return 1;
    return jas_defined(y) && y->sect == JAS_SEC_TEXT && !(y->flags & JAS_S_OBJECT);
}
