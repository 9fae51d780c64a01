/* getsize: the real size of every exported variable, measured from jumpas's diverted
 * definitions ($JUMP_DIR/_GVAR_<n>.s, _GCMN_<n>.s), printed as a new jump.vars (DESIGN §8).
 * A reserve (a size larger than the variable) is kept: it is room for a later version to
 * grow without moving the variables after it. A variable larger than its reserve is kept at
 * the reserve and marked "** Overflow **", because changing its size would move every later
 * variable; mkimage refuses to build until that is settled. */
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

/* Assemble a diverted definition and read the size of `name` in it. */
static int measure(const char *src, const char *name, const char *tmpdir, uint64_t *size, jerr *e)
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
        if (!*size && f.syms[si].shndx < f.nsecs)
            *size = f.secs[f.syms[si].shndx].size; /* no .size directive: the section */
        rc = 0;
    }
    elf_close(&f);
out:
    blob_free(&bl);
    unlink(obj);
    free(obj);
    return rc;
}

int getsize_run(FILE *out, int *overflows, jerr *e)
{
    jf_file vars;
    char *path = jump_dir_file("jump.vars");
    const char *tmp = getenv("TMPDIR");
    char *tmpdir = xasprintf("%s/getsize.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    buf b = {0};
    int rc = -1;

    *overflows = 0;
    if (jf_load(path, JF_VARS, 0, &vars, e) != 0) {
        free(path);
        free(tmpdir);
        return -1;
    }
    if (!mkdtemp(tmpdir)) {
        jerr_sys(e, "cannot create a temporary directory %s", tmpdir);
        goto done;
    }
    for (size_t i = 0; i < vars.n; i++) {
        jf_entry x = vars.v[i];
        uint64_t real;
        char *src;
        if (x.type == 'U' || !strcmp(x.name, JF_DUMMY)) {
            jf_format(&b, &x);
            continue;
        }
        src = xasprintf("%s/_%s_%zu.s", jump_dir(NULL), x.type == 'C' ? "GCMN" : "GVAR", i + 1);
        if (access(src, F_OK) != 0) {
            jerr_set(e, EXIT_BAD,
                     "%s:%u: '%s' has no diverted definition %s: compile the library with jumpas "
                     "(make pre-shlib) after getvars",
                     vars.path, x.line, x.name, src);
            free(src);
            goto done;
        }
        if (measure(src, x.name, tmpdir, &real, e) != 0) {
            free(src);
            goto done;
        }
        free(src);
        if (x.size == 0 || real == x.size || real < x.size) {
            if (x.size == 0)
                x.size = real;
            jf_format(&b, &x);
            continue;
        }
        /* Larger than its reserve: keep the reserve, say so on the line and on stderr. */
        jf_format(&b, &x);
        b.len--; /* the line's newline: the mark goes before it */
        buf_printf(&b, "\t# ** Overflow ** (needs 0x%llx)\n", (unsigned long long)real);
        diag_warn("%s:%u: ** Overflow ** '%s' is 0x%llx bytes but has 0x%llx reserved", vars.path,
                  x.line, x.name, (unsigned long long)real, (unsigned long long)x.size);
        (*overflows)++;
    }
    if (b.len && fwrite(b.p, 1, b.len, out) != b.len) {
        jerr_sys(e, "cannot write the output");
        goto done;
    }
    rc = 0;
done:
    rmdir(tmpdir);
    free(tmpdir);
    free(path);
    buf_free(&b);
    jf_free(&vars);
    return rc;
}
