/* mkstubs: build <stub>.sa archives directly with elfw/arw (no as/ar process per member), so
 * a 10,000-function library's stub takes a fraction of a second (DESIGN §6). */
#include "mkstubs.h"
#include "aout.h"
#include "version.h"
#include "ar.h"
#include "buf.h"
#include "diag.h"
#include "elf.h"
#include "jumpfmt.h"
#include "proc.h"
#include "strmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NEEDS_PREFIX "__NEEDS_SHRLIB_"

int mkstubs_in_stub(const char *library, const char *root)
{
    size_t n = strlen(root);
    for (const char *p = library; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == n && !memcmp(p, root, n))
            return 1;
        if (!c)
            break;
        p = c + 1;
    }
    return 0;
}

char *mkstubs_loader_path(const arch *a)
{
    const char *d = getenv("JUMP_LIBDIR");
    if (d && *d)
        return xasprintf("%s/loader-%s.o", d, a->name);
    char *rel = xasprintf("lib/jump/loader-%s.o", a->name);
    char *p = proc_install_path(rel);
    free(rel);
    return p;
}

void mkstubs_free(mkstubs_lib *L)
{
    free(L->root);
    free(L->dir);
    free(L->soname);
    free(L->desc);
    free(L->id);
    jf_free(&L->funcs);
    jf_free(&L->vars);
    jf_free(&L->undefs);
    free(L->var_offset);
    for (size_t i = 0; i < L->nimports; i++)
        free(L->imports[i]);
    free(L->imports);
    free(L->extra);
    memset(L, 0, sizeof *L);
}

/* ---- the image: architecture, end of data, host imports ---- */

static uint64_t word(const uint8_t *p, unsigned ps) { return ps == 8 ? rd64le(p) : rd32le(p); }

static int read_image(mkstubs_lib *L, const char *path, const elf_file *f, jerr *e)
{
    const uint8_t *d;
    size_t dl;
    unsigned ps = f->arch->ptrsize;
    uint8_t blk[JI_NWORDS * 8], pair[16];
    if (!elf_find_note(f, JUMP_NOTE_NAME, JUMP_NOTE_TYPE, &d, &dl))
        return jerr_set(e, EXIT_BAD, "%s: not a jump image (no JUMP note)", path);
    if (dl < JUMP_NOTE_FIXED)
        return jerr_set(e, EXIT_BAD, "%s: the JUMP note is too short (%zu bytes)", path, dl);
    if (rd32le(d + JUMP_NOTE_D_FORMAT) != JUMP_NOTE_FORMAT)
        return jerr_set(e, EXIT_BAD, "%s: JUMP note format %u is not %u", path, rd32le(d + JUMP_NOTE_D_FORMAT),
                        JUMP_NOTE_FORMAT);
    uint64_t origin = rd64le(d + JUMP_NOTE_D_ORIGIN), end = rd64le(d + JUMP_NOTE_D_END),
             info = rd64le(d + JUMP_NOTE_D_INFO);
    uint32_t jsz = rd32le(d + JUMP_NOTE_D_JUMPSIZE), gsz = rd32le(d + JUMP_NOTE_D_GOTSIZE);
    if (origin != L->l.origin || jsz != L->l.jumpsize || gsz != L->l.gotsize)
        return jerr_set(e, EXIT_BAD,
                        "%s: the image was built with -a 0x%llx -j 0x%x -g 0x%x, not -a 0x%llx -j 0x%llx -g 0x%llx",
                        path, (unsigned long long)origin, jsz, gsz, (unsigned long long)L->l.origin,
                        (unsigned long long)L->l.jumpsize, (unsigned long long)L->l.gotsize);
    if (rd32le(d + JUMP_NOTE_D_VWORD) != L->vword)
        return jerr_set(e, EXIT_BAD, "%s: the image has version word 0x%x, not 0x%x as -v says", path,
                        rd32le(d + JUMP_NOTE_D_VWORD), L->vword);
    L->last_data = end;
    if (elf_read_vaddr(f, info, blk, (size_t)JI_NWORDS * ps) != 0)
        return jerr_set(e, EXIT_BAD, "%s: the image information block at 0x%llx is not in a loaded segment",
                        path, (unsigned long long)info);
    if (word(blk + JI_MAGIC * ps, ps) != JUMP_INFO_MAGIC)
        return jerr_set(e, EXIT_BAD, "%s: bad magic in the image information block at 0x%llx", path,
                        (unsigned long long)info);
    uint64_t n = word(blk + JI_NIMPORTS * ps, ps), at = word(blk + JI_IMPORTS * ps, ps);
    if (n > 1000000)
        return jerr_set(e, EXIT_BAD, "%s: implausible number of host imports (%llu)", path, (unsigned long long)n);
    L->imports = xcalloc(n ? (size_t)n : 1, sizeof *L->imports);
    for (uint64_t k = 0; k < n; k++) {
        uint64_t nameva;
        if (elf_read_vaddr(f, at + k * 2 * ps, pair, 2 * ps) != 0)
            return jerr_set(e, EXIT_BAD, "%s: host import %llu lies outside the image", path, (unsigned long long)k);
        nameva = word(pair + ps, ps);
        L->imports[k] = elf_read_cstr(f, nameva);
        if (!L->imports[k])
            return jerr_set(e, EXIT_BAD, "%s: the name of host import %llu (at 0x%llx) is unreadable", path,
                            (unsigned long long)k, (unsigned long long)nameva);
        L->nimports = (size_t)k + 1;
    }
    return 0;
}

/* ---- control files ---- */

