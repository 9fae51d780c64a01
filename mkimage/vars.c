/* vars: the library's exported variables (DESIGN §4 item 3, §5.1). jumpas diverted each
 * definition into $JUMP_DIR/_GVAR_<n>.s (initialised) or _GCMN_<n>.s (common); here each is
 * assembled, checked against its jump.vars line, and placed at its fixed offset, and the
 * address constants inside them that point at variables become fixups for the loader. */
#include "build.h"
#include "diag.h"
#include "elf.h"
#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_exported(const jf_entry *x)
{
    return strcmp(x->name, JF_DUMMY) && (x->type == 'D' || x->type == 'C' || x->type == 'K');
}

int vars_exported(const build *b, const char *name)
{
    size_t i = jf_index(&b->vars, name);
    return i && is_exported(&b->vars.v[i - 1]);
}

int vars_layout(build *b, jerr *e)
{
    uint64_t off = 0;
    b->mv = xcalloc(b->vars.n + 1, sizeof *b->mv);
    for (size_t i = 0; i < b->vars.n; i++) {
        const jf_entry *x = &b->vars.v[i];
        mvar *m = &b->mv[i];
        m->x = x;
        m->index = i + 1;
        m->offset = off;
        m->exported = is_exported(x);
        m->in_text = x->type == 'K' && b->l.dataaddr && !b->l.split;
        m->addr = layout_var_at(&b->l, x->type, off);
        if (off + x->size < off)
            return jerr_at(e, EXIT_BAD, b->vars.path, x->line, 0, "sizes overflow");
        off += x->size;
        if (!m->exported)
            continue;
        if (x->size == 0)
            return jerr_at(e, EXIT_BAD, b->vars.path, x->line, 0,
                           "variable '%s' has size 0: run getsize to fill in its real size", x->name);
        {
            char *gvar = xasprintf("%s/_GVAR_%zu.s", jump_dir(NULL), m->index);
            char *gcmn = xasprintf("%s/_GCMN_%zu.s", jump_dir(NULL), m->index);
            int hv = access(gvar, F_OK) == 0, hc = access(gcmn, F_OK) == 0;
            if (hv && hc) {
                /* One is left from an earlier jump.vars (a line moved): the entry's type says
                 * which jumpas wrote for it now; the other is the tools' to clean. */
                const char *stale = x->type == 'C' ? gvar : gcmn;
                if (unlink(stale) != 0)
                    return jerr_sys(e, "cannot remove the stale %s", stale);
                diag_warn_at(b->vars.path, x->line, 0, "removed %s, a stale diverted definition", stale);
                if (x->type == 'C')
                    hv = 0;
                else
                    hc = 0;
            }
            if (!hv && !hc) {
                jerr_at(e, EXIT_BAD, b->vars.path, x->line, 0,
                        "variable '%s' has no diverted definition (%s): compile the library "
                        "with jumpas (make pre-shlib) after listing it in jump.vars%s",
                        x->name, x->type == 'C' ? gcmn : gvar, jf_aout_hint(x->name, b->vars.flags));
            }
            if (!hv && !hc) {
                free(gvar);
                free(gcmn);
                return -1;
            }
            m->src = hv ? gvar : gcmn;
            free(hv ? gcmn : gvar);
        }
    }
    if (b->l.dataaddr) {
        for (size_t i = 0; i < b->vars.n; i++) {
            const mvar *m = &b->mv[i];
            if (m->in_text && m->addr + m->x->size > b->l.got)
                return jerr_at(e, EXIT_BAD, b->vars.path, m->x->line, 0,
                               "constant '%s' does not fit between the jump table and the "
                               "GOT (0x%llx-0x%llx): move -d up",
                               m->x->name, (unsigned long long)(b->l.origin + b->l.jumpsize),
                               (unsigned long long)b->l.got);
        }
    }
    return 0;
}

/* A relocation in a diverted initialiser that points at a variable reached through a GOT
 * cell (exported here, imported from a stub, or the C library's) becomes a fixup. */
