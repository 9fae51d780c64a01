/* buildimport: one jump.import line per __GOT_<v> symbol of the given stubs, so that jumpas
 * reaches those variables through the other libraries' GOT cells. */
#include "buildimport.h"
#include "elf.h"
#include "host.h"
#include "buf.h"
#include "ctl.h"
#include "diag.h"
#include "elf.h"
#include "image.h"
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

/* The member name without its ".o". */
static char *member_base(const char *name)
{
    size_t n = strlen(name);
    return n > 2 && !strcmp(name + n - 2, ".o") ? xstrndup(name, n - 2) : xstrdup(name);
}

typedef struct got {
    const elf_sym *y;
    size_t member;
} got;

static int by_cell(const void *a, const void *b)
{
    const got *x = a, *y = b;
    if (x->y->value != y->y->value)
        return x->y->value < y->y->value ? -1 : 1;
    return strcmp(x->y->name, y->y->name);
}

/* Add the stub's lines to `out`. The variable symbol (weak absolute STT_OBJECT) names the
 * member that defines the variable and carries its size; without one, the member holding
 * the __GOT_ symbol is named and the size is 0. */
static void add_stub(const jstub *s, jf_file *out)
{
    typedef struct { size_t member; uint64_t size; } var;
    strmap vars = {0}; /* variable name -> index into v + 1 */
    var *v = NULL;
    size_t nv = 0, cap = 0;
    got *g = NULL;
    size_t ng = 0, gcap = 0;
    for (size_t m = 0; m < s->ar.n; m++) {
        const elf_file *f = &s->elf[m];
        for (size_t i = 1; i < f->nsyms; i++) {
            const elf_sym *y = &f->syms[i];
            if (y->shndx != SHN_ABS_ || y->bind == STB_LOCAL_ || y->type != STT_OBJECT_ ||
                strmap_get(&vars, y->name, NULL))
                continue;
            if (nv == cap) {
                cap = cap ? 2 * cap : 64;
                v = xrealloc(v, cap * sizeof *v);
            }
            v[nv].member = m;
            v[nv].size = y->size;
            strmap_put(&vars, y->name, ++nv);
        }
    }
    /* The __GOT_ symbols in cell order, which is jump.vars order, whatever the symbol
     * table's order. */
    for (size_t m = 0; m < s->ar.n; m++) {
        const elf_file *f = &s->elf[m];
        for (size_t i = 1; i < f->nsyms; i++) {
            const elf_sym *y = &f->syms[i];
            if (y->shndx != SHN_ABS_ || y->bind == STB_LOCAL_ || strncmp(y->name, "__GOT_", 6) ||
                !strcmp(y->name, "__GOT_SIZE") || !y->name[6])
                continue;
            if (ng == gcap) {
                gcap = gcap ? 2 * gcap : 64;
                g = xrealloc(g, gcap * sizeof *g);
            }
            g[ng].y = y;
            g[ng++].member = m;
        }
    }
    if (ng)
        qsort(g, ng, sizeof *g, by_cell);
    for (size_t j = 0; j < ng; j++) {
        const char *name = g[j].y->name + 6;
        uintptr_t k;
        uint64_t size = 0;
        size_t member = g[j].member;
        char *base;
        if (strmap_get(&vars, name, &k)) {
            member = v[k - 1].member;
            size = v[k - 1].size;
        }
        base = member_base(s->ar.m[member].name);
        jf_add(out, size, 'D', name, s->root, base, NULL);
        free(base);
    }
    free(g);
    strmap_free(&vars);
    free(v);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The C library's variables (stdout, environ, optarg, ...): the modern counterpart of listing
 * the classic libc.sa in SL_IMPORT. The library reaches them through GOT cells that the
 * loader binds to the program's own (DESIGN §5.2). Internal names (leading '_') are left out. */
static int add_host(const arch *a, jf_file *out, jerr *e)
{
    strmap m = {0};
    blob keep = {0};
    const char **names;
    size_t n = 0;
    if (host_symbols(a, "libc.so.6", &m, &keep, e) != 0) {
        strmap_free(&m);
        blob_free(&keep);
        return -1;
    }
    names = xcalloc(m.n + 1, sizeof *names);
    for (size_t i = 0; i < m.cap; i++)
        if (m.keys[i] && m.vals[i] - 1 == STT_OBJECT_ && m.keys[i][0] != '_' &&
            !jf_index(out, m.keys[i]))
            names[n++] = m.keys[i];
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++)
        jf_add(out, 0, 'D', names[i], "libc", "host", NULL);
    free(names);
    strmap_free(&m);
    blob_free(&keep);
    return 0;
}

int buildimport_run(const buildimport_opts *o)
{
    const arch *a = o->arch ? arch_by_name(o->arch) : NULL;
    jf_file out;
    jerr e;
    char *path;
    int rc = EXIT_OK;

    memset(&out, 0, sizeof out);
    out.kind = JF_IMPORT;
    out.flags = jf_env_flags(); /* written with a.out names when the control files have them */
    for (int i = 0; i < o->nstubs; i++) {
        jstub s;
        if (jstub_open(&s, o->stubs[i], &e) != 0) {
            diag_report(&e);
            jf_free(&out);
            return e.status;
        }
        add_stub(&s, &out);
        if (!a)
            a = s.arch;
        jstub_close(&s);
    }
    if (!o->no_host && add_host(a ? a : arch_host(), &out, &e) != 0) {
        diag_report(&e);
        jf_free(&out);
        return e.status ? e.status : EXIT_USAGE;
    }
    if (o->output) {
        path = xstrdup(o->output);
    } else {
        diag_jump_dir();
        path = jump_dir_file("jump.import");
    }
    if (jf_save(path, &out, &e) != 0) {
        diag_report(&e);
        rc = e.status ? e.status : EXIT_USAGE;
    }
    free(path);
    jf_free(&out);
    return rc;
}
