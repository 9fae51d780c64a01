/* elf: ELF32/ELF64 little-endian reader (every header field checked against the file length,
 * one check and one message per field) and a writer for relocatable objects (ET_REL) that
 * mkstubs and the tests use instead of running as(1). */
#include "elf.h"
#include "buf.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

enum { SHN_LORESERVE_ = 0xff00, SHN_XINDEX_ = 0xffff, SHF_INFO_LINK_ = 0x40 };

int elf_is_elf(const uint8_t *p, size_t len)
{
    return len >= 4 && p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F';
}

/* Field readers for either class: `w` is the width of an address-sized field. */
static uint64_t rdw(const uint8_t *p, int is64) { return is64 ? rd64le(p) : rd32le(p); }

/* The name at `off` in a string table section: NULL unless inside it and NUL-terminated. */
static const char *strtab_name(const uint8_t *tab, uint64_t size, uint64_t off)
{
    if (off >= size)
        return NULL;
    if (!memchr(tab + off, 0, size - off))
        return NULL;
    return (const char *)tab + off;
}

static int read_shdrs(elf_file *f, int is64, uint64_t shoff, uint64_t shnum, unsigned shstrndx, jerr *e)
{
    unsigned esz = is64 ? 64 : 40;
    const char *path = f->path;
    f->secs = xcalloc(shnum ? shnum : 1, sizeof *f->secs);
    f->nsecs = shnum;
    for (uint64_t i = 0; i < shnum; i++) {
        const uint8_t *h = f->p + shoff + i * esz;
        elf_sec *s = &f->secs[i];
        uint32_t name = rd32le(h);
        s->type = rd32le(h + 4);
        if (is64) {
            s->flags = rd64le(h + 8);
            s->addr = rd64le(h + 16);
            s->offset = rd64le(h + 24);
            s->size = rd64le(h + 32);
            s->link = rd32le(h + 40);
            s->info = rd32le(h + 44);
            s->align = rd64le(h + 48);
            s->entsize = rd64le(h + 56);
        } else {
            s->flags = rd32le(h + 8);
            s->addr = rd32le(h + 12);
            s->offset = rd32le(h + 16);
            s->size = rd32le(h + 20);
            s->link = rd32le(h + 24);
            s->info = rd32le(h + 28);
            s->align = rd32le(h + 32);
            s->entsize = rd32le(h + 36);
        }
        s->name = (const char *)(uintptr_t)name; /* resolved below, once shstrtab is known */
        if (i > 0 && s->type != SHT_NOBITS_ && s->type != SHT_NULL_ &&
            !in_bounds(f->len, s->offset, s->size))
            return jerr_set(e, EXIT_BAD,
                            "%s: section %llu (offset 0x%llx, size 0x%llx) lies outside the file (0x%zx bytes)",
                            path, (unsigned long long)i, (unsigned long long)s->offset,
                            (unsigned long long)s->size, f->len);
        if (s->link >= shnum && s->type != SHT_NULL_ && i > 0 &&
            (s->type == SHT_SYMTAB_ || s->type == SHT_DYNSYM_ || s->type == SHT_REL_ ||
             s->type == SHT_RELA_))
            return jerr_set(e, EXIT_BAD, "%s: section %llu links to section %u, which does not exist",
                            path, (unsigned long long)i, s->link);
    }
    if (!shnum)
        return 0;
    if (shstrndx >= shnum)
        return jerr_set(e, EXIT_BAD,
                        "%s: section name string table index %u is out of range (%llu sections)",
                        path, shstrndx, (unsigned long long)shnum);
    const elf_sec *st = &f->secs[shstrndx];
    if (shstrndx != 0 && st->type != SHT_STRTAB_)
        return jerr_set(e, EXIT_BAD, "%s: section name string table (section %u) has type %u, not SHT_STRTAB",
                        path, shstrndx, st->type);
    for (uint64_t i = 0; i < shnum; i++) {
        uint64_t off = (uint64_t)(uintptr_t)f->secs[i].name;
        const char *n;
        if (shstrndx == 0) {
            f->secs[i].name = "";
            continue;
        }
        n = strtab_name(f->p + st->offset, st->size, off);
        if (!n) {
            if (off >= st->size)
                return jerr_set(e, EXIT_BAD,
                                "%s: section %llu name offset 0x%llx is outside the section name string table (0x%llx bytes)",
                                path, (unsigned long long)i, (unsigned long long)off,
                                (unsigned long long)st->size);
            return jerr_set(e, EXIT_BAD, "%s: section %llu name is not NUL-terminated", path,
                            (unsigned long long)i);
        }
        f->secs[i].name = n;
    }
    return 0;
}

