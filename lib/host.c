/* host: the host C library's symbols, read from the files gcc would link. */
#include "host.h"
#include "ar.h"
#include "diag.h"
#include "elf.h"
#include "proc.h"

#include <stdlib.h>
#include <string.h>

char *host_file(const arch *a, const char *file, jerr *e)
{
    char *argv[] = {"gcc", (char *)a->cc_flag, NULL, NULL};
    char *out = NULL;
    argv[2] = xasprintf("-print-file-name=%s", file);
    if (spawn_capture(argv, 0, &out, e) != 0) {
        free(argv[2]);
        return NULL;
    }
    free(argv[2]);
    out[strcspn(out, "\n")] = 0;
    if (!strchr(out, '/')) {
        jerr_set(e, EXIT_USAGE, "cannot find the %s C library file %s (is gcc-multilib installed?)",
                 a->name, file);
        free(out);
        return NULL;
    }
    return out;
}

int host_symbols(const arch *a, const char *file, strmap *m, blob *keep, jerr *e)
{
    char *out, *path;
    blob bl;
    if (!(out = host_file(a, file, e)))
        return -1;
    path = out;
    if (blob_read(path, &bl, e) != 0) {
        free(out);
        keep->p = NULL;
        keep->len = 0;
        return -1;
    }
    /* The caller keeps the bytes: the map's keys point into them. */
    *keep = bl;
    if (elf_is_elf(bl.p, bl.len)) {
        elf_file f;
        if (elf_open(&f, path, bl.p, bl.len, e) != 0) {
            free(out);
            return -1;
        }
        for (size_t i = 1; i < f.nsyms; i++)
            if (f.syms[i].shndx != SHN_UNDEF_ && f.syms[i].shndx != SHN_ABS_ && f.syms[i].bind != STB_LOCAL_ && f.syms[i].name[0])
                strmap_put(m, f.syms[i].name, (uintptr_t)f.syms[i].type + 1);
        /* elf_file's arrays are freed, the names stay in bl. */
        elf_close(&f);
    } else if (ar_is_archive(bl.p, bl.len)) {
        ar_file ar;
        if (ar_open(&ar, path, bl.p, bl.len, e) != 0) {
            free(out);
            return -1;
        }
        for (size_t m2 = 0; m2 < ar.n; m2++) {
            elf_file f;
            jerr ignore;
            if (!elf_is_elf(ar.m[m2].data, ar.m[m2].size) ||
                elf_open(&f, path, ar.m[m2].data, ar.m[m2].size, &ignore) != 0)
                continue;
            for (size_t i = 1; i < f.nsyms; i++)
                if (f.syms[i].shndx != SHN_UNDEF_ && f.syms[i].bind != STB_LOCAL_ &&
                    f.syms[i].name[0])
                    strmap_put(m, f.syms[i].name, (uintptr_t)f.syms[i].type + 1);
            elf_close(&f);
        }
        ar_close(&ar);
    }
    free(out);
    return 0;
}

