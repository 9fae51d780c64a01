/* buildimport: one jump.import line per __GOT_<v> symbol of the given stubs, so that jumpas
 * reaches those variables through the other libraries' GOT cells. */
#include "buildimport.h"
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

int buildimport_run(const buildimport_opts *o)
{
    jf_file out;
    jerr e;
    char *path;
    int rc = EXIT_OK;

    memset(&out, 0, sizeof out);
    out.kind = JF_IMPORT;
    for (int i = 0; i < o->nstubs; i++) {
        jstub s;
        if (jstub_open(&s, o->stubs[i], &e) != 0) {
            diag_report(&e);
            jf_free(&out);
            return e.status;
        }
        add_stub(&s, &out);
        jstub_close(&s);
    }
    if (o->output) {
        path = xstrdup(o->output);
    } else {
        int set;
        jump_dir(&set);
        if (!set)
            diag_warn("JUMP_DIR is not set; using the current directory");
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
