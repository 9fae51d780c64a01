/* aout: the classic a.out format (lib/aout.h). */
#include "aout.h"
#include "buf.h"
#include "diag.h"
#include "elf.h"
#include "jumpfmt.h"

#include "../runtime/imgcheck.h"

#include <stdlib.h>
#include <string.h>

int aout_exec_read(const uint8_t *p, size_t len, aout_exec *x)
{
    uint32_t *f[] = {&x->info, &x->text, &x->data, &x->bss, &x->syms, &x->entry, &x->trsize, &x->drsize};
    if (len < AOUT_EXEC_SIZE)
        return -1;
    for (size_t i = 0; i < 8; i++)
        *f[i] = rd32le(p + 4 * i);
    return 0;
}

void aout_exec_write(uint8_t out[AOUT_EXEC_SIZE], const aout_exec *x)
{
    const uint32_t f[] = {x->info, x->text, x->data, x->bss, x->syms, x->entry, x->trsize, x->drsize};
    for (size_t i = 0; i < 8; i++)
        wr32le(out + 4 * i, f[i]);
}

int aout_is_aout(const uint8_t *p, size_t len)
{
    aout_exec x;
    if (aout_exec_read(p, len, &x) != 0)
        return 0;
    return (AOUT_MAGIC(&x) == AOUT_QMAGIC || AOUT_MAGIC(&x) == AOUT_OMAGIC) &&
           (AOUT_MACHINE(&x) == AOUT_M_386 || AOUT_MACHINE(&x) == 0);
}

/* Generated names whose variable part is a C name: __GOT_foo is __GOT__foo in a.out. */
static const char *const generated[] = {"__GOT_", "__PLT_", NULL};
/* The linker's names, spelled the same in both formats. */
static const char *const linker[] = {"__NEEDS_SHRLIB_", "__SHARABLE_CONFLICTS__", "__BUILTIN_FIXUPS__",
                                     "__GOT_SIZE", "__PLT_SIZE", "__LAST_DATA_ADDRESS", NULL};

static int starts(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }

char *aout_name_from_elf(const char *name)
{
    for (size_t i = 0; linker[i]; i++)
        if (starts(name, linker[i]))
            return xstrdup(name);
    for (size_t i = 0; generated[i]; i++)
        if (starts(name, generated[i]) && name[strlen(generated[i])])
            return xasprintf("%s_%s", generated[i], name + strlen(generated[i]));
    return xasprintf("_%s", name);
}

char *aout_name_to_elf(const char *name)
{
    for (size_t i = 0; linker[i]; i++)
        if (starts(name, linker[i]))
            return xstrdup(name);
    for (size_t i = 0; generated[i]; i++) {
        size_t n = strlen(generated[i]);
        if (starts(name, generated[i]) && name[n] == '_' && name[n + 1])
            return xasprintf("%s%s", generated[i], name + n + 1);
    }
    return xstrdup(name[0] == '_' && name[1] ? name + 1 : name);
}

#define PAGE_UP(v) (((v) + AOUT_PAGE - 1) & ~(uint64_t)(AOUT_PAGE - 1))

/* The symbols of an image, into o: its defined global symbols, a.out names, typed by where
 * they lie (text below `data`, data below `bss`, bss above), and the classic
 * __SHARABLE_CONFLICTS__ set element at _GLOBAL_OFFSET_TABLE_ (the GOT's second cell). */
static void image_symbols(const elf_file *f, uint64_t data, uint64_t bss, uint64_t got, aout_obj *o)
{
    for (size_t i = 1; i < f->nsyms; i++) {
        const elf_sym *s = &f->syms[i];
        char *an;
        uint8_t type;
        if (s->bind == STB_LOCAL_ || s->shndx == SHN_UNDEF_ || s->shndx == SHN_COMMON_ || !s->name[0] ||
            s->type == STT_SECTION_ || s->type == STT_FILE_)
            continue;
        an = aout_name_from_elf(s->name);
        type = s->shndx == SHN_ABS_ ? AOUT_N_ABS
               : s->value < data    ? AOUT_N_TEXT
               : s->value < bss     ? AOUT_N_DATA
                                    : AOUT_N_BSS;
        aout_obj_sym(o, an, type | AOUT_N_EXT, (uint32_t)s->value);
        free(an);
    }
    if (got) /* classic: .stabs "__SHARABLE_CONFLICTS__",23,0,0,_GLOBAL_OFFSET_TABLE_ */
        aout_obj_sym(o, "__SHARABLE_CONFLICTS__", (got + 4 < data ? AOUT_N_SETT : AOUT_N_SETD) | AOUT_N_EXT,
                     (uint32_t)(got + 4));
}