static int read_phdrs(elf_file *f, int is64, uint64_t phoff, uint64_t phnum, jerr *e)
{
    unsigned esz = is64 ? 56 : 32;
    f->phdrs = xcalloc(phnum ? phnum : 1, sizeof *f->phdrs);
    f->nphdrs = phnum;
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *h = f->p + phoff + i * esz;
        elf_phdr *ph = &f->phdrs[i];
        ph->type = rd32le(h);
        if (is64) {
            ph->flags = rd32le(h + 4);
            ph->offset = rd64le(h + 8);
            ph->vaddr = rd64le(h + 16);
            ph->filesz = rd64le(h + 32);
            ph->memsz = rd64le(h + 40);
            ph->align = rd64le(h + 48);
        } else {
            ph->offset = rd32le(h + 4);
            ph->vaddr = rd32le(h + 8);
            ph->filesz = rd32le(h + 16);
            ph->memsz = rd32le(h + 20);
            ph->flags = rd32le(h + 24);
            ph->align = rd32le(h + 28);
        }
        if (!in_bounds(f->len, ph->offset, ph->filesz))
            return jerr_set(e, EXIT_BAD,
                            "%s: segment %llu (offset 0x%llx, file size 0x%llx) lies outside the file (0x%zx bytes)",
                            f->path, (unsigned long long)i, (unsigned long long)ph->offset,
                            (unsigned long long)ph->filesz, f->len);
        if (ph->type == PT_LOAD_ && ph->filesz > ph->memsz)
            return jerr_set(e, EXIT_BAD, "%s: segment %llu file size 0x%llx exceeds its memory size 0x%llx",
                            f->path, (unsigned long long)i, (unsigned long long)ph->filesz,
                            (unsigned long long)ph->memsz);
    }
    return 0;
}

static int read_syms(elf_file *f, int is64, jerr *e)
{
    size_t si = 0;
    unsigned esz = is64 ? 24 : 16;
    for (size_t i = 1; i < f->nsecs && !si; i++)
        if (f->secs[i].type == SHT_SYMTAB_)
            si = i;
    for (size_t i = 1; i < f->nsecs && !si; i++)
        if (f->secs[i].type == SHT_DYNSYM_)
            si = i;
    if (!si)
        return 0;
    const elf_sec *s = &f->secs[si];
    if (s->entsize != esz)
        return jerr_set(e, EXIT_BAD, "%s: symbol table (section %zu) entry size %llu is not %u", f->path,
                        si, (unsigned long long)s->entsize, esz);
    if (s->size % esz)
        return jerr_set(e, EXIT_BAD, "%s: symbol table (section %zu) size 0x%llx is not a multiple of %u",
                        f->path, si, (unsigned long long)s->size, esz);
    if (s->link == 0 || f->secs[s->link].type != SHT_STRTAB_)
        return jerr_set(e, EXIT_BAD, "%s: symbol table (section %zu) string table link %u is not a string table",
                        f->path, si, s->link);
    const elf_sec *st = &f->secs[s->link];
    const uint8_t *tab = f->p + st->offset;
    size_t n = (size_t)(s->size / esz);
    f->syms = xcalloc(n ? n : 1, sizeof *f->syms);
    f->nsyms = n;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *h = f->p + s->offset + i * esz;
        elf_sym *y = &f->syms[i];
        uint32_t name = rd32le(h);
        uint8_t info;
        if (is64) {
            info = h[4];
            y->other = h[5];
            y->shndx = rd16le(h + 6);
            y->value = rd64le(h + 8);
            y->size = rd64le(h + 16);
        } else {
            y->value = rd32le(h + 4);
            y->size = rd32le(h + 8);
            info = h[12];
            y->other = h[13];
            y->shndx = rd16le(h + 14);
        }
        y->bind = info >> 4;
        y->type = info & 0xf;
        y->name = strtab_name(tab, st->size, name);
        if (!y->name) {
            if (name >= st->size)
                return jerr_set(e, EXIT_BAD,
                                "%s: symbol %zu name offset 0x%x is outside the string table (0x%llx bytes)",
                                f->path, i, name, (unsigned long long)st->size);
            return jerr_set(e, EXIT_BAD, "%s: symbol %zu name is not NUL-terminated", f->path, i);
        }
        if (y->shndx == SHN_XINDEX_)
            return jerr_set(e, EXIT_BAD, "%s: symbol %zu '%s' uses an extended section index (unsupported)",
                            f->path, i, y->name);
        if (y->shndx < SHN_LORESERVE_ && y->shndx >= f->nsecs)
            return jerr_set(e, EXIT_BAD, "%s: symbol %zu '%s' has section index %u, out of range (%zu sections)",
                            f->path, i, y->name, y->shndx, f->nsecs);
    }
    return 0;
}