static int load_control(mkstubs_lib *L, const mkstubs_opts *o, jerr *e)
{
    int flags = o->p.aout_names ? JF_AOUT : 0;
    char *p = jump_dir_file("jump.funcs");
    int rc = jf_load(p, JF_FUNCS, flags, &L->funcs, e);
    free(p);
    if (rc != 0)
        return -1;
    p = jump_dir_file("jump.vars");
    rc = jf_load(p, JF_VARS, flags | JF_MISSING_OK, &L->vars, e);
    free(p);
    if (rc != 0)
        return -1;
    p = jump_dir_file("jump.undefs");
    rc = jf_load(p, JF_UNDEFS, flags | JF_MISSING_OK, &L->undefs, e);
    free(p);
    if (rc != 0)
        return -1;
    for (size_t i = 0; i < L->undefs.n; i++) {
        const jf_entry *x = &L->undefs.v[i];
        const char *s = x->name, *u = strrchr(s, '_');
        if (strncmp(s, NEEDS_PREFIX, strlen(NEEDS_PREFIX)) || !u || u == s + strlen(NEEDS_PREFIX) - 1 ||
            !u[1] || strspn(u + 1, "0123456789") != strlen(u + 1))
            return jerr_at(e, EXIT_BAD, L->undefs.path, x->line, 0,
                           "'%s' is not of the form " NEEDS_PREFIX "<lib>_<major>", s);
    }
    unsigned long maxs = layout_max_slots(&L->l);
    if (L->funcs.n > maxs) {
        const jf_entry *x = &L->funcs.v[maxs];
        return jerr_set(e, EXIT_BAD,
                        "Jump table overflow.\n%s:%u: '%s' would be slot %lu; the jump table "
                        "(-j 0x%llx) holds %lu",
                        L->funcs.path, x->line, x->name, maxs + 1, (unsigned long long)L->l.jumpsize, maxs);
    }
    if (2 + L->vars.n > layout_max_cells(&L->l)) {
        const jf_entry *x = &L->vars.v[layout_max_cells(&L->l) - 2];
        return jerr_set(e, EXIT_BAD,
                        "GOT table overflow.\n%s:%u: '%s' would be cell %lu; the GOT (-g 0x%llx) "
                        "holds %lu cells, 2 of them reserved",
                        L->vars.path, x->line, x->name, layout_max_cells(&L->l),
                        (unsigned long long)L->l.gotsize, layout_max_cells(&L->l));
    }
    uint64_t off = 0;
    L->var_offset = xcalloc(L->vars.n ? L->vars.n : 1, sizeof *L->var_offset);
    for (size_t i = 0; i < L->vars.n; i++) {
        L->var_offset[i] = off;
        off += L->vars.v[i].size;
    }
    L->last_data = layout_var(&L->l, off);
    return 0;
}

int mkstubs_load(mkstubs_lib *L, const mkstubs_opts *o, jerr *e)
{
    const char *slash;
    char *imgname;
    blob img = {0};
    elf_file f;
    int have_image = 0, rc = -1;
    struct stat st;
    memset(L, 0, sizeof *L);
    if (jump_version_parse(o->p.version, &L->major, &L->minor, &L->patch) != 0)
        return jerr_set(e, EXIT_USAGE, "invalid version '%s': expected M.m or M.m.p (minor and patch 0-99)",
                        o->p.version);
    L->vword = (uint32_t)JUMP_VERSION_WORD(L->major, L->minor, L->patch);
    slash = strrchr(o->p.image, '/');
    L->root = xstrdup(slash ? slash + 1 : o->p.image);
    L->dir = slash ? xstrndup(o->p.image, (size_t)(slash - o->p.image)) : xstrdup("");
    if (slash && slash == o->p.image) {
        free(L->dir);
        L->dir = xstrdup("/");
    }
    if (!*L->root)
        return jerr_set(e, EXIT_USAGE, "invalid image name '%s': no file name after the directory", o->p.image);
    L->soname = xasprintf("%s.so.%u", L->root, L->major);
    L->desc = L->patch ? xasprintf("DLL Jump %u.%upl%u", L->major, L->minor, L->patch)
                       : xasprintf("DLL Jump %u.%u", L->major, L->minor);
    L->id = xasprintf("__%s_%u_%u", L->root, L->major, L->minor);
    L->extra = xcalloc(o->nundefs ? o->nundefs : 1, sizeof *L->extra);
    for (size_t i = 0; i < o->nundefs; i++)
        L->extra[i] = o->undefs[i];
    L->nextra = o->nundefs;

    /* The image mkimage left in the current directory tells the architecture and the
     * host imports. */
    imgname = xasprintf("%s.so.%s", L->root, o->p.version);
    if (stat(imgname, &st) == 0) {
        if (blob_read(imgname, &img, e) != 0 || image_view_open(&f, imgname, img.p, img.len, e) != 0)
            goto out;
        have_image = 1;
        if (o->p.arch && o->p.arch != f.arch) {
            jerr_set(e, EXIT_BAD, "%s is an %s image, but -m says %s", imgname, f.arch->name, o->p.arch->name);
            goto out;
        }
        L->a = f.arch;
    } else if (o->p.arch) {
        L->a = o->p.arch;
    } else {
        jerr_set(e, EXIT_USAGE, "cannot tell the architecture: build the image %s first or pass -m i386|x86_64",
                 imgname);
        goto out;
    }
    if (img_opts_layout(&o->p, &L->l, L->a->ptrsize, L->a->min_origin, e) != 0)
        goto out;
    if (load_control(L, o, e) != 0)
        goto out;
    if (have_image && read_image(L, imgname, &f, e) != 0)
        goto out;
    rc = 0;
out:
    if (have_image)
        elf_close(&f);
    blob_free(&img);
    free(imgname);
    return rc;
}

/* ---- members ---- */

static int is_dummy(const jf_entry *x) { return !strcmp(x->name, JF_DUMMY); }

/* "lib_major" -> "lib.so.major" for a __NEEDS_SHRLIB_lib_major name. */
static char *needs_soname(const char *sym)
{
    const char *s = sym + strlen(NEEDS_PREFIX), *u = strrchr(s, '_');
    return xasprintf("%.*s.so.%s", (int)(u - s), s, u + 1);
}

/* Append a NUL-terminated string to .rodata; its offset. */
static uint64_t rostr(buf *ro, const char *s)
{
    uint64_t off = ro->len;
    buf_add(ro, s, strlen(s) + 1);
    return off;
}

/* A pointer-sized word at the end of section `sec` relocated against `sym` + addend. */
static void ptr_word(elf_writer *w, const arch *a, int sec, uint32_t sym, int64_t addend)
{
    buf *b = elfw_data(w, sec);
    elfw_reloc(w, sec, b->len, sym, a->r_abs, addend);
    buf_zero(b, a->ptrsize);
}