/* The loadable segments of an ELF image as a.out can hold them: each with bytes in the file
 * at one distance from its file offset (a.out maps the file in one piece), one after the
 * other (a segment of bss alone has no file bytes). The first and last, and where the file's
 * bytes end; -1 with e set otherwise. */
static int one_piece(const elf_file *f, const elf_phdr **first, const elf_phdr **last, uint64_t *fileend, jerr *e)
{
    *first = *last = NULL;
    *fileend = 0;
    for (size_t i = 0; i < f->nphdrs; i++) {
        const elf_phdr *ph = &f->phdrs[i];
        if (ph->type != PT_LOAD_ || !ph->memsz)
            continue;
        if (!*first)
            *first = ph;
        if ((ph->filesz && ph->vaddr - ph->offset != (*first)->vaddr - (*first)->offset) ||
            (*last && ph->vaddr < (*last)->vaddr + (*last)->memsz))
            return jerr_set(e, EXIT_USAGE, "an a.out image is one piece of file mapped at one address, and this "
                                           "image's segments are not laid out so (is -d far from the image?): "
                                           "leave out -d or -F aout");
        *last = ph;
        if (ph->offset + ph->filesz > *fileend)
            *fileend = ph->offset + ph->filesz;
    }
    if (!*first || (*first)->offset != AOUT_PAGE)
        return jerr_set(e, EXIT_BAD, "cannot write an a.out image: the ELF image does not start its "
                                     "segments one page into the file");
    return 0;
}

int aout_image_from_elf(const uint8_t *p, size_t len, buf *out, jerr *e)
{
    elf_file f;
    jerr sub;
    const elf_phdr *first, *last;
    uint64_t base, fileend, data, bss, memend, got = 0;
    size_t ehlen, start = out->len;
    aout_exec x;
    aout_obj o;
    const uint8_t *desc;
    size_t desclen;

    if (elf_open(&f, "image", p, len, &sub) != 0)
        return jerr_set(e, EXIT_BAD, "cannot write an a.out image: %s", sub.msg);
    if (f.arch->ptrsize != 4) {
        elf_close(&f);
        return jerr_set(e, EXIT_USAGE, "a.out images are i386 only (this image is %s): build with -m i386, or "
                                       "leave out -F aout", f.arch->name);
    }
    if (one_piece(&f, &first, &last, &fileend, e) != 0) {
        elf_close(&f);
        return -1;
    }
    ehlen = (size_t)(rd32le(p + 28) + f.nphdrs * 32u);
    if (AOUT_EXEC_SIZE + ehlen > AOUT_PAGE) {
        elf_close(&f);
        return jerr_set(e, EXIT_BAD, "cannot write an a.out image: its ELF headers do not fit the header page");
    }
    if (elf_find_note(&f, JUMP_NOTE_NAME, JUMP_NOTE_TYPE, &desc, &desclen) && desclen >= JUMP_NOTE_D_GOT + 8)
        got = rd64le(desc + JUMP_NOTE_D_GOT);
    base = first->vaddr - AOUT_PAGE;
    /* Text: the header page up to the page of the last writable segment (the library's own
     * data and bss); data: that segment's file pages; bss: the rest of its memory. */
    data = (last->flags & PF_W_) && last != first ? last->vaddr & ~(uint64_t)(AOUT_PAGE - 1) : PAGE_UP(base + fileend);
    memend = last->vaddr + last->memsz;
    bss = PAGE_UP(base + fileend) > data ? PAGE_UP(base + fileend) : data;
    memset(&x, 0, sizeof x);
    x.info = AOUT_QMAGIC | AOUT_M_386 << 16;
    x.text = (uint32_t)(data - base);
    x.data = (uint32_t)(bss - data);
    x.bss = memend > bss ? (uint32_t)(memend - bss) : 0;
    x.entry = (uint32_t)(base + AOUT_EXEC_SIZE);
    aout_obj_init(&o);
    image_symbols(&f, data, bss, got, &o);
    x.syms = (uint32_t)o.syms->len;
    wr32le(o.strs->p, (uint32_t)o.strs->len);

    /* The header page: struct exec, then the ELF file header (without its section headers,
     * which this file does not have) and program headers, then zeros. */
    buf_zero(out, AOUT_PAGE);
    aout_exec_write(out->p + start, &x);
    memcpy(out->p + start + AOUT_EXEC_SIZE, p, ehlen);
    wr32le(out->p + start + AOUT_EXEC_SIZE + 32, 0); /* e_shoff */
    wr16le(out->p + start + AOUT_EXEC_SIZE + 48, 0); /* e_shnum */
    wr16le(out->p + start + AOUT_EXEC_SIZE + 50, 0); /* e_shstrndx */
    /* Text and data: the ELF image's bytes page for page; what lies between segments and
     * past a segment's file bytes reads as zero, as it does once mapped. */
    buf_zero(out, (size_t)(x.text + x.data - AOUT_PAGE));
    for (size_t i = 0; i < f.nphdrs; i++) {
        const elf_phdr *ph = &f.phdrs[i];
        if (ph->type == PT_LOAD_ && ph->filesz)
            memcpy(out->p + start + ph->offset, p + ph->offset, (size_t)ph->filesz);
    }
    buf_add(out, o.syms->p, o.syms->len);
    buf_add(out, o.strs->p, o.strs->len);
    aout_obj_free(&o);
    elf_close(&f);
    return 0;
}