static int fixup_reloc(build *b, const mvar *m, const elf_file *f, const elf_rel *r, jerr *e)
{
    const elf_sym *s;
    char *cell;
    if (r->sym >= f->nsyms)
        return 0;
    s = &f->syms[r->sym];
    if (!s->name[0] || s->bind == STB_LOCAL_)
        return 0;
    cell = xasprintf("__GOT_%s", s->name);
    if (!vars_exported(b, s->name) && !stubs_provides(b, cell)) {
        free(cell);
        return 0;
    }
    if (r->type != b->a->r_abs) {
        free(cell);
        return jerr_at(e, EXIT_BAD, b->vars.path, m->x->line, 0,
                       "the initialiser of '%s' refers to variable '%s' in a way the loader "
                       "cannot correct (relocation type %u); only pointer-sized addresses can be",
                       m->x->name, s->name, r->type);
    }
    b->fix = xrealloc(b->fix, (b->nfix + 1) * sizeof *b->fix);
    b->fix[b->nfix].where = m->addr + r->offset;
    b->fix[b->nfix].cell = cell;
    b->fix[b->nfix].addend = r->addend;
    b->nfix++;
    return 0;
}

/* The GOT cell through which the variable that relocation `r` of `f` points at is reached
 * (malloc'ed "__GOT_<v>"), if `r` is an address constant to such a variable; else NULL. */
static char *const_to_cell(build *b, const elf_file *f, const elf_rel *r)
{
    const elf_sym *s;
    char *cell;
    if (r->type != b->a->r_abs || !r->sym || r->sym >= f->nsyms)
        return NULL;
    s = &f->syms[r->sym];
    if (!s->name[0] || s->bind == STB_LOCAL_)
        return NULL;
    cell = xasprintf("__GOT_%s", s->name);
    if (!vars_exported(b, s->name) && !stubs_provides(b, cell)) {
        free(cell);
        return NULL;
    }
    return cell;
}

/* Calls `fn` for every address constant to a variable in the loaded sections of `f` other
 * than the toolkit's own (.jump.*: the GOT, the diverted variables, whose constants are
 * fixups already). -1 with e set on a malformed relocation table. */
static int each_const(build *b, const elf_file *f, void (*fn)(build *, const elf_file *, const elf_rel *, char *, void *),
                      void *arg, jerr *e)
{
    for (size_t i = 1; i < f->nsecs; i++) {
        elf_rel *rels;
        size_t n;
        if (!(f->secs[i].flags & SHF_ALLOC_) || !strncmp(f->secs[i].name, ".jump", 5))
            continue;
        if (elf_relocs(f, i, &rels, &n, e) != 0)
            return -1;
        for (size_t k = 0; k < n; k++) {
            char *cell = const_to_cell(b, f, &rels[k]);
            if (cell)
                fn(b, f, &rels[k], cell, arg);
        }
        free(rels);
    }
    return 0;
}

static void reserve_one(build *b, const elf_file *f, const elf_rel *r, char *cell, void *arg)
{
    (void)f, (void)r, (void)arg;
    b->fix = xrealloc(b->fix, (b->nfix + 1) * sizeof *b->fix);
    b->fix[b->nfix].where = 0;
    b->fix[b->nfix].cell = cell;
    b->fix[b->nfix].addend = 0;
    b->nfix++;
    b->nlate++;
}

int vars_reserve_late_fixups(build *b, const char *relobj, jerr *e)
{
    blob bl;
    elf_file f;
    int rc;
    if (elf_open_file(&f, &bl, relobj, e) != 0)
        return -1;
    rc = each_const(b, &f, reserve_one, NULL, e);
    elf_close_file(&f, &bl);
    return rc;
}

typedef struct late {
    uint8_t *bytes;   /* the image file */
    uint64_t table;   /* file offset of the first late fixup */
    size_t done;
    int bad;
} late;

static void fill_one(build *b, const elf_file *f, const elf_rel *r, char *cell, void *arg)
{
    late *lt = arg;
    unsigned ps = b->a->ptrsize;
    size_t ci = elf_symbol(f, cell);
    uint64_t cellv = ci ? f->syms[ci].value : 0, add = (uint64_t)r->addend, off;
    uint8_t w[8];
    free(cell);
    if (!ci || lt->done >= b->nlate) {
        lt->bad = 1;
        return;
    }
    /* REL (i386): the place holds the final value, symbol + addend */
    if (ps == 4 && elf_read_vaddr(f, r->offset, w, 4) == 0)
        add = (uint64_t)rd32le(w) - f->syms[r->sym].value;
    off = lt->table + lt->done * 3 * ps;
    if (ps == 8) {
        wr64le(lt->bytes + off, r->offset);
        wr64le(lt->bytes + off + 8, cellv);
        wr64le(lt->bytes + off + 16, add);
    } else {
        wr32le(lt->bytes + off, (uint32_t)r->offset);
        wr32le(lt->bytes + off + 4, (uint32_t)cellv);
        wr32le(lt->bytes + off + 8, (uint32_t)add);
    }
    lt->done++;
}