/* Each name the stub exports, with where the program finds it: a T function's slot
 * ('T', "__PLT_" names it), a variable's GOT cell ('G', "__GOT_"); in file order. */
static void each_export(const mkstubs_lib *L, const char *stub,
                        void (*fn)(void *ctx, const char *name, char kind, uint64_t addr), void *ctx)
{
    for (size_t i = 0; i < L->funcs.n; i++) {
        const jf_entry *x = &L->funcs.v[i];
        if (x->type == 'T' && !is_dummy(x) && mkstubs_in_stub(x->library, stub))
            fn(ctx, x->name, 'T', layout_slot(&L->l, i + 1));
    }
    /* entry i (0-based) is the (i+1)-th: cell i+2, after the fixup pointer and the magic */
    for (size_t i = 0; i < L->vars.n; i++) {
        const jf_entry *x = &L->vars.v[i];
        if (x->type != 'U' && !is_dummy(x) && mkstubs_in_stub(x->library, stub))
            fn(ctx, x->name, 'G', layout_cell(&L->l, i + 2));
    }
}

/* The descriptor being written: its sections and where its tables start. */
typedef struct desc {
    const mkstubs_lib *L;
    const char *stub;
    elf_writer *w;
    int ro, rr, jl, im;
    buf *rob;
    uint32_t rosym, rrsym, imsym;
    uint64_t s_soname, s_desc, s_dir; /* the record's strings in .rodata, first */
    uint64_t needs_at, needdirs_at, overrides_at;
    size_t noverrides;
} desc;

/* Host imports: {name, address in the program}; the reference makes the program's own link
 * resolve each name against its C library. In a section of their own, which the link gathers
 * from every stub into one place: on x86-64 each address is a dynamic relocation, and spread
 * over the records' pages they cost a copy-on-write fault each at start-up. */
static void desc_imports(desc *d)
{
    const mkstubs_lib *L = d->L;
    if (!L->nimports)
        return;
    d->im = elfw_section(d->w, JUMP_IMPORTS_SECTION, SHT_PROGBITS_, SHF_ALLOC_ | SHF_WRITE_, L->a->ptrsize);
    d->imsym = elfw_section_symbol(d->w, d->im);
    for (size_t i = 0; i < L->nimports; i++) {
        uint32_t u = elfw_symbol(d->w, L->imports[i], ELFW_UNDEF, 0, 0, STB_GLOBAL_, STT_NOTYPE_);
        ptr_word(d->w, L->a, d->im, d->rosym, (int64_t)rostr(d->rob, L->imports[i]));
        ptr_word(d->w, L->a, d->im, u, 0);
    }
}

/* The libraries to load first (NULL-terminated sonames), and where each is installed as its
 * own stub recorded (0 when unknown). */
static void desc_needs(desc *d)
{
    const mkstubs_lib *L = d->L;
    buf *rb = elfw_data(d->w, d->rr);
    d->needs_at = rb->len;
    for (size_t i = 0; i < L->undefs.n; i++) {
        char *so = needs_soname(L->undefs.v[i].name);
        ptr_word(d->w, L->a, d->rr, d->rosym, (int64_t)rostr(d->rob, so));
        free(so);
    }
    buf_zero(rb, L->a->ptrsize);
    d->needdirs_at = rb->len;
    for (size_t i = 0; i < L->undefs.n; i++) {
        if (L->undefs.v[i].dir)
            ptr_word(d->w, L->a, d->rr, d->rosym, (int64_t)rostr(d->rob, L->undefs.v[i].dir));
        else
            buf_zero(rb, L->a->ptrsize);
    }
}

/* Overrides (DESIGN §6), three arrays over every name this stub exports. A weak reference to
 * the name: the program's link resolves it to the program's own definition if it has one
 * (then the loader re-points the slot or the cell), to the stub's absolute address if the
 * program linked the name's member, and to 0 if neither. A weak reference to the name's twin,
 * which only the member defines, at the same address: the library's address if the member is
 * linked, else 0. The two agree unless the program overrides the name, so the loader compares
 * them in bulk. Then the slot or cell, or'ed with the kind. */
typedef struct ov_pass {
    desc *d;
    int twins;
    buf *wheres;
} ov_pass;

static void override_word(void *ctx, const char *name, char kind, uint64_t addr)
{
    ov_pass *p = ctx;
    desc *d = p->d;
    char *ref = p->twins ? xasprintf(JUMP_DEF_PREFIX "%s", name) : xstrdup(name);
    ptr_word(d->w, d->L->a, d->rr, elfw_symbol(d->w, ref, ELFW_UNDEF, 0, 0, STB_WEAK_, STT_NOTYPE_), 0);
    free(ref);
    if (!p->twins) {
        buf_wn(p->wheres, addr | (kind == 'T' ? JUMP_OVERRIDE_SLOT : JUMP_OVERRIDE_CELL), d->L->a->ptrsize);
        d->noverrides++;
    }
}

static void desc_overrides(desc *d)
{
    buf wheres = {0};
    ov_pass p = {d, 0, &wheres};
    d->overrides_at = elfw_data(d->w, d->rr)->len;
    each_export(d->L, d->stub, override_word, &p);
    p.twins = 1;
    each_export(d->L, d->stub, override_word, &p);
    buf_add(elfw_data(d->w, d->rr), wheres.p, wheres.len);
    buf_free(&wheres);
}

