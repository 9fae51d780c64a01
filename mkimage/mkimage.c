/* mkimage: lay out the jump table, GOT and host-import thunks for a library, generate the
 * linker script, and link the fixed-address image with the system as and ld (DESIGN §5). */
#include "mkimage.h"
#include "aout.h"
#include "build.h"
#include "ar.h"
#include "buf.h"
#include "ctl.h"
#include "diag.h"
#include "elf.h"
#include "host.h"
#include "jumpfmt.h"
#include "layout.h"
#include "proc.h"
#include "registry.h"
#include "strmap.h"
#include "version.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const host_libs[] = {"-lc", "-lm", "-ldl", "-lpthread", "-lrt", "-lutil", NULL};

static void build_free(build *b)
{
    free(b->root);
    free(b->soname);
    free(b->outname);
    vars_free(b); /* before jf_free: it walks b->vars.n entries */
    jf_free(&b->funcs);
    jf_free(&b->vars);
    if (b->tmpdir && !b->o->keep) {
        DIR *d = opendir(b->tmpdir);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            char *p = xasprintf("%s/%s", b->tmpdir, de->d_name);
            unlink(p);
            free(p);
        }
        if (d)
            closedir(d);
        rmdir(b->tmpdir);
    }
    free(b->tmpdir);
    free(b->ld_inputs);
    strmap_free(&b->host);
    strmap_free(&b->hostm);
    for (int i = 0; i < b->nhostfiles; i++)
        blob_free(&b->hostfiles[i]);
    for (size_t i = 0; i < b->nimports; i++)
        free(b->imports[i]);
    free(b->imports);
    for (size_t i = 0; i < b->ndimports; i++)
        free(b->dimports[i]);
    free(b->dimports);
    stubs_free(b);
}

static int fail(build *b, const jerr *e)
{
    diag_report(e);
    build_free(b);
    return e->status ? e->status : EXIT_BAD;
}

/* ---- inputs ---- */

static int is_host_lib(const char *s)
{
    for (int i = 0; host_libs[i]; i++)
        if (!strcmp(s, host_libs[i]))
            return 1;
    return 0;
}

/* The architecture of the first ELF object or archive member among the inputs. */
static const arch *input_arch(const mkimage_opts *o, jerr *e)
{
    for (int i = 0; i < o->ninputs; i++) {
        const char *in = o->inputs[i];
        blob bl;
        const arch *a = NULL;
        if (in[0] == '-')
            continue;
        if (blob_read(in, &bl, e) != 0)
            return NULL;
        if (elf_is_elf(bl.p, bl.len)) {
            elf_file f;
            if (elf_open(&f, in, bl.p, bl.len, e) != 0) {
                blob_free(&bl);
                return NULL;
            }
            a = f.arch;
            elf_close(&f);
        } else if (ar_is_archive(bl.p, bl.len)) {
            ar_file ar;
            if (ar_open(&ar, in, bl.p, bl.len, e) == 0) {
                for (size_t m = 0; m < ar.n && !a; m++) {
                    elf_file f;
                    jerr ignore;
                    if (elf_is_elf(ar.m[m].data, ar.m[m].size) &&
                        elf_open(&f, in, ar.m[m].data, ar.m[m].size, &ignore) == 0) {
                        a = f.arch;
                        elf_close(&f);
                    }
                }
                ar_close(&ar);
            }
        }
        blob_free(&bl);
        if (a)
            return a;
    }
    jerr_set(e, EXIT_USAGE, "cannot tell the architecture from the inputs: pass -m i386|x86_64");
    return NULL;
}

/* Read a host library's symbols into `m`; the bytes stay until build_free. */
static int load_host_symbols(build *b, const char *file, strmap *m, jerr *e)
{
    return host_symbols(b->a, file, m, &b->hostfiles[b->nhostfiles++], e);
}

/* ---- control files ---- */

static int load_control(build *b, jerr *e)
{
    int flags = b->o->p.aout_names ? JF_AOUT : 0;
    char *p = jump_dir_file("jump.funcs");
    int rc = jf_load(p, JF_FUNCS, flags, &b->funcs, e);
    free(p);
    if (rc != 0)
        return -1;
    p = jump_dir_file("jump.vars");
    rc = jf_load(p, JF_VARS, flags | JF_MISSING_OK, &b->vars, e);
    free(p);
    if (rc != 0)
        return -1;
    if (b->funcs.n > layout_max_slots(&b->l)) {
        const jf_entry *x = &b->funcs.v[layout_max_slots(&b->l)];
        return jerr_set(e, EXIT_BAD,
                        "Jump table overflow.\n%s:%u: '%s' would be slot %lu; the jump table "
                        "(-j 0x%llx) holds %lu: raise SL_JUMP_TABLE_SIZE",
                        b->funcs.path, x->line, x->name, layout_max_slots(&b->l) + 1,
                        (unsigned long long)b->l.jumpsize, layout_max_slots(&b->l));
    }
    if (2 + b->vars.n > layout_max_cells(&b->l))
        return jerr_set(e, EXIT_BAD,
                        "GOT table overflow.\n%zu variables need %zu cells; the GOT (-g 0x%llx) "
                        "holds %lu: raise SL_GOT_SIZE",
                        b->vars.n, b->vars.n + 2, (unsigned long long)b->l.gotsize,
                        layout_max_cells(&b->l));
    return 0;
}

static int check_params(build *b, jerr *e)
{
    jparams want;
    char *p = jump_dir_file("jump.params");
    int rc;
    memset(&want, 0, sizeof want);
    snprintf(want.name, sizeof want.name, "%s", b->root);
    want.text = b->l.origin;
    want.data = b->l.split ? 0 : b->l.dataaddr;
    want.writable = b->l.split ? b->l.dataaddr : 0;
    want.jump = b->l.jumpsize;
    want.got = b->l.gotsize;
    snprintf(want.version, sizeof want.version, "%s", b->o->p.version);
    rc = jp_check_update(p, &want, b->o->p.force, e);
    free(p);
    return rc;
}

/* ---- the relocatable pass: which symbols the library leaves undefined ---- */

static int run_ld(build *b, char **argv, jerr *e) { return spawn_run(argv, b->o->verbose, e); }

static char *libgcc_path(build *b, jerr *e)
{
    char *argv[] = {"gcc", (char *)b->a->cc_flag, "-print-libgcc-file-name", NULL};
    char *out = NULL;
    if (spawn_capture(argv, 0, &out, e) != 0)
        return NULL;
    out[strcspn(out, "\n")] = 0;
    return out;
}