int vars_fill_late_fixups(build *b, const char *linked, jerr *e)
{
    blob bl;
    elf_file f;
    late lt = {0};
    size_t t;
    unsigned ps = b->a->ptrsize;
    int rc = -1;
    if (!b->nlate)
        return 0;
    if (elf_open_file(&f, &bl, linked, e) != 0)
        return -1;
    t = elf_symbol(&f, "__jump_fixups");
    if (!t || elf_file_offset(&f, f.syms[t].value + (b->nfix - b->nlate) * 3 * ps, b->nlate * 3 * ps, &lt.table) != 0) {
        jerr_set(e, EXIT_USAGE, "%s: the linked image has no fixup table for the library's own data", linked);
        goto out;
    }
    lt.bytes = bl.p;
    if (each_const(b, &f, fill_one, &lt, e) != 0)
        goto out;
    if (lt.bad || lt.done != b->nlate) {
        jerr_set(e, EXIT_USAGE,
                 "%s: the linked image has %zu address constants to variables in the library's data, "
                 "the library %zu",
                 linked, lt.done, b->nlate);
        goto out;
    }
    rc = file_commit(linked, bl.p, bl.len, 0644, e);
out:
    elf_close_file(&f, &bl);
    return rc;
}

static int check_object(build *b, mvar *m, jerr *e)
{
    blob bl;
    elf_file f;
    size_t si;
    const elf_sym *s;
    const elf_sec *sec;
    int rc = -1;
    if (elf_open_file(&f, &bl, m->obj, e) != 0)
        return -1;
    if (f.arch != b->a) {
        jerr_set(e, EXIT_BAD, "%s: assembled for %s, not %s", m->src, f.arch->name, b->a->name);
        goto out;
    }
    si = elf_symbol(&f, m->x->name);
    s = si ? &f.syms[si] : NULL;
    if (!s || s->shndx == SHN_UNDEF_ || s->shndx >= f.nsecs) {
        jerr_set(e, EXIT_BAD, "%s does not define '%s' (jump.vars line %u)", m->src, m->x->name, m->x->line);
        goto out;
    }
    sec = &f.secs[s->shndx];
    if (s->value != 0) {
        jerr_set(e, EXIT_BAD, "%s: '%s' is not at the start of its section", m->src, m->x->name);
        goto out;
    }
    if (m->in_text && (sec->flags & SHF_WRITE_)) {
        jerr_at(e, EXIT_BAD, b->vars.path, m->x->line, 0,
                "'%s' is listed as a constant (K) but its definition is writable", m->x->name);
        goto out;
    }
    if (sec->size > m->x->size || s->size > m->x->size) {
        jerr_at(e, EXIT_BAD, b->vars.path, m->x->line, 0,
                "variable '%s' is %llu bytes but jump.vars reserves %llu: run getsize "
                "(a variable that outgrows its reserve cannot keep its place in a compatible "
                "version)",
                m->x->name, (unsigned long long)(sec->size > s->size ? sec->size : s->size),
                (unsigned long long)m->x->size);
        goto out;
    }
    if (!m->in_text && sec->align > b->walign)
        b->walign = sec->align;
    if (sec->align > 1 && (m->addr - m->offset) % sec->align) {
        /* the origin the offsets count from is the cause (-w, -d, or where -a puts the data):
         * getsize cannot help */
        jerr_at(e, EXIT_BAD, b->vars.path, m->x->line, 0,
                "variable '%s' must be aligned to %llu, which its %s origin 0x%llx is not: %s",
                m->x->name, (unsigned long long)sec->align, b->l.split ? "writable" : "data",
                (unsigned long long)(m->addr - m->offset),
                b->l.split ? "choose a multiple of it for mkimage -w"
                           : "choose a load address (-a) or data address (-d) that puts the data there");
        goto out;
    }
    if (sec->align > 1 && m->addr % sec->align) {
        jerr_at(e, EXIT_BAD, b->vars.path, m->x->line, 0,
                "variable '%s' must be aligned to %llu but its offset 0x%llx puts it at "
                "0x%llx: run getsize, which grows the reserve of the entry before it",
                m->x->name, (unsigned long long)sec->align, (unsigned long long)m->offset,
                (unsigned long long)m->addr);
        goto out;
    }
    for (size_t i = 1; i < f.nsecs; i++) {
        if (i != s->shndx && (f.secs[i].flags & SHF_ALLOC_) && f.secs[i].size) {
            jerr_set(e, EXIT_BAD, "%s holds more than '%s' (section %s)", m->src, m->x->name,
                     f.secs[i].name);
            goto out;
        }
    }
    {
        elf_rel *rels = NULL;
        size_t nrel = 0;
        if (elf_relocs(&f, s->shndx, &rels, &nrel, e) != 0)
            goto out;
        for (size_t i = 0; i < nrel; i++) {
            if (fixup_reloc(b, m, &f, &rels[i], e) != 0) {
                free(rels);
                goto out;
            }
        }
        free(rels);
    }
    rc = 0;
out:
    elf_close_file(&f, &bl);
    return rc;
}