/* The library record (jumpfmt.h, JR_*). A table the stub has none of is a null pointer. */
static void desc_record(desc *d)
{
    const mkstubs_lib *L = d->L;
    unsigned ps = L->a->ptrsize;
    buf *jb = elfw_data(d->w, d->jl);
    for (int k = 0; k < JR_NWORDS; k++) {
        switch (k) {
        case JR_MAGIC: buf_wn(jb, JUMP_REC_MAGIC, ps); break;
        case JR_FORMAT: buf_wn(jb, JUMP_REC_FORMAT, ps); break;
        case JR_SONAME: ptr_word(d->w, L->a, d->jl, d->rosym, (int64_t)d->s_soname); break;
        case JR_DESC: ptr_word(d->w, L->a, d->jl, d->rosym, (int64_t)d->s_desc); break;
        case JR_DIR: ptr_word(d->w, L->a, d->jl, d->rosym, (int64_t)d->s_dir); break;
        case JR_ORIGIN: buf_wn(jb, L->l.origin, ps); break;
        case JR_VERSION: buf_wn(jb, L->vword, ps); break;
        case JR_NIMPORTS: buf_wn(jb, L->nimports, ps); break;
        case JR_IMPORTS:
            if (L->nimports)
                ptr_word(d->w, L->a, d->jl, d->imsym, 0);
            else
                buf_wn(jb, 0, ps);
            break;
        case JR_NEEDS: ptr_word(d->w, L->a, d->jl, d->rrsym, (int64_t)d->needs_at); break;
        case JR_NEEDDIRS:
            if (L->undefs.n)
                ptr_word(d->w, L->a, d->jl, d->rrsym, (int64_t)d->needdirs_at);
            else
                buf_wn(jb, 0, ps);
            break;
        case JR_NOVERRIDES: buf_wn(jb, d->noverrides, ps); break;
        case JR_DIGEST: buf_wn(jb, layout_digest(&L->l, &L->funcs, &L->vars), ps); break;
        case JR_OVERRIDES:
            if (d->noverrides)
                ptr_word(d->w, L->a, d->jl, d->rrsym, (int64_t)d->overrides_at);
            else
                buf_wn(jb, 0, ps);
            break;
        default: buf_wn(jb, 0, ps); break;
        }
    }
}

/* __PLT_<f> at each slot, __GOT_<v> at each cell: absolute, for the tools. */
static void abs_export(void *ctx, const char *name, char kind, uint64_t addr)
{
    char *sym = xasprintf("%s%s", kind == 'T' ? "__PLT_" : "__GOT_", name);
    elfw_symbol(ctx, sym, ELFW_ABS, addr, 0, STB_GLOBAL_, STT_NOTYPE_);
    free(sym);
}

/* The descriptor's symbols: the id (the record), __NEEDS_SHRLIB_<root>_<M>, the slots' and
 * cells' absolutes, the sizes, and the references that pull in the loader and the libraries
 * this one needs. */
static void desc_symbols(desc *d)
{
    const mkstubs_lib *L = d->L;
    elf_writer *w = d->w;
    char *sym = xasprintf(NEEDS_PREFIX "%s_%u", L->root, L->major);
    elfw_symbol(w, L->id, d->jl, 0, (uint64_t)JR_NWORDS * L->a->ptrsize, STB_GLOBAL_, STT_OBJECT_);
    elfw_symbol(w, sym, ELFW_ABS, L->vword, 0, STB_GLOBAL_, STT_NOTYPE_);
    free(sym);
    each_export(L, d->stub, abs_export, w);
    /* Every library's stub defines these: weak, so that a program can link several stubs. */
    elfw_symbol(w, "__GOT_SIZE", ELFW_ABS, L->l.gotsize, 0, STB_WEAK_, STT_NOTYPE_);
    elfw_symbol(w, "__PLT_SIZE", ELFW_ABS, L->l.jumpsize, 0, STB_WEAK_, STT_NOTYPE_);
    elfw_symbol(w, "__LAST_DATA_ADDRESS", ELFW_ABS, L->last_data, 0, STB_WEAK_, STT_NOTYPE_);
    if (L->l.split)
        elfw_symbol(w, "__WRITABLE_ADDRESS", ELFW_ABS, L->l.data, 0, STB_WEAK_, STT_NOTYPE_);
    elfw_symbol(w, JUMP_LOADER_SYMBOL, ELFW_UNDEF, 0, 0, STB_GLOBAL_, STT_NOTYPE_);
    for (size_t i = 0; i < L->undefs.n; i++)
        elfw_symbol(w, L->undefs.v[i].name, ELFW_UNDEF, 0, 0, STB_GLOBAL_, STT_NOTYPE_);
    for (size_t i = 0; i < L->nextra; i++)
        elfw_symbol(w, L->extra[i], ELFW_UNDEF, 0, 0, STB_GLOBAL_, STT_NOTYPE_);
}

void mkstubs_descriptor(const mkstubs_lib *L, const char *stub, buf *out)
{
    unsigned ps = L->a->ptrsize;
    desc d = {.L = L, .stub = stub, .w = elfw_new(L->a)};
    d.ro = elfw_section(d.w, ".rodata", SHT_PROGBITS_, SHF_ALLOC_, 1);
    d.rr = elfw_section(d.w, ".data.rel.ro", SHT_PROGBITS_, SHF_ALLOC_ | SHF_WRITE_, ps);
    d.jl = elfw_section(d.w, JUMP_REC_SECTION, SHT_PROGBITS_, SHF_ALLOC_ | SHF_WRITE_, ps);
    d.rob = elfw_data(d.w, d.ro);
    d.rosym = elfw_section_symbol(d.w, d.ro);
    d.rrsym = elfw_section_symbol(d.w, d.rr);
    d.s_soname = rostr(d.rob, L->soname);
    d.s_desc = rostr(d.rob, L->desc);
    d.s_dir = rostr(d.rob, L->dir);
    desc_imports(&d);
    desc_needs(&d);
    desc_overrides(&d);
    desc_record(&d);
    desc_symbols(&d);
    elfw_finish(d.w, out);
    elfw_free(d.w);
}

/* Entries are numbered funcs first (0..nf-1), then vars (nf..). */
typedef struct member {
    const char *name;  /* objfile, or the common variable's name */
    size_t head, tail; /* entry numbers + 1, 0 = none */
} member;

static void member_add(member *m, size_t *next, size_t ent)
{
    if (!m->head)
        m->head = ent + 1;
    else
        next[m->tail - 1] = ent + 1;
    m->tail = ent + 1;
}

/* Group the entries of stub `stub` that produce symbols: one member per objfile in
 * first-appearance order, then one per common variable. mem and next have room for every
 * entry; the number of members. */