/* Which input object refers to `name` (for messages); "" if none found. */
static char *who_refers(build *b, const char *name)
{
    for (int i = 0; i < b->nld; i++) {
        const char *in = b->ld_inputs[i];
        blob bl;
        elf_file f;
        jerr ignore;
        int found = 0;
        if (in[0] == '-' || blob_read(in, &bl, &ignore) != 0)
            continue;
        if (elf_is_elf(bl.p, bl.len) && elf_open(&f, in, bl.p, bl.len, &ignore) == 0) {
            for (size_t s = 1; s < f.nsyms && !found; s++)
                found = f.syms[s].shndx == SHN_UNDEF_ && !strcmp(f.syms[s].name, name);
            elf_close(&f);
        }
        blob_free(&bl);
        if (found)
            return xasprintf(" (referenced by %s)", in);
    }
    return xstrdup("");
}

/* The objects whose symbols the image link resolves: the relocatable library and every
 * diverted variable. */
typedef struct objset {
    elf_file *f;
    blob *blobs;
    size_t n;
} objset;

static int objset_add(objset *os, const char *path, jerr *e)
{
    os->f = xrealloc(os->f, (os->n + 1) * sizeof *os->f);
    os->blobs = xrealloc(os->blobs, (os->n + 1) * sizeof *os->blobs);
    if (blob_read(path, &os->blobs[os->n], e) != 0)
        return -1;
    if (elf_open(&os->f[os->n], path, os->blobs[os->n].p, os->blobs[os->n].len, e) != 0) {
        blob_free(&os->blobs[os->n]);
        return -1;
    }
    os->n++;
    return 0;
}

static void objset_free(objset *os)
{
    for (size_t i = 0; i < os->n; i++) {
        elf_close(&os->f[i]);
        blob_free(&os->blobs[i]);
    }
    free(os->f);
    free(os->blobs);
}

static void add_name(char ***v, size_t *n, strmap *seen, const char *name)
{
    if (strmap_get(seen, name, NULL))
        return;
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = xstrdup(name);
    strmap_put(seen, (*v)[*n - 1], 1);
}

/* One undefined reference: a slot, a stub's symbol, a host function (an import with a
 * thunk), a host variable reached through a __GOT_<name> cell, or an error. */
static int resolve_undefined(build *b, const elf_sym *s, strmap *seen, jerr *e)
{
    uintptr_t type;
    const char *name = s->name;
    if (jf_index(&b->funcs, name) || !strcmp(name, "_GLOBAL_OFFSET_TABLE_") ||
        !strncmp(name, "__jump_", 7) || stubs_provides(b, name))
        return 0;
    if (!strcmp(name, "__dso_handle")) {
        b->need_dso_handle = 1;
        return 0;
    }
    if (!strncmp(name, "__GOT_", 6)) {
        const char *v = name + 6;
        if (vars_exported(b, v))
            return 0; /* our own cell */
        if (strmap_get(&b->host, v, NULL) || (b->want_libm && strmap_get(&b->hostm, v, NULL))) {
            add_name(&b->dimports, &b->ndimports, seen, v);
            return 0;
        }
        {
            char *who = who_refers(b, name);
            jerr_set(e, EXIT_BAD,
                     "undefined symbol '%s'%s: '%s' is not exported by this library (jump.vars), "
                     "not defined by a stub among the inputs (SL_IMPORT / SL_EXTRA_LIBS) and not "
                     "a C-library variable",
                     name, who, v);
            free(who);
            return -1;
        }
    }
    if (strmap_get(&b->host, name, &type) || (b->want_libm && strmap_get(&b->hostm, name, &type))) {
        if (type - 1 == STT_OBJECT_ || type - 1 == STT_COMMON_ || type - 1 == STT_TLS_) {
            char *who = who_refers(b, name);
            jerr_set(e, EXIT_BAD,
                     "the library uses the C library variable '%s'%s directly: list it in "
                     "jump.import (or set JUMP_IMPLIED_IMPORT=1) and compile again, so that "
                     "jumpas reaches it through a GOT cell",
                     name, who);
            free(who);
            return -1;
        }
        add_name(&b->imports, &b->nimports, seen, name);
        return 0;
    }
    if (s->bind == STB_WEAK_)
        return 0; /* an unresolved weak reference is 0, as in any static link */
    {
        char *who = who_refers(b, name);
        int in_libm = !b->want_libm && strmap_get(&b->hostm, name, NULL);
        jerr_set(e, EXIT_BAD, "undefined symbol '%s'%s%s", name, who,
                 in_libm ? ": it is in the math library: add -lm to the inputs"
                         : ": add the library that defines it to the inputs (SL_EXTRA_LIBS)");
        free(who);
        return -1;
    }
}

