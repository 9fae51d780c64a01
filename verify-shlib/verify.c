/* verify-shlib: compare every absolute symbol of the stubs (slots, GOT cells, variables,
 * sizes) and each stub's library record with the image they were made for. */
#include "verify.h"
#include "buf.h"
#include "diag.h"
#include "elf.h"
#include "image.h"
#include "jumpfmt.h"
#include "strmap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct vctx {
    jimage im;
    strmap syms;          /* image symbol name -> index (globals win over locals) */
    char *root;           /* the image's library name: soname without ".so.M" */
    unsigned long ndiff;
    const char *stub;     /* for messages */
    const char *member;
    buf *out;             /* the differences go here, a line each, when set (else stdout) */
} vctx;

typedef unsigned long long ull;

static void diff(vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diff(vctx *v, const char *fmt, ...)
{
    va_list ap;
    buf line = {0};
    if (v->member)
        buf_printf(&line, "%s(%s): ", v->stub, v->member);
    else
        buf_printf(&line, "%s: ", v->stub);
    va_start(ap, fmt);
    buf_vprintf(&line, fmt, ap);
    va_end(ap);
    buf_addc(&line, '\n');
    if (v->out)
        buf_add(v->out, line.p, line.len);
    else
        fwrite(line.p, 1, line.len, stdout);
    buf_free(&line);
    v->ndiff++;
}

static const elf_sym *image_sym(const vctx *v, const char *name)
{
    uintptr_t i;
    return strmap_get(&v->syms, name, &i) ? &v->im.elf.syms[i] : NULL;
}

/* A name for what lies at `addr` in the image: a renamed function, else a global, else any
 * named symbol; NULL if none. Only used to explain a difference. */
static const char *image_name_at(const vctx *v, uint64_t addr)
{
    const elf_file *f = &v->im.elf;
    const char *global = NULL, *any = NULL;
    for (size_t i = 1; i < f->nsyms; i++) {
        const elf_sym *y = &f->syms[i];
        size_t n = strlen(y->name);
        if (y->value != addr || y->shndx == SHN_UNDEF_ || !n || y->type == STT_SECTION_ ||
            y->type == STT_FILE_)
            continue;
        if (n > 9 && !strcmp(y->name + n - 9, "__LOCAL__"))
            return y->name;
        if (y->bind != STB_LOCAL_ && !global)
            global = y->name;
        if (!any)
            any = y->name;
    }
    return global ? global : any;
}

/* ---- the checks, one per kind of absolute symbol ---- */

static void check_function(vctx *v, const char *label, const char *fname, uint64_t a)
{
    const layout *l = &v->im.l;
    uint8_t s[8];
    uint64_t t;
    const elf_sym *local, *plain;
    char *lname;

    if (!jimg_slot_index(l, a)) {
        diff(v, "'%s' is 0x%llx in the stub, which is not a slot of the image (0x%llx-0x%llx)",
             label, (ull)a, (ull)layout_slot(l, 1), (ull)layout_slot(l, layout_max_slots(l)));
        return;
    }
    if (elf_read_vaddr(&v->im.elf, a, s, sizeof s) != 0) {
        diff(v, "'%s' is slot 0x%llx in the stub, but the image has no bytes there", label, (ull)a);
        return;
    }
    switch (jimg_slot_decode(s, a, v->im.l.cellsize, &t)) {
    case JSLOT_TRAP:
        diff(v, "'%s' is slot 0x%llx in the stub, but that slot of the image is retired (it traps)",
             label, (ull)a);
        return;
    case JSLOT_OTHER:
        diff(v, "'%s' is slot 0x%llx in the stub, but that slot of the image does not hold a jump "
                "(%02x %02x %02x %02x %02x %02x %02x %02x)",
             label, (ull)a, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
        return;
    case JSLOT_JUMP:
        break;
    }
    lname = xasprintf("%s__LOCAL__", fname);
    local = image_sym(v, lname);
    if (!local || local->value != t) {
        const char *at = image_name_at(v, t);
        if (at)
            diff(v, "'%s' is slot 0x%llx in the stub, but that slot of the image jumps to '%s'",
                 label, (ull)a, at);
        else
            diff(v, "'%s' is slot 0x%llx in the stub, but that slot of the image jumps to 0x%llx, "
                    "where the image has no symbol (want '%s')",
                 label, (ull)a, (ull)t, lname);
        free(lname);
        return;
    }
    free(lname);
    plain = image_sym(v, fname);
    if (!plain)
        diff(v, "'%s' is slot 0x%llx in the stub, but the image does not define '%s'", label,
             (ull)a, fname);
    else if (plain->value != a)
        diff(v, "'%s' is slot 0x%llx in the stub, but the image defines '%s' at 0x%llx", label,
             (ull)a, fname, (ull)plain->value);
}

static void check_cell(vctx *v, const char *label, const char *vname, uint64_t c)
{
    const layout *l = &v->im.l;
    uint8_t cell[8];
    uint64_t held;
    const elf_sym *var;

    if (!jimg_cell_index(l, c)) {
        diff(v, "'%s' is 0x%llx in the stub, which is not a variable cell of the image's GOT "
                "(0x%llx-0x%llx)",
             label, (ull)c, (ull)layout_cell(l, 2), (ull)layout_cell(l, layout_max_cells(l) - 1));
        return;
    }
    if (elf_read_vaddr(&v->im.elf, c, cell, l->cellsize) != 0) {
        diff(v, "'%s' is cell 0x%llx in the stub, but the image has no bytes there", label, (ull)c);
        return;
    }
    held = l->cellsize == 8 ? rd64le(cell) : rd32le(cell);
    var = image_sym(v, vname);
    if (!var) {
        diff(v, "'%s' is cell 0x%llx in the stub, but the image does not define '%s'", label,
             (ull)c, vname);
    } else if (held != var->value) {
        const char *at = image_name_at(v, held);
        if (at)
            diff(v, "'%s' is cell 0x%llx in the stub, but that cell of the image holds 0x%llx "
                    "('%s'), not the address of '%s' (0x%llx)",
                 label, (ull)c, (ull)held, at, vname, (ull)var->value);
        else
            diff(v, "'%s' is cell 0x%llx in the stub, but that cell of the image holds 0x%llx, "
                    "not the address of '%s' (0x%llx)",
                 label, (ull)c, (ull)held, vname, (ull)var->value);
    }
}

static void check_variable(vctx *v, const char *vname, uint64_t a, uint64_t size)
{
    const elf_sym *var = image_sym(v, vname);
    if (!var)
        diff(v, "'%s' is variable 0x%llx in the stub, but the image does not define it", vname,
             (ull)a);
    else if (var->value != a)
        diff(v, "'%s' is variable 0x%llx in the stub, but the image has it at 0x%llx", vname,
             (ull)a, (ull)var->value);
    else if (size && var->size > size)
        diff(v, "'%s' is %llu bytes in the image, more than the %llu the stub reserves", vname,
             (ull)var->size, (ull)size);
}

static void check_value(vctx *v, const char *label, uint64_t got, uint64_t want, const char *what)
{
    if (got != want)
        diff(v, "'%s' is 0x%llx in the stub, but the image's %s is 0x%llx", label, (ull)got, what,
             (ull)want);
}

static void check_symbol(vctx *v, const elf_sym *y)
{
    const jimg_note *n = &v->im.note;
    const char *name = y->name;
    size_t rl = strlen(v->root);

    if (!strncmp(name, "__PLT_", 6) && strcmp(name, "__PLT_SIZE"))
        check_function(v, name, name + 6, y->value);
    else if (!strncmp(name, "__GOT_", 6) && strcmp(name, "__GOT_SIZE"))
        check_cell(v, name, name + 6, y->value);
    else if (!strcmp(name, "__GOT_SIZE"))
        check_value(v, name, y->value, n->gotsize, "GOT size");
    else if (!strcmp(name, "__PLT_SIZE"))
        check_value(v, name, y->value, n->jumpsize, "jump table size");
    else if (!strcmp(name, "__LAST_DATA_ADDRESS") && n->classic) {
        /* a period image does not say where its variables end: they end inside it */
        if (y->value < n->data || y->value > n->end)
            diff(v, "'%s' is 0x%llx in the stub, outside the image's data 0x%llx-0x%llx", name,
                 (ull)y->value, (ull)n->data, (ull)n->end);
    } else if (!strcmp(name, "__LAST_DATA_ADDRESS"))
        check_value(v, name, y->value, n->end, "end address");
    else if (!strncmp(name, "__NEEDS_SHRLIB_", 15) && !strncmp(name + 15, v->root, rl) &&
             name[15 + rl] == '_') {
        /* This library's own marker: its major is the image's. */
        char *end;
        unsigned long major = strtoul(name + 16 + rl, &end, 10);
        if (*end || end == name + 16 + rl || major != JUMP_VERSION_MAJOR(v->im.word0))
            diff(v, "'%s' names another major version than the image's %lu", name,
                 JUMP_VERSION_MAJOR(v->im.word0));
        else
            check_value(v, name, y->value, v->im.word0, "version word");
    } else if (!strncmp(name, "__", 2) && y->type == STT_NOTYPE_)
        ; /* other markers of the toolkit: nothing in the image to compare with */
    else if (y->type == STT_FUNC_)
        check_function(v, name, name, y->value);
    else if (y->type == STT_OBJECT_)
        check_variable(v, name, y->value, y->size);
    else
        diff(v, "'%s' is an absolute symbol (0x%llx) that is neither a function nor a variable",
             name, (ull)y->value);
}

static void check_record(vctx *v, const jstub *s, const jrec *r)
{
    const jimg_note *n = &v->im.note;
    v->member = s->ar.m[s->desc].name;
    if (r->magic != JUMP_REC_MAGIC) {
        diff(v, "the library record has magic 0x%llx, not 0x%08x", (ull)r->magic, JUMP_REC_MAGIC);
        return;
    }
    if (r->format != JUMP_REC_FORMAT)
        diff(v, "the library record has format %llu, not %u", (ull)r->format, JUMP_REC_FORMAT);
    if (r->origin != n->origin)
        diff(v, "the library record's load address is 0x%llx, but the image's is 0x%llx",
             (ull)r->origin, (ull)n->origin);
    if (r->version != v->im.word0)
        diff(v, "the library record's version word is 0x%llx (%llu.%llu), but the image's is "
                "0x%x (%lu.%lu)",
             (ull)r->version, (ull)(r->version >> 16), (ull)(r->version & 0xffff) / 100,
             v->im.word0, JUMP_VERSION_MAJOR(v->im.word0), JUMP_VERSION_MINOR(v->im.word0) / 100);
    if (!r->soname)
        diff(v, "the library record has no soname, the image is '%s'", n->soname);
    else if (strcmp(r->soname, n->soname))
        diff(v, "the library record names '%s', but the image is '%s'", r->soname, n->soname);
}

static int check_stub(vctx *v, const char *path)
{
    jstub s;
    jrec r;
    jerr e;

    if (jstub_open(&s, path, &e) != 0) {
        diag_report(&e);
        return -1;
    }
    v->stub = path;
    v->member = NULL;
    if (s.arch != v->im.elf.arch) {
        diff(v, "the stub is for %s, but the image is for %s", s.arch->name, v->im.elf.arch->name);
        jstub_close(&s);
        return 0;
    }
    if (jstub_record(&s, &r, &e) != 0) {
        diag_report(&e);
        jstub_close(&s);
        return -1;
    }
    check_record(v, &s, &r);
    for (size_t m = 0; m < s.ar.n; m++) {
        const elf_file *f = &s.elf[m];
        v->member = s.ar.m[m].name;
        for (size_t i = 1; i < f->nsyms; i++) {
            const elf_sym *y = &f->syms[i];
            if (y->shndx == SHN_ABS_ && y->bind != STB_LOCAL_ && y->name[0])
                check_symbol(v, y);
        }
    }
    jstub_close(&s);
    return 0;
}

/* The comparison of stubs[0..n) with the image: -1 (reported) if a file cannot be read,
 * else the number of differences, each printed, or appended to `out` if not NULL. */
static long compare(const char *image, char *const *stubs, int n, int banner, buf *out)
{
    vctx v;
    jerr e;
    long rc = 0;
    char *dot;

    memset(&v, 0, sizeof v);
    v.out = out;
    if (jimg_open(&v.im, image, &e) != 0) {
        diag_report(&e);
        return -1;
    }
    if (v.im.elf.nsyms <= 1) {
        diag_error("%s: the image has no symbol table (was it stripped?): verify the image "
                   "as mkimage wrote it",
                   image);
        jimg_close(&v.im);
        return -1;
    }
    if (banner && v.im.l.split)
        printf("Used address ranges 0x%llx-0x%llx and 0x%llx-0x%llx be aware! must be unique!\n",
               (ull)v.im.note.origin, (ull)jimg_text_end(&v.im), (ull)v.im.l.data, (ull)v.im.note.end);
    else if (banner)
        printf("Used address range 0x%llx-0x%llx be aware! must be unique!\n",
               (ull)v.im.note.origin, (ull)v.im.note.end);
    for (size_t i = 1; i < v.im.elf.nsyms; i++) {
        const elf_sym *y = &v.im.elf.syms[i];
        uintptr_t old;
        if (y->shndx == SHN_UNDEF_ || !y->name[0] || y->type == STT_SECTION_ || y->type == STT_FILE_)
            continue;
        if (!strmap_get(&v.syms, y->name, &old) ||
            (v.im.elf.syms[old].bind == STB_LOCAL_ && y->bind != STB_LOCAL_))
            strmap_put(&v.syms, y->name, i);
    }
    v.root = xstrdup(v.im.note.soname);
    if ((dot = strstr(v.root, ".so.")))
        *dot = 0;

    v.stub = image;
    if (v.im.note.vword != v.im.word0)
        diff(&v, "the note's version word 0x%x differs from the word 0x%x at the load address",
             v.im.note.vword, v.im.word0);
    for (int i = 0; i < n; i++) {
        if (check_stub(&v, stubs[i]) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0)
        rc = (long)v.ndiff;
    free(v.root);
    strmap_free(&v.syms);
    jimg_close(&v.im);
    return rc;
}

long verify_stubs_differences(const char *image, char *const *stubs, int n, buf *out)
{
    return compare(image, stubs, n, 0, out);
}

int verify_shlib_run(const verify_opts *o)
{
    long nd = compare(o->image, o->stubs, o->nstubs, 1, NULL);
    int rc = EXIT_OK;
    if (nd < 0) {
        rc = EXIT_USAGE;
    } else if (nd) {
        printf("%ld difference%s between the stub librar%s and the sharable library.\n", nd,
               nd == 1 ? "" : "s", o->nstubs == 1 ? "y" : "ies");
        rc = EXIT_BAD;
    } else {
        printf("The stub library and the sharable libraries have identical symbols.\n");
    }
    fflush(stdout);
    return rc;
}
