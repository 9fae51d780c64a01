/* stubmap: read the slots, cells and variables that stubs define back into one map. */
#include "stubmap.h"
#include "buf.h"
#include "diag.h"
#include "elf.h"
#include "image.h"
#include "jumpfmt.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NEEDS_PREFIX "__NEEDS_SHRLIB_"

/* An absolute symbol collected from the stubs before the layout is known. */
typedef struct asym {
    char *name;
    char *objfile;   /* NULL for the descriptor's symbols */
    const char *stub;
    uint64_t value, size;
    char kind;       /* 'P' __PLT_, 'G' __GOT_, 'F' function, 'V' variable, 'C' common member */
} asym;

typedef struct loader {
    stubmap *m;
    asym *v;
    size_t n, cap;
    int have_plt, have_got, have_last;
} loader;

static void add(loader *L, const char *name, const char *obj, const char *stub, uint64_t value,
                uint64_t size, char kind)
{
    if (L->n == L->cap) {
        L->cap = L->cap ? 2 * L->cap : 64;
        L->v = xrealloc(L->v, L->cap * sizeof *L->v);
    }
    L->v[L->n].name = xstrdup(name);
    L->v[L->n].objfile = obj ? xstrdup(obj) : NULL;
    L->v[L->n].stub = stub;
    L->v[L->n].value = value;
    L->v[L->n].size = size;
    L->v[L->n].kind = kind;
    L->n++;
}

