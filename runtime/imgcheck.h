/* imgcheck: everything the loader may trust about a jump image, checked before any of it is
 * used: pure functions from bytes to a verdict (NULL) or the reason for refusing the image,
 * with no system calls and no library calls, so that the loader (compiled with
 * -fno-builtin, before the C library is set up), the unit tests and the fuzz target run the
 * very same code (issue L).
 *
 * Three steps, as the loader meets the image:
 *   jv_headers  the ELF header and program headers (the first bytes of the file) and the
 *               file's size: every loadable segment lies in the file, fits its memory size,
 *               is page-congruent, does not wrap or overlap another, and the image is small;
 *   jv_note     the jump note: what it says lies where the segments are (the load address
 *               in an executable segment, the GOT and the information block in readable ones,
 *               the constructor slot at the end of the jump table);
 *   jv_contents the bytes of the segments (mapped, or from the file): the GOT points at the
 *               information block, and every table that block points at (host imports,
 *               fixups, slot and cell names) lies inside the image, with each address the
 *               loader will write inside a segment of the image (import cells: a writable
 *               one) and each name a NUL-terminated string inside a segment.
 * jv_file runs all three over a whole file in memory (tests, fuzzing, tools). */
#ifndef JUMP_IMGCHECK_H
#define JUMP_IMGCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "jumpfmt.h"

#define JV_MAX_SEGS 16
#define JV_MAX_IMAGE 0x40000000u /* 1 GB: no jump image comes near */
#define JV_R 4u                  /* p_flags bits */
#define JV_W 2u
#define JV_X 1u

typedef struct jv_seg {
    uint64_t vaddr, memsz, filesz, offset;
    unsigned flags;       /* JV_R | JV_W | JV_X */
    const uint8_t *bytes; /* the segment's first filesz bytes (memory or file); the rest reads 0 */
} jv_seg;

typedef struct jv_image {
    unsigned ps;          /* pointer and cell size: 4 or 8 */
    int nseg;
    jv_seg seg[JV_MAX_SEGS];
    uint64_t note_off, note_len; /* the PT_NOTE segment, for the caller to read */
    uint32_t vword, cellsize, jumpsize, gotsize, flags;
    uint64_t origin, got, data, end, info;
    const char *soname;   /* inside the note bytes given to jv_note */
    uint64_t ctor;        /* the constructor slot, from the information block */
    int hint;             /* the segment the last lookup found: most lookups find it again */
} jv_image;

static inline uint32_t jv_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t jv_le64(const uint8_t *p) { return jv_le32(p) | (uint64_t)jv_le32(p + 4) << 32; }
static inline uint16_t jv_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static inline int jv_in(const jv_seg *s, uint64_t a, uint64_t n, unsigned need)
{
    return a >= s->vaddr && n <= s->memsz && a - s->vaddr <= s->memsz - n && (s->flags & need) == need;
}

/* The segment holding all of [a, a+n) with every flag of `need`, or NULL. */
static inline const jv_seg *jv_seg_of(const jv_image *im, uint64_t a, uint64_t n, unsigned need)
{
    int h = im->hint;
    if (h >= 0 && h < im->nseg && jv_in(&im->seg[h], a, n, need))
        return &im->seg[h];
    for (int i = 0; i < im->nseg; i++)
        if (jv_in(&im->seg[i], a, n, need)) {
            ((jv_image *)im)->hint = i;
            return &im->seg[i];
        }
    return NULL;
}

/* n (<= 8) bytes at a from a segment with `need`; 0, or -1 if no segment holds them. */
static inline int jv_read(const jv_image *im, uint64_t a, unsigned n, unsigned need, uint8_t *out)
{
    const jv_seg *s = jv_seg_of(im, a, n, need);
    if (!s || !s->bytes)
        return -1;
    for (unsigned k = 0; k < n; k++) {
        uint64_t o = a - s->vaddr + k;
        out[k] = o < s->filesz ? s->bytes[o] : 0;
    }
    return 0;
}