static int collect_imports(build *b, const char *relobj, jerr *e)
{
    objset os = {0};
    strmap defined = {0}, seen = {0};
    int rc = -1;

    if (objset_add(&os, relobj, e) != 0)
        goto out;
    for (size_t i = 0; i < b->vars.n; i++)
        if (b->mv[i].obj && objset_add(&os, b->mv[i].obj, e) != 0)
            goto out;
    for (size_t o = 0; o < os.n; o++) {
        const elf_file *f = &os.f[o];
        for (size_t i = 1; i < f->nsyms; i++) {
            const elf_sym *s = &f->syms[i];
            if (s->shndx != SHN_UNDEF_ && s->bind != STB_LOCAL_)
                strmap_put(&defined, s->name, 1);
            if (s->shndx != SHN_UNDEF_ && s->type == STT_TLS_) {
                jerr_set(e, EXIT_BAD,
                         "'%s' is a thread-local variable: thread-local storage is not supported "
                         "in a jump image", s->name);
                goto out;
            }
        }
        for (size_t i = 1; i < f->nsecs; i++) {
            if (f->secs[i].flags & SHF_TLS_) {
                jerr_set(e, EXIT_BAD,
                         "section %s holds thread-local storage, which a jump image cannot have",
                         f->secs[i].name);
                goto out;
            }
        }
    }
    /* Every exported function must be defined under its renamed name. */
    for (size_t i = 0; i < b->funcs.n; i++) {
        const jf_entry *x = &b->funcs.v[i];
        char *local;
        if (x->type == 'U' || !strcmp(x->name, JF_DUMMY))
            continue;
        local = xasprintf("%s__LOCAL__", x->name);
        if (!strmap_get(&defined, local, NULL)) {
            int plain = strmap_get(&defined, x->name, NULL);
            jerr_set(e, EXIT_BAD,
                     "%s:%u: function '%s' is not defined as '%s' by any input%s", b->funcs.path,
                     x->line, x->name, local,
                     plain ? ": the object was not compiled by jumpas with this jump.funcs "
                             "(run 'make pre-shlib' again with CC=gcc -B$(prefix)/bin/jump)"
                           : "");
            free(local);
            goto out;
        }
        free(local);
    }
    for (size_t o = 0; o < os.n; o++) {
        const elf_file *f = &os.f[o];
        for (size_t i = 1; i < f->nsyms; i++) {
            const elf_sym *s = &f->syms[i];
            if (s->shndx != SHN_UNDEF_ || s->bind == STB_LOCAL_ || !s->name[0] ||
                strmap_get(&defined, s->name, NULL))
                continue;
            if (resolve_undefined(b, s, &seen, e) != 0)
                goto out;
        }
    }
    /* Withdrawn slots call the loader's handler through an import of its own. */
    for (size_t i = 0; i < b->funcs.n; i++)
        if (b->funcs.v[i].type == 'U' || !strcmp(b->funcs.v[i].name, JF_DUMMY)) {
            add_name(&b->imports, &b->nimports, &seen, JUMP_WITHDRAWN);
            break;
        }
    rc = 0;
out:
    strmap_free(&defined);
    strmap_free(&seen);
    objset_free(&os);
    return rc;
}

/* ---- generated assembly: jump table, GOT, information block, imports, note ---- */

static void emit_word(buf *s, const build *b, const char *expr)
{
    buf_printf(s, "\t%s %s\n", b->a->ptrsize == 8 ? ".quad" : ".long", expr);
}

/* The version word at the origin, a slot per jump.funcs entry (a jmp to NAME__LOCAL__, or a
 * withdrawn slot's call to the loader's handler) and the constructor slot last. */
static void gen_table(build *b, buf *s)
{
    const layout *l = &b->l;

    buf_printf(s, "# generated by mkimage for %s: do not edit\n", b->outname);
    /* Version word and slots: one section placed at the origin. */
    buf_printf(s, "\t.section .jump.table,\"ax\",@progbits\n");
    buf_printf(s, "\t.globl __jump_origin\n__jump_origin:\n\t.long 0x%08x\n\t.long 0\n", b->vword);
    for (size_t i = 0; i < b->funcs.n; i++) {
        const jf_entry *x = &b->funcs.v[i];
        buf_printf(s, "\t.org 0x%llx\n", (unsigned long long)(8 * (i + 1)));
        if (!strcmp(x->name, JF_DUMMY) || x->type == 'U') {
            /* A withdrawn slot calls the loader's handler (a host import), which names the
             * function from the return address and stops the program; int3 fill. */
            buf_printf(s, "\t.byte 0xe8\n\t.long %s - . - 4\n\t.byte 0xcc,0xcc,0xcc\t# slot %zu: %s\n",
                       JUMP_WITHDRAWN, i + 1, x->name);
            continue;
        }
        buf_printf(s, "\t.globl %s\n\t.type %s,@function\n%s:\t# slot %zu\n", x->name, x->name,
                   x->name, i + 1);
        buf_printf(s, "\t.byte 0xe9\n\t.long %s__LOCAL__ - . - 4\n\t.byte 0x90,0x90,0x90\n", x->name);
        buf_printf(s, "\t.size %s, 8\n", x->name);
    }
    buf_printf(s, "\t.org 0x%llx\n", (unsigned long long)(l->jumpsize - 8));
    buf_printf(s, "\t.globl __jump_ctor_slot\n__jump_ctor_slot:\n"
                  "\t.byte 0xe9\n\t.long __jump_run_ctors - . - 4\n\t.byte 0x90,0x90,0x90\n");
}

/* The GOT: cell 0 -> the information block, cell 1 the magic, a cell per jump.vars entry. */
static void gen_got(build *b, buf *s)
{
    const layout *l = &b->l;
    char tmp[128];

    /* GOT: cell 0 -> information block, cell 1 = magic, then one cell per jump.vars entry. */
    buf_printf(s, "\t.section .jump.got,\"a\",@progbits\n\t.globl __jump_got\n__jump_got:\n");
    emit_word(s, b, "__jump_info");
    snprintf(tmp, sizeof tmp, "0x%08x", JUMP_GOT_MAGIC);
    emit_word(s, b, tmp);
    for (size_t i = 0; i < b->vars.n; i++) {
        const jf_entry *x = &b->vars.v[i];
        if (!b->mv[i].exported) {
            emit_word(s, b, "0");
            continue;
        }
        buf_printf(s, "\t.globl __GOT_%s\n__GOT_%s:", x->name, x->name);
        emit_word(s, b, x->name);
    }
    buf_printf(s, "\t.org 0x%llx\n", (unsigned long long)l->gotsize);
}

/* The information block, the names the slots and cells hold (as hashes), the host imports
 * and the fixups. */
