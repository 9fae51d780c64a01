/* The loader's checks of an image (runtime/imgcheck.h), on a small image built here byte by
 * byte for each architecture: it passes; each kind of damage the loader must refuse is
 * refused with its own reason; and many randomly damaged copies are judged without reading
 * outside the buffer (make san runs this under ASan). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../runtime/imgcheck.h"

#define ORG 0x60000000u
#define DATA (ORG + 0x1000u)
#define GOT (ORG + 0x100u)
#define INFO (ORG + 0x800u)
#define NAME (ORG + 0x900u)
#define SLOTNAMES (ORG + 0xa00u)
#define CELLNAMES (ORG + 0xa10u)
#define IMPORTS (ORG + 0xb00u)
#define FIXUPS (ORG + 0xc00u)
#define NOTE_OFF 0x3000u
#define SONAME "libsyn.so.1"

typedef struct img {
    uint8_t b[0x3100];
    size_t len;
    unsigned ps;
} img;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}
static void putw(const img *m, uint8_t *p, uint64_t v) { m->ps == 8 ? put64(p, v) : put32(p, (uint32_t)v); }
/* The file byte of address a in the text segment (file offset 0x1000) or data (0x2000). */
static uint8_t *at(img *m, uint64_t a) { return m->b + (a >= DATA ? 0x2000 + (a - DATA) : 0x1000 + (a - ORG)); }

/* Program header i: type, flags, offset, vaddr, filesz, memsz. */
static void phdr(img *m, int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t va, uint64_t fs, uint64_t ms)
{
    unsigned ps = m->ps, eh = ps == 8 ? 64 : 52, sz = ps == 8 ? 56 : 32;
    uint8_t *p = m->b + eh + (size_t)i * sz;
    put32(p, type);
    if (ps == 8) {
        put32(p + 4, flags);
        put64(p + 8, off), put64(p + 16, va), put64(p + 24, va), put64(p + 32, fs), put64(p + 40, ms);
        put64(p + 48, 0x1000);
    } else {
        put32(p + 4, (uint32_t)off), put32(p + 8, (uint32_t)va), put32(p + 12, (uint32_t)va);
        put32(p + 16, (uint32_t)fs), put32(p + 20, (uint32_t)ms), put32(p + 24, flags), put32(p + 28, 0x1000);
    }
}