/* The n bytes at a when one segment with `need` holds all of them among its file bytes (as
 * every mapped segment does): a pointer to them, else NULL (read them one by one then). */
static inline const uint8_t *jv_bytes(const jv_image *im, uint64_t a, uint64_t n, unsigned need)
{
    const jv_seg *s = jv_seg_of(im, a, n, need);
    return s && s->bytes && a - s->vaddr <= s->filesz && n <= s->filesz - (a - s->vaddr) ? s->bytes + (a - s->vaddr)
                                                                                         : NULL;
}

static inline uint64_t jv_ptr(const uint8_t *p, unsigned ps) { return ps == 8 ? jv_le64(p) : jv_le32(p); }

static inline int jv_word(const jv_image *im, uint64_t a, unsigned need, uint64_t *v)
{
    uint8_t b[8];
    const jv_seg *s = jv_seg_of(im, a, im->ps, need);
    if (s && s->bytes && a - s->vaddr + im->ps <= s->filesz) { /* the usual case: file bytes */
        const uint8_t *p = s->bytes + (a - s->vaddr);
        *v = im->ps == 8 ? jv_le64(p) : jv_le32(p);
        return 0;
    }
    if (jv_read(im, a, im->ps, need, b) != 0)
        return -1;
    *v = im->ps == 8 ? jv_le64(b) : jv_le32(b);
    return 0;
}

/* n elements of `size` bytes from a: all inside one segment with `need`. */
static inline int jv_array_ok(const jv_image *im, uint64_t a, uint64_t n, uint64_t size, unsigned need)
{
    if (n == 0)
        return 1;
    if (n > JV_MAX_IMAGE / size)
        return 0;
    return jv_seg_of(im, a, n * size, need) != NULL;
}

/* A NUL-terminated string at a, inside a readable segment. */
static inline int jv_string_ok(const jv_image *im, uint64_t a)
{
    const jv_seg *s = jv_seg_of(im, a, 1, JV_R);
    if (!s || !s->bytes)
        return 0;
    for (uint64_t o = a - s->vaddr; o < s->memsz; o++)
        if (o >= s->filesz || s->bytes[o] == 0)
            return 1;
    return 0;
}

/* `eh`: the file's first `len` bytes, which must hold the ELF header and the program headers
 * (mkimage writes them there); `filesize`: the file's size; `ps`: the loader's pointer size. */