static void gen_info(build *b, buf *s)
{
    const char *ptr = b->a->ptrsize == 8 ? ".quad" : ".long";
    char tmp[128];

    /* The information block the loader reads through cell 0. */
    buf_printf(s, "\t.section .jump.info,\"a\",@progbits\n\t.balign %u\n", b->a->ptrsize);
    buf_printf(s, "\t.globl __jump_info\n__jump_info:\n");
    snprintf(tmp, sizeof tmp, "0x%08x", JUMP_INFO_MAGIC);
    emit_word(s, b, tmp);                          /* JI_MAGIC */
    snprintf(tmp, sizeof tmp, "0x%08x", b->vword);
    emit_word(s, b, tmp);                          /* JI_VERSION */
    snprintf(tmp, sizeof tmp, "%zu", b->nimports + b->ndimports);
    emit_word(s, b, tmp);                          /* JI_NIMPORTS */
    emit_word(s, b, b->nimports + b->ndimports ? "__jump_imports" : "0"); /* JI_IMPORTS */
    snprintf(tmp, sizeof tmp, "%zu", b->nfix);
    emit_word(s, b, tmp);                          /* JI_NFIXUPS */
    emit_word(s, b, b->nfix ? "__jump_fixups" : "0"); /* JI_FIXUPS */
    snprintf(tmp, sizeof tmp, "%zu", b->funcs.n);
    emit_word(s, b, tmp);                          /* JI_NSLOTS */
    emit_word(s, b, b->funcs.n ? "__jump_slotnames" : "0"); /* JI_SLOTNAMES */
    emit_word(s, b, "__jump_ctor_slot");           /* JI_CTOR_SLOT */
    snprintf(tmp, sizeof tmp, "%zu", b->vars.n);
    emit_word(s, b, tmp);                          /* JI_NCELLS */
    emit_word(s, b, b->vars.n ? "__jump_cellnames" : "0"); /* JI_CELLNAMES */
    snprintf(tmp, sizeof tmp, "0x%08x", layout_digest(&b->l, &b->funcs, &b->vars));
    emit_word(s, b, tmp);                          /* JI_DIGEST */
    /* The name each slot and cell holds, as hashes: the loader compares them with the names
     * a program was linked against (DESIGN §8, the load-time check). */
    for (int pass = 0; pass < 2; pass++) {
        const jf_file *f = pass ? &b->vars : &b->funcs;
        if (!f->n)
            continue;
        buf_printf(s, "%s:\n", pass ? "__jump_cellnames" : "__jump_slotnames");
        for (size_t i = 0; i < f->n; i++) {
            const jf_entry *x = &f->v[i];
            int empty = x->type == 'U' || !strcmp(x->name, JF_DUMMY);
            buf_printf(s, "\t.long 0x%08lx\t# %s\n", empty ? 0ul : jump_name_hash(x->name), x->name);
        }
        buf_printf(s, "\t.balign %u\n", b->a->ptrsize);
    }
    /* Host imports: pairs {cell, name}. Functions first (their cells are jumped through by
     * thunks), then variables (cells named __GOT_<name>, as for jump.vars entries). */
    if (b->nimports + b->ndimports) {
        buf_printf(s, "__jump_imports:\n");
        for (size_t i = 0; i < b->nimports; i++)
            buf_printf(s, "\t%s __jump_cell_%zu, .Ljump_name_%zu\n", ptr, i, i);
        for (size_t i = 0; i < b->ndimports; i++)
            buf_printf(s, "\t%s __GOT_%s, .Ljump_dname_%zu\n", ptr, b->dimports[i], i);
        for (size_t i = 0; i < b->nimports; i++)
            buf_printf(s, ".Ljump_name_%zu:\t.asciz \"%s\"\n", i, b->imports[i]);
        for (size_t i = 0; i < b->ndimports; i++)
            buf_printf(s, ".Ljump_dname_%zu:\t.asciz \"%s\"\n", i, b->dimports[i]);
    }
    /* Fixups: triples {where, cell, addend}: the loader stores *cell + addend at where. */
    if (b->nfix) {
        buf_printf(s, "\t.balign %u\n__jump_fixups:\n", b->a->ptrsize);
        for (size_t i = 0; i < b->nfix; i++)
            buf_printf(s, "\t%s 0x%llx, %s, %lld\n", ptr, (unsigned long long)b->fix[i].where,
                       b->fix[i].cell, (long long)b->fix[i].addend);
    }
}

/* The host imports' cells (the loader writes them) and the thunks that jump through them. */
static void gen_cells(build *b, buf *s)
{
    const char *ptr = b->a->ptrsize == 8 ? ".quad" : ".long";

    /* Import cells (written by the loader) and thunks. */
    if (b->nimports + b->ndimports) {
        buf_printf(s, "\t.section .jump.cells,\"aw\",@progbits\n\t.balign %u\n", b->a->ptrsize);
        for (size_t i = 0; i < b->nimports; i++)
            buf_printf(s, "__jump_cell_%zu:\t%s 0\n", i, ptr);
        for (size_t i = 0; i < b->ndimports; i++)
            buf_printf(s, "\t.globl __GOT_%s\n\t.hidden __GOT_%s\n__GOT_%s:\t%s 0\n", b->dimports[i],
                       b->dimports[i], b->dimports[i], ptr);
        buf_printf(s, "\t.section .jump.thunks,\"ax\",@progbits\n");
        for (size_t i = 0; i < b->nimports; i++) {
            const char *n = b->imports[i];
            buf_printf(s, "\t.balign 8\n\t.globl %s\n\t.type %s,@function\n%s:\n", n, n, n);
            if (b->a->ptrsize == 8)
                buf_printf(s, "\tjmp *__jump_cell_%zu(%%rip)\n", i);
            else
                buf_printf(s, "\tjmp *__jump_cell_%zu\n", i);
            buf_printf(s, "\t.size %s, .-%s\n", n, n);
        }
    }
}

/* The constructor and destructor runners, and __dso_handle when the library needs one. */
static void gen_runners(build *b, buf *s)
{
    const char *ptr = b->a->ptrsize == 8 ? ".quad" : ".long";

    /* The constructor runner the constructor slot jumps to: .init_array in order; it returns
     * the destructor runner (JUMP_NOTE_F_FINI), which runs .fini_array in reverse. */
    buf_printf(s, "\t.text\n\t.type __jump_run_ctors,@function\n__jump_run_ctors:\n");
    if (b->a->ptrsize == 8)
        buf_printf(s, "\tpushq %%rbx\n\tleaq __jump_init_start(%%rip), %%rbx\n"
                      "1:\tleaq __jump_init_end(%%rip), %%rax\n\tcmpq %%rax, %%rbx\n\tjae 2f\n"
                      "\tcall *(%%rbx)\n\taddq $8, %%rbx\n\tjmp 1b\n"
                      "2:\tleaq __jump_run_fini(%%rip), %%rax\n\tpopq %%rbx\n\tret\n");
    else
        buf_printf(s, "\tpushl %%ebx\n\tsubl $8, %%esp\n\tmovl $__jump_init_start, %%ebx\n"
                      "1:\tcmpl $__jump_init_end, %%ebx\n\tjae 2f\n"
                      "\tcall *(%%ebx)\n\taddl $4, %%ebx\n\tjmp 1b\n"
                      "2:\tmovl $__jump_run_fini, %%eax\n\taddl $8, %%esp\n\tpopl %%ebx\n\tret\n");
    buf_printf(s, "\t.size __jump_run_ctors, .-__jump_run_ctors\n");
    buf_printf(s, "\t.type __jump_run_fini,@function\n__jump_run_fini:\n");
    if (b->a->ptrsize == 8)
        buf_printf(s, "\tpushq %%rbx\n\tleaq __jump_fini_end(%%rip), %%rbx\n"
                      "1:\tleaq __jump_fini_start(%%rip), %%rax\n\tcmpq %%rax, %%rbx\n\tjbe 2f\n"
                      "\tsubq $8, %%rbx\n\tcall *(%%rbx)\n\tjmp 1b\n2:\tpopq %%rbx\n\tret\n");
    else
        buf_printf(s, "\tpushl %%ebx\n\tsubl $8, %%esp\n\tmovl $__jump_fini_end, %%ebx\n"
                      "1:\tcmpl $__jump_fini_start, %%ebx\n\tjbe 2f\n"
                      "\tsubl $4, %%ebx\n\tcall *(%%ebx)\n\tjmp 1b\n"
                      "2:\taddl $8, %%esp\n\tpopl %%ebx\n\tret\n");
    buf_printf(s, "\t.size __jump_run_fini, .-__jump_run_fini\n");

    if (b->need_dso_handle)
        buf_printf(s, "\t.section .jump.info,\"a\",@progbits\n\t.balign %u\n\t.globl __dso_handle\n"
                      "\t.hidden __dso_handle\n__dso_handle:\t%s __dso_handle\n",
                   b->a->ptrsize, ptr);
}