static void build(img *m, unsigned ps)
{
    unsigned eh = ps == 8 ? 64 : 52;
    uint32_t vword = JUMP_VERSION_WORD(1, 2, 0);
    memset(m, 0, sizeof *m);
    m->ps = ps;
    memcpy(m->b, "\177ELF", 4);
    m->b[4] = ps == 8 ? 2 : 1;
    m->b[5] = 1;
    m->b[6] = 1;
    put16(m->b + 16, 2);
    put16(m->b + 18, ps == 8 ? 62 : 3);
    put32(m->b + 20, 1);
    if (ps == 8) {
        put64(m->b + 32, eh);
        put16(m->b + 52, (uint16_t)eh), put16(m->b + 54, 56), put16(m->b + 56, 3);
    } else {
        put32(m->b + 28, eh);
        put16(m->b + 40, (uint16_t)eh), put16(m->b + 42, 32), put16(m->b + 44, 3);
    }
    phdr(m, 0, 1, JV_R | JV_X, 0x1000, ORG, 0x1000, 0x1000);
    phdr(m, 1, 1, JV_R | JV_W, 0x2000, DATA, 0x100, 0x200);
    /* The jump table: the version word, then slots; the constructor slot last (0x100). */
    put32(at(m, ORG), vword);
    /* The GOT: the information block, the magic, one variable's cell. */
    putw(m, at(m, GOT), INFO);
    putw(m, at(m, GOT + ps), JUMP_GOT_MAGIC);
    putw(m, at(m, GOT + 2 * ps), DATA);
    uint64_t w[JI_NWORDS] = {0};
    w[JI_MAGIC] = JUMP_INFO_MAGIC;
    w[JI_VERSION] = vword;
    w[JI_NIMPORTS] = 1, w[JI_IMPORTS] = IMPORTS;
    w[JI_NFIXUPS] = 1, w[JI_FIXUPS] = FIXUPS;
    w[JI_NSLOTS] = 2, w[JI_SLOTNAMES] = SLOTNAMES;
    w[JI_CTOR_SLOT] = ORG + 0x100 - 8;
    w[JI_NCELLS] = 1, w[JI_CELLNAMES] = CELLNAMES;
    for (int k = 0; k < JI_NWORDS; k++)
        putw(m, at(m, INFO + (uint64_t)k * ps), w[k]);
    memcpy(at(m, NAME), "printf", 7);
    put32(at(m, SLOTNAMES), jump_name_hash("f1")), put32(at(m, SLOTNAMES + 4), jump_name_hash("f2"));
    put32(at(m, CELLNAMES), jump_name_hash("v1"));
    putw(m, at(m, IMPORTS), DATA + 0x10), putw(m, at(m, IMPORTS + ps), NAME);
    putw(m, at(m, FIXUPS), DATA + 0x20), putw(m, at(m, FIXUPS + ps), GOT + 2 * ps), putw(m, at(m, FIXUPS + 2 * ps), 4);
    /* The note, not loaded. */
    uint8_t *n = m->b + NOTE_OFF, *d = n + 20;
    size_t descsz = JUMP_NOTE_FIXED + sizeof SONAME;
    put32(n, 5), put32(n + 4, (uint32_t)descsz), put32(n + 8, JUMP_NOTE_TYPE);
    memcpy(n + 12, "JUMP", 5);
    put32(d, JUMP_NOTE_FORMAT), put32(d + 4, vword), put32(d + 8, ps), put32(d + 12, 0x100), put32(d + 16, 0x100);
    put64(d + 24, ORG), put64(d + 32, GOT), put64(d + 40, DATA), put64(d + 48, DATA + 0x200), put64(d + 56, INFO);
    memcpy(d + JUMP_NOTE_FIXED, SONAME, sizeof SONAME);
    size_t nlen = (20 + descsz + 3) & ~(size_t)3;
    phdr(m, 2, 4, JV_R, NOTE_OFF, 0, nlen, 0);
    m->len = NOTE_OFF + nlen;
}

static const char *check(const img *m)
{
    jv_image im;
    return jv_file(m->b, m->len, m->ps, &im);
}

static void expect(const img *m, const char *want)
{
    const char *why = check(m);
    if (!want) {
        assert_null(why);
        return;
    }
    assert_non_null(why);
    if (!strstr(why, want))
        fail_msg("reason '%s', expected '%s'", why, want);
}