static inline const char *jv_headers(const uint8_t *eh, size_t len, uint64_t filesize, unsigned ps, jv_image *im)
{
    unsigned ehsize = ps == 8 ? 64 : 52, phsize = ps == 8 ? 56 : 32;
    uint64_t phoff;
    unsigned phnum;
    int notes = 0;
    /* (field by field: a byte loop over the whole struct cost the loader 2,600 instructions
     * per image) */
    im->ps = ps;
    im->nseg = 0;
    im->hint = 0;
    im->note_off = im->note_len = 0;
    im->ctor = 0;
    im->soname = NULL;
    if (len < 16 || eh[0] != 0x7f || eh[1] != 'E' || eh[2] != 'L' || eh[3] != 'F')
        return "not an ELF file";
    if (eh[4] != (ps == 8 ? 2 : 1) || eh[5] != 1 || len < ehsize ||
        jv_le16(eh + 18) != (ps == 8 ? 62 : 3))
        return "built for another architecture";
    if (jv_le16(eh + 16) != 2 /* ET_EXEC */)
        return "not a jump image (bad ELF header)";
    phoff = ps == 8 ? jv_le64(eh + 32) : jv_le32(eh + 28);
    phnum = jv_le16(eh + (ps == 8 ? 56 : 44));
    if (jv_le16(eh + (ps == 8 ? 54 : 42)) != phsize || phnum == 0 || phnum > JV_MAX_SEGS)
        return "not a jump image (bad ELF header)";
    if (phoff > len || (uint64_t)phnum * phsize > len - phoff)
        return "truncated program headers";
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *p = eh + phoff + (uint64_t)i * phsize;
        uint32_t type = jv_le32(p);
        jv_seg s;
        unsigned pf = ps == 8 ? jv_le32(p + 4) : jv_le32(p + 24);
        s.offset = ps == 8 ? jv_le64(p + 8) : jv_le32(p + 4);
        s.vaddr = ps == 8 ? jv_le64(p + 16) : jv_le32(p + 8);
        s.filesz = ps == 8 ? jv_le64(p + 32) : jv_le32(p + 16);
        s.memsz = ps == 8 ? jv_le64(p + 40) : jv_le32(p + 20);
        s.flags = pf & (JV_R | JV_W | JV_X);
        s.bytes = NULL;
        if (type == 4 /* PT_NOTE */ && !notes++) {
            if (s.offset > filesize || s.filesz > filesize - s.offset)
                return "truncated file (the note lies past its end)";
            im->note_off = s.offset;
            im->note_len = s.filesz;
        }
        if (type != 1 /* PT_LOAD */ || s.memsz == 0)
            continue;
        if (s.filesz > s.memsz)
            return "a segment has more bytes in the file than in memory";
        if (s.memsz > JV_MAX_IMAGE || s.vaddr > (ps == 8 ? (uint64_t)1 << 47 : 0xffffffffu) - s.memsz)
            return "a segment is too large or lies outside the address space";
        if (s.offset > filesize || s.filesz > filesize - s.offset)
            return "truncated file (a segment lies past its end)";
        if ((s.offset & (JUMP_PAGE - 1)) != (s.vaddr & (JUMP_PAGE - 1)))
            return "a segment is not page-aligned in the file";
        /* Pages, as they are mapped: no two segments may share one. */
        for (int k = 0; k < im->nseg; k++) {
            const jv_seg *o = &im->seg[k];
            uint64_t a0 = s.vaddr & ~(uint64_t)(JUMP_PAGE - 1), a1 = s.vaddr + s.memsz;
            uint64_t b0 = o->vaddr & ~(uint64_t)(JUMP_PAGE - 1), b1 = o->vaddr + o->memsz;
            if (a0 < b1 && b0 < a1)
                return "two of its segments overlap";
        }
        im->seg[im->nseg++] = s;
    }
    if (!im->nseg)
        return "not a jump image (nothing to load)";
    if (!im->note_len)
        return "not a jump image (no jump note)";
    return NULL;
}

/* An image in the classic a.out format (lib/aout.h): a QMAGIC i386 header (32 bytes) whose
 * page's padding carries the image's ELF file header and program headers. Where an image's
 * ELF file header is: 0 for an ELF image, JV_AOUT_EXEC for such an a.out image. */
#define JV_AOUT_EXEC 32u
#define JV_QMAGIC 0314u
static inline size_t jv_elf_at(const uint8_t *p, size_t len)
{
    if (len >= JV_AOUT_EXEC + 16 && (jv_le32(p) & 0xffff) == JV_QMAGIC && p[JV_AOUT_EXEC] == 0x7f &&
        p[JV_AOUT_EXEC + 1] == 'E' && p[JV_AOUT_EXEC + 2] == 'L' && p[JV_AOUT_EXEC + 3] == 'F')
        return JV_AOUT_EXEC;
    return 0;
}

/* The a.out header of such an image against its segments (after jv_headers): an i386
 * QMAGIC image without relocations whose entry is 0x20 into the page below the first
 * segment (where uselib() mapped the file's first page), and whose text and data, whole
 * pages, hold every segment's bytes of the file. */