int elf_open(elf_file *f, const char *path, const uint8_t *p, size_t len, jerr *e)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->p = p;
    f->len = len;
    if (!elf_is_elf(p, len))
        return jerr_set(e, EXIT_BAD, "%s: not an ELF file", path);
    if (len < 16)
        return jerr_set(e, EXIT_BAD, "%s: truncated ELF header (%zu bytes)", path, len);
    if (p[4] != 1 && p[4] != 2)
        return jerr_set(e, EXIT_BAD, "%s: unknown ELF class %u", path, p[4]);
    if (p[5] != 1)
        return jerr_set(e, EXIT_BAD, "%s: ELF data encoding %u is not little-endian", path, p[5]);
    if (p[6] != 1)
        return jerr_set(e, EXIT_BAD, "%s: ELF identification version %u is not 1", path, p[6]);
    int is64 = p[4] == 2;
    size_t ehsize = is64 ? 64 : 52;
    if (len < ehsize)
        return jerr_set(e, EXIT_BAD, "%s: truncated ELF header (%zu bytes, need %zu)", path, len, ehsize);
    uint16_t machine = rd16le(p + 18);
    f->type = rd16le(p + 16);
    f->arch = arch_by_elf(p[4], machine);
    if (!f->arch) {
        if (machine == 3 || machine == 62)
            return jerr_set(e, EXIT_BAD, "%s: machine %u does not match ELF class %u", path, machine, p[4]);
        return jerr_set(e, EXIT_BAD, "%s: unsupported machine %u (only EM_386 = 3 and EM_X86_64 = 62)",
                        path, machine);
    }
    if (rd32le(p + 20) != 1)
        return jerr_set(e, EXIT_BAD, "%s: ELF version %u is not 1", path, rd32le(p + 20));
    if (f->type != ET_REL_ && f->type != ET_EXEC_ && f->type != ET_DYN_)
        return jerr_set(e, EXIT_BAD, "%s: unsupported ELF file type %u", path, f->type);
    f->entry = rdw(p + 24, is64);
    uint64_t phoff = rdw(p + (is64 ? 32 : 28), is64);
    uint64_t shoff = rdw(p + (is64 ? 40 : 32), is64);
    const uint8_t *q = p + (is64 ? 52 : 40); /* e_ehsize and after */
    unsigned phentsize = rd16le(q + 2), phnum = rd16le(q + 4);
    unsigned shentsize = rd16le(q + 6);
    uint64_t shnum = rd16le(q + 8);
    unsigned shstrndx = rd16le(q + 10);
    unsigned want_sh = is64 ? 64 : 40, want_ph = is64 ? 56 : 32;

    if (shoff) {
        if (shentsize != want_sh)
            return jerr_set(e, EXIT_BAD, "%s: section header size %u is not %u", path, shentsize, want_sh);
        /* Extended numbering: the real counts live in section 0. */
        if ((shnum == 0 || shstrndx == SHN_XINDEX_) && !in_bounds(len, shoff, want_sh))
            return jerr_set(e, EXIT_BAD, "%s: section header table (offset 0x%llx) lies outside the file",
                            path, (unsigned long long)shoff);
        if (shnum == 0)
            shnum = is64 ? rd64le(p + shoff + 32) : rd32le(p + shoff + 20);
        if (shstrndx == SHN_XINDEX_)
            shstrndx = rd32le(p + shoff + (is64 ? 40 : 24));
        if (shnum > len / want_sh || !in_bounds(len, shoff, shnum * want_sh))
            return jerr_set(e, EXIT_BAD,
                            "%s: section header table (offset 0x%llx, %llu entries) lies outside the file (0x%zx bytes)",
                            path, (unsigned long long)shoff, (unsigned long long)shnum, len);
    } else {
        shnum = 0;
    }
    if (phoff && phnum) {
        if (phentsize != want_ph)
            return jerr_set(e, EXIT_BAD, "%s: program header size %u is not %u", path, phentsize, want_ph);
        if (!in_bounds(len, phoff, (uint64_t)phnum * want_ph))
            return jerr_set(e, EXIT_BAD,
                            "%s: program header table (offset 0x%llx, %u entries) lies outside the file (0x%zx bytes)",
                            path, (unsigned long long)phoff, phnum, len);
    } else {
        phnum = 0;
    }
    if (read_shdrs(f, is64, shoff, shnum, shstrndx, e) < 0 || read_phdrs(f, is64, phoff, phnum, e) < 0 ||
        read_syms(f, is64, e) < 0) {
        elf_close(f);
        return -1;
    }
    return 0;
}

