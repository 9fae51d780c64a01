/* image: read jump images and stub libraries through the checked ELF and ar readers. */
#include "image.h"
#include "aout.h"
#include "diag.h"
#include "jumpfmt.h"
#include "strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the image ---- */

int jimg_note_parse(const uint8_t *d, size_t len, jimg_note *n, jerr *e)
{
    const uint8_t *nul;
    memset(n, 0, sizeof *n);
    if (len < JUMP_NOTE_FIXED + 1)
        return jerr_set(e, EXIT_USAGE, "the jump note is %zu bytes, shorter than %u", len,
                        JUMP_NOTE_FIXED + 1);
    n->format = rd32le(d + JUMP_NOTE_D_FORMAT);
    if (n->format != JUMP_NOTE_FORMAT)
        return jerr_set(e, EXIT_USAGE, "the jump note has format %u, not %u", n->format,
                        JUMP_NOTE_FORMAT);
    n->vword = rd32le(d + JUMP_NOTE_D_VWORD);
    n->cellsize = rd32le(d + JUMP_NOTE_D_CELLSIZE);
    n->jumpsize = rd32le(d + JUMP_NOTE_D_JUMPSIZE);
    n->gotsize = rd32le(d + JUMP_NOTE_D_GOTSIZE);
    n->origin = rd64le(d + JUMP_NOTE_D_ORIGIN);
    n->got = rd64le(d + JUMP_NOTE_D_GOT);
    n->data = rd64le(d + JUMP_NOTE_D_DATA);
    n->end = rd64le(d + JUMP_NOTE_D_END);
    n->info = rd64le(d + JUMP_NOTE_D_INFO);
    nul = memchr(d + JUMP_NOTE_FIXED, 0, len - JUMP_NOTE_FIXED);
    if (!nul)
        return jerr_set(e, EXIT_USAGE, "the jump note's soname is not NUL-terminated");
    if ((size_t)(nul - (d + JUMP_NOTE_FIXED)) >= sizeof n->soname)
        return jerr_set(e, EXIT_USAGE, "the jump note's soname is longer than %zu bytes",
                        sizeof n->soname - 1);
    memcpy(n->soname, d + JUMP_NOTE_FIXED, (size_t)(nul - (d + JUMP_NOTE_FIXED)) + 1);
    return 0;
}

static int not_image(jimage *im, jerr *e, const char *why)
{
    jerr_set(e, EXIT_USAGE, "%s: not a jump image: %s", im->path, why);
    jimg_close(im);
    return -1;
}

/* A classic a.out image carries no jump note: what it would say, from the image itself. The
 * load address is the page above the one a_entry lies in; the GOT is where the
 * __SHARABLE_CONFLICTS__ element points (its second cell, _GLOBAL_OFFSET_TABLE_), the jump
 * table fills the space below it; the variables start at the lowest exported variable (one with
 * a __GOT__ cell), or the next page without any; the soname is the file's name up to its major
 * version. -1 with e set (the reason, without the path) when the image does not say enough. */
static int classic_note(const jimage *im, jimg_note *n, jerr *e)
{
    const elf_file *f = &im->elf;
    const char *base = strrchr(im->path, '/'), *so;
    uint64_t origin = (f->entry & ~(uint64_t)0xfff) + 0x1000, got = 0, data = UINT64_MAX, end = 0;
    strmap gots = {0};
    uint8_t w[4];
    memset(n, 0, sizeof *n);
    for (size_t i = 1; i < f->nsyms; i++) {
        const elf_sym *y = &f->syms[i];
        if (!strcmp(y->name, "__SHARABLE_CONFLICTS__") && y->value >= 4)
            got = y->value - 4;
        else if (!strncmp(y->name, "__GOT_", 6) && y->name[6])
            strmap_put(&gots, y->name + 6, 1);
    }
    for (size_t i = 1; i < f->nsyms; i++) {
        uintptr_t v;
        if (f->syms[i].bind != STB_LOCAL_ && strmap_get(&gots, f->syms[i].name, &v) && f->syms[i].value < data)
            data = f->syms[i].value;
    }
    strmap_free(&gots);
    if (!got || got <= origin || got - origin > 0x100000)
        return jerr_set(e, EXIT_USAGE, "a classic a.out image whose __SHARABLE_CONFLICTS__ does not lead to "
                                       "a GOT above its jump table");
    if (data == UINT64_MAX)
        data = (got + 8 + 0xfff) & ~(uint64_t)0xfff;
    if (data <= got)
        return jerr_set(e, EXIT_USAGE, "a classic a.out image whose variables lie below its GOT");
    for (size_t i = 0; i < f->nphdrs; i++)
        if (f->phdrs[i].vaddr + f->phdrs[i].memsz > end)
            end = f->phdrs[i].vaddr + f->phdrs[i].memsz;
    if (elf_read_vaddr(f, origin, w, 4) != 0)
        return jerr_set(e, EXIT_USAGE, "no loaded bytes at the origin 0x%llx", (unsigned long long)origin);
    n->format = JUMP_NOTE_FORMAT;
    n->classic = 1;
    n->vword = rd32le(w);
    n->cellsize = 4;
    n->origin = origin;
    n->got = got;
    n->jumpsize = (uint32_t)(got - origin);
    n->gotsize = (uint32_t)(data - got);
    n->data = data;
    n->end = end;
    base = base ? base + 1 : im->path;
    so = strstr(base, ".so.");
    if (!so)
        return jerr_set(e, EXIT_USAGE, "a classic a.out image whose file name does not say its library "
                                       "(name it lib<name>.so.<version>)");
    so += 4;
    snprintf(n->soname, sizeof n->soname, "%.*s%.*s", (int)(so - base), base, (int)strspn(so, "0123456789"), so);
    return 0;
}