static void check_arch(unsigned ps)
{
    img m;
    jv_image im;
    build(&m, ps);
    expect(&m, NULL);
    assert_null(jv_file(m.b, m.len, ps, &im));
    assert_int_equal(im.origin, ORG);
    assert_int_equal(im.ctor, ORG + 0x100 - 8);
    assert_string_equal(im.soname, SONAME);
    assert_int_equal(im.nseg, 2);

    /* The file and its headers. */
    m.len = 10, expect(&m, "not an ELF file");
    build(&m, ps), m.b[4] = ps == 8 ? 1 : 2, expect(&m, "another architecture");
    build(&m, ps), put16(m.b + 16, 3), expect(&m, "bad ELF header");
    build(&m, ps), m.len = 0x2080, expect(&m, "truncated file");
    build(&m, ps), m.len = NOTE_OFF + 4, expect(&m, "truncated file");
    build(&m, ps), phdr(&m, 1, 1, JV_R | JV_W, 0x2000, DATA, 0x300, 0x200), expect(&m, "more bytes in the file");
    build(&m, ps), phdr(&m, 1, 1, JV_R | JV_W, 0x2800, ORG + 0x800, 0x100, 0x200), expect(&m, "overlap");
    build(&m, ps), phdr(&m, 1, 1, JV_R | JV_W, 0x2010, DATA, 0x100, 0x200), expect(&m, "page-aligned");
    build(&m, ps), phdr(&m, 1, 1, JV_R | JV_W, 0x2000, DATA, 0x100, 0x7fffffff), expect(&m, "too large");
    build(&m, ps), phdr(&m, 2, 6, JV_R, NOTE_OFF, 0, 0x60, 0), expect(&m, "no jump note");
    /* The note. */
    build(&m, ps), m.b[NOTE_OFF + 12] = 'X', expect(&m, "no jump note");
    build(&m, ps), put32(m.b + NOTE_OFF + 20 + 8, ps == 8 ? 4 : 8), expect(&m, "another architecture");
    build(&m, ps), put64(m.b + NOTE_OFF + 20 + 24, ORG + 0x1000), expect(&m, "outside the range");
    build(&m, ps), put32(m.b + NOTE_OFF + 20 + 12, 0x2000), expect(&m, "jump table");
    build(&m, ps), put64(m.b + NOTE_OFF + 20 + 32, 0x1234), expect(&m, "GOT");
    build(&m, ps), put64(m.b + NOTE_OFF + 20 + 56, DATA + 0x1f8), expect(&m, "information block lies outside");
    /* The contents. */
    build(&m, ps), put32(at(&m, ORG), 7), expect(&m, "version word");
    build(&m, ps), putw(&m, at(&m, GOT), INFO + ps), expect(&m, "corrupt image information block");
    build(&m, ps), putw(&m, at(&m, INFO + JI_CTOR_SLOT * ps), ORG + 8), expect(&m, "constructor slot");
    build(&m, ps), putw(&m, at(&m, INFO + JI_NIMPORTS * ps), 0x10000000), expect(&m, "host imports");
    build(&m, ps), putw(&m, at(&m, INFO + JI_IMPORTS * ps), DATA + 0x1fc), expect(&m, "host imports");
    build(&m, ps), putw(&m, at(&m, IMPORTS), ORG + 0x10), expect(&m, "a host import"); /* not writable */
    build(&m, ps), putw(&m, at(&m, IMPORTS), 0x400000), expect(&m, "a host import");
    build(&m, ps), putw(&m, at(&m, IMPORTS + ps), 0x400000), expect(&m, "a host import");
    /* a name running to the segment's end without a NUL */
    build(&m, ps), memset(at(&m, ORG + 0xf00), 'x', 0x100), putw(&m, at(&m, IMPORTS + ps), ORG + 0xf00),
        expect(&m, "a host import");
    build(&m, ps), putw(&m, at(&m, INFO + JI_NFIXUPS * ps), (uint64_t)-1 / 2), expect(&m, "fixups");
    build(&m, ps), putw(&m, at(&m, FIXUPS), 0x1000), expect(&m, "a fixup");
    build(&m, ps), putw(&m, at(&m, FIXUPS + ps), DATA + 0x1fe), expect(&m, "a fixup");
    build(&m, ps), putw(&m, at(&m, INFO + JI_NSLOTS * ps), 0x21), expect(&m, "slot names");
    build(&m, ps), putw(&m, at(&m, INFO + JI_SLOTNAMES * ps), 0x10), expect(&m, "slot names");
    build(&m, ps), putw(&m, at(&m, INFO + JI_NCELLS * ps), 0x100), expect(&m, "cell names");
    build(&m, ps), putw(&m, at(&m, INFO + JI_CELLNAMES * ps), DATA + 0x1fe), expect(&m, "cell names");
}

static void test_i386(void **state) { (void)state; check_arch(4); }
static void test_x86_64(void **state) { (void)state; check_arch(8); }

/* Damage at random (a fixed seed: the same copies every run): each copy is judged, and a
 * copy the checks pass is one whose every table lies inside it. Under ASan (make san) any
 * read outside the buffer fails the test. */
static void mutate(unsigned ps)
{
    img good, m;
    uint64_t seed = 0x9e3779b97f4a7c15u + ps;
    unsigned passed = 0;
    build(&good, ps);
    for (int round = 0; round < 20000; round++) {
        m = good;
        int edits = 1 + (int)(seed % 4);
        for (int k = 0; k < edits; k++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            size_t off = (size_t)(seed >> 33) % m.len;
            /* mostly where the checks look: headers, the note, the GOT, the information block */
            static const size_t hot[] = {0, NOTE_OFF, 0x1100, 0x1800, 0x1b00, 0x1c00};
            if (seed & 1)
                off = hot[(seed >> 8) % 6] + (size_t)(seed >> 40) % 0x60;
            m.b[off % m.len] = (uint8_t)(seed >> 24);
        }
        if ((seed >> 20) % 16 == 0)
            m.len = (size_t)(seed >> 36) % m.len;
        /* a heap copy of exactly len bytes, so that ASan sees a read past it */
        uint8_t *copy = malloc(m.len ? m.len : 1);
        memcpy(copy, m.b, m.len);
        jv_image im;
        if (!jv_file(copy, m.len, ps, &im)) {
            passed++;
            assert_non_null(jv_seg_of(&im, im.info, (uint64_t)JI_NWORDS * ps, JV_R));
            assert_int_equal(im.ctor, im.origin + im.jumpsize - 8);
        }
        free(copy);
    }
    assert_true(passed > 0); /* some damage is harmless (padding, code bytes) */
    assert_true(passed < 20000);
}