/* The program headers of the ELF copy in the header page (mkimage -F aout), or, for a classic
 * image, the one segment uselib() mapped. */
static int image_phdrs(elf_file *f, const aout_exec *x, uint64_t base, jerr *e)
{
    const uint8_t *eh = f->p + JV_AOUT_EXEC;
    if (!jv_elf_at(f->p, f->len)) {
        f->phdrs = xcalloc(1, sizeof *f->phdrs);
        f->nphdrs = 1;
        f->phdrs[0] = (elf_phdr){PT_LOAD_, PF_R_ | PF_W_ | PF_X_, 0, base, (uint64_t)x->text + x->data,
                                 (uint64_t)x->text + x->data + x->bss, AOUT_PAGE};
        return 0;
    }
    uint32_t phoff = rd32le(eh + 28);
    unsigned phnum = rd16le(eh + 44);
    if (eh[4] != 1 || rd16le(eh + 42) != 32 || !in_bounds(AOUT_PAGE - JV_AOUT_EXEC, phoff, (uint64_t)phnum * 32))
        return jerr_set(e, EXIT_BAD, "%s: the ELF headers in its a.out header page are damaged", f->path);
    f->phdrs = xcalloc(phnum + 1, sizeof *f->phdrs);
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = eh + phoff + 32 * i;
        elf_phdr *d = &f->phdrs[f->nphdrs];
        *d = (elf_phdr){rd32le(ph), rd32le(ph + 24), rd32le(ph + 4), rd32le(ph + 8), rd32le(ph + 16),
                        rd32le(ph + 20), rd32le(ph + 28)};
        if ((d->type == PT_LOAD_ || d->type == PT_NOTE_) && !in_bounds(f->len, d->offset, d->filesz))
            return jerr_set(e, EXIT_BAD, "%s: a segment lies outside the file", f->path);
        f->nphdrs++;
    }
    return 0;
}


int image_view_open(elf_file *f, const char *path, const uint8_t *p, size_t len, jerr *e)
{
    if (!elf_is_elf(p, len) && aout_is_aout(p, len))
        return aout_image_open(f, path, p, len, e);
    return elf_open(f, path, p, len, e);
}

/* ---- OMAGIC objects ---- */

void aout_obj_init(aout_obj *o)
{
    o->text = xcalloc(1, sizeof(buf));
    o->data = xcalloc(1, sizeof(buf));
    o->drel = xcalloc(1, sizeof(buf));
    o->syms = xcalloc(1, sizeof(buf));
    o->strs = xcalloc(1, sizeof(buf));
    o->bss = 0;
    buf_w32(o->strs, 0);
}