int jimg_open(jimage *im, const char *path, jerr *e)
{
    const uint8_t *desc;
    size_t desclen;
    uint8_t w[4];
    uint64_t dataaddr;
    jerr sub;

    memset(im, 0, sizeof *im);
    im->path = path;
    if (blob_read(path, &im->bytes, e) != 0) {
        e->status = EXIT_USAGE;
        return -1;
    }
    if (!elf_is_elf(im->bytes.p, im->bytes.len) && !aout_is_aout(im->bytes.p, im->bytes.len))
        return not_image(im, e, "not an ELF or a.out file");
    /* an a.out image (mkimage -F aout) reads through the same view */
    if (image_view_open(&im->elf, path, im->bytes.p, im->bytes.len, &sub) != 0) {
        jerr_set(e, EXIT_USAGE, "%s", sub.msg);
        blob_free(&im->bytes);
        return -1;
    }
    if (im->elf.type != ET_EXEC_)
        return not_image(im, e, "not an ELF executable");
    if (elf_find_note(&im->elf, JUMP_NOTE_NAME, JUMP_NOTE_TYPE, &desc, &desclen)) {
        if (jimg_note_parse(desc, desclen, &im->note, &sub) != 0)
            return not_image(im, e, sub.msg);
    } else if (!aout_is_aout(im->bytes.p, im->bytes.len)) {
        return not_image(im, e, "no JUMP note (was it made by mkimage?)");
    } else if (classic_note(im, &im->note, &sub) != 0) { /* a period a.out image */
        return not_image(im, e, sub.msg);
    }
    if (im->note.cellsize != im->elf.arch->ptrsize) {
        snprintf(sub.msg, sizeof sub.msg, "the note's cell size %u is not the %s pointer size %u",
                 im->note.cellsize, im->elf.arch->name, im->elf.arch->ptrsize);
        return not_image(im, e, sub.msg);
    }
    /* With -d the GOT ends at the data origin; without, it follows the jump table, and the
     * data starts on the first page after it unless the image is split (-w). */
    dataaddr = im->note.got == im->note.origin + im->note.jumpsize ? 0 : im->note.data;
    if (layout_init(&im->l, im->note.origin, im->note.jumpsize, im->note.gotsize, dataaddr,
                    im->note.cellsize, im->elf.arch->min_origin, &sub) != 0 ||
        (!dataaddr && im->note.data != im->l.data && layout_split(&im->l, im->note.data, &sub) != 0))
        return not_image(im, e, sub.msg);
    if (im->l.got != im->note.got || im->l.data != im->note.data) {
        snprintf(sub.msg, sizeof sub.msg,
                 "the note puts the GOT at 0x%llx and the data at 0x%llx, but its sizes put "
                 "them at 0x%llx and 0x%llx",
                 (unsigned long long)im->note.got, (unsigned long long)im->note.data,
                 (unsigned long long)im->l.got, (unsigned long long)im->l.data);
        return not_image(im, e, sub.msg);
    }
    if (elf_read_vaddr(&im->elf, im->note.origin, w, 4) != 0) {
        snprintf(sub.msg, sizeof sub.msg, "no loaded bytes at the origin 0x%llx",
                 (unsigned long long)im->note.origin);
        return not_image(im, e, sub.msg);
    }
    im->word0 = rd32le(w);
    return 0;
}