static void test_mutations_i386(void **state) { (void)state; mutate(4); }
static void test_mutations_x86_64(void **state) { (void)state; mutate(8); }


/* The same image as a.out (lib/aout.h): a QMAGIC header in front of the ELF headers, the
 * segments where they were. It passes; a header that disagrees with the segments does not. */
static void aout_build(img *m)
{
    build(m, 4);
    memmove(m->b + JV_AOUT_EXEC, m->b, 52 + 3 * 32);
    memset(m->b, 0, JV_AOUT_EXEC);
    put32(m->b, 0314 | 100u << 16);     /* a_info: QMAGIC, M_386 */
    put32(m->b + 4, 0x2000);             /* a_text: the header page and the text page */
    put32(m->b + 8, 0x1000);             /* a_data */
    put32(m->b + 12, 0x100);             /* a_bss */
    put32(m->b + 20, ORG - 0x1000 + 0x20); /* a_entry */
}

static void test_aout(void **state)
{
    img m;
    jv_image im;
    (void)state;
    aout_build(&m);
    assert_int_equal(jv_elf_at(m.b, m.len), JV_AOUT_EXEC);
    expect(&m, NULL);
    assert_null(jv_file(m.b, m.len, 4, &im));
    assert_int_equal(im.origin, ORG);
    assert_string_equal(im.soname, SONAME);
    build(&m, 4);
    assert_int_equal(jv_elf_at(m.b, m.len), 0);
    aout_build(&m), put32(m.b + 20, ORG + 0x20), expect(&m, "a.out entry");
    aout_build(&m), put32(m.b, 0314 | 3u << 16), expect(&m, "another machine");
    aout_build(&m), put32(m.b + 24, 8), expect(&m, "relocations");
    aout_build(&m), put32(m.b + 4, 0x1800), expect(&m, "bad a.out header");
    aout_build(&m), put32(m.b + 8, 0x100000), expect(&m, "bad a.out header");
    aout_build(&m), put32(m.b + 8, 0), expect(&m, "outside the a.out text and data");
    /* not QMAGIC, or no ELF header after it: read as ELF, which it is not */
    aout_build(&m), put32(m.b, 0413 | 100u << 16), expect(&m, "not an ELF file");
    aout_build(&m), m.b[JV_AOUT_EXEC + 1] = 'X', expect(&m, "not an ELF file");
    aout_build(&m), m.len = JV_AOUT_EXEC + 10, expect(&m, "not an ELF file");
}

/* ---- the image cache's index (jumpfmt.h), built here field by field ---- */

#define CACHE_ENTRIES 2
#define CACHE_BUCKETS (JUMP_CACHE_HEAD + CACHE_ENTRIES * JUMP_CACHE_ENTRY)
#define CACHE_NBUCKETS 4u
#define CACHE_COPIES (CACHE_BUCKETS + 4 * CACHE_NBUCKETS)
#define CACHE_INDEX (CACHE_COPIES + 2 * 64)
#define CACHE_SIZE (0x1000u + 2 * 0x2000u)

/* An index of two entries: libone.so.1 (pointer size 4) and libtwo.so.1 (8), each image
 * 0x1800 bytes at a page of its own, with a 64-byte head copy and a 16-byte note copy. */