int elf_open_file(elf_file *f, blob *bl, const char *path, jerr *e)
{
    if (blob_read(path, bl, e) != 0)
        return -1;
    if (elf_open(f, path, bl->p, bl->len, e) != 0) {
        blob_free(bl);
        return -1;
    }
    return 0;
}

void elf_close_file(elf_file *f, blob *bl)
{
    elf_close(f);
    blob_free(bl);
}

void elf_close(elf_file *f)
{
    free(f->names);
    f->names = NULL;
    free(f->secs);
    free(f->phdrs);
    free(f->syms);
    f->secs = NULL;
    f->phdrs = NULL;
    f->syms = NULL;
    f->nsecs = f->nphdrs = f->nsyms = 0;
}

const elf_sec *elf_section(const elf_file *f, const char *name)
{
    for (size_t i = 1; i < f->nsecs; i++)
        if (!strcmp(f->secs[i].name, name))
            return &f->secs[i];
    return NULL;
}

size_t elf_symbol(const elf_file *f, const char *name)
{
    size_t any = 0;
    for (size_t i = 1; i < f->nsyms; i++) {
        if (strcmp(f->syms[i].name, name))
            continue;
        if (f->syms[i].shndx != SHN_UNDEF_)
            return i;
        if (!any)
            any = i;
    }
    return any;
}

const uint8_t *elf_section_data(const elf_file *f, const elf_sec *s)
{
    if (!s || s->type == SHT_NOBITS_ || s->type == SHT_NULL_ || !in_bounds(f->len, s->offset, s->size))
        return NULL;
    return f->p + s->offset;
}

int elf_read_vaddr(const elf_file *f, uint64_t vaddr, void *out, size_t n)
{
    for (size_t i = 0; i < f->nphdrs; i++) {
        const elf_phdr *ph = &f->phdrs[i];
        uint64_t off;
        if (ph->type != PT_LOAD_ || vaddr < ph->vaddr)
            continue;
        off = vaddr - ph->vaddr;
        if (!in_bounds(ph->memsz, off, n))
            continue;
        /* Bytes [off, off+n) of the segment: the first part from the file, the rest zero. */
        size_t infile = off >= ph->filesz ? 0 : (size_t)(ph->filesz - off < n ? ph->filesz - off : n);
        if (infile)
            memcpy(out, f->p + ph->offset + off, infile);
        memset((uint8_t *)out + infile, 0, n - infile);
        return 0;
    }
    return -1;
}

int elf_file_offset(const elf_file *f, uint64_t vaddr, size_t n, uint64_t *off)
{
    for (size_t i = 0; i < f->nphdrs; i++) {
        const elf_phdr *ph = &f->phdrs[i];
        if (ph->type == PT_LOAD_ && vaddr >= ph->vaddr && in_bounds(ph->filesz, vaddr - ph->vaddr, n) &&
            in_bounds(f->len, ph->offset + (vaddr - ph->vaddr), n)) {
            *off = ph->offset + (vaddr - ph->vaddr);
            return 0;
        }
    }
    return -1;
}

char *elf_read_cstr(const elf_file *f, uint64_t vaddr)
{
    buf b = {0};
    for (size_t i = 0; i < 4096; i++) {
        char c;
        if (elf_read_vaddr(f, vaddr + i, &c, 1) != 0)
            break;
        if (!c)
            return buf_cstr(&b);
        buf_addc(&b, c);
    }
    buf_free(&b);
    return NULL;
}

/* Walk the notes in [p, p+len) with entries padded to `al` (4, or 8 for 8-aligned notes). */
static int scan_notes(const uint8_t *p, uint64_t len, uint64_t al, const char *owner, uint32_t type,
                      const uint8_t **desc, size_t *desclen)
{
    uint64_t off = 0, olen = strlen(owner) + 1;
    if (al != 8)
        al = 4;
    while (in_bounds(len, off, 12)) {
        uint64_t namesz = rd32le(p + off), descsz = rd32le(p + off + 4);
        uint32_t t = rd32le(p + off + 8);
        uint64_t name_off = off + 12;
        uint64_t desc_off = name_off + ((namesz + al - 1) & ~(al - 1));
        if (!in_bounds(len, name_off, namesz) || !in_bounds(len, desc_off, descsz))
            return 0;
        if (t == type && namesz == olen && !memcmp(p + name_off, owner, olen)) {
            *desc = p + desc_off;
            *desclen = (size_t)descsz;
            return 1;
        }
        off = desc_off + ((descsz + al - 1) & ~(al - 1));
    }
    return 0;
}