void aout_obj_free(aout_obj *o)
{
    buf *v[] = {o->text, o->data, o->drel, o->syms, o->strs};
    for (size_t i = 0; i < 5; i++) {
        buf_free(v[i]);
        free(v[i]);
    }
    memset(o, 0, sizeof *o);
}

uint32_t aout_obj_sym(aout_obj *o, const char *aout_name, uint8_t type, uint32_t value)
{
    uint32_t idx = (uint32_t)(o->syms->len / AOUT_NLIST_SIZE);
    buf_w32(o->syms, (uint32_t)o->strs->len);
    buf_w8(o->syms, type);
    buf_w8(o->syms, 0);
    buf_w16(o->syms, 0);
    buf_w32(o->syms, value);
    buf_add(o->strs, aout_name, strlen(aout_name) + 1);
    return idx;
}

void aout_obj_data_reloc(aout_obj *o, uint32_t offset, uint8_t segment)
{
    buf_w32(o->drel, offset);
    /* r_symbolnum (the segment, not extern): 24 bits; r_pcrel 0; r_length 2 (4 bytes); r_extern 0 */
    buf_w32(o->drel, (uint32_t)segment | 2u << 25);
}

void aout_obj_finish(const aout_obj *o, buf *out)
{
    aout_exec x;
    uint8_t h[AOUT_EXEC_SIZE];
    size_t tpad = (4 - o->text->len % 4) % 4, dpad = (4 - o->data->len % 4) % 4;
    memset(&x, 0, sizeof x);
    x.info = AOUT_OMAGIC | AOUT_M_386 << 16;
    x.text = (uint32_t)(o->text->len + tpad);
    x.data = (uint32_t)(o->data->len + dpad);
    x.bss = o->bss;
    x.syms = (uint32_t)o->syms->len;
    x.drsize = (uint32_t)o->drel->len;
    aout_exec_write(h, &x);
    buf_add(out, h, sizeof h);
    buf_add(out, o->text->p, o->text->len);
    buf_zero(out, tpad);
    buf_add(out, o->data->p, o->data->len);
    buf_zero(out, dpad);
    buf_add(out, o->drel->p, o->drel->len);
    buf_add(out, o->syms->p, o->syms->len);
    {
        size_t at = out->len;
        buf_add(out, o->strs->p, o->strs->len);
        wr32le(out->p + at, (uint32_t)o->strs->len);
    }
}

/* The symbol and string tables of an a.out file, checked against its length: 0, -1 when the
 * sizes do not fit the file, -2 when the string table does not. */
typedef struct aout_tabs {
    aout_exec x;
    uint64_t textoff, symoff, stroff, strsize;
    size_t nsyms;
} aout_tabs;

static int aout_tabs_read(const uint8_t *p, size_t len, aout_tabs *t);

/* The message for aout_tabs_read's failure rc. */
static int tabs_error(int rc, const char *path, const aout_tabs *t, size_t len, jerr *e)
{
    if (rc == -2)
        return jerr_set(e, EXIT_BAD, "%s: its a.out string table lies outside the file", path);
    return jerr_set(e, EXIT_BAD, "%s: its a.out sizes (text 0x%x, data 0x%x, symbols 0x%x) do not fit the file's %zu bytes",
                    path, t->x.text, t->x.data, t->x.syms, len);
}

static int aout_tabs_read(const uint8_t *p, size_t len, aout_tabs *t)
{
    uint64_t textoff;
    if (aout_exec_read(p, len, &t->x) != 0)
        return -1;
    textoff = AOUT_MAGIC(&t->x) == AOUT_QMAGIC ? 0 : AOUT_EXEC_SIZE;
    t->textoff = textoff;
    t->symoff = textoff + t->x.text + t->x.data + t->x.trsize + t->x.drsize;
    t->stroff = t->symoff + t->x.syms;
    t->nsyms = t->x.syms / AOUT_NLIST_SIZE;
    if (t->x.syms % AOUT_NLIST_SIZE || !in_bounds(len, 0, t->stroff))
        return -1;
    t->strsize = 0;
    if (t->nsyms) {
        if (!in_bounds(len, t->stroff, 4))
            return -2;
        t->strsize = rd32le(p + t->stroff);
        if (t->strsize < 4 || !in_bounds(len, t->stroff, t->strsize))
            return -2;
    }
    return 0;
}