uint64_t jimg_text_end(const jimage *im)
{
    uint64_t end = im->l.origin;
    if (!im->l.split)
        return im->note.end;
    for (size_t i = 0; i < im->elf.nphdrs; i++) {
        const elf_phdr *p = &im->elf.phdrs[i];
        if (p->type == PT_LOAD_ && p->vaddr < im->l.data && p->vaddr + p->memsz > end)
            end = p->vaddr + p->memsz;
    }
    return end;
}

void jimg_close(jimage *im)
{
    elf_close(&im->elf);
    blob_free(&im->bytes);
}

enum jslot_kind jimg_slot_decode(const uint8_t s[8], uint64_t addr, unsigned cellsize,
                                 uint64_t *target)
{
    if (s[0] == 0xe9) {
        for (int i = 5; i < 8; i++)
            if (s[i] != 0x90 && s[i] != 0xcc)
                return JSLOT_OTHER;
        /* rel32 is relative to the end of the 5-byte instruction; sign-extend it. */
        uint32_t rel = rd32le(s + 1);
        uint64_t t = addr + 5 + (uint64_t)(int64_t)(int32_t)rel;
        if (cellsize == 4)
            t &= 0xffffffffu;
        *target = t;
        return JSLOT_JUMP;
    }
    /* A withdrawn slot: a call to the loader's handler and int3 fill (ud2 and int3 fill in
     * images of earlier toolkits). */
    if (s[0] == 0xe8 && s[5] == 0xcc && s[6] == 0xcc && s[7] == 0xcc)
        return JSLOT_TRAP;
    if (s[0] == 0x0f && s[1] == 0x0b) {
        for (int i = 2; i < 8; i++)
            if (s[i] != 0xcc)
                return JSLOT_OTHER;
        return JSLOT_TRAP;
    }
    return JSLOT_OTHER;
}

unsigned long jimg_slot_index(const layout *l, uint64_t a)
{
    unsigned long k;
    if (a < l->origin || (a - l->origin) % 8)
        return 0;
    if ((a - l->origin) / 8 > layout_max_slots(l))
        return 0;
    k = (unsigned long)((a - l->origin) / 8);
    return k >= 1 && layout_slot(l, k) == a ? k : 0;
}

unsigned long jimg_cell_index(const layout *l, uint64_t a)
{
    unsigned long n;
    if (a < l->got || (a - l->got) % l->cellsize)
        return 0;
    if ((a - l->got) / l->cellsize >= layout_max_cells(l))
        return 0;
    n = (unsigned long)((a - l->got) / l->cellsize);
    return n >= 2 && layout_cell(l, n) == a ? n : 0;
}

/* ---- the stub ---- */

static int bad_stub(jstub *s, jerr *e)
{
    e->status = EXIT_USAGE;
    jstub_close(s);
    return -1;
}

const char *jstub_abs_name(const char *sym)
{
    size_t n = strlen(JUMP_ADDR_PREFIX);
    return !strncmp(sym, JUMP_ADDR_PREFIX, n) && sym[n] ? sym + n : sym;
}

/* The descriptor's ___SHARED_LIBRARIES__ set element (a.out stubs), or NULL. */
static const elf_sym *aout_record_symbol(const elf_file *f)
{
    for (size_t k = 1; k < f->nsyms; k++)
        if ((f->syms[k].other & AOUT_N_TYPE) == AOUT_N_SETD && !strcmp(f->syms[k].name, "__SHARED_LIBRARIES__"))
            return &f->syms[k];
    return NULL;
}

/* a.out has no symbol types: a member's absolute name is a function when the descriptor
 * gives it a __PLT_ slot, else a variable (as the stubs' readers tell them apart). */
static void aout_types(jstub *s)
{
    const elf_file *d = &s->elf[s->desc];
    strmap plt = {0};
    for (size_t k = 1; k < d->nsyms; k++)
        if (d->syms[k].shndx == SHN_ABS_ && !strncmp(d->syms[k].name, "__PLT_", 6))
            strmap_put(&plt, d->syms[k].name + 6, 1);
    for (size_t i = 0; i < s->ar.n; i++) {
        if (i == s->desc)
            continue;
        for (size_t k = 1; k < s->elf[i].nsyms; k++) {
            elf_sym *y = &s->elf[i].syms[k];
            uintptr_t v;
            if (y->shndx == SHN_ABS_)
                y->type = strmap_get(&plt, y->name, &v) ? STT_FUNC_ : STT_OBJECT_;
        }
    }
    strmap_free(&plt);
}