int elf_find_note(const elf_file *f, const char *owner, uint32_t type, const uint8_t **desc,
                  size_t *desclen)
{
    for (size_t i = 1; i < f->nsecs; i++) {
        const elf_sec *s = &f->secs[i];
        if (s->type == SHT_NOTE_ && scan_notes(f->p + s->offset, s->size, s->align, owner, type, desc, desclen))
            return 1;
    }
    for (size_t i = 0; i < f->nphdrs; i++) {
        const elf_phdr *ph = &f->phdrs[i];
        if (ph->type == PT_NOTE_ &&
            scan_notes(f->p + ph->offset, ph->filesz, ph->align, owner, type, desc, desclen))
            return 1;
    }
    return 0;
}

/* Width of the field a REL relocation patches, for reading its implicit addend. */
static unsigned rel_width(const arch *a, uint32_t type)
{
    if (a->elfclass == 2 && (type == 1 /* R_X86_64_64 */ || type == 24 /* PC64 */))
        return 8;
    return 4;
}

int elf_relocs(const elf_file *f, size_t sec, elf_rel **out, size_t *n, jerr *e)
{
    int is64 = f->arch->elfclass == 2;
    size_t cnt = 0, cap = 0;
    elf_rel *v = NULL;
    *out = NULL;
    *n = 0;
    if (sec == 0 || sec >= f->nsecs)
        return 0;
    const elf_sec *target = &f->secs[sec];
    for (size_t i = 1; i < f->nsecs; i++) {
        const elf_sec *s = &f->secs[i];
        int rela = s->type == SHT_RELA_;
        if ((s->type != SHT_REL_ && !rela) || s->info != sec)
            continue;
        unsigned esz = is64 ? (rela ? 24 : 16) : (rela ? 12 : 8);
        if (s->entsize != esz || s->size % esz) {
            free(v);
            return jerr_set(e, EXIT_BAD, "%s: relocation section %zu (%s) entry size %llu or size 0x%llx is wrong (want entries of %u)",
                            f->path, i, s->name, (unsigned long long)s->entsize,
                            (unsigned long long)s->size, esz);
        }
        const uint8_t *data = f->p + s->offset;
        /* Symbol indices refer to the table this section links to; that must be ours. */
        int ours = s->link != 0 && f->nsyms && (f->secs[s->link].type == SHT_SYMTAB_ ||
                                                f->secs[s->link].type == SHT_DYNSYM_);
        for (uint64_t k = 0; k < s->size / esz; k++) {
            const uint8_t *r = data + k * esz;
            elf_rel x;
            uint64_t info;
            x.offset = rdw(r, is64);
            info = rdw(r + (is64 ? 8 : 4), is64);
            x.sym = is64 ? (uint32_t)(info >> 32) : (uint32_t)(info >> 8);
            x.type = is64 ? (uint32_t)info : (uint32_t)(info & 0xff);
            if (x.sym && (!ours || x.sym >= f->nsyms)) {
                free(v);
                return jerr_set(e, EXIT_BAD, "%s: relocation %llu in section %zu (%s) names symbol %u, out of range",
                                f->path, (unsigned long long)k, i, s->name, x.sym);
            }
            if (rela) {
                x.addend = is64 ? (int64_t)rd64le(r + 16) : (int32_t)rd32le(r + 8);
            } else {
                unsigned w = rel_width(f->arch, x.type);
                const uint8_t *d = elf_section_data(f, target);
                x.addend = 0;
                if (f->type != ET_REL_) /* offsets are addresses there, not section offsets */
                    d = NULL;
                else if (!d || !in_bounds(target->size, x.offset, w)) {
                    free(v);
                    return jerr_set(e, EXIT_BAD, "%s: relocation %llu in section %zu (%s) at offset 0x%llx is outside section %zu",
                                    f->path, (unsigned long long)k, i, s->name,
                                    (unsigned long long)x.offset, sec);
                }
                if (d)
                    x.addend = w == 8 ? (int64_t)rd64le(d + x.offset) : (int32_t)rd32le(d + x.offset);
            }
            if (cnt == cap) {
                cap = cap ? cap * 2 : 16;
                v = xrealloc(v, cap * sizeof *v);
            }
            v[cnt++] = x;
        }
    }
    *out = v;
    *n = cnt;
    return 0;
}

/* ---- Writer ---- */

typedef struct wsec {
    char *name;
    uint32_t type;
    uint64_t flags, align, bss;
    buf data;
    elf_rel *rel;
    size_t nrel, caprel;
    uint32_t secsym; /* handle of its STT_SECTION symbol, 0 if none yet */
} wsec;