static size_t group_members(const mkstubs_lib *L, const char *stub, member *mem, size_t *next)
{
    size_t nf = L->funcs.n, nv = L->vars.n, nmem = 0;
    strmap byobj = {0};
    for (size_t ent = 0; ent < nf + nv; ent++) {
        const jf_entry *x = ent < nf ? &L->funcs.v[ent] : &L->vars.v[ent - nf];
        int sym = ent < nf ? x->type == 'T' : (x->type == 'D' || x->type == 'K');
        uintptr_t g;
        if (!sym || is_dummy(x) || !mkstubs_in_stub(x->library, stub))
            continue;
        if (!strmap_get(&byobj, x->objfile, &g)) {
            g = nmem++;
            mem[g].name = x->objfile;
            strmap_put(&byobj, x->objfile, g);
        }
        member_add(&mem[g], next, ent);
    }
    for (size_t i = 0; i < nv; i++) {
        const jf_entry *x = &L->vars.v[i];
        if (x->type != 'C' || is_dummy(x) || !mkstubs_in_stub(x->library, stub))
            continue;
        mem[nmem].name = x->name;
        member_add(&mem[nmem++], next, nf + i);
    }
    strmap_free(&byobj);
    return nmem;
}

/* Undefined __NEEDS_SHRLIB_ references for one entry's sixth column, once per member. `seen`
 * owns its keys. */
static void add_needs(elf_writer *w, strmap *seen, const char *needs)
{
    for (const char *p = needs; p && *p;) {
        const char *c = strchr(p, ':');
        int len = (int)(c ? (size_t)(c - p) : strlen(p));
        uintptr_t v;
        if (len) {
            char *s = xasprintf(NEEDS_PREFIX "%.*s", len, p);
            if (strmap_get(seen, s, &v)) {
                free(s);
            } else {
                strmap_put(seen, s, 1);
                elfw_symbol(w, s, ELFW_UNDEF, 0, 0, STB_GLOBAL_, STT_NOTYPE_);
            }
        }
        if (!c)
            break;
        p = c + 1;
    }
}

/* A function's entry in the program (jumpfmt.h, JUMP_ENTRY_BYTES): position-independent, no
 * relocation, so one member serves PIE, -no-pie and static links alike. */
static void entry_code(const arch *a, uint64_t slot, buf *t)
{
    static const uint8_t x86_64[JUMP_ENTRY_SLOT_AT_X86_64] = {0xff, 0x25, 0, 0, 0, 0}; /* jmp *0(%rip) */
    static const uint8_t i386[JUMP_ENTRY_SLOT_AT_I386] = {
        0xe8, 0, 0, 0, 0, /* call 1f */
        0x59,             /* 1: pop %ecx */
        0xff, 0x61, 0x04, /* jmp *4(%ecx): the word after this instruction */
    };
    size_t start = t->len;
    if (a->ptrsize == 8)
        buf_add(t, x86_64, sizeof x86_64);
    else
        buf_add(t, i386, sizeof i386);
    buf_wn(t, slot, a->ptrsize);
    while (t->len - start < JUMP_ENTRY_BYTES)
        buf_addc(t, 0xcc);
}

/* The alignment a copy of `size` bytes gets: as a compiler would give an object that size
 * (at most 16, the section's). */
static uint64_t copy_align(uint64_t size)
{
    uint64_t al = 1;
    while (al < 16 && al * 2 <= size)
        al *= 2;
    return al;
}

/* A member being written: its sections, made on first use. */
typedef struct memb {
    const arch *a;
    elf_writer *w;
    uint32_t idsym;
    int tx, bs, cp;     /* .text (entries), .bss and the copy table (x86-64 copies) */
    uint64_t bss_len;
} memb;

/* An exported function: its entry in the program (the name), the twin the record's override
 * table compares with (jumpfmt.h, JR_OVERRIDES), and the slot's absolute address under
 * JUMP_ADDR_PREFIX for the tools. */
static void member_function(memb *mb, const jf_entry *x, uint64_t addr)
{
    char *twin = xasprintf(JUMP_DEF_PREFIX "%s", x->name), *abs = xasprintf(JUMP_ADDR_PREFIX "%s", x->name);
    buf *t;
    uint64_t at;
    if (!mb->tx)
        mb->tx = elfw_section(mb->w, ".text", SHT_PROGBITS_, SHF_ALLOC_ | SHF_EXECINSTR_, 16);
    t = elfw_data(mb->w, mb->tx);
    at = t->len;
    entry_code(mb->a, addr, t);
    elfw_symbol(mb->w, x->name, mb->tx, at, JUMP_ENTRY_BYTES, STB_WEAK_, STT_FUNC_);
    elfw_symbol(mb->w, twin, mb->tx, at, 0, STB_WEAK_, STT_NOTYPE_);
    elfw_symbol(mb->w, abs, ELFW_ABS, addr, 0, STB_WEAK_, STT_FUNC_);
    free(twin);
    free(abs);
}

/* An exported variable: its twin at the image's address, a K constant's mark, and the name:
 * on x86-64 a copy in the program's bss with what the loader needs to fill it (the twin stays
 * the image's address, so the loader points the cell at the copy as at an override); on i386
 * the image's address itself. */