/* The identifying note (jumpfmt.h), its fields in the order of their offsets. */
static void gen_note(build *b, buf *s)
{
    const layout *l = &b->l;

    _Static_assert(JUMP_NOTE_D_VWORD == 4 && JUMP_NOTE_D_CELLSIZE == 8 && JUMP_NOTE_D_JUMPSIZE == 12 &&
                       JUMP_NOTE_D_GOTSIZE == 16 && JUMP_NOTE_D_FLAGS == 20 && JUMP_NOTE_D_ORIGIN == 24 &&
                       JUMP_NOTE_D_GOT == 32 && JUMP_NOTE_D_DATA == 40 && JUMP_NOTE_D_END == 48 &&
                       JUMP_NOTE_D_INFO == 56 && JUMP_NOTE_D_SONAME == 64,
                   "the note is written field after field");
    {
        size_t namelen = strlen(b->soname) + 1;
        size_t desc = JUMP_NOTE_FIXED + ((namelen + 3) & ~(size_t)3);
        buf_printf(s, "\t.section .note.jump,\"a\",@note\n\t.balign 4\n");
        buf_printf(s, "\t.long 5, %zu, 0x%08x\n\t.asciz \"%s\"\n\t.balign 4\n", desc, JUMP_NOTE_TYPE,
                   JUMP_NOTE_NAME);
        buf_printf(s, "\t.long %u, 0x%08x, %u, 0x%llx, 0x%llx, %u\n", JUMP_NOTE_FORMAT, b->vword,
                   b->a->ptrsize, (unsigned long long)l->jumpsize, (unsigned long long)l->gotsize,
                   JUMP_NOTE_F_FINI);
        buf_printf(s, "\t.quad 0x%llx, 0x%llx, 0x%llx\n", (unsigned long long)l->origin,
                   (unsigned long long)l->got, (unsigned long long)l->data);
        if (b->a->ptrsize == 8)
            buf_printf(s, "\t.quad __jump_end, __jump_info\n");
        else
            buf_printf(s, "\t.long __jump_end, 0, __jump_info, 0\n");
        buf_printf(s, "\t.asciz \"%s\"\n\t.balign 4\n", b->soname);
    }
    buf_printf(s, "\t.section .note.GNU-stack,\"\",@progbits\n");
}

/* The assembly of everything mkimage adds to the library's objects. */
static void gen_asm(build *b, buf *s)
{
    gen_table(b, s);
    gen_got(b, s);
    gen_info(b, s);
    gen_cells(b, s);
    gen_runners(b, s);
    gen_note(b, s);
}

/* ---- the linker script ---- */

/* The library's own text and read-only data, in the segment named by the first argument; the
 * second (an EXCLUDE_FILE list, or "") keeps the .rodata of those files out (a split image's
 * constants, placed later with its variables: the first statement of the script that names
 * an input section claims it). */
static const char script_text[] =
    "  .text : {\n"
    "    *(.text.unlikely .text.*_unlikely .text.unlikely.*)\n"
    "    *(.text.exit .text.exit.*)\n"
    "    *(.text.startup .text.startup.*)\n"
    "    *(.text.hot .text.hot.*)\n"
    "    *(.text .stub .text.* .gnu.linkonce.t.*)\n"
    "    *(.jump.thunks)\n"
    "  } :%1$s\n"
    "  .rodata : { %2$s*(.rodata .rodata.* .gnu.linkonce.r.*) *(.rodata1) } :%1$s\n"
    "  .jump.info : { KEEP(*(.jump.info)) } :%1$s\n"
    "  .note.jump : { KEEP(*(.note.jump)) } :%1$s :note\n"
    "  .eh_frame : { KEEP(*(.eh_frame)) *(.eh_frame.*) } :%1$s\n"
    "  .gcc_except_table : { *(.gcc_except_table .gcc_except_table.*) } :%1$s\n";

/* The library's writable sections, in segment data, and the end of the image. */
static const char script_data[] =
    "  .init_array : {\n"
    "    __jump_init_start = .;\n"
    "    KEEP(*(SORT_BY_INIT_PRIORITY(.init_array.*) SORT_BY_INIT_PRIORITY(.ctors.*)))\n"
    "    KEEP(*(.init_array .ctors))\n"
    "    __jump_init_end = .;\n"
    "  } :data\n"
    "  .fini_array : {\n"
    "    __jump_fini_start = .;\n"
    "    KEEP(*(SORT_BY_INIT_PRIORITY(.fini_array.*) SORT_BY_INIT_PRIORITY(.dtors.*)))\n"
    "    KEEP(*(.fini_array .dtors))\n"
    "    __jump_fini_end = .;\n"
    "  } :data\n"
    "  .data : { *(.data .data.* .gnu.linkonce.d.*) *(.data.rel.ro .data.rel.ro.*) *(.jump.cells) } :data\n"
    "  .got : { *(.got) *(.igot) } :data\n"
    "  .got.plt : { *(.got.plt) *(.igot.plt) } :data\n"
    "  .bss : { *(.dynbss) *(.bss .bss.* .gnu.linkonce.b.*) *(COMMON) } :data\n"
    "  __jump_end = .;\n"
    "  /DISCARD/ : { *(.note.GNU-stack) *(.note.gnu.property) *(.note.gnu.build-id)\n"
    "                *(.interp) *(.dynamic) *(.comment) }\n"
    "}\n";