typedef struct wsym {
    char *name;
    int sec;
    uint64_t value, size;
    uint8_t bind, type;
} wsym;

struct elf_writer {
    const arch *a;
    wsec *s;   /* s[0] unused: handles are 1-based like section indices */
    size_t ns, caps;
    wsym *y;   /* y[0] is the null symbol */
    size_t ny, capy;
};

elf_writer *elfw_new(const arch *a)
{
    elf_writer *w = xcalloc(1, sizeof *w);
    w->a = a;
    w->caps = 8;
    w->s = xcalloc(w->caps, sizeof *w->s);
    w->ns = 1;
    w->capy = 16;
    w->y = xcalloc(w->capy, sizeof *w->y);
    w->ny = 1;
    return w;
}

void elfw_free(elf_writer *w)
{
    if (!w)
        return;
    for (size_t i = 1; i < w->ns; i++) {
        free(w->s[i].name);
        buf_free(&w->s[i].data);
        free(w->s[i].rel);
    }
    for (size_t i = 1; i < w->ny; i++)
        free(w->y[i].name);
    free(w->s);
    free(w->y);
    free(w);
}

int elfw_section(elf_writer *w, const char *name, uint32_t type, uint64_t flags, uint64_t align)
{
    if (w->ns == w->caps) {
        w->caps *= 2;
        w->s = xrealloc(w->s, w->caps * sizeof *w->s);
    }
    wsec *s = &w->s[w->ns];
    memset(s, 0, sizeof *s);
    s->name = xstrdup(name);
    s->type = type;
    s->flags = flags;
    s->align = align ? align : 1;
    return (int)w->ns++;
}

buf *elfw_data(elf_writer *w, int sec) { return &w->s[sec].data; }

void elfw_bss(elf_writer *w, int sec, uint64_t size) { w->s[sec].bss = size; }

uint32_t elfw_symbol(elf_writer *w, const char *name, int sec, uint64_t value, uint64_t size, int bind,
                     int type)
{
    if (w->ny == w->capy) {
        w->capy *= 2;
        w->y = xrealloc(w->y, w->capy * sizeof *w->y);
    }
    wsym *y = &w->y[w->ny];
    y->name = xstrdup(name ? name : "");
    y->sec = sec;
    y->value = value;
    y->size = size;
    y->bind = (uint8_t)bind;
    y->type = (uint8_t)type;
    return (uint32_t)w->ny++;
}

uint32_t elfw_section_symbol(elf_writer *w, int sec)
{
    if (!w->s[sec].secsym)
        w->s[sec].secsym = elfw_symbol(w, "", sec, 0, 0, STB_LOCAL_, STT_SECTION_);
    return w->s[sec].secsym;
}

void elfw_reloc(elf_writer *w, int sec, uint64_t offset, uint32_t sym, uint32_t type, int64_t addend)
{
    wsec *s = &w->s[sec];
    if (s->nrel == s->caprel) {
        s->caprel = s->caprel ? s->caprel * 2 : 8;
        s->rel = xrealloc(s->rel, s->caprel * sizeof *s->rel);
    }
    s->rel[s->nrel++] = (elf_rel){.offset = offset, .sym = sym, .type = type, .addend = addend};
}

/* A section header to be written once offsets are known. */
typedef struct oshdr {
    uint32_t name, type, link, info;
    uint64_t flags, offset, size, align, entsize;
} oshdr;

/* Pad with zeros so that the next byte is aligned relative to the object's start. */
static void pad_to(buf *out, size_t base, uint64_t align)
{
    size_t at = out->len - base;
    if (align > 1 && at % align)
        buf_zero(out, (size_t)(align - at % align));
}

static void put_shdr(buf *b, const oshdr *h, int is64)
{
    buf_w32(b, h->name);
    buf_w32(b, h->type);
    buf_wn(b, h->flags, is64 ? 8 : 4);
    buf_wn(b, 0, is64 ? 8 : 4); /* addr */
    buf_wn(b, h->offset, is64 ? 8 : 4);
    buf_wn(b, h->size, is64 ? 8 : 4);
    buf_w32(b, h->link);
    buf_w32(b, h->info);
    buf_wn(b, h->align, is64 ? 8 : 4);
    buf_wn(b, h->entsize, is64 ? 8 : 4);
}

/* What elfw_finish lays out: section indices (user sections keep their handles, then the
 * relocation sections, an empty .note.GNU-stack as as(1) adds so that linking never warns
 * about an executable stack, .symtab, .strtab, .shstrtab), their headers and the tables. */