int jstub_open(jstub *s, const char *path, jerr *e)
{
    const char *base = strrchr(path, '/');
    size_t n;
    jerr sub;

    memset(s, 0, sizeof *s);
    s->path = path;
    s->desc = (size_t)-1;
    base = base ? base + 1 : path;
    n = strlen(base);
    s->root = n > 3 && !strcmp(base + n - 3, ".sa") ? xstrndup(base, n - 3) : xstrdup(base);
    if (blob_read(path, &s->bytes, e) != 0)
        return bad_stub(s, e);
    if (!ar_is_archive(s->bytes.p, s->bytes.len)) {
        jerr_set(e, EXIT_USAGE, "%s: not a stub library (not an ar archive)", path);
        return bad_stub(s, e);
    }
    if (ar_open(&s->ar, path, s->bytes.p, s->bytes.len, &sub) != 0) {
        jerr_set(e, EXIT_USAGE, "%s", sub.msg);
        return bad_stub(s, e);
    }
    s->elf = xcalloc(s->ar.n ? s->ar.n : 1, sizeof *s->elf);
    s->label = xcalloc(s->ar.n ? s->ar.n : 1, sizeof *s->label);
    s->aout = s->ar.n && aout_is_aout(s->ar.m[0].data, s->ar.m[0].size);
    for (size_t i = 0; i < s->ar.n; i++) {
        const ar_member *m = &s->ar.m[i];
        if (s->aout ? !aout_is_aout(m->data, m->size) : !elf_is_elf(m->data, m->size)) {
            jerr_set(e, EXIT_USAGE, "%s(%s): not a stub library: the member is not an %s object",
                     path, m->name, s->aout ? "a.out" : "ELF");
            return bad_stub(s, e);
        }
        s->label[i] = xasprintf("%s(%s)", path, m->name);
        if ((s->aout ? aout_object_open(&s->elf[i], s->label[i], m->data, m->size, &sub)
                     : elf_open(&s->elf[i], s->label[i], m->data, m->size, &sub)) != 0) {
            jerr_set(e, EXIT_USAGE, "%s", sub.msg);
            return bad_stub(s, e);
        }
        if (s->elf[i].type != ET_REL_) {
            jerr_set(e, EXIT_USAGE, "%s(%s): not a stub library: the member is not a relocatable object",
                     path, m->name);
            return bad_stub(s, e);
        }
        if (s->arch && s->elf[i].arch != s->arch) {
            jerr_set(e, EXIT_USAGE, "%s(%s): the member is %s, the others %s", path, m->name,
                     s->elf[i].arch->name, s->arch->name);
            return bad_stub(s, e);
        }
        s->arch = s->elf[i].arch;
        if (s->aout) {
            if (s->desc == (size_t)-1 && aout_record_symbol(&s->elf[i]))
                s->desc = i;
            continue;
        }
        for (size_t k = 1; k < s->elf[i].nsyms; k++)
            if (s->elf[i].syms[k].shndx == SHN_ABS_)
                s->elf[i].syms[k].name = jstub_abs_name(s->elf[i].syms[k].name);
        if (s->desc == (size_t)-1 && elf_section(&s->elf[i], JUMP_REC_SECTION))
            s->desc = i;
    }
    if (s->desc == (size_t)-1) {
        jerr_set(e, EXIT_USAGE, "%s: not a stub library (no member holds a %s record)", path,
                 s->aout ? "___SHARED_LIBRARIES__" : JUMP_REC_SECTION);
        return bad_stub(s, e);
    }
    if (s->aout)
        aout_types(s);
    return 0;
}

void jstub_close(jstub *s)
{
    if (s->elf)
        for (size_t i = 0; i < s->ar.n; i++)
            elf_close(&s->elf[i]);
    free(s->elf);
    s->elf = NULL;
    if (s->label)
        for (size_t i = 0; i < s->ar.n; i++)
            free(s->label[i]);
    free(s->label);
    s->label = NULL;
    if (s->ar.m || s->ar.n)
        ar_close(&s->ar);
    memset(&s->ar, 0, sizeof s->ar);
    blob_free(&s->bytes);
    free(s->root);
    s->root = NULL;
}

/* The string a record word points at: the relocation at that word names a symbol in some
 * section; the string is at symbol value + addend in that section's bytes. */