static void gen_script(build *b, buf *s)
{
    const layout *l = &b->l;
    buf_printf(s, "/* generated by mkimage for %s: do not edit */\n", b->outname);
    buf_printf(s, "OUTPUT_FORMAT(\"%s\")\nENTRY(__jump_origin)\n", b->a->bfd_name);
    stubs_script(b, s);
    if (l->split) {
        /* -w: everything read-only in one segment at the load address (jump table, GOT,
         * text), everything writable in one at the writable origin (variables first, at
         * their fixed offsets, then the library's data and bss), so that images laid out
         * next to each other share protections run after run (issue J). */
        buf_printf(s, "PHDRS\n{\n  table PT_LOAD FLAGS(5);\n  data PT_LOAD FLAGS(6);\n"
                      "  note PT_NOTE FLAGS(4);\n}\nSECTIONS\n{\n");
        buf_printf(s, "  .jump.table 0x%llx : { KEEP(*(.jump.table)) } :table\n", (unsigned long long)l->origin);
        buf_printf(s, "  .jump.got 0x%llx : { KEEP(*(.jump.got)) } :table\n", (unsigned long long)l->got);
        /* The variables' objects (constants among them) go to the writable part: the text's
         * .rodata, written first, must leave them alone. */
        buf excl = {0};
        char *text;
        vars_exclude(b, &excl);
        text = buf_cstr(&excl);
        buf_printf(s, script_text, "table", text);
        free(text);
        buf_printf(s, "  ASSERT(. <= 0x%llx, \"the image's read-only part runs into the page of its writable origin 0x%llx: move -w up\")\n",
                   (unsigned long long)(l->data & ~(uint64_t)(JUMP_PAGE - 1)), (unsigned long long)l->data);
        vars_script_data(b, s);
        if (!vars_any_data(b))
            buf_printf(s, "  . = 0x%llx;\n", (unsigned long long)l->data);
        buf_printf(s, "%s", script_data);
        return;
    }
    buf_printf(s, "PHDRS\n{\n  table PT_LOAD FLAGS(5);\n");
    if (l->dataaddr)
        buf_printf(s, "  got PT_LOAD FLAGS(4);\n");
    if (vars_any_data(b))
        buf_printf(s, "  vars PT_LOAD FLAGS(6);\n");
    /* Text and read-only data share one read/execute segment (never writable): one mapping
     * less for the loader to make per image. */
    buf_printf(s, "  text PT_LOAD FLAGS(5);\n  data PT_LOAD FLAGS(6);\n"
                  "  note PT_NOTE FLAGS(4);\n}\n");
    buf_printf(s, "SECTIONS\n{\n");
    buf_printf(s, "  .jump.table 0x%llx : { KEEP(*(.jump.table)) } :table\n",
               (unsigned long long)l->origin);
    vars_script_text(b, s);
    buf_printf(s, "  .jump.got 0x%llx : { KEEP(*(.jump.got)) } :%s\n", (unsigned long long)l->got,
               l->dataaddr ? "got" : "table");
    vars_script_data(b, s);
    /* The library's own sections follow the variables. Each group
     * of sections with one permission starts on its own page: the alignment is a statement,
     * not an attribute of the first section, which ld drops when that section is empty. */
    if (!vars_any_data(b))
        buf_printf(s, "  . = 0x%llx;\n", (unsigned long long)l->data);
    buf_printf(s, "  . = ALIGN(0x1000);\n");
    buf_printf(s, script_text, "text", "");
    buf_printf(s, "  . = ALIGN(0x1000);\n%s", script_data);
}

/* ---- checks on the linked image ---- */

/* *tend: the end of what lies below a split image's writable origin (else *end); that it
 * stays below is the linker script's ASSERT (gen_script). */
static int check_output(build *b, const char *path, uint64_t *end, uint64_t *tend, jerr *e)
{
    blob bl;
    elf_file f;
    int rc = -1;
    uint32_t word;
    if (elf_open_file(&f, &bl, path, e) != 0)
        return -1;
    *end = *tend = b->l.origin;
    for (size_t i = 0; i < f.nphdrs; i++) {
        const elf_phdr *p = &f.phdrs[i];
        if (p->type == PT_DYNAMIC_ || p->type == PT_INTERP_) {
            jerr_set(e, EXIT_BAD, "the linked image needs dynamic linking, which a jump image cannot have");
            goto out;
        }
        if (p->type == PT_TLS_) {
            jerr_set(e, EXIT_BAD, "the linked image has thread-local storage, which a jump image cannot have");
            goto out;
        }
        if (p->type == PT_LOAD_ && p->memsz) {
            if (p->vaddr < b->l.origin) {
                jerr_set(e, EXIT_BAD, "a segment starts at 0x%llx, below the load address",
                         (unsigned long long)p->vaddr);
                goto out;
            }
            if (p->vaddr + p->memsz > *end)
                *end = p->vaddr + p->memsz;
            if ((!b->l.split || p->vaddr < b->l.data) && p->vaddr + p->memsz > *tend)
                *tend = p->vaddr + p->memsz;
            if ((p->flags & PF_W_) && (p->flags & PF_X_)) {
                jerr_set(e, EXIT_BAD, "a segment at 0x%llx is both writable and executable",
                         (unsigned long long)p->vaddr);
                goto out;
            }
        }
    }
    for (size_t i = 1; i < f.nsecs; i++) {
        const elf_sec *s = &f.secs[i];
        if ((s->type == SHT_REL_ || s->type == SHT_RELA_) && s->size && (s->flags & SHF_ALLOC_)) {
            jerr_set(e, EXIT_BAD,
                     "the image would need run-time relocation (section %s, e.g. from an IFUNC "
                     "symbol); a jump image cannot have any",
                     s->name);
            goto out;
        }
    }
    if (*end > b->a->max_end) {
        jerr_set(e, EXIT_BAD, "the image ends at 0x%llx, above the %s limit 0x%llx",
                 (unsigned long long)*end, b->a->name, (unsigned long long)b->a->max_end);
        goto out;
    }
    if (elf_read_vaddr(&f, b->l.origin, &word, 4) != 0 || rd32le((uint8_t *)&word) != b->vword) {
        jerr_set(e, EXIT_BAD, "internal error: the version word is not at the load address");
        goto out;
    }
    rc = 0;
out:
    elf_close_file(&f, &bl);
    return rc;
}