typedef struct fin {
    const elf_writer *w;
    buf *out;
    int is64;
    unsigned ps;
    size_t base, nsec, stack_ix, symtab_ix, strtab_ix, shstr_ix, shoff_at;
    oshdr *sh;
    buf shstr, str, symb;
    uint32_t *map;          /* symbol handle -> index in .symtab */
    uint32_t first_global;
} fin;

/* The section header of a new section named name (+ suffix) of the given type. */
static oshdr *fin_shdr(fin *f, size_t ix, const char *prefix, const char *name, uint32_t type)
{
    oshdr *h = &f->sh[ix];
    h->name = (uint32_t)f->shstr.len;
    if (prefix)
        buf_adds(&f->shstr, prefix);
    buf_add(&f->shstr, name, strlen(name) + 1);
    h->type = type;
    return h;
}

/* .symtab's bytes: the null symbol, locals in the order added, then the rest. */
static void fin_symbols(fin *f)
{
    const elf_writer *w = f->w;
    uint32_t next = 1;
    wsym **order = xcalloc(w->ny, sizeof *order);
    f->map = xcalloc(w->ny, sizeof *f->map);
    for (size_t i = 1; i < w->ny; i++)
        if (w->y[i].bind == STB_LOCAL_)
            f->map[i] = next++;
    f->first_global = next;
    for (size_t i = 1; i < w->ny; i++)
        if (w->y[i].bind != STB_LOCAL_)
            f->map[i] = next++;
    for (size_t i = 1; i < w->ny; i++)
        order[f->map[i]] = &w->y[i];
    buf_zero(&f->symb, f->is64 ? 24 : 16);
    for (size_t k = 1; k < w->ny; k++) {
        const wsym *y = order[k];
        uint32_t name = 0;
        uint16_t shndx = y->sec == ELFW_UNDEF ? SHN_UNDEF_ : y->sec == ELFW_ABS ? SHN_ABS_
                       : y->sec == ELFW_COMMON ? SHN_COMMON_ : (uint16_t)y->sec;
        uint8_t info = (uint8_t)(y->bind << 4 | (y->type & 0xf));
        if (*y->name) {
            name = (uint32_t)f->str.len;
            buf_add(&f->str, y->name, strlen(y->name) + 1);
        }
        buf_w32(&f->symb, name);
        if (f->is64) {
            buf_w8(&f->symb, info);
            buf_w8(&f->symb, 0);
            buf_w16(&f->symb, shndx);
            buf_w64(&f->symb, y->value);
            buf_w64(&f->symb, y->size);
        } else {
            buf_w32(&f->symb, (uint32_t)y->value);
            buf_w32(&f->symb, (uint32_t)y->size);
            buf_w8(&f->symb, info);
            buf_w8(&f->symb, 0);
            buf_w16(&f->symb, shndx);
        }
    }
    free(order);
}

/* The ELF header; the section table's offset is patched in at the end (shoff_at). */
static void fin_header(fin *f)
{
    buf *out = f->out;
    buf_add(out, "\177ELF", 4);
    buf_w8(out, (uint8_t)f->w->a->elfclass);
    buf_w8(out, 1); /* little-endian */
    buf_w8(out, 1); /* EV_CURRENT */
    buf_zero(out, 9);
    buf_w16(out, ET_REL_);
    buf_w16(out, f->w->a->machine);
    buf_w32(out, 1);
    buf_wn(out, 0, f->ps); /* entry */
    buf_wn(out, 0, f->ps); /* phoff */
    f->shoff_at = out->len;
    buf_wn(out, 0, f->ps); /* shoff */
    buf_w32(out, 0);       /* flags */
    buf_w16(out, (uint16_t)(f->is64 ? 64 : 52));
    buf_w16(out, 0);
    buf_w16(out, 0);
    buf_w16(out, (uint16_t)(f->is64 ? 64 : 40));
    buf_w16(out, (uint16_t)f->nsec);
    buf_w16(out, (uint16_t)f->shstr_ix);
}

/* The user sections' bytes (REL: with each addend stored in the bytes it relocates). */
static void fin_sections(fin *f)
{
    const elf_writer *w = f->w;
    for (size_t i = 1; i < w->ns; i++) {
        wsec *s = &w->s[i];
        oshdr *h = fin_shdr(f, i, NULL, s->name, s->type);
        h->flags = s->flags;
        h->align = s->align;
        if (s->type == SHT_NOBITS_) {
            h->offset = f->out->len - f->base;
            h->size = s->bss;
            continue;
        }
        if (!w->a->rela)
            for (size_t k = 0; k < s->nrel; k++)
                if (in_bounds(s->data.len, s->rel[k].offset, 4))
                    wr32le(s->data.p + s->rel[k].offset, (uint32_t)s->rel[k].addend);
        pad_to(f->out, f->base, s->align);
        h->offset = f->out->len - f->base;
        h->size = s->data.len;
        buf_add(f->out, s->data.p, s->data.len);
    }
}