static inline const char *jv_aout(const uint8_t *p, uint64_t filesize, const jv_image *im)
{
    uint32_t info = jv_le32(p), text = jv_le32(p + 4), data = jv_le32(p + 8), entry = jv_le32(p + 20);
    if (((info >> 16) & 0xff) != 100 /* M_386 */ || im->ps != 4)
        return "an a.out image for another machine";
    if (jv_le32(p + 24) || jv_le32(p + 28))
        return "not a jump image (an a.out image with relocations)";
    if ((text | data) & (JUMP_PAGE - 1) || (uint64_t)text + data > filesize)
        return "not a jump image (bad a.out header)";
    if (entry != im->seg[0].vaddr - JUMP_PAGE + JV_AOUT_EXEC || im->seg[0].offset != JUMP_PAGE)
        return "not a jump image (its a.out entry is not 0x20 into the page below its load address)";
    for (int i = 0; i < im->nseg; i++)
        if (im->seg[i].offset + im->seg[i].filesz > (uint64_t)text + data)
            return "not a jump image (a segment lies outside the a.out text and data)";
    return NULL;
}

/* The PT_NOTE segment's bytes (im->note_len of them, at im->note_off in the file). */
static inline const char *jv_note(const uint8_t *note, uint64_t len, jv_image *im)
{
    uint32_t namesz, descsz;
    const uint8_t *d;
    uint64_t lo = UINT64_MAX, hi = 0;
    if (len < 20 + JUMP_NOTE_FIXED + 1)
        return "not a jump image (no jump note)";
    namesz = jv_le32(note);
    descsz = jv_le32(note + 4);
    if (namesz != 5 || jv_le32(note + 8) != JUMP_NOTE_TYPE || note[12] != 'J' || note[13] != 'U' ||
        note[14] != 'M' || note[15] != 'P' || note[16] != 0 || descsz < JUMP_NOTE_FIXED + 1 ||
        descsz > len - 20 || note[20 + descsz - 1] != 0)
        return "not a jump image (no jump note)";
    d = note + 20;
    if (jv_le32(d + JUMP_NOTE_D_FORMAT) != JUMP_NOTE_FORMAT)
        return "not a jump image (jump note of another format)";
    im->vword = jv_le32(d + JUMP_NOTE_D_VWORD);
    im->cellsize = jv_le32(d + JUMP_NOTE_D_CELLSIZE);
    im->jumpsize = jv_le32(d + JUMP_NOTE_D_JUMPSIZE);
    im->gotsize = jv_le32(d + JUMP_NOTE_D_GOTSIZE);
    im->flags = jv_le32(d + JUMP_NOTE_D_FLAGS);
    im->origin = jv_le64(d + JUMP_NOTE_D_ORIGIN);
    im->got = jv_le64(d + JUMP_NOTE_D_GOT);
    im->data = jv_le64(d + JUMP_NOTE_D_DATA);
    im->end = jv_le64(d + JUMP_NOTE_D_END);
    im->info = jv_le64(d + JUMP_NOTE_D_INFO);
    im->soname = (const char *)d + JUMP_NOTE_FIXED;
    if (im->cellsize != im->ps)
        return "built for another architecture";
    for (int i = 0; i < im->nseg; i++) {
        if (im->seg[i].vaddr < lo)
            lo = im->seg[i].vaddr;
        if (im->seg[i].vaddr + im->seg[i].memsz > hi)
            hi = im->seg[i].vaddr + im->seg[i].memsz;
    }
    if (lo < im->origin || im->end < im->origin || hi > im->end + JUMP_PAGE)
        return "segments lie outside the range its note gives";
    if (im->jumpsize < 8 || im->jumpsize % 8 || !jv_seg_of(im, im->origin, im->jumpsize, JV_R | JV_X))
        return "its jump table is not in an executable segment";
    if (im->got % im->ps || !jv_seg_of(im, im->got, 2 * (uint64_t)im->ps, JV_R))
        return "its GOT lies outside its segments";
    if (im->info % im->ps || !jv_seg_of(im, im->info, (uint64_t)JI_NWORDS * im->ps, JV_R))
        return "its information block lies outside its segments";
    return NULL;
}

/* The first two words of record k of a table of n-word records at a: from p, the table's
 * bytes when jv_bytes found them in one piece, else word by word. 0, or -1 if outside. */
