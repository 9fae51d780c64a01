/* getsize: the real size of every exported variable, measured from jumpas's diverted
 * definitions ($JUMP_DIR/_GVAR_<n>.s, _GCMN_<n>.s), printed as a new jump.vars (DESIGN §8).
 * A reserve (a size larger than the variable) is kept: it is room for a later version to
 * grow without moving the variables after it. A variable larger than its reserve is kept at
 * the reserve and marked "** Overflow **", because changing its size would move every later
 * variable; mkimage refuses to build until that is settled. A new variable that needs more
 * alignment than its offset gives is aligned by growing the reserve of the entry before it. */
#include "getsize.h"
#include "buf.h"
#include "ctl.h"
#include "diag.h"
#include "elf.h"
#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Assemble a diverted definition and read the size and alignment of `name` in it. */
static int measure(const char *src, const char *name, const char *tmpdir, uint64_t *size,
                   uint64_t *align, jerr *e)
{
    char *obj = xasprintf("%s/getsize.o", tmpdir);
    char *argv[] = {"as", "--64", "-o", obj, (char *)src, NULL};
    blob bl = {0};
    elf_file f;
    size_t si;
    int rc = -1;
    /* Data directives mean the same to --32 and --64; the size does not depend on it. */
    if (spawn_run(argv, 0, e) != 0)
        goto out;
    if (blob_read(obj, &bl, e) != 0 || elf_open(&f, obj, bl.p, bl.len, e) != 0)
        goto out;
    si = elf_symbol(&f, name);
    if (!si || f.syms[si].shndx == SHN_UNDEF_) {
        jerr_set(e, EXIT_BAD, "%s does not define '%s'", src, name);
    } else {
        *size = f.syms[si].size;
        *align = f.syms[si].shndx < f.nsecs ? f.secs[f.syms[si].shndx].align : 1;
        if (!*size && f.syms[si].shndx < f.nsecs)
            *size = f.secs[f.syms[si].shndx].size; /* no .size directive: the section */
        if (!*align)
            *align = 1;
        rc = 0;
    }
    elf_close(&f);
out:
    blob_free(&bl);
    unlink(obj);
    free(obj);
    return rc;
}

/* The real size and alignment of every entry's diverted definition (real[i], align[i]); an
 * entry without a size takes its real one. 0, or -1 with e set. */
static int measure_all(jf_file *vars, int names, const char *tmpdir, uint64_t *real, uint64_t *align, jerr *e)
{
    for (size_t i = 0; i < vars->n; i++) {
        jf_entry *x = &vars->v[i];
        char *src;
        int rc;
        align[i] = 1;
        if (x->type == 'U' || !strcmp(x->name, JF_DUMMY))
            continue;
        src = xasprintf("%s/_%s_%zu.s", jump_dir(NULL), x->type == 'C' ? "GCMN" : "GVAR", i + 1);
        if (access(src, F_OK) != 0)
            rc = jerr_at(e, EXIT_BAD, vars->path, x->line, 0,
                         "'%s' has no diverted definition %s: compile the library with jumpas "
                         "(make pre-shlib) after getvars%s",
                         x->name, src, jf_aout_hint(x->name, names));
        else
            rc = measure(src, x->name, tmpdir, &real[i], &align[i], e);
        free(src);
        if (rc != 0)
            return -1;
        if (x->size == 0)
            x->size = real[i];
    }
    return 0;
}

/* Offsets are running sums of the sizes: a variable that needs more alignment than its offset
 * gives gets it from a larger reserve of the entry before it. That moves nothing that existed
 * before: an old entry was aligned already, so only new ones are moved. */
static void align_reserves(jf_file *vars, const uint64_t *align)
{
    uint64_t off = 0;
    for (size_t i = 0; i < vars->n; i++) {
        if (i > 0 && off % align[i]) {
            uint64_t pad = align[i] - off % align[i];
            diag_warn_at(vars->path, vars->v[i - 1].line, 0,
                         "reserving 0x%llx more bytes for '%s' so that '%s' is aligned to %llu",
                         (unsigned long long)pad, vars->v[i - 1].name, vars->v[i].name,
                         (unsigned long long)align[i]);
            vars->v[i - 1].size += pad;
            off += pad;
        }
        off += vars->v[i].size;
    }
}

/* The new jump.vars into b: a variable larger than its reserve keeps the reserve, marked on its
 * line and on stderr; the count of those. */
static int format_vars(const jf_file *vars, int names, const uint64_t *real, buf *b)
{
    int overflows = 0;
    for (size_t i = 0; i < vars->n; i++) {
        const jf_entry *x = &vars->v[i];
        jf_format(b, x, names);
        if (real[i] <= x->size)
            continue;
        b->len--; /* the line's newline: the mark goes before it */
        buf_printf(b, "\t# ** Overflow ** (needs 0x%llx)\n", (unsigned long long)real[i]);
        diag_warn_at(vars->path, x->line, 0, "** Overflow ** '%s' is 0x%llx bytes but has 0x%llx reserved",
                     x->name, (unsigned long long)real[i], (unsigned long long)x->size);
        overflows++;
    }
    return overflows;
}

int getsize_run(FILE *out, int names, int *overflows, jerr *e)
{
    jf_file vars;
    char *path = jump_dir_file("jump.vars");
    const char *tmp = getenv("TMPDIR");
    char *tmpdir = xasprintf("%s/getsize.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    buf b = {0};
    uint64_t *real = NULL, *align = NULL;
    int rc = -1;

    *overflows = 0;
    if (jf_load(path, JF_VARS, names, &vars, e) != 0) {
        free(path);
        free(tmpdir);
        return -1;
    }
    if (!mkdtemp(tmpdir)) {
        jerr_sys(e, "cannot create a temporary directory %s", tmpdir);
        goto done;
    }
    real = xcalloc(vars.n + 1, sizeof *real);
    align = xcalloc(vars.n + 1, sizeof *align);
    if (measure_all(&vars, names, tmpdir, real, align, e) != 0)
        goto done;
    align_reserves(&vars, align);
    *overflows = format_vars(&vars, names, real, &b);
    if (b.len && fwrite(b.p, 1, b.len, out) != b.len) {
        jerr_sys(e, "cannot write the output");
        goto done;
    }
    rc = 0;
done:
    free(real);
    free(align);
    rmdir(tmpdir);
    free(tmpdir);
    free(path);
    buf_free(&b);
    jf_free(&vars);
    return rc;
}
