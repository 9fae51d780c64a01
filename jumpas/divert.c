/* jumpas/divert.c: what the scan found, applied: the log lines, the renames of jump.funcs
 * functions, the jump.vars variables diverted into _GVAR_/_GCMN_ files, the rewritten text. */
#include "jumpas.h"
#include "jumpas_int.h"
#include "buf.h"
#include "diag.h"
#include "rewrite.h"

#include <stdlib.h>
#include <string.h>

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
    if (!jas_worth_a_symbol(p, n))
        return RW_NONE;
    name = n < sizeof small ? small : xmalloc(n + 1);
    memcpy(name, p, n);
    name[n] = 0;
    i = jas_find_span(s, p, n, jas_span_hash(p, n));
    if (jf_index(&s->ctl->funcs, name) || jf_index(&s->ctl->ignore, name))
        goto out;
    if (i >= 0 && sym_defined(&s->sym[i]) && !sym_global(&s->sym[i]))
        goto out;
    if (jas_is_data_type(vars_type(s, name, NULL))) {
        kind = RW_EXPORTED;
        goto out;
    }
    if (i >= 0 && sym_defined(&s->sym[i]))
        goto out;
    if (jf_index(&s->ctl->import, name) || host_var(name) ||
        (s->implied && !jas_names_has(&s->called, p, n, jas_span_hash(p, n))))
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
    i = jas_find_span(s, p, n, jas_span_hash(p, n));
    return i >= 0 && sym_defined(&s->sym[i]) && !sym_global(&s->sym[i]);
}

/* One data statement of a diverted definition, with its local names renamed to ___STV_
 * names (each new one also recorded in `aliases` as "name\0stv\0"). */
static void copy_data(const jas_scan *s, const jas_span *sp, buf *out, buf *aliases,
                      strmap *seen)
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
        if (!jas_names_has(seen, src + t.off, t.len, jas_span_hash(src + t.off, t.len))) {
            jas_names_put(seen, src + t.off, t.len);
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
                   strmap *seen)
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
    strmap seen = {0};
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
        if (!jas_is_data_type(type))
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
    strmap_free(&seen);
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
        if ((y->flags & JAS_S_VARS) && jas_defined(y) && jas_is_function(y))
            return jerr_at(e, EXIT_BAD, s->in[y->input].name, y->line, 0,
                           "Function %.*s incorrectly listed in jump.vars", (int)y->len, y->name);
        if ((y->flags & JAS_S_FUNCS) && jas_defined(y))
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
    if ((y->flags & JAS_S_COMM) && !jas_defined(y)) {
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
        if ((t->flags & JAS_S_COMM) && !jas_defined(t))
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
        jf_format(out, &x, s->ctl->funcs.flags); /* the names as the control files were read */
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
        if (!jas_defined(y)) { /* its definition may come later */
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