/* Symbol i's name, or NULL when it does not lie inside the string table. */
static const char *aout_sym_name(const uint8_t *p, const aout_tabs *t, size_t i)
{
    uint32_t strx = rd32le(p + t->symoff + AOUT_NLIST_SIZE * i);
    if (strx < 4 || strx >= t->strsize || !memchr(p + t->stroff + strx, 0, (size_t)(t->strsize - strx)))
        return NULL;
    return (const char *)p + t->stroff + strx;
}

/* The view's symbols from the a.out symbol table: names in the toolkit's spelling (one block
 * the view owns), sections by n_type (set elements by the section they collect from), n_type
 * kept in `other`. External symbols read as global; so do absolute and undefined ones, which
 * the classic stubs wrote without .globl (__GOT_SIZE, the __NEEDS_SHRLIB_ references). -1
 * with e set (and f closed) on a name outside the string table. */
static int view_symbols(elf_file *f, const aout_tabs *t, jerr *e)
{
    const uint8_t *p = f->p;
    buf names = {0};
    size_t *at = xcalloc(t->nsyms + 1, sizeof *at);
    f->syms = xcalloc(t->nsyms + 1, sizeof *f->syms);
    f->nsyms = 1;
    for (size_t i = 0; i < t->nsyms; i++) {
        const uint8_t *nl = p + t->symoff + AOUT_NLIST_SIZE * i;
        uint8_t type = nl[4], kind = type & AOUT_N_TYPE;
        const char *raw = aout_sym_name(p, t, i);
        elf_sym *s = &f->syms[f->nsyms];
        char *name;
        if (!raw) {
            free(at);
            buf_free(&names);
            elf_close(f);
            return jerr_set(e, EXIT_BAD, "%s: a.out symbol %zu has a name outside the string table", f->path, i);
        }
        if (type & AOUT_N_STAB)
            continue;
        name = aout_name_to_elf(raw);
        at[f->nsyms] = names.len;
        buf_add(&names, name, strlen(name) + 1);
        free(name);
        s->value = rd32le(nl + 8);
        s->bind = (type & AOUT_N_EXT) || kind == AOUT_N_ABS || kind == AOUT_N_UNDF ? STB_GLOBAL_ : STB_LOCAL_;
        switch (kind) {
        case AOUT_N_TEXT: case AOUT_N_SETT: s->shndx = 1; break;
        case AOUT_N_DATA: case AOUT_N_SETD: s->shndx = 2; break;
        case AOUT_N_BSS: case AOUT_N_SETB: s->shndx = 3; break;
        case AOUT_N_ABS: case AOUT_N_SETA: s->shndx = SHN_ABS_; break;
        default: s->shndx = (type & AOUT_N_EXT) && s->value ? SHN_COMMON_ : SHN_UNDEF_; break;
        }
        s->other = type;
        f->nsyms++;
    }
    f->names = names.p ? (char *)names.p : xcalloc(1, 1);
    f->syms[0].name = f->names + (names.len ? names.len - 1 : 0); /* "" */
    for (size_t i = 1; i < f->nsyms; i++)
        f->syms[i].name = f->names + at[i];
    free(at);
    return 0;
}

/* The start of a view: f empty over the bytes, the exec header read and of `magic`, i386. */
static int view_begin(elf_file *f, const char *path, const uint8_t *p, size_t len, unsigned magic, aout_exec *x,
                      jerr *e)
{
    const char *what = magic == AOUT_QMAGIC ? "image" : "object";
    memset(f, 0, sizeof *f);
    f->path = path;
    f->p = p;
    f->len = len;
    if (aout_exec_read(p, len, x) != 0 || AOUT_MAGIC(x) != magic)
        return jerr_set(e, EXIT_BAD, "%s: not an a.out %s %s", path, magic == AOUT_QMAGIC ? "QMAGIC" : "OMAGIC", what);
    if (AOUT_MACHINE(x) != AOUT_M_386 && AOUT_MACHINE(x) != 0)
        return jerr_set(e, EXIT_BAD, "%s: an a.out %s for machine %u, not i386", path, what, AOUT_MACHINE(x));
    return 0;
}