static void add_need(stubmap *m, const char *sym)
{
    const char *s = sym + strlen(NEEDS_PREFIX), *u = strrchr(s, '_');
    char *so;
    if (!u || u == s || !u[1])
        return;
    so = xasprintf("%.*s.so.%s", (int)(u - s), s, u + 1);
    for (size_t i = 0; i < m->nneeds; i++) {
        if (!strcmp(m->needs[i], so)) {
            free(so);
            return;
        }
    }
    m->needs = xrealloc(m->needs, (m->nneeds + 1) * sizeof *m->needs);
    m->needs[m->nneeds++] = so;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What member k of stub s says: the libraries it needs (its __NEEDS_SHRLIB_ references other
 * than the library's own, `own`), and its absolute symbols: the descriptor's sizes, __PLT_
 * slots and __GOT_ cells, the other members' functions, variables and K constants. */
static void member_symbols(loader *L, const jstub *s, size_t k, const char *own, const char *path)
{
    stubmap *m = L->m;
    const elf_file *f = &s->elf[k];
    char *obj = xstrdup(s->ar.m[k].name);
    size_t ol = strlen(obj);
    if (ol > 2 && !strcmp(obj + ol - 2, ".o"))
        obj[ol - 2] = 0;
    for (size_t i = 1; i < f->nsyms; i++) {
        const elf_sym *y = &f->syms[i];
        const char *nm = y->name;
        if (!nm[0] || y->bind == STB_LOCAL_)
            continue;
        if (y->shndx == SHN_UNDEF_) {
            if (!strncmp(nm, NEEDS_PREFIX, strlen(NEEDS_PREFIX)) && strcmp(nm, own))
                add_need(m, nm);
            continue;
        }
        if (y->shndx != SHN_ABS_)
            continue;
        if (k == s->desc) {
            if (!strcmp(nm, "__PLT_SIZE")) {
                m->jumpsize = y->value;
                L->have_plt = 1;
            } else if (!strcmp(nm, "__GOT_SIZE")) {
                m->gotsize = y->value;
                L->have_got = 1;
            } else if (!strcmp(nm, "__WRITABLE_ADDRESS")) {
                m->waddr = y->value;
            } else if (!strcmp(nm, "__LAST_DATA_ADDRESS")) {
                m->last_data = y->value;
                L->have_last = 1;
            } else if (!strncmp(nm, "__PLT_", 6)) {
                add(L, nm + 6, NULL, path, y->value, 0, 'P');
            } else if (!strncmp(nm, "__GOT_", 6)) {
                add(L, nm + 6, NULL, path, y->value, 0, 'G');
            }
        } else if (!strncmp(nm, JUMP_CONST_PREFIX, strlen(JUMP_CONST_PREFIX))) {
            add(L, nm + strlen(JUMP_CONST_PREFIX), obj, path, y->value, 0, 'k');
        } else if (y->type == STT_FUNC_) {
            add(L, nm, obj, path, y->value, 0, 'F');
        } else if (y->type == STT_OBJECT_) {
            /* mkstubs gives each common variable a member named after it */
            add(L, nm, obj, path, y->value, y->size, strcmp(obj, nm) ? 'V' : 'C');
        }
    }
    free(obj);
}

/* One stub: its record and its absolute symbols. */
static int read_stub(loader *L, const char *path, int first, jerr *e)
{
    stubmap *m = L->m;
    jstub s;
    jrec r;
    char *own;
    int rc = -1;

    if (jstub_open(&s, path, e) != 0)
        return -1;
    if (jstub_record(&s, &r, e) != 0) {
        e->status = EXIT_BAD;
        goto out;
    }
    if (r.magic != JUMP_REC_MAGIC || r.format != JUMP_REC_FORMAT || !r.soname) {
        jerr_set(e, EXIT_BAD, "%s: the library record is damaged (magic 0x%llx, format %llu)", path,
                 (unsigned long long)r.magic, (unsigned long long)r.format);
        goto out;
    }
    if (first) {
        m->arch = s.arch;
        m->root = xstrdup(s.root);
        m->soname = xstrdup(r.soname);
        m->desc = xstrdup(r.desc ? r.desc : "");
        m->origin = r.origin;
        m->vword = r.version;
    } else if (s.arch != m->arch || r.origin != m->origin || r.version != m->vword ||
               strcmp(r.soname, m->soname)) {
        jerr_set(e, EXIT_BAD,
                 "%s: the stub is for %s %s at 0x%llx (version word 0x%llx), the first for %s %s "
                 "at 0x%llx (0x%llx): give stubs of one image only",
                 path, s.arch->name, r.soname, (unsigned long long)r.origin,
                 (unsigned long long)r.version, m->arch->name, m->soname,
                 (unsigned long long)m->origin, (unsigned long long)m->vword);
        goto out;
    }
    own = xasprintf(NEEDS_PREFIX "%s_%llu", m->root,
                    (unsigned long long)JUMP_VERSION_MAJOR(m->vword));
    for (size_t k = 0; k < s.ar.n; k++)
        member_symbols(L, &s, k, own, path);
    free(own);
    rc = 0;
out:
    jstub_close(&s);
    return rc;
}

/* With -w the stub records the writable origin. With -d the GOT lies just below the data
 * origin; the stub does not record it, so find the page boundary just above the highest cell. */
static int make_layout(loader *L, jerr *e)
{
    stubmap *m = L->m;
    uint64_t hi = 0, dataaddr = 0;
    int outside = 0;
    jerr sub;
    if (layout_init(&m->l, m->origin, m->jumpsize, m->gotsize, 0, m->arch->ptrsize,
                    m->arch->min_origin, &sub) != 0)
        return jerr_set(e, EXIT_BAD, "%s: the stub's layout is impossible: %s", L->v ? L->v[0].stub : m->root,
                        sub.msg);
    if (m->waddr && layout_split(&m->l, m->waddr, &sub) != 0)
        return jerr_set(e, EXIT_BAD, "%s: the stub's layout is impossible: %s", L->v ? L->v[0].stub : m->root,
                        sub.msg);
    if (m->waddr)
        return 0;
    for (size_t i = 0; i < L->n; i++) {
        if (L->v[i].kind != 'G')
            continue;
        if (!jimg_cell_index(&m->l, L->v[i].value))
            outside = 1;
        if (L->v[i].value > hi)
            hi = L->v[i].value;
    }
    if (!outside)
        return 0;
    dataaddr = (hi + m->arch->ptrsize + JUMP_PAGE - 1) & ~(uint64_t)(JUMP_PAGE - 1);
    if (layout_init(&m->l, m->origin, m->jumpsize, m->gotsize, dataaddr, m->arch->ptrsize,
                    m->arch->min_origin, &sub) != 0)
        return jerr_set(e, EXIT_BAD, "%s: the stub's GOT cells fit no layout: %s", L->v[0].stub, sub.msg);
    m->dataaddr_guessed = 1;
    return 0;
}

static int name_slot(stubmap *m, const asym *a, jerr *e)
{
    unsigned long i = jimg_slot_index(&m->l, a->value);
    if (!i)
        return jerr_set(e, EXIT_BAD, "%s: '%s' is 0x%llx, which is not a slot of the jump table at 0x%llx",
                        a->stub, a->name, (unsigned long long)a->value, (unsigned long long)m->origin);
    if (m->slot[i] && strcmp(m->slot[i], a->name))
        return jerr_set(e, EXIT_BAD, "%s: slot %lu (0x%llx) is both '%s' and '%s'", a->stub, i,
                        (unsigned long long)a->value, m->slot[i], a->name);
    if (!m->slot[i]) {
        m->slot[i] = xstrdup(a->name);
        m->nfuncs++;
    }
    if (a->objfile && !m->slot_obj[i])
        m->slot_obj[i] = xstrdup(a->objfile);
    if (i > m->maxslot)
        m->maxslot = i;
    return 0;
}

static int name_cell(stubmap *m, const asym *a, jerr *e)
{
    unsigned long n = jimg_cell_index(&m->l, a->value);
    if (!n)
        return jerr_set(e, EXIT_BAD, "%s: '__GOT_%s' is 0x%llx, which is not a variable cell of the GOT",
                        a->stub, a->name, (unsigned long long)a->value);
    if (m->cell[n] && strcmp(m->cell[n], a->name))
        return jerr_set(e, EXIT_BAD, "%s: cell %lu (0x%llx) is both '%s' and '%s'", a->stub, n,
                        (unsigned long long)a->value, m->cell[n], a->name);
    if (!m->cell[n]) {
        m->cell[n] = xstrdup(a->name);
        m->ncellvars++;
    }
    if (n > m->maxcell)
        m->maxcell = n;
    return 0;
}

static int cmp_var(const void *a, const void *b)
{
    const smap_var *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int add_var(stubmap *m, const asym *a, jerr *e)
{
    uintptr_t k;
    smap_var *v;
    uint64_t text = m->origin + m->jumpsize;
    if (strmap_get(&m->var_by_name, a->name, &k)) {
        if (m->vars[k - 1].addr != a->value)
            return jerr_set(e, EXIT_BAD, "%s: variable '%s' is both 0x%llx and 0x%llx", a->stub, a->name,
                            (unsigned long long)m->vars[k - 1].addr, (unsigned long long)a->value);
        return 0;
    }
    /* Where it lies first: nothing is added for a variable refused. */
    if (!(a->value >= m->l.data || (m->l.dataaddr && a->value >= text && a->value < m->l.got)))
        return jerr_set(e, EXIT_BAD, "%s: variable '%s' is 0x%llx, outside the data area (0x%llx and up)",
                        a->stub, a->name, (unsigned long long)a->value, (unsigned long long)m->l.data);
    m->vars = xrealloc(m->vars, (m->nvars + 1) * sizeof *m->vars);
    v = &m->vars[m->nvars];
    memset(v, 0, sizeof *v);
    v->name = xstrdup(a->name);
    v->objfile = xstrdup(a->objfile);
    v->addr = a->value;
    v->size = a->size;
    if (a->value >= m->l.data) {
        v->type = a->kind == 'C' ? 'C' : 'D';
        v->offset = a->value - m->l.data;
    } else {
        v->type = 'K';
        v->offset = a->value - text;
    }
    m->nvars++;
    /* Index the name once the array stops moving (below). */
    strmap_put(&m->var_by_name, v->name, m->nvars);
    return 0;
}

int smap_load(stubmap *m, char *const *stubs, size_t n, jerr *e)
{
    loader L;
    int rc = -1;
    memset(m, 0, sizeof *m);
    memset(&L, 0, sizeof L);
    L.m = m;
    if (!n)
        return jerr_set(e, EXIT_USAGE, "no stub library given");
    for (size_t i = 0; i < n; i++)
        if (read_stub(&L, stubs[i], i == 0, e) != 0)
            goto out;
    if (!L.have_plt || !L.have_got) {
        jerr_set(e, EXIT_BAD, "%s: the stub defines no %s: not made by mkstubs?", stubs[0],
                 L.have_plt ? "__GOT_SIZE" : "__PLT_SIZE");
        goto out;
    }
    if (make_layout(&L, e) != 0)
        goto out;
    m->nslots = layout_max_slots(&m->l);
    m->ncells = layout_max_cells(&m->l);
    m->slot = xcalloc(m->nslots + 1, sizeof *m->slot);
    m->slot_obj = xcalloc(m->nslots + 1, sizeof *m->slot_obj);
    m->cell = xcalloc(m->ncells + 1, sizeof *m->cell);
    if (!L.have_last)
        m->last_data = m->l.data;
    for (size_t i = 0; i < L.n; i++) {
        const asym *a = &L.v[i];
        int r = 0;
        switch (a->kind) {
        case 'P': case 'F': r = name_slot(m, a, e); break;
        case 'G': r = name_cell(m, a, e); break;
        case 'k': break; /* below, once every variable is known */
        default: r = add_var(m, a, e); break;
        }
        if (r != 0)
            goto out;
    }
    if (m->nvars)
        qsort(m->vars, m->nvars, sizeof *m->vars, cmp_var);
    strmap_free(&m->var_by_name);
    memset(&m->var_by_name, 0, sizeof m->var_by_name);
    for (size_t i = 0; i < m->nvars; i++)
        strmap_put(&m->var_by_name, m->vars[i].name, i + 1);
    for (unsigned long c = 2; c < m->ncells; c++) {
        uintptr_t k;
        if (m->cell[c] && strmap_get(&m->var_by_name, m->cell[c], &k))
            m->vars[k - 1].cell = c;
    }
    for (size_t i = 0; i < L.n; i++) {
        uintptr_t k;
        if (L.v[i].kind == 'k' && strmap_get(&m->var_by_name, L.v[i].name, &k))
            m->vars[k - 1].type = 'K';
    }
    if (m->nneeds)
        qsort(m->needs, m->nneeds, sizeof *m->needs, cmp_str);
    rc = 0;
out:
    for (size_t i = 0; i < L.n; i++) {
        free(L.v[i].name);
        free(L.v[i].objfile);
    }
    free(L.v);
    return rc;
}

void smap_free(stubmap *m)
{
    for (unsigned long i = 0; m->slot && i <= m->nslots; i++) {
        free(m->slot[i]);
        free(m->slot_obj[i]);
    }
    for (unsigned long i = 0; m->cell && i <= m->ncells; i++)
        free(m->cell[i]);
    for (size_t i = 0; i < m->nvars; i++) {
        free(m->vars[i].name);
        free(m->vars[i].objfile);
    }
    for (size_t i = 0; i < m->nneeds; i++)
        free(m->needs[i]);
    free(m->slot);
    free(m->slot_obj);
    free(m->cell);
    free(m->vars);
    free(m->needs);
    free(m->root);
    free(m->soname);
    free(m->desc);
    strmap_free(&m->var_by_name);
    memset(m, 0, sizeof *m);
}

const smap_var *smap_var_named(const stubmap *m, const char *name)
{
    uintptr_t k;
    return strmap_get(&m->var_by_name, name, &k) ? &m->vars[k - 1] : NULL;
}

unsigned long smap_slot_of(const stubmap *m, const char *name)
{
    for (unsigned long i = 1; i <= m->maxslot; i++)
        if (m->slot[i] && !strcmp(m->slot[i], name))
            return i;
    return 0;
}

char *smap_find(const char *name, int is_lib, char *const *dirs, size_t ndirs)
{
    char *file = is_lib ? xasprintf("lib%s.sa", name) : xstrdup(name);
    if (!is_lib && strchr(name, '/')) {
        if (access(file, R_OK) == 0)
            return file;
        free(file);
        return NULL;
    }
    for (size_t i = 0; i < ndirs; i++) {
        size_t n = strlen(dirs[i]);
        char *p = xasprintf("%s%s%s", dirs[i], n && dirs[i][n - 1] == '/' ? "" : "/", file);
        if (access(p, R_OK) == 0) {
            free(file);
            return p;
        }
        free(p);
    }
    if (access(file, R_OK) == 0)
        return file;
    free(file);
    return NULL;
}