/* Every exported variable ended up exactly at its fixed address. */
static int check_placement(build *b, const char *path, jerr *e)
{
    blob bl;
    elf_file f;
    int rc = 0;
    if (!vars_any_data(b) && !b->l.dataaddr)
        return 0;
    if (elf_open_file(&f, &bl, path, e) != 0)
        return -1;
    for (size_t i = 0; i < b->vars.n && rc == 0; i++) {
        const mvar *m = &b->mv[i];
        size_t si;
        if (!m->exported)
            continue;
        si = elf_symbol(&f, m->x->name);
        if (!si || f.syms[si].value != m->addr)
            rc = jerr_set(e, EXIT_BAD, "internal error: '%s' was linked at 0x%llx, not 0x%llx",
                          m->x->name, si ? (unsigned long long)f.syms[si].value : 0ULL,
                          (unsigned long long)m->addr);
    }
    elf_close_file(&f, &bl);
    return rc;
}

/* The address registry (DESIGN §9): an overlap with another library's registration is an
 * error unless forced; outgrowing our own entry, or having none, is a warning. Without an
 * installed table (and no JUMP_REGISTRY) there is nothing to check against: say so. */
/* [start, end) against the registry; find_opts: what the hint to an unregistered part adds
 * to "registry find SIZE" (NULL: nothing). */
static int check_registry(build *b, uint64_t start, uint64_t end, const char *find_opts, jerr *e)
{
    const char *env = getenv("JUMP_REGISTRY");
    char *table = reg_default_path(NULL);
    buf w = {0};
    int rc = 0;
    if (!(env && *env) && access(table, F_OK) != 0) {
        diag_warn("no registry table at %s: overlaps with other libraries are not checked", table);
        free(table);
        return 0;
    }
    rc = reg_check_part(table, b->root, start, end, find_opts, b->o->p.force, &w, e);
    if (rc == 0 && w.len) {
        char *text = buf_cstr(&w), *line = text, *nl;
        for (; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            if (!nl)
                nl = line + strlen(line) - 1;
            diag_warn("%.*s", (int)(nl - line + (*nl != '\n')), line);
        }
        free(text);
    }
    buf_free(&w);
    free(table);
    return rc;
}

static int write_file(const char *path, buf *s, jerr *e)
{
    return file_commit(path, s->p, s->len, 0644, e);
}

/* The files of one run: the host's libgcc and libc_nonshared.a, and what mkimage makes in its
 * temporary directory. One owner frees them (work_free). */
typedef struct work {
    char *libgcc, *nonshared;
    char *relobj, *asmf, *asmobj, *script, *linked;
} work;

static void work_free(work *w)
{
    free(w->libgcc);
    free(w->nonshared);
    free(w->relobj);
    free(w->asmf);
    free(w->asmobj);
    free(w->script);
    free(w->linked);
}

/* Phase 1: the names, version, architecture and layout from the command line, the control
 * files, the inputs ld gets (the C library is the host's, not linked in), other libraries'
 * stubs and the host's symbols. */
static int prepare(build *b, const mkimage_opts *o, work *w, jerr *e)
{
    const char *slash = strrchr(o->p.image, '/');
    b->o = o;
    b->root = xstrdup(slash ? slash + 1 : o->p.image);
    if (!*b->root)
        return jerr_set(e, EXIT_USAGE, "-l '%s' does not name an image", o->p.image);
    if (jump_version_parse(o->p.version, &b->major, &b->minor, &b->patch) != 0)
        return jerr_set(e, EXIT_USAGE, "invalid version '%s': expected M.m or M.m.p (minor and patch 0-99)",
                        o->p.version);
    b->vword = jump_version_word(b->major, b->minor, b->patch);
    b->soname = xasprintf("%s.so.%u", b->root, b->major);
    b->outname = xasprintf("%s.so.%s", b->root, o->p.version);
    b->a = o->p.arch ? o->p.arch : input_arch(o, e);
    if (!b->a)
        return -1;
    if (o->p.aout && o->p.waddr)
        return jerr_set(e, EXIT_USAGE, "-F aout cannot hold a split image (-w): an a.out image is one range");
    if (img_opts_layout(&o->p, &b->l, b->a->ptrsize, b->a->min_origin, e) != 0)
        return -1;
    diag_jump_dir();
    if (load_control(b, e) != 0 || vars_layout(b, e) != 0)
        return -1;
    b->ld_inputs = xcalloc((size_t)o->ninputs + 1, sizeof *b->ld_inputs);
    for (int i = 0; i < o->ninputs; i++) {
        if (is_host_lib(o->inputs[i])) {
            if (!strcmp(o->inputs[i], "-lm"))
                b->want_libm = 1;
            continue;
        }
        b->ld_inputs[b->nld++] = o->inputs[i];
    }
    if (stubs_load(b, e) != 0)
        return -1;
    if (load_host_symbols(b, "libc.so.6", &b->host, e) != 0 ||
        load_host_symbols(b, "libc_nonshared.a", &b->host, e) != 0 ||
        load_host_symbols(b, "libm.so.6", &b->hostm, e) != 0)
        return -1;
    if (!(w->libgcc = libgcc_path(b, e)))
        return -1;
    /* What the C library provides only statically (libc_nonshared.a: atexit, at_quick_exit,
     * pthread_atfork, __stack_chk_fail_local) is linked into the image, like libgcc's
     * helpers: libc.so.6 has no atexit for a dynamic program to bind. */
    if (!(w->nonshared = host_file(b->a, "libc_nonshared.a", e)))
        return -1;
    return 0;
}

/* The temporary directory and the names of the files made in it. */
static int make_tmpdir(build *b, work *w, jerr *e)
{
    const char *tmp = getenv("TMPDIR");
    b->tmpdir = xasprintf("%s/mkimage.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(b->tmpdir)) {
        jerr_sys(e, "cannot create a temporary directory %s", b->tmpdir);
        free(b->tmpdir);
        b->tmpdir = NULL;
        return -1;
    }
    w->relobj = xasprintf("%s/library.o", b->tmpdir);
    w->asmf = xasprintf("%s/jump.s", b->tmpdir);
    w->asmobj = xasprintf("%s/jump.o", b->tmpdir);
    w->script = xasprintf("%s/image.ld", b->tmpdir);
    w->linked = xasprintf("%s/image", b->tmpdir);
    return 0;
}