static void member_variable(memb *mb, const jf_entry *x, uint64_t addr)
{
    elf_writer *w = mb->w;
    const arch *a = mb->a;
    char *twin = xasprintf(JUMP_DEF_PREFIX "%s", x->name);
    elfw_symbol(w, twin, ELFW_ABS, addr, 0, STB_WEAK_, STT_NOTYPE_);
    free(twin);
    if (x->type == 'K') {
        char *mark = xasprintf(JUMP_CONST_PREFIX "%s", x->name);
        elfw_symbol(w, mark, ELFW_ABS, addr, 0, STB_WEAK_, STT_NOTYPE_);
        free(mark);
    }
    if (a->ptrsize == 8) { /* x86-64 programs hold copies of the variables (JUMP_COPY_SECTION) */
        uint64_t al = copy_align(x->size), at;
        char *abs = xasprintf(JUMP_ADDR_PREFIX "%s", x->name);
        uint32_t vs;
        buf *c;
        if (!mb->bs) {
            mb->bs = elfw_section(w, ".bss", SHT_NOBITS_, SHF_ALLOC_ | SHF_WRITE_, 16);
            mb->cp = elfw_section(w, JUMP_COPY_SECTION, SHT_PROGBITS_, SHF_ALLOC_ | SHF_WRITE_, a->ptrsize);
            elfw_symbol(w, JUMP_COPY_SYMBOL, ELFW_UNDEF, 0, 0, STB_GLOBAL_, STT_NOTYPE_);
        }
        at = (mb->bss_len + al - 1) & ~(al - 1);
        mb->bss_len = at + (x->size ? x->size : 1);
        vs = elfw_symbol(w, x->name, mb->bs, at, x->size, STB_WEAK_, STT_OBJECT_);
        elfw_symbol(w, abs, ELFW_ABS, addr, x->size, STB_WEAK_, STT_OBJECT_);
        free(abs);
        c = elfw_data(w, mb->cp);
        ptr_word(w, a, mb->cp, mb->idsym, 0);
        buf_wn(c, addr, a->ptrsize);
        ptr_word(w, a, mb->cp, elfw_section_symbol(w, mb->bs), (int64_t)at);
        ptr_word(w, a, mb->cp, vs, 0);
        buf_wn(c, x->size, a->ptrsize);
    } else {
        elfw_symbol(w, x->name, ELFW_ABS, addr, x->size, STB_WEAK_, STT_OBJECT_);
    }
}

/* Which of a group's entries a member defines: on x86-64 the variables of an object file
 * that also exports functions go into a member of their own (the same name), so that a
 * program holds copies only of the variables it refers to: each copy re-points a GOT cell, a
 * written page of the image at every start (JUMP_COPY_SECTION). */
enum { MEMBER_ALL, MEMBER_FUNCS, MEMBER_VARS };

static int member_takes(int which, int fn) { return which == MEMBER_ALL || (which == MEMBER_FUNCS) == fn; }

/* Does group m hold functions and variables that an x86-64 stub puts in two members? */
static int member_splits(const mkstubs_lib *L, const member *m, const size_t *next)
{
    int fns = 0, vars = 0;
    if (L->a->ptrsize != 8)
        return 0;
    for (size_t e1 = m->head; e1; e1 = next[e1 - 1]) {
        if (e1 - 1 < L->funcs.n)
            fns = 1;
        else
            vars = 1;
    }
    return fns && vars;
}

/* One member of the ELF stub: each entry's definitions (`which` of them), and the jump_used
 * table of the names it defines, for the loader's check that a replacement image still holds
 * them where the program expects them (jumpfmt.h); references to the libraries the entries
 * need. */
static void member_object(const mkstubs_lib *L, const member *m, const size_t *next, int which, buf *out)
{
    const arch *a = L->a;
    memb mb = {.a = a, .w = elfw_new(a)};
    elf_writer *w = mb.w;
    strmap seen = {0};
    size_t nf = L->funcs.n, count = 0;
    int ro = elfw_section(w, ".rodata", SHT_PROGBITS_, SHF_ALLOC_, 1);
    int us = elfw_section(w, JUMP_USED_SECTION, SHT_PROGBITS_, SHF_ALLOC_ | SHF_WRITE_, a->ptrsize);
    uint32_t rosym = elfw_section_symbol(w, ro);
    mb.idsym = elfw_symbol(w, L->id, ELFW_UNDEF, 0, 0, STB_GLOBAL_, STT_NOTYPE_);
    for (size_t e1 = m->head; e1; e1 = next[e1 - 1])
        count += member_takes(which, e1 - 1 < nf);
    /* The group's head: the loader skips the whole member when the image is the very one the
     * stub was made for. */
    ptr_word(w, a, us, mb.idsym, 0);
    buf_wn(elfw_data(w, us), JUMP_USED_GROUP, a->ptrsize);
    buf_wn(elfw_data(w, us), count, a->ptrsize);
    buf_zero(elfw_data(w, us), (JU_NWORDS - JU_HASH) * a->ptrsize);
    for (size_t e1 = m->head; e1; e1 = next[e1 - 1]) {
        size_t ent = e1 - 1, fn = ent < nf;
        const jf_entry *x = fn ? &L->funcs.v[ent] : &L->vars.v[ent - nf];
        uint64_t addr = fn ? layout_slot(&L->l, ent + 1) : layout_var_at(&L->l, x->type, L->var_offset[ent - nf]);
        if (!member_takes(which, (int)fn))
            continue;
        if (fn)
            member_function(&mb, x, addr);
        else
            member_variable(&mb, x, addr);
        ptr_word(w, a, us, mb.idsym, 0);
        buf_wn(elfw_data(w, us), fn ? JUMP_OVERRIDE_SLOT : JUMP_OVERRIDE_CELL, a->ptrsize);
        buf_wn(elfw_data(w, us), fn ? ent + 1 : ent - nf + 1, a->ptrsize);
        buf_wn(elfw_data(w, us), jump_name_hash(x->name), a->ptrsize);
        ptr_word(w, a, us, rosym, (int64_t)rostr(elfw_data(w, ro), x->name));
        buf_wn(elfw_data(w, us), addr, a->ptrsize);
        add_needs(w, &seen, x->needs);
    }
    if (mb.bs)
        elfw_bss(w, mb.bs, mb.bss_len);
    elfw_finish(w, out);
    elfw_free(w);
    for (size_t i = 0; i < seen.cap; i++)
        free((char *)seen.keys[i]);
    strmap_free(&seen);
}

/* ---- the classic a.out stub (-F aout; lib/aout.h) ---- */

/* The classic id symbol ___<root>_<M>_<m*100+p>, which pulls in the descriptor. malloc'ed. */
static char *aout_id(const mkstubs_lib *L)
{
    return xasprintf("___%s_%u_%u", L->root, L->major, L->minor * 100 + L->patch);
}

/* An a.out symbol from a toolkit name. */
static void aout_sym(aout_obj *o, const char *name, uint8_t type, uint64_t value)
{
    char *an = aout_name_from_elf(name);
    aout_obj_sym(o, an, type, (uint32_t)value);
    free(an);
}