static inline int jv_pair(const jv_image *im, const uint8_t *p, uint64_t a, uint64_t k, unsigned n, uint64_t *w0,
                          uint64_t *w1)
{
    unsigned ps = im->ps;
    if (p) {
        *w0 = jv_ptr(p + n * k * ps, ps);
        *w1 = jv_ptr(p + (n * k + 1) * ps, ps);
        return 0;
    }
    return jv_word(im, a + n * k * ps, JV_R, w0) != 0 || jv_word(im, a + (n * k + 1) * ps, JV_R, w1) != 0 ? -1 : 0;
}

/* Once the segments' bytes are there (im->seg[i].bytes). */
static inline const char *jv_contents(jv_image *im)
{
    uint64_t w[JI_NWORDS], g0, v;
    unsigned ps = im->ps;
    uint8_t b[4];
    const uint8_t *p;
    if (jv_read(im, im->origin, 4, JV_R, b) != 0 || jv_le32(b) != im->vword)
        return "the version word at its load address does not match its note";
    if ((p = jv_bytes(im, im->info, (uint64_t)JI_NWORDS * ps, JV_R)) != NULL) { /* the usual case */
        for (unsigned k = 0; k < JI_NWORDS; k++)
            w[k] = jv_ptr(p + k * ps, ps);
    } else {
        for (unsigned k = 0; k < JI_NWORDS; k++)
            if (jv_word(im, im->info + (uint64_t)k * ps, JV_R, &w[k]) != 0)
                return "its information block lies outside its segments";
    }
    if (jv_word(im, im->got, JV_R, &g0) != 0 || g0 != im->info || w[JI_MAGIC] != JUMP_INFO_MAGIC)
        return "corrupt image information block";
    if (w[JI_CTOR_SLOT] != im->origin + im->jumpsize - 8)
        return "corrupt image information block (the constructor slot is not the jump table's last)";
    im->ctor = w[JI_CTOR_SLOT];
    /* Host imports: {cell, name}; the loader writes each cell. */
    if (!jv_array_ok(im, w[JI_IMPORTS], w[JI_NIMPORTS], 2 * (uint64_t)ps, JV_R))
        return "corrupt image information block (host imports)";
    p = jv_bytes(im, w[JI_IMPORTS], w[JI_NIMPORTS] * 2 * ps, JV_R);
    for (uint64_t k = 0; k < w[JI_NIMPORTS]; k++) {
        uint64_t cell, name;
        if (jv_pair(im, p, w[JI_IMPORTS], k, 2, &cell, &name) != 0 || cell % ps || !jv_seg_of(im, cell, ps, JV_W) ||
            !jv_string_ok(im, name))
            return "corrupt image information block (a host import)";
    }
    /* Fixups: {where, cell, addend}: the loader reads the cell and writes where. */
    if (!jv_array_ok(im, w[JI_FIXUPS], w[JI_NFIXUPS], 3 * (uint64_t)ps, JV_R))
        return "corrupt image information block (fixups)";
    p = jv_bytes(im, w[JI_FIXUPS], w[JI_NFIXUPS] * 3 * ps, JV_R);
    for (uint64_t k = 0; k < w[JI_NFIXUPS]; k++) {
        uint64_t where, cell;
        if (jv_pair(im, p, w[JI_FIXUPS], k, 3, &where, &cell) != 0 || !jv_seg_of(im, where, ps, 0) ||
            !jv_seg_of(im, cell, ps, JV_R))
            return "corrupt image information block (a fixup)";
    }
    /* The names of the slots and of the cells, and the cells themselves. */
    if (w[JI_NSLOTS] > im->jumpsize / 8 || !jv_array_ok(im, w[JI_SLOTNAMES], w[JI_NSLOTS], 4, JV_R))
        return "corrupt image information block (slot names)";
    if (w[JI_NCELLS] > im->gotsize / ps || !jv_array_ok(im, w[JI_CELLNAMES], w[JI_NCELLS], 4, JV_R) ||
        (w[JI_NCELLS] && jv_word(im, im->got + (w[JI_NCELLS] + 1) * ps, JV_R, &v) != 0))
        return "corrupt image information block (cell names)";
    return NULL;
}