/* Phase 2: one relocatable object with every archive member the library needs. */
static int link_relocatable(build *b, const work *w, jerr *e)
{
    char **argv = xcalloc((size_t)b->nld + 16, sizeof *argv);
    int n = 0, rc;
    argv[n++] = "ld";
    argv[n++] = "-m";
    argv[n++] = (char *)b->a->ld_emul;
    argv[n++] = "-r";
    argv[n++] = "-Bstatic";
    argv[n++] = "-o";
    argv[n++] = w->relobj;
    for (int i = 0; i < b->nld; i++)
        argv[n++] = b->ld_inputs[i];
    argv[n++] = w->libgcc;
    argv[n++] = w->nonshared;
    argv[n++] = w->libgcc; /* for what a libc_nonshared member needs of it */
    argv[n] = NULL;
    rc = run_ld(b, argv, e);
    free(argv);
    return rc;
}

/* Phase 3: the jump table, GOT and information block as assembly and the linker script, then
 * the image at its address (ld -q keeps the relocations of late fixups for phase 4). */
static int link_image(build *b, const work *w, jerr *e)
{
    static const char *const fixed[] = {"-static", "-nostdlib", "-z", "max-page-size=0x1000",
                                        "-z", "common-page-size=0x1000", "-z", "noexecstack",
                                        "-z", "norelro", "--build-id=none",
                                        "--no-warn-rwx-segments", "-T"};
    size_t nfixed = sizeof fixed / sizeof fixed[0], n = 0;
    char *as_argv[] = {"as", (char *)b->a->as_flag, "-o", w->asmobj, w->asmf, NULL};
    char **argv;
    buf s = {0};
    int rc;

    gen_asm(b, &s);
    rc = write_file(w->asmf, &s, e);
    buf_free(&s);
    if (rc == 0) {
        gen_script(b, &s);
        rc = write_file(w->script, &s, e);
        buf_free(&s);
    }
    if (rc != 0 || spawn_run(as_argv, b->o->verbose, e) != 0)
        return -1;
    argv = xcalloc(nfixed + b->vars.n + 12, sizeof *argv);
    argv[n++] = "ld";
    argv[n++] = "-m";
    argv[n++] = (char *)b->a->ld_emul;
    if (b->nlate)
        argv[n++] = "-q"; /* where the library's address constants to variables went */
    for (size_t i = 0; i < nfixed; i++)
        argv[n++] = (char *)fixed[i];
    argv[n++] = w->script;
    argv[n++] = "-o";
    argv[n++] = w->linked;
    argv[n++] = w->asmobj;
    argv[n++] = w->relobj;
    for (size_t i = 0; i < b->vars.n; i++)
        if (b->mv[i].obj)
            argv[n++] = b->mv[i].obj;
    argv[n] = NULL;
    rc = spawn_run(argv, b->o->verbose, e);
    free(argv);
    return rc;
}

/* Phase 4: the late fixups patched in (and ld -q's relocations removed), every check of the
 * result, then the image under its name. */
static int finish_image(build *b, const work *w, jerr *e)
{
    uint64_t end, tend;
    blob img;
    int rc;
    char wopts[80]; /* an unregistered writable part: where "registry find" should look, at the
                     * alignment its variables need */
    snprintf(wopts, sizeof wopts, " --align %llu --above 0x%llx",
             (unsigned long long)(b->walign > JUMP_WALIGN ? b->walign : JUMP_WALIGN), (unsigned long long)b->l.data);
    if (b->nlate) {
        char *stripped = xasprintf("%s/image.stripped", b->tmpdir);
        char *argv[] = {"objcopy", "--remove-relocations=*", w->linked, stripped, NULL};
        rc = vars_fill_late_fixups(b, w->linked, e);
        if (rc == 0)
            rc = spawn_run(argv, b->o->verbose, e);
        if (rc == 0 && rename(stripped, w->linked) != 0)
            rc = jerr_sys(e, "cannot rename %s", stripped);
        free(stripped);
        if (rc != 0)
            return -1;
    }
    /* A split image (-w) uses two ranges, each checked against the registry on its own. */
    if (check_output(b, w->linked, &end, &tend, e) != 0 || check_placement(b, w->linked, e) != 0 ||
        check_registry(b, b->l.origin, tend, NULL, e) != 0 ||
        (b->l.split && end > b->l.data && check_registry(b, b->l.data, end, wopts, e) != 0))
        return -1;
    if (blob_read(w->linked, &img, e) != 0)
        return -1;
    /* -F aout: the same memory in the classic QMAGIC file (lib/aout.h), made before any
     * control file is written so that an image a.out cannot express changes nothing. */
    if (b->o->p.aout) {
        buf a = {0};
        if (aout_image_from_elf(img.p, img.len, &a, e) != 0) {
            blob_free(&img);
            buf_free(&a);
            return -1;
        }
        blob_free(&img);
        img.p = a.p;
        img.len = a.len;
    }
    rc = check_params(b, e) != 0 || stubs_write_undefs(b, e) != 0 ? -1
                                                                 : file_commit(b->outname, img.p, img.len, 0644, e);
    blob_free(&img);
    return rc;
}

int mkimage_run(const mkimage_opts *o)
{
    build b;
    work w = {0};
    jerr e;

    memset(&b, 0, sizeof b);
    if (prepare(&b, o, &w, &e) != 0 || make_tmpdir(&b, &w, &e) != 0 || link_relocatable(&b, &w, &e) != 0 ||
        vars_assemble(&b, &e) != 0 || collect_imports(&b, w.relobj, &e) != 0 ||
        vars_reserve_late_fixups(&b, w.relobj, &e) != 0 || link_image(&b, &w, &e) != 0 ||
        finish_image(&b, &w, &e) != 0) {
        work_free(&w);
        return fail(&b, &e);
    }
    if (o->keep)
        fprintf(stderr, "%s: kept the generated files in %s\n", diag_prog, b.tmpdir);
    work_free(&w);
    build_free(&b);
    return 0;
}