/* The descriptor __<root>.o as the classic mkstubs assembled it: in the text the image's path
 * "<-l>.so.<M>" and "DLL Jump M.m"; in the data ___<root>_<M>_<m*100+p> (= __NEEDS_SHRLIB_<root>_<M>)
 * with the words {path, description, origin, version word}, an element of the set vector
 * ___SHARED_LIBRARIES__, and the GOT's address as an element of __SHARABLE_CONFLICTS__; the
 * constructor slot in ___CTOR_LIST__; absolute __PLT__<f> per T slot and __GOT__<v> per
 * cell; __GOT_SIZE, __PLT_SIZE, __LAST_DATA_ADDRESS. */
static void aout_export(void *ctx, const char *name, char kind, uint64_t addr)
{
    char *n = xasprintf("%s%s", kind == 'T' ? "__PLT_" : "__GOT_", name);
    aout_sym(ctx, n, AOUT_N_ABS | AOUT_N_EXT, addr);
    free(n);
}

static void aout_descriptor(const mkstubs_lib *L, const char *stub, buf *out)
{
    aout_obj o;
    size_t dl = strlen(L->dir);
    char *path = xasprintf("%s%s%s", L->dir, dl && L->dir[dl - 1] != '/' ? "/" : "", L->soname);
    char *own = xasprintf(NEEDS_PREFIX "%s_%u", L->root, L->major), *id = aout_id(L);
    uint32_t tl, descat;
    aout_obj_init(&o);
    buf_add(o.text, path, strlen(path) + 1);
    descat = (uint32_t)o.text->len;
    buf_add(o.text, L->desc, strlen(L->desc) + 1);
    buf_align(o.text, 4);
    tl = (uint32_t)o.text->len;
    buf_w32(o.data, 0);
    aout_obj_data_reloc(&o, 0, AOUT_N_TEXT);
    buf_w32(o.data, descat);
    aout_obj_data_reloc(&o, 4, AOUT_N_TEXT);
    buf_w32(o.data, (uint32_t)L->l.origin);
    buf_w32(o.data, L->vword);
    aout_obj_sym(&o, id, AOUT_N_DATA | AOUT_N_EXT, tl);
    aout_obj_sym(&o, own, AOUT_N_DATA | AOUT_N_EXT, tl);
    aout_obj_sym(&o, "___SHARED_LIBRARIES__", AOUT_N_SETD | AOUT_N_EXT, tl);
    if (L->l.gotsize) {
        buf_w32(o.data, (uint32_t)L->l.got);
        aout_obj_sym(&o, "__SHARABLE_CONFLICTS__", AOUT_N_SETD | AOUT_N_EXT, tl + 16);
    }
    aout_obj_sym(&o, "___CTOR_LIST__", AOUT_N_SETA, (uint32_t)layout_ctor_slot(&L->l));
    each_export(L, stub, aout_export, &o);
    aout_obj_sym(&o, "__GOT_SIZE", AOUT_N_ABS, (uint32_t)L->l.gotsize);
    aout_obj_sym(&o, "__PLT_SIZE", AOUT_N_ABS, (uint32_t)L->l.jumpsize);
    aout_obj_sym(&o, "__LAST_DATA_ADDRESS", AOUT_N_ABS, (uint32_t)L->last_data);
    if (L->l.split)
        aout_obj_sym(&o, "__WRITABLE_ADDRESS", AOUT_N_ABS, (uint32_t)L->l.data);
    aout_obj_finish(&o, out);
    aout_obj_free(&o);
    free(id);
    free(own);
    free(path);
}

/* Undefined references to the libraries an entry's sixth column names, once each. */
static void aout_needs(aout_obj *o, strmap *seen, const char *needs)
{
    for (const char *p = needs; p && *p;) {
        const char *c = strchr(p, ':');
        int len = (int)(c ? (size_t)(c - p) : strlen(p));
        uintptr_t v;
        char *n = xasprintf(NEEDS_PREFIX "%.*s", len, p);
        if (len && !strmap_get(seen, n, &v)) {
            strmap_put(seen, n, 1);
            aout_obj_sym(o, n, AOUT_N_UNDF | AOUT_N_EXT, 0);
        } else {
            free(n);
        }
        if (!c)
            break;
        p = c + 1;
    }
}

/* One member: each name an absolute a.out symbol at its slot or its variable's address, an
 * undefined reference to ___<root>_<M>_<minor> (it pulls in the descriptor), and references
 * to the libraries the members need: the entries' sixth column, else jump.undefs and -u. */
static void aout_member(const mkstubs_lib *L, const member *m, const size_t *next, buf *out)
{
    aout_obj o;
    strmap seen = {0};
    size_t nf = L->funcs.n;
    int overridden = 0;
    char *id = aout_id(L);
    aout_obj_init(&o);
    for (size_t e1 = m->head; e1; e1 = next[e1 - 1]) {
        size_t ent = e1 - 1;
        const jf_entry *x = ent < nf ? &L->funcs.v[ent] : &L->vars.v[ent - nf];
        uint64_t addr = ent < nf ? layout_slot(&L->l, ent + 1)
                                 : layout_var_at(&L->l, x->type, L->var_offset[ent - nf]);
        aout_sym(&o, x->name, AOUT_N_ABS | AOUT_N_EXT, addr);
        if (x->needs && *x->needs) {
            aout_needs(&o, &seen, x->needs);
            overridden = 1;
        }
    }
    aout_obj_sym(&o, id, AOUT_N_UNDF | AOUT_N_EXT, 0);
    free(id);
    if (!overridden) {
        for (size_t i = 0; i < L->undefs.n; i++)
            aout_obj_sym(&o, L->undefs.v[i].name, AOUT_N_UNDF | AOUT_N_EXT, 0);
        for (size_t i = 0; i < L->nextra; i++)
            aout_obj_sym(&o, L->extra[i], AOUT_N_UNDF | AOUT_N_EXT, 0);
    }
    aout_obj_finish(&o, out);
    aout_obj_free(&o);
    for (size_t i = 0; i < seen.cap; i++)
        free((char *)seen.keys[i]);
    strmap_free(&seen);
}