/* One .rel or .rela section per user section with relocations. */
static void fin_relocations(fin *f)
{
    const elf_writer *w = f->w;
    int rela = w->a->rela;
    size_t ri = w->ns;
    for (size_t i = 1; i < w->ns; i++) {
        const wsec *s = &w->s[i];
        oshdr *h;
        if (!s->nrel)
            continue;
        h = fin_shdr(f, ri++, rela ? ".rela" : ".rel", s->name, rela ? SHT_RELA_ : SHT_REL_);
        h->flags = SHF_INFO_LINK_;
        h->link = (uint32_t)f->symtab_ix;
        h->info = (uint32_t)i;
        h->align = f->ps;
        h->entsize = f->is64 ? (rela ? 24 : 16) : (rela ? 12 : 8);
        pad_to(f->out, f->base, f->ps);
        h->offset = f->out->len - f->base;
        for (size_t k = 0; k < s->nrel; k++) {
            const elf_rel *r = &s->rel[k];
            uint32_t sym = r->sym < w->ny ? f->map[r->sym] : 0;
            buf_wn(f->out, r->offset, f->ps);
            if (f->is64)
                buf_w64(f->out, (uint64_t)sym << 32 | r->type);
            else
                buf_w32(f->out, sym << 8 | (r->type & 0xff));
            if (rela)
                buf_wn(f->out, (uint64_t)r->addend, f->ps);
        }
        h->size = f->out->len - f->base - h->offset;
    }
}

/* .note.GNU-stack, .symtab, .strtab, .shstrtab, then the section header table. */
static void fin_tables(fin *f)
{
    buf *out = f->out;
    oshdr *h = fin_shdr(f, f->stack_ix, NULL, ".note.GNU-stack", SHT_PROGBITS_);
    uint64_t shoff;
    h->align = 1;
    h->offset = out->len - f->base;

    h = fin_shdr(f, f->symtab_ix, NULL, ".symtab", SHT_SYMTAB_);
    h->link = (uint32_t)f->strtab_ix;
    h->info = f->first_global;
    h->align = f->ps;
    h->entsize = f->is64 ? 24 : 16;
    pad_to(out, f->base, f->ps);
    h->offset = out->len - f->base;
    h->size = f->symb.len;
    buf_add(out, f->symb.p, f->symb.len);

    h = fin_shdr(f, f->strtab_ix, NULL, ".strtab", SHT_STRTAB_);
    h->align = 1;
    h->offset = out->len - f->base;
    h->size = f->str.len;
    buf_add(out, f->str.p, f->str.len);

    h = fin_shdr(f, f->shstr_ix, NULL, ".shstrtab", SHT_STRTAB_);
    h->align = 1;
    h->offset = out->len - f->base;
    h->size = f->shstr.len; /* its own name included: fin_shdr added it first */
    buf_add(out, f->shstr.p, f->shstr.len);

    pad_to(out, f->base, f->ps);
    shoff = out->len - f->base;
    for (size_t i = 0; i < f->nsec; i++)
        put_shdr(out, &f->sh[i], f->is64);
    if (f->is64)
        buf_put64(out, f->shoff_at, shoff);
    else
        buf_put32(out, f->shoff_at, (uint32_t)shoff);
}

void elfw_finish(elf_writer *w, buf *out)
{
    fin f = {.w = w, .out = out, .is64 = w->a->elfclass == 2, .base = out->len};
    size_t nrelsec = 0;
    f.ps = f.is64 ? 8 : 4;
    for (size_t i = 1; i < w->ns; i++)
        nrelsec += w->s[i].nrel > 0;
    f.nsec = w->ns + nrelsec + 4;
    f.stack_ix = w->ns + nrelsec;
    f.symtab_ix = f.stack_ix + 1;
    f.strtab_ix = f.symtab_ix + 1;
    f.shstr_ix = f.symtab_ix + 2;
    f.sh = xcalloc(f.nsec, sizeof *f.sh);
    buf_addc(&f.shstr, 0);
    buf_addc(&f.str, 0);
    fin_symbols(&f);
    fin_header(&f);
    fin_sections(&f);
    fin_relocations(&f);
    fin_tables(&f);
    buf_free(&f.shstr);
    buf_free(&f.str);
    buf_free(&f.symb);
    free(f.sh);
    free(f.map);
}