static void cache_build(uint8_t *c)
{
    static const char *const names[] = {"libone.so.1", "libtwo.so.1"};
    memset(c, 0, CACHE_INDEX);
    memcpy(c, JUMP_CACHE_MAGIC, 8);
    put32(c + JUMP_CACHE_H_FORMAT, JUMP_CACHE_FORMAT);
    put32(c + JUMP_CACHE_H_COUNT, CACHE_ENTRIES);
    put64(c + JUMP_CACHE_H_SIZE, CACHE_SIZE);
    put64(c + JUMP_CACHE_H_INDEX, CACHE_INDEX);
    put32(c + JUMP_CACHE_H_NBUCKETS, CACHE_NBUCKETS);
    put64(c + JUMP_CACHE_H_BUCKETS, CACHE_BUCKETS);
    for (unsigned i = 0; i < CACHE_ENTRIES; i++) {
        uint32_t at = (uint32_t)jump_name_hash(names[i]) & (CACHE_NBUCKETS - 1);
        while (c[CACHE_BUCKETS + 4 * at])
            at = (at + 1) & (CACHE_NBUCKETS - 1);
        put32(c + CACHE_BUCKETS + 4 * at, i + 1);
    }
    for (unsigned i = 0; i < CACHE_ENTRIES; i++) {
        uint8_t *e = c + JUMP_CACHE_HEAD + i * JUMP_CACHE_ENTRY;
        put32(e + JUMP_CACHE_E_HASH, (uint32_t)jump_name_hash(names[i]));
        put32(e + JUMP_CACHE_E_CLASS, i ? 8 : 4);
        memcpy(e + JUMP_CACHE_E_NAME, names[i], strlen(names[i]));
        put64(e + JUMP_CACHE_E_DEV, 0x801);
        put64(e + JUMP_CACHE_E_INO, 1000 + i);
        put64(e + JUMP_CACHE_E_SIZE, 0x1800);
        put64(e + JUMP_CACHE_E_MTIME, 1700000000);
        put64(e + JUMP_CACHE_E_OFFSET, 0x1000 + i * 0x2000);
        put64(e + JUMP_CACHE_E_HEAD, CACHE_COPIES + i * 64);
        put32(e + JUMP_CACHE_E_HEADLEN, 0x400);
        put32(e + JUMP_CACHE_E_NOTELEN, 16);
        put64(e + JUMP_CACHE_E_NOTE, CACHE_COPIES + i * 64 + 48);
        put64(e + JUMP_CACHE_E_NOTEOFF, 0x1700);
    }
}