/* A whole stub archive: the descriptor __<root>.o, the loader (ELF), one member per group of
 * entries; the progress line "libxyz.sa: <id>, objA, ..., sequencing, done". */
static void write_archive(const mkstubs_lib *L, const char *stub, int aout, const void *loader, size_t loader_len,
                          buf *out, buf *progress)
{
    size_t nf = L->funcs.n, nv = L->vars.n;
    size_t *next = xcalloc(nf + nv + 1, sizeof *next);
    member *mem = xcalloc(nf + nv + 1, sizeof *mem);
    size_t nmem = group_members(L, stub, mem, next);
    ar_writer *aw = arw_new();
    buf o = {0};
    char *dname = xasprintf("__%s.o", L->root), *id = aout ? aout_id(L) : xstrdup(L->id);

    if (aout)
        arw_bsd_index(aw);
    if (progress)
        buf_printf(progress, "%s.sa: %s", stub, id);
    if (aout)
        aout_descriptor(L, stub, &o);
    else
        mkstubs_descriptor(L, stub, &o);
    arw_add(aw, dname, o.p, o.len);
    if (!aout)
        arw_add(aw, "__jump_loader.o", loader, loader_len);
    for (size_t g = 0; g < nmem; g++) {
        char *mname = xasprintf("%s.o", mem[g].name);
        o.len = 0;
        if (aout) {
            aout_member(L, &mem[g], next, &o);
        } else if (member_splits(L, &mem[g], next)) {
            member_object(L, &mem[g], next, MEMBER_FUNCS, &o);
            arw_add(aw, mname, o.p, o.len);
            o.len = 0;
            member_object(L, &mem[g], next, MEMBER_VARS, &o);
        } else {
            member_object(L, &mem[g], next, MEMBER_ALL, &o);
        }
        arw_add(aw, mname, o.p, o.len);
        free(mname);
        if (progress)
            buf_printf(progress, ", %s", mem[g].name);
    }
    if (progress)
        buf_adds(progress, ", sequencing");
    arw_finish(aw, out);
    if (progress)
        buf_adds(progress, ", done\n");
    arw_free(aw);
    buf_free(&o);
    free(id);
    free(dname);
    free(next);
    free(mem);
}

void mkstubs_archive(const mkstubs_lib *L, const char *stub, const void *loader, size_t loader_len, buf *out,
                     buf *progress)
{
    write_archive(L, stub, 0, loader, loader_len, out, progress);
}

void mkstubs_aout_archive(const mkstubs_lib *L, const char *stub, buf *out, buf *progress)
{
    write_archive(L, stub, 1, NULL, 0, out, progress);
}

/* "dir/libxyz.sa" or "libxyz" -> "libxyz" (malloc'ed). */
static char *stub_root(const char *s)
{
    const char *b = strrchr(s, '/');
    size_t n;
    b = b ? b + 1 : s;
    n = strlen(b);
    if (n > 3 && !strcmp(b + n - 3, ".sa"))
        n -= 3;
    return xstrndup(b, n);
}

int mkstubs_run(const mkstubs_opts *o, FILE *progress, jerr *e)
{
    mkstubs_lib L;
    blob loader = {0};
    char *lpath = NULL;
    buf *outs = NULL;
    char **roots = NULL;
    int rc = -1;
    jparams want;

    if (mkstubs_load(&L, o, e) != 0)
        goto out;
    /* An a.out stub is for period systems, whose ld.so maps the image: it carries no loader. */
    if (o->p.aout && L.a->ptrsize != 4) {
        jerr_set(e, EXIT_USAGE, "a.out stubs are i386 only (this library is %s): leave out -F aout", L.a->name);
        goto out;
    }
    lpath = mkstubs_loader_path(L.a);
    if (!o->p.aout && blob_read(lpath, &loader, e) != 0) {
        jerr_set(e, EXIT_USAGE, "missing loader object %s (set JUMP_LIBDIR or reinstall the toolkit)", lpath);
        goto out;
    }
    memset(&want, 0, sizeof want);
    if (strlen(L.root) >= sizeof want.name || strlen(o->p.version) >= sizeof want.version) {
        jerr_set(e, EXIT_USAGE, "image name '%s' or version '%s' is too long", L.root, o->p.version);
        goto out;
    }
    strcpy(want.name, L.root);
    strcpy(want.version, o->p.version);
    want.text = L.l.origin;
    want.data = o->p.dataaddr;
    want.writable = o->p.waddr;
    want.jump = L.l.jumpsize;
    want.got = L.l.gotsize;

    /* Build every archive in memory first: an error leaves every output as it was. */
    outs = xcalloc(o->nstubs ? o->nstubs : 1, sizeof *outs);
    roots = xcalloc(o->nstubs ? o->nstubs : 1, sizeof *roots);
    for (size_t i = 0; i < o->nstubs; i++) {
        buf prog = {0};
        roots[i] = stub_root(o->stubs[i]);
        if (!*roots[i]) {
            jerr_set(e, EXIT_USAGE, "invalid stub name '%s'", o->stubs[i]);
            goto out;
        }
        if (o->p.aout)
            mkstubs_aout_archive(&L, roots[i], &outs[i], &prog);
        else
            mkstubs_archive(&L, roots[i], loader.p, loader.len, &outs[i], &prog);
        if (progress) {
            fwrite(prog.p, 1, prog.len, progress);
            fflush(progress);
        }
        buf_free(&prog);
    }
    {
        char *pp = jump_dir_file("jump.params");
        int r = jp_check_update(pp, &want, o->p.force, e);
        free(pp);
        if (r != 0)
            goto out;
    }
    for (size_t i = 0; i < o->nstubs; i++) {
        char *name = xasprintf("%s.sa", roots[i]);
        int r = file_commit(name, outs[i].p, outs[i].len, 0644, e);
        free(name);
        if (r != 0)
            goto out;
    }
    rc = 0;
out:
    for (size_t i = 0; outs && i < o->nstubs; i++) {
        buf_free(&outs[i]);
        free(roots[i]);
    }
    free(outs);
    free(roots);
    free(lpath);
    blob_free(&loader);
    mkstubs_free(&L);
    return rc;
}