/* ---- references in a linked program (the loader's check of used slots, verify-shlib) ----
 * Can the 4 bytes at p[o] of executable code be a rel32 operand: after a call or jmp opcode,
 * a conditional jump's two, or (x86-64, pointer size ps 8) a ModRM byte of a %rip-relative
 * operand? Only these count: small numbers abound in code, and read at every offset near a
 * program's entry one of them would reach it by chance (a program refused for a slot it never
 * uses). p[o - 1] and p[o - 2] are read when o allows. */
static inline int jv_rel32_at(const uint8_t *p, uint64_t o, unsigned ps)
{
    uint8_t b = o ? p[o - 1] : 0;
    if (b == 0xe8 || b == 0xe9 || (o >= 2 && p[o - 2] == 0x0f && (b & 0xf0) == 0x80))
        return 1;
    return ps == 8 && o && (b & 0xc7) == 0x05;
}

/* ---- the image cache (jumpfmt.h: <dir>/jump.cache) ----
 * jv_cache_header checks the header against the file's size and gives the index's length;
 * jv_cache_find looks a link name up in the index (those bytes, mapped or read) and checks the
 * entry it returns: its copies lie in the index, its image in the file. */
typedef struct jv_cache_entry {
    uint64_t dev, ino, size, mtime, mtime_ns, ctime, ctime_ns; /* the image file's identity */
    uint64_t offset;                                           /* the image's copy in the cache */
    const uint8_t *head, *note; /* copies of the image's first headlen bytes and its note */
    uint32_t headlen, notelen;
    uint64_t noteoff;           /* where the note is in the image (zoned: in the cache) */
    uint32_t flags;             /* JUMP_CACHE_ZONED: the headers' offsets are the cache's */
    uint64_t view;              /* what the headers' offsets lie in: the copy's size, or the
                                 * whole cache's for a zoned entry (offset 0) */
} jv_cache_entry;

static inline const char *jv_cache_header(const uint8_t *p, uint64_t len, uint64_t fsize, uint64_t *index)
{
    static const char magic[8] = JUMP_CACHE_MAGIC;
    uint64_t count, idx, nb, b;
    if (len < JUMP_CACHE_HEAD)
        return "truncated header";
    for (int i = 0; i < 8; i++)
        if (p[i] != (uint8_t)magic[i])
            return "not an image cache (bad magic)";
    if (jv_le32(p + JUMP_CACHE_H_FORMAT) != JUMP_CACHE_FORMAT)
        return "another format of image cache";
    count = jv_le32(p + JUMP_CACHE_H_COUNT);
    idx = jv_le64(p + JUMP_CACHE_H_INDEX);
    if (jv_le64(p + JUMP_CACHE_H_SIZE) != fsize)
        return "truncated or grown since it was written";
    if (idx > fsize || idx < JUMP_CACHE_HEAD || count > (idx - JUMP_CACHE_HEAD) / JUMP_CACHE_ENTRY)
        return "corrupt header (index)";
    nb = jv_le32(p + JUMP_CACHE_H_NBUCKETS);
    b = jv_le64(p + JUMP_CACHE_H_BUCKETS);
    if (nb == 0 || (nb & (nb - 1)) || nb < 2 * count || (b & 3) || b > idx || nb > (idx - b) / 4)
        return "corrupt header (buckets)";
    *index = idx;
    return NULL;
}

/* 1 and *e filled when the index (idx, len bytes: a checked header first) has an image of
 * `name` (whose jump_name_hash is hash) for pointer size ps; 0 when it has none; -1 with
 * *why when the index is damaged. Entries are found through the buckets: O(1) however many
 * images the directory holds. */