int aout_image_open(elf_file *f, const char *path, const uint8_t *p, size_t len, jerr *e)
{
    aout_tabs t;
    uint64_t base;
    int rc;
    if (view_begin(f, path, p, len, AOUT_QMAGIC, &t.x, e) != 0)
        return -1;
    rc = aout_tabs_read(p, len, &t);
    if (t.x.text < AOUT_PAGE || (t.x.text | t.x.data) % AOUT_PAGE) /* QMAGIC: whole pages */
        rc = -1;
    if (rc != 0)
        return tabs_error(rc, path, &t, len, e);
    f->arch = arch_by_name("i386");
    f->type = ET_EXEC_;
    f->entry = t.x.entry;
    base = t.x.entry & ~(uint64_t)(AOUT_PAGE - 1);
    if (image_phdrs(f, &t.x, base, e) != 0) {
        elf_close(f);
        return -1;
    }
    f->secs = xcalloc(4, sizeof *f->secs);
    f->nsecs = 4;
    f->secs[1] = (elf_sec){".text", SHT_PROGBITS_, 0, 0, SHF_ALLOC_ | SHF_EXECINSTR_, base + AOUT_EXEC_SIZE,
                           AOUT_EXEC_SIZE, t.x.text - AOUT_EXEC_SIZE, 4, 0};
    f->secs[2] = (elf_sec){".data", SHT_PROGBITS_, 0, 0, SHF_ALLOC_ | SHF_WRITE_, base + t.x.text, t.x.text,
                           t.x.data, 4, 0};
    f->secs[3] = (elf_sec){".bss", SHT_NOBITS_, 0, 0, SHF_ALLOC_ | SHF_WRITE_, base + t.x.text + t.x.data,
                           (uint64_t)t.x.text + t.x.data, t.x.bss, 4, 0};
    return view_symbols(f, &t, e);
}

size_t aout_object_defined(const uint8_t *p, size_t len, char ***names)
{
    aout_tabs t;
    size_t n = 0;
    *names = NULL;
    if (!aout_is_aout(p, len) || aout_tabs_read(p, len, &t) != 0)
        return 0;
    *names = xcalloc(t.nsyms + 1, sizeof **names);
    for (size_t i = 0; i < t.nsyms; i++) {
        uint8_t type = p[t.symoff + AOUT_NLIST_SIZE * i + 4];
        const char *nm = aout_sym_name(p, &t, i);
        /* set-vector elements (___SHARED_LIBRARIES__, ...) are collected, not defined */
        if (!nm || (type & AOUT_N_STAB) || !(type & AOUT_N_EXT) || (type & AOUT_N_TYPE) == AOUT_N_UNDF ||
            ((type & AOUT_N_TYPE) >= AOUT_N_SETA && (type & AOUT_N_TYPE) <= AOUT_N_SETV))
            continue;
        (*names)[n++] = xstrdup(nm);
    }
    return n;
}

int aout_object_open(elf_file *f, const char *path, const uint8_t *p, size_t len, jerr *e)
{
    aout_tabs t;
    int rc;
    if (view_begin(f, path, p, len, AOUT_OMAGIC, &t.x, e) != 0)
        return -1;
    if ((rc = aout_tabs_read(p, len, &t)) != 0)
        return tabs_error(rc, path, &t, len, e);
    f->arch = arch_by_name("i386");
    f->type = ET_REL_;
    f->secs = xcalloc(4, sizeof *f->secs);
    f->nsecs = 4;
    f->secs[1] = (elf_sec){".text", SHT_PROGBITS_, 0, 0, SHF_ALLOC_ | SHF_EXECINSTR_, 0, AOUT_EXEC_SIZE, t.x.text, 4, 0};
    f->secs[2] = (elf_sec){".data", SHT_PROGBITS_, 0, 0, SHF_ALLOC_ | SHF_WRITE_, t.x.text,
                           AOUT_EXEC_SIZE + (uint64_t)t.x.text, t.x.data, 4, 0};
    f->secs[3] = (elf_sec){".bss", SHT_NOBITS_, 0, 0, SHF_ALLOC_ | SHF_WRITE_, (uint64_t)t.x.text + t.x.data,
                           AOUT_EXEC_SIZE + (uint64_t)t.x.text + t.x.data, t.x.bss, 4, 0};
    return view_symbols(f, &t, e);
}
