/* stubs: other jump libraries' stubs (.sa) among mkimage's inputs (DESIGN §5.2). An image
 * reaches another jump library at absolute addresses, exactly as a program does, but must not
 * carry that stub's descriptor or loader: so the stubs are not handed to ld. Their absolute
 * symbols become PROVIDE() lines of the linker script, and each stub the library really uses
 * is recorded in jump.undefs as __NEEDS_SHRLIB_<lib>_<major>, which mkstubs propagates to
 * programs so the loader maps that library first. */
#include "ar.h"
#include "build.h"
#include "diag.h"
#include "elf.h"
#include "image.h"

#include <stdlib.h>
#include <string.h>

#define NEEDS_PREFIX "__NEEDS_SHRLIB_"

static int is_stub(const char *path)
{
    size_t n = strlen(path);
    return n > 3 && !strcmp(path + n - 3, ".sa");
}

static int read_stub(build *b, size_t si, jerr *e)
{
    mstub *st = &b->stubs[si];
    blob bl;
    ar_file ar;
    if (blob_read(st->path, &bl, e) != 0)
        return -1;
    if (!ar_is_archive(bl.p, bl.len)) {
        blob_free(&bl);
        return jerr_set(e, EXIT_BAD, "%s: not a stub library (not an ar archive)", st->path);
    }
    if (ar_open(&ar, st->path, bl.p, bl.len, e) != 0) {
        blob_free(&bl);
        return -1;
    }
    for (size_t m = 0; m < ar.n; m++) {
        elf_file f;
        jerr ignore;
        if (!elf_is_elf(ar.m[m].data, ar.m[m].size) ||
            elf_open(&f, st->path, ar.m[m].data, ar.m[m].size, &ignore) != 0)
            continue;
        if (f.arch != b->a) {
            jerr_set(e, EXIT_BAD, "%s: a stub for %s, not %s", st->path, f.arch->name, b->a->name);
            elf_close(&f);
            ar_close(&ar);
            blob_free(&bl);
            return -1;
        }
        for (size_t i = 1; i < f.nsyms; i++) {
            elf_sym *s = &f.syms[i];
            uintptr_t have;
            if (s->shndx != SHN_ABS_ || s->bind == STB_LOCAL_ || !s->name[0])
                continue;
            /* the image reaches the slot or the variable itself, never a program's entry */
            s->name = jstub_abs_name(s->name);
            if (!strncmp(s->name, NEEDS_PREFIX, strlen(NEEDS_PREFIX))) {
                if (!st->needs)
                    st->needs = xstrdup(s->name);
                continue;
            }
            if (strmap_get(&b->stubsyms, s->name, &have))
                continue; /* the first stub that defines a name wins, as in a link */
            b->stubvals = xrealloc(b->stubvals, (b->nstubsyms + 1) * sizeof *b->stubvals);
            b->stubof = xrealloc(b->stubof, (b->nstubsyms + 1) * sizeof *b->stubof);
            b->stubvals[b->nstubsyms] = s->value;
            b->stubof[b->nstubsyms] = si;
            /* The map's keys must outlive the archive bytes: keep a copy. */
            strmap_put(&b->stubsyms, xstrdup(s->name), b->nstubsyms);
            b->nstubsyms++;
        }
        elf_close(&f);
    }
    ar_close(&ar);
    blob_free(&bl);
    if (!st->needs)
        return jerr_set(e, EXIT_BAD, "%s: not a jump stub (no %s<lib>_<major> symbol)", st->path,
                        NEEDS_PREFIX);
    /* Where that library's image is installed: programs that get it only through this
     * library find it there too (mkstubs passes it on through jump.undefs). */
    {
        jstub js;
        jrec r;
        jerr ignore;
        if (jstub_open(&js, st->path, &ignore) == 0) {
            if (jstub_record(&js, &r, &ignore) == 0 && r.dir && *r.dir)
                st->dir = xstrdup(r.dir);
            jstub_close(&js);
        }
    }
    return 0;
}

int stubs_load(build *b, jerr *e)
{
    int n = 0;
    for (int i = 0; i < b->nld; i++) {
        if (!is_stub(b->ld_inputs[i])) {
            b->ld_inputs[n++] = b->ld_inputs[i];
            continue;
        }
        b->stubs = xrealloc(b->stubs, (b->nstubs + 1) * sizeof *b->stubs);
        memset(&b->stubs[b->nstubs], 0, sizeof b->stubs[0]);
        b->stubs[b->nstubs].path = xstrdup(b->ld_inputs[i]);
        b->nstubs++;
        if (read_stub(b, b->nstubs - 1, e) != 0)
            return -1;
    }
    b->nld = n;
    b->ld_inputs[n] = NULL;
    return 0;
}

/* Referenced stub symbols are marked by setting the top bit of their stub index. */
#define USED ((size_t)1 << (sizeof(size_t) * 8 - 1))

int stubs_provides(build *b, const char *name)
{
    uintptr_t k;
    if (!strmap_get(&b->stubsyms, name, &k))
        return 0;
    b->stubof[k] |= USED;
    b->stubs[b->stubof[k] & ~USED].used = 1;
    return 1;
}

void stubs_script(const build *b, buf *s)
{
    for (size_t i = 0; i < b->stubsyms.cap; i++) {
        uintptr_t k;
        if (!b->stubsyms.keys[i])
            continue;
        k = b->stubsyms.vals[i];
        if (b->stubof[k] & USED)
            buf_printf(s, "PROVIDE(%s = 0x%llx);\n", b->stubsyms.keys[i],
                       (unsigned long long)b->stubvals[k]);
    }
}

int stubs_write_undefs(const build *b, jerr *e)
{
    jf_file f;
    char *path = jump_dir_file("jump.undefs");
    char *obj = xasprintf("__%s", b->root);
    int rc;
    memset(&f, 0, sizeof f);
    for (size_t i = 0; i < b->nstubs; i++)
        if (b->stubs[i].used && !jf_index(&f, b->stubs[i].needs)) {
            jf_add(&f, 0, 'D', b->stubs[i].needs, b->root, obj, NULL);
            if (b->stubs[i].dir)
                f.v[f.n - 1].dir = xstrdup(b->stubs[i].dir);
        }
    rc = jf_save(path, &f, e);
    jf_free(&f);
    free(obj);
    free(path);
    return rc;
}

void stubs_free(build *b)
{
    for (size_t i = 0; i < b->nstubs; i++) {
        free(b->stubs[i].path);
        free(b->stubs[i].needs);
        free(b->stubs[i].dir);
    }
    free(b->stubs);
    for (size_t i = 0; i < b->stubsyms.cap; i++)
        free((char *)b->stubsyms.keys[i]);
    strmap_free(&b->stubsyms);
    free(b->stubvals);
    free(b->stubof);
}