static int rec_string(const elf_file *f, const elf_rel *rels, size_t nrels, uint64_t off,
                      const char **out, const char *what, jerr *e)
{
    *out = NULL;
    for (size_t i = 0; i < nrels; i++) {
        const elf_sym *y;
        const elf_sec *sec;
        const uint8_t *data;
        uint64_t at;
        if (rels[i].offset != off)
            continue;
        if (rels[i].sym >= f->nsyms)
            return jerr_set(e, EXIT_USAGE, "the record's %s refers to symbol %u, out of range",
                            what, rels[i].sym);
        y = &f->syms[rels[i].sym];
        if (y->shndx == SHN_UNDEF_ || y->shndx >= f->nsecs)
            return jerr_set(e, EXIT_USAGE, "the record's %s refers to '%s', not defined in the member",
                            what, y->name);
        sec = &f->secs[y->shndx];
        data = elf_section_data(f, sec);
        at = y->value + (uint64_t)rels[i].addend;
        if (!data || at >= sec->size || !memchr(data + at, 0, (size_t)(sec->size - at)))
            return jerr_set(e, EXIT_USAGE, "the record's %s does not point at a NUL-terminated string",
                            what);
        *out = (const char *)data + at;
        return 0;
    }
    return 0;
}

/* An a.out stub's record: the four words at its ___SHARED_LIBRARIES__ element, the two
 * strings in the member's text (the classic record has no magic: the stub's form says it). */
static int aout_record(const jstub *s, jrec *r, jerr *e)
{
    const elf_file *f = &s->elf[s->desc];
    const elf_sym *y = aout_record_symbol(f);
    const elf_sec *text = &f->secs[1], *data = &f->secs[2];
    const uint8_t *d = elf_section_data(f, data), *t = elf_section_data(f, text);
    const char *str[2];
    uint64_t at = y->value - data->addr;
    memset(r, 0, sizeof *r);
    if (y->value < data->addr || !d || !in_bounds(data->size, at, 16))
        return jerr_set(e, EXIT_USAGE, "%s(%s): the ___SHARED_LIBRARIES__ element does not point at a "
                                       "record in the data", s->path, s->ar.m[s->desc].name);
    for (int i = 0; i < 2; i++) {
        uint32_t p = rd32le(d + at + 4 * (size_t)i);
        if (!t || p >= text->size || !memchr(t + p, 0, (size_t)(text->size - p)))
            return jerr_set(e, EXIT_USAGE, "%s(%s): the record's %s does not point at a string in the text",
                            s->path, s->ar.m[s->desc].name, i ? "description" : "path");
        str[i] = (const char *)t + p;
    }
    r->magic = JUMP_REC_MAGIC;
    r->format = JUMP_REC_FORMAT;
    /* the classic record names the image by its installed path: the soname is its last part */
    r->soname = strrchr(str[0], '/') ? strrchr(str[0], '/') + 1 : str[0];
    r->desc = str[1];
    r->origin = rd32le(d + at + 8);
    r->version = rd32le(d + at + 12);
    return 0;
}

int jstub_record(const jstub *s, jrec *r, jerr *e)
{
    if (s->aout)
        return aout_record(s, r, e);
    const elf_file *f = &s->elf[s->desc];
    const elf_sec *sec = elf_section(f, JUMP_REC_SECTION);
    unsigned w = f->arch->ptrsize;
    const uint8_t *d = elf_section_data(f, sec);
    elf_rel *rels = NULL;
    size_t nrels = 0;
    jerr sub;
    int rc = -1;

    memset(r, 0, sizeof *r);
    if (!d || sec->size < (uint64_t)JR_NWORDS * w) {
        jerr_set(e, EXIT_USAGE, "%s(%s): the %s section is shorter than one record", s->path,
                 s->ar.m[s->desc].name, JUMP_REC_SECTION);
        return -1;
    }
#define WORD(i) (w == 8 ? rd64le(d + (size_t)(i) * 8) : rd32le(d + (size_t)(i) * 4))
    r->magic = WORD(JR_MAGIC);
    r->format = WORD(JR_FORMAT);
    r->origin = WORD(JR_ORIGIN);
    r->version = WORD(JR_VERSION);
#undef WORD
    if (elf_relocs(f, (size_t)(sec - f->secs), &rels, &nrels, &sub) != 0 ||
        rec_string(f, rels, nrels, (uint64_t)JR_SONAME * w, &r->soname, "soname", &sub) != 0 ||
        rec_string(f, rels, nrels, (uint64_t)JR_DESC * w, &r->desc, "description", &sub) != 0 ||
        rec_string(f, rels, nrels, (uint64_t)JR_DIR * w, &r->dir, "directory", &sub) != 0) {
        jerr_set(e, EXIT_USAGE, "%s(%s): %s", s->path, s->ar.m[s->desc].name, sub.msg);
        goto out;
    }
    rc = 0;
out:
    free(rels);
    return rc;
}