static inline int jv_cache_find(const uint8_t *idx, uint64_t len, uint64_t fsize, const char *name,
                                uint32_t hash, unsigned ps, jv_cache_entry *e, const char **why)
{
    uint64_t count = jv_le32(idx + JUMP_CACHE_H_COUNT), nb = jv_le32(idx + JUMP_CACHE_H_NBUCKETS);
    const uint8_t *buckets = idx + jv_le64(idx + JUMP_CACHE_H_BUCKETS);
    for (uint64_t probe = 0, at = hash & (nb - 1); probe < nb; probe++, at = (at + 1) & (nb - 1)) {
        uint64_t i = jv_le32(buckets + 4 * at);
        const uint8_t *p, *n;
        uint64_t head, note;
        unsigned k = 0;
        if (i == 0)
            return 0;
        if (i > count) {
            *why = "corrupt bucket";
            return -1;
        }
        p = idx + JUMP_CACHE_HEAD + (i - 1) * JUMP_CACHE_ENTRY;
        n = p + JUMP_CACHE_E_NAME;
        if (jv_le32(p + JUMP_CACHE_E_HASH) != hash || jv_le32(p + JUMP_CACHE_E_CLASS) != ps)
            continue;
        while (k < JUMP_CACHE_NAME_MAX && n[k] && name[k] && n[k] == (uint8_t)name[k])
            k++;
        if (k == JUMP_CACHE_NAME_MAX || n[k] || name[k])
            continue;
        e->dev = jv_le64(p + JUMP_CACHE_E_DEV);
        e->ino = jv_le64(p + JUMP_CACHE_E_INO);
        e->size = jv_le64(p + JUMP_CACHE_E_SIZE);
        e->mtime = jv_le64(p + JUMP_CACHE_E_MTIME);
        e->mtime_ns = jv_le64(p + JUMP_CACHE_E_MTIME_NS);
        e->ctime = jv_le64(p + JUMP_CACHE_E_CTIME);
        e->ctime_ns = jv_le64(p + JUMP_CACHE_E_CTIME_NS);
        e->offset = jv_le64(p + JUMP_CACHE_E_OFFSET);
        head = jv_le64(p + JUMP_CACHE_E_HEAD);
        e->headlen = jv_le32(p + JUMP_CACHE_E_HEADLEN);
        e->notelen = jv_le32(p + JUMP_CACHE_E_NOTELEN);
        note = jv_le64(p + JUMP_CACHE_E_NOTE);
        e->noteoff = jv_le64(p + JUMP_CACHE_E_NOTEOFF);
        e->flags = jv_le32(p + JUMP_CACHE_E_FLAGS);
        /* A copy of the image file lies page-aligned after the index; a zoned entry's segments
         * lie anywhere in the cache (offset 0): jv_headers checks each against the cache's
         * size, as it checks an image's against its file's. */
        e->view = e->flags == JUMP_CACHE_ZONED ? fsize : e->size;
        if ((e->flags == JUMP_CACHE_ZONED ? e->offset != 0
                                          : e->flags || (e->offset & (JUMP_PAGE - 1)) || e->offset < len ||
                                                e->offset > fsize || e->size > fsize - e->offset) ||
            e->size > JV_MAX_IMAGE || e->headlen != (e->size < JUMP_CACHE_HEAD_COPY ? e->size : JUMP_CACHE_HEAD_COPY) ||
            head > len || e->headlen > len - head || note > len || e->notelen > len - note ||
            e->noteoff > e->view || e->notelen > e->view - e->noteoff) {
            *why = "corrupt entry";
            return -1;
        }
        e->head = idx + head;
        e->note = idx + note;
        return 1;
    }
    return 0;
}

/* The whole check over a file in memory; the segments' bytes point into it. */
static inline const char *jv_file(const uint8_t *file, size_t len, unsigned ps, jv_image *im)
{
    size_t at = jv_elf_at(file, len);
    const char *why = jv_headers(file + at, len - at, len, ps, im);
    if (!why && at)
        why = jv_aout(file, len, im);
    if (!why)
        why = jv_note(file + im->note_off, im->note_len, im);
    if (why)
        return why;
    for (int i = 0; i < im->nseg; i++)
        im->seg[i].bytes = file + im->seg[i].offset;
    return jv_contents(im);
}

#endif