static void test_cache(void **state)
{
    static uint8_t c[CACHE_INDEX], d[CACHE_INDEX];
    jv_cache_entry e;
    const char *why = NULL;
    uint64_t idx = 0;
    (void)state;
    cache_build(c);
    /* the head copies are 0x400 long by the format, which needs a longer index: make room */
    for (unsigned i = 0; i < CACHE_ENTRIES; i++) {
        uint8_t *p = c + JUMP_CACHE_HEAD + i * JUMP_CACHE_ENTRY;
        put32(p + JUMP_CACHE_E_HEADLEN, 64);
        put64(p + JUMP_CACHE_E_SIZE, 64); /* an image of 64 bytes: the head copy is all of it */
        put64(p + JUMP_CACHE_E_NOTEOFF, 40);
        put32(p + JUMP_CACHE_E_NOTELEN, 16);
    }
    assert_null(jv_cache_header(c, CACHE_INDEX, CACHE_SIZE, &idx));
    assert_int_equal(idx, CACHE_INDEX);
    assert_int_equal(jv_cache_find(c, idx, CACHE_SIZE, "libtwo.so.1", (uint32_t)jump_name_hash("libtwo.so.1"), 8, &e, &why), 1);
    assert_int_equal(e.ino, 1001);
    assert_int_equal(e.offset, 0x3000);
    assert_int_equal(e.view, 64); /* a copy: its headers' offsets lie in the image */
    assert_ptr_equal(e.head, c + CACHE_COPIES + 64);
    assert_ptr_equal(e.note, c + CACHE_COPIES + 64 + 48);
    /* another pointer size, another name, a name that only shares a prefix: none */
    assert_int_equal(jv_cache_find(c, idx, CACHE_SIZE, "libtwo.so.1", (uint32_t)jump_name_hash("libtwo.so.1"), 4, &e, &why), 0);
    assert_int_equal(jv_cache_find(c, idx, CACHE_SIZE, "libthree.so.1", (uint32_t)jump_name_hash("libthree.so.1"), 8, &e, &why), 0);
    assert_int_equal(jv_cache_find(c, idx, CACHE_SIZE, "libone.so.1", (uint32_t)jump_name_hash("libtwo.so.1"), 4, &e, &why), 0);

    /* the header's damage, each with its reason */
    memcpy(d, c, sizeof d);
    d[0] ^= 1;
    assert_string_equal(jv_cache_header(d, sizeof d, CACHE_SIZE, &idx), "not an image cache (bad magic)");
    assert_string_equal(jv_cache_header(c, JUMP_CACHE_HEAD - 1, CACHE_SIZE, &idx), "truncated header");
    assert_string_equal(jv_cache_header(c, sizeof c, CACHE_SIZE - 1, &idx), "truncated or grown since it was written");
    /* the format before zoned entries (1), and one after this loader's */
    for (uint32_t f = 1; f <= JUMP_CACHE_FORMAT + 1; f += JUMP_CACHE_FORMAT) {
        memcpy(d, c, sizeof d);
        put32(d + JUMP_CACHE_H_FORMAT, f);
        assert_string_equal(jv_cache_header(d, sizeof d, CACHE_SIZE, &idx), "another format of image cache");
    }
    memcpy(d, c, sizeof d);
    put32(d + JUMP_CACHE_H_COUNT, 1000);
    assert_string_equal(jv_cache_header(d, sizeof d, CACHE_SIZE, &idx), "corrupt header (index)");
    memcpy(d, c, sizeof d);
    put64(d + JUMP_CACHE_H_INDEX, CACHE_SIZE + 1);
    assert_string_equal(jv_cache_header(d, sizeof d, CACHE_SIZE, &idx), "corrupt header (index)");
    static const struct { unsigned field, size; uint64_t value; } badhead[] = {
        {JUMP_CACHE_H_NBUCKETS, 4, 3},                 /* not a power of two */
        {JUMP_CACHE_H_NBUCKETS, 4, 2},                 /* fewer than twice the entries */
        {JUMP_CACHE_H_NBUCKETS, 4, 1u << 20},          /* past the index */
        {JUMP_CACHE_H_BUCKETS, 8, CACHE_BUCKETS + 2},  /* misaligned */
        {JUMP_CACHE_H_BUCKETS, 8, CACHE_INDEX - 4},    /* running past the index */
    };
    for (unsigned i = 0; i < sizeof badhead / sizeof badhead[0]; i++) {
        memcpy(d, c, sizeof d);
        if (badhead[i].size == 8)
            put64(d + badhead[i].field, badhead[i].value);
        else
            put32(d + badhead[i].field, (uint32_t)badhead[i].value);
        assert_string_equal(jv_cache_header(d, sizeof d, CACHE_SIZE, &idx), "corrupt header (buckets)");
    }
    /* a bucket naming an entry past the last one */
    memcpy(d, c, sizeof d);
    for (unsigned i = 0; i < CACHE_NBUCKETS; i++)
        put32(d + CACHE_BUCKETS + 4 * i, 3);
    assert_int_equal(jv_cache_find(d, CACHE_INDEX, CACHE_SIZE, "libone.so.1", (uint32_t)jump_name_hash("libone.so.1"), 4, &e, &why), -1);
    assert_string_equal(why, "corrupt bucket");
    /* every bucket full of the other name: the probe ends after one round */
    memcpy(d, c, sizeof d);
    for (unsigned i = 0; i < CACHE_NBUCKETS; i++)
        put32(d + CACHE_BUCKETS + 4 * i, 2);
    assert_int_equal(jv_cache_find(d, CACHE_INDEX, CACHE_SIZE, "libone.so.1", (uint32_t)jump_name_hash("libone.so.1"), 4, &e, &why), 0);

    /* an entry's damage: its image or copies outside their places */
    static const struct { unsigned field, size; uint64_t value; } bad[] = {
        {JUMP_CACHE_E_OFFSET, 8, 0x3001},            /* not page-aligned */
        {JUMP_CACHE_E_OFFSET, 8, 0},                 /* inside the index */
        {JUMP_CACHE_E_OFFSET, 8, CACHE_SIZE},        /* the image past the end */
        {JUMP_CACHE_E_SIZE, 8, 0x10000},             /* longer than the file */
        {JUMP_CACHE_E_HEADLEN, 4, 63},               /* not min(size, 1024) */
        {JUMP_CACHE_E_HEAD, 8, CACHE_INDEX - 8},     /* the head copy past the index */
        {JUMP_CACHE_E_NOTE, 8, ~0ull},               /* the note copy anywhere */
        {JUMP_CACHE_E_NOTEOFF, 8, 60},               /* the note past the image */
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t *p = d + JUMP_CACHE_HEAD + JUMP_CACHE_ENTRY;
        memcpy(d, c, sizeof d);
        if (bad[i].size == 8)
            put64(p + bad[i].field, bad[i].value);
        else
            put32(p + bad[i].field, (uint32_t)bad[i].value);
        why = NULL;
        assert_int_equal(jv_cache_find(d, CACHE_INDEX, CACHE_SIZE, "libtwo.so.1", (uint32_t)jump_name_hash("libtwo.so.1"), 8, &e, &why), -1);
        assert_string_equal(why, "corrupt entry");
    }
    /* A zoned entry (a split image placed by zone): offset 0, its note anywhere in the cache,
     * its headers' offsets checked later against the cache's size. */
    memcpy(d, c, sizeof d);
    {
        uint8_t *p = d + JUMP_CACHE_HEAD + JUMP_CACHE_ENTRY;
        put32(p + JUMP_CACHE_E_FLAGS, JUMP_CACHE_ZONED);
        put64(p + JUMP_CACHE_E_OFFSET, 0);
        put64(p + JUMP_CACHE_E_NOTEOFF, 0x2040);
        assert_int_equal(jv_cache_find(d, CACHE_INDEX, CACHE_SIZE, "libtwo.so.1", (uint32_t)jump_name_hash("libtwo.so.1"), 8, &e, &why), 1);
        assert_int_equal(e.flags, JUMP_CACHE_ZONED);
        assert_int_equal(e.offset, 0);
        assert_int_equal(e.noteoff, 0x2040);
        assert_int_equal(e.view, CACHE_SIZE); /* its headers' offsets lie anywhere in the cache */
        static const struct { unsigned field, size; uint64_t value; } badz[] = {
            {JUMP_CACHE_E_OFFSET, 8, 0x3000},            /* a zoned copy has no one place */
            {JUMP_CACHE_E_NOTEOFF, 8, CACHE_SIZE - 8},   /* the note past the cache */
            {JUMP_CACHE_E_FLAGS, 4, 2},                  /* a flag this loader does not know */
            {JUMP_CACHE_E_HEADLEN, 4, 63},               /* not min(size, 1024) */
        };
        for (unsigned i = 0; i < sizeof badz / sizeof badz[0]; i++) {
            uint8_t z[CACHE_INDEX];
            memcpy(z, d, sizeof z);
            if (badz[i].size == 8)
                put64(z + JUMP_CACHE_HEAD + JUMP_CACHE_ENTRY + badz[i].field, badz[i].value);
            else
                put32(z + JUMP_CACHE_HEAD + JUMP_CACHE_ENTRY + badz[i].field, (uint32_t)badz[i].value);
            why = NULL;
            assert_int_equal(jv_cache_find(z, CACHE_INDEX, CACHE_SIZE, "libtwo.so.1", (uint32_t)jump_name_hash("libtwo.so.1"), 8, &e, &why), -1);
            assert_string_equal(why, "corrupt entry");
        }
    }

    /* a name that fills all 64 bytes without a NUL never matches (nor reads past it) */
    memcpy(d, c, sizeof d);
    memset(d + JUMP_CACHE_HEAD + JUMP_CACHE_E_NAME, 'x', JUMP_CACHE_NAME_MAX);
    assert_int_equal(jv_cache_find(d, CACHE_INDEX, CACHE_SIZE, "libone.so.1", (uint32_t)jump_name_hash("libone.so.1"), 4, &e, &why), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_i386),
        cmocka_unit_test(test_x86_64),
        cmocka_unit_test(test_mutations_i386),
        cmocka_unit_test(test_mutations_x86_64),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_aout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