int vars_assemble(build *b, jerr *e)
{
    for (size_t i = 0; i < b->vars.n; i++) {
        mvar *m = &b->mv[i];
        char *argv[6];
        if (!m->exported)
            continue;
        m->obj = xasprintf("%s/%s.o", b->tmpdir, strrchr(m->src, '/') + 1);
        argv[0] = "as";
        argv[1] = (char *)b->a->as_flag;
        argv[2] = "-o";
        argv[3] = m->obj;
        argv[4] = m->src;
        argv[5] = NULL;
        if (spawn_run(argv, b->o->verbose, e) != 0 || check_object(b, m, e) != 0)
            return -1;
    }
    return 0;
}

static void place(const build *b, buf *s, const char *section, uint64_t at, int in_text)
{
    int any = 0;
    for (size_t i = 0; i < b->vars.n; i++)
        any |= b->mv[i].exported && b->mv[i].in_text == in_text;
    if (!any)
        return;
    buf_printf(s, "  %s 0x%llx : {\n", section, (unsigned long long)at);
    for (size_t i = 0; i < b->vars.n; i++) {
        const mvar *m = &b->mv[i];
        if (!m->exported || m->in_text != in_text)
            continue;
        buf_printf(s, "    . = 0x%llx;\n    KEEP(\"%s\"(.data .data.* .rodata .rodata.* .bss .bss.* COMMON))\n",
                   (unsigned long long)(m->addr - at), m->obj);
    }
    /* The host-import cells, which the loader writes at every start, go after the variables:
     * the page they dirty is then the one the variables dirty anyway. They are private to the
     * image, so their place may change from one version to the next. */
    if (!in_text)
        buf_printf(s, "    . = ALIGN(%u);\n    KEEP(*(.jump.cells))\n", b->a->ptrsize);
    buf_printf(s, "  } :%s\n", in_text ? "table" : b->l.split ? "data" : "vars");
}

void vars_script_text(const build *b, buf *s)
{
    if (b->l.dataaddr)
        place(b, s, ".jump.konst", b->l.origin + b->l.jumpsize, 1);
}

void vars_script_data(const build *b, buf *s) { place(b, s, ".jump.vars", b->l.data, 0); }

void vars_exclude(const build *b, buf *s)
{
    int any = 0;
    for (size_t i = 0; b->mv && i < b->vars.n; i++) {
        if (!b->mv[i].exported)
            continue;
        buf_printf(s, "%s\"%s\"", any ? " " : "EXCLUDE_FILE(", b->mv[i].obj);
        any = 1;
    }
    if (any)
        buf_adds(s, ") ");
}

int vars_any_data(const build *b)
{
    for (size_t i = 0; i < b->vars.n; i++)
        if (b->mv && b->mv[i].exported && !b->mv[i].in_text)
            return 1;
    return 0;
}

void vars_free(build *b)
{
    if (b->mv) {
        for (size_t i = 0; i < b->vars.n; i++) {
            free(b->mv[i].src);
            free(b->mv[i].obj);
        }
    }
    free(b->mv);
    b->mv = NULL;
    for (size_t i = 0; i < b->nfix; i++)
        free(b->fix[i].cell);
    free(b->fix);
    b->fix = NULL;
    b->nfix = 0;
}
