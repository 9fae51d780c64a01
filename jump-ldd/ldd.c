/* jump-ldd: run each program in the loader's trace mode (JUMP_TRACE_LIBRARIES=1: it prints
 * one line per library and exits before main), after checking with the ELF reader that the
 * program carries the loader at all, since any other program would simply run. A program
 * the kernel cannot execute (an i386 program on a kernel built without 32-bit support) runs
 * under Debian's qemu-user emulator for its architecture when that is installed. */
#include "ldd.h"
#include "buf.h"
#include "diag.h"
#include "elf.h"
#include "jumpfmt.h"
#include "proc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jump_ldd_is_jump_program(const char *path, const arch **machine, jerr *e)
{
    blob b;
    elf_file f;
    int yes;
    size_t i;
    if (blob_read(path, &b, e) != 0) {
        e->status = EXIT_USAGE;
        return -1;
    }
    if (!elf_is_elf(b.p, b.len)) {
        blob_free(&b);
        return 0;
    }
    if (elf_open(&f, path, b.p, b.len, e) != 0) {
        e->status = EXIT_USAGE;
        blob_free(&b);
        return -1;
    }
    i = elf_symbol(&f, JUMP_LOADER_SYMBOL);
    yes = f.type != ET_REL_ && i && f.syms[i].shndx != SHN_UNDEF_ &&
          elf_section(&f, JUMP_REC_SECTION) != NULL;
    if (machine)
        *machine = f.arch;
    elf_close(&f);
    blob_free(&b);
    return yes;
}

/* Run PATH and capture its output; when the kernel refuses the format (ENOEXEC), run it under
 * qemu-<arch> from PATH instead, and when that is missing say what to install. */
static int trace(char *path, const arch *a, char **out, jerr *e)
{
    char *argv[] = {path, NULL};
    char *emu, *eargv[3];
    int rc;
    errno = 0;
    if (spawn_capture(argv, 0, out, e) == 0)
        return 0;
    if (errno != ENOEXEC)
        return -1;
    emu = xasprintf("qemu-%s", a->name);
    eargv[0] = emu;
    eargv[1] = path;
    eargv[2] = NULL;
    rc = spawn_capture(eargv, 0, out, e);
    if (rc != 0 && errno == ENOENT)
        jerr_set(e, EXIT_USAGE,
                 "cannot run %s: this kernel does not execute %s programs, and %s, which "
                 "would emulate it, is not installed (apt-get install qemu-user)",
                 path, a->name, emu);
    free(emu);
    return rc;
}

static int one(const char *prog)
{
    jerr e;
    char *out = NULL, *path;
    const arch *a = NULL;
    int rc = jump_ldd_is_jump_program(prog, &a, &e);
    if (rc < 0) {
        diag_report(&e);
        return EXIT_USAGE;
    }
    if (rc == 0) {
        printf("\tnot a jump program\n");
        return EXIT_BAD;
    }
    /* Never let a bare name be looked up in PATH: it names a file here. */
    path = strchr(prog, '/') ? xstrdup(prog) : xasprintf("./%s", prog);
    fflush(stdout);
    rc = trace(path, a, &out, &e);
    free(path);
    if (rc != 0) {
        diag_report(&e);
        return EXIT_USAGE;
    }
    fputs(out, stdout);
    free(out);
    return EXIT_OK;
}

int jump_ldd_run(char **progs, int nprogs)
{
    int worst = EXIT_OK;
    if (setenv("JUMP_TRACE_LIBRARIES", "1", 1) != 0)
        diag_die(EXIT_USAGE, "cannot set JUMP_TRACE_LIBRARIES");
    for (int i = 0; i < nprogs; i++) {
        int rc;
        if (nprogs > 1)
            printf("%s:\n", progs[i]);
        rc = one(progs[i]);
        if (rc > worst)
            worst = rc;
    }
    fflush(stdout);
    return worst;
}
