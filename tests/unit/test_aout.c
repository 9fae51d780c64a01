/* lib/aout.c: the a.out spelling of names both ways, and an a.out QMAGIC image read as the
 * ELF view the readers use, on images built here byte by byte from the format's fields
 * (struct exec, struct nlist, the string table), not by the toolkit's writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "aout.h"
#include "buf.h"
#include "diag.h"
#include "elf.h"
#include "sysutil.h"

static void name_is(char *got, const char *want)
{
    assert_string_equal(got, want);
    free(got);
}

static void test_names(void **state)
{
    (void)state;
    name_is(aout_name_from_elf("foo"), "_foo");
    name_is(aout_name_from_elf("_foo"), "__foo");
    name_is(aout_name_from_elf("__GOT_foo"), "__GOT__foo");
    name_is(aout_name_from_elf("__PLT_foo"), "__PLT__foo");
    name_is(aout_name_from_elf("__NEEDS_SHRLIB_libc_4"), "__NEEDS_SHRLIB_libc_4");
    name_is(aout_name_from_elf("__SHARABLE_CONFLICTS__"), "__SHARABLE_CONFLICTS__");
    name_is(aout_name_to_elf("_foo"), "foo");
    name_is(aout_name_to_elf("__foo"), "_foo");
    name_is(aout_name_to_elf("__GOT__foo"), "__GOT_foo");
    name_is(aout_name_to_elf("__PLT__foo"), "__PLT_foo");
    name_is(aout_name_to_elf("__NEEDS_SHRLIB_libc_4"), "__NEEDS_SHRLIB_libc_4");
    name_is(aout_name_to_elf("_"), "_");
    name_is(aout_name_to_elf("plain"), "plain");
    /* every toolkit name comes back from its a.out spelling */
    static const char *const round[] = {"f", "_f", "__GOT_x", "__PLT_y", "__JUMP_ADDR_z", "__libxyz_1_0"};
    for (size_t i = 0; i < sizeof round / sizeof round[0]; i++) {
        char *a = aout_name_from_elf(round[i]);
        name_is(aout_name_to_elf(a), round[i]);
        free(a);
    }
}

/* A classic image as the period tools left it: no ELF headers in the header page. Text two
 * pages (the header page, then the version word and slots at 0x60000000), one data page,
 * bss, three symbols. */
#define ORG 0x60000000u
typedef struct img {
    uint8_t b[0x3100];
    size_t len;
} img;

static void w32(uint8_t *p, uint32_t v) { wr32le(p, v); }

static void classic(img *m)
{
    static const char strs[] = "_f\0__GOT__v\0___NEEDS_SHRLIB_libc_4"; /* the last a local */
    uint8_t *sym = m->b + 0x3000, *str = sym + 3 * AOUT_NLIST_SIZE;
    memset(m, 0, sizeof *m);
    w32(m->b, AOUT_QMAGIC | AOUT_M_386 << 16);
    w32(m->b + 4, 0x2000), w32(m->b + 8, 0x1000), w32(m->b + 12, 0x40);
    w32(m->b + 16, 3 * AOUT_NLIST_SIZE), w32(m->b + 20, ORG - 0x1000 + 0x20);
    w32(m->b + 0x1000, 0x10000); /* the version word 1.0 */
    /* nlist: n_strx, n_type, n_other, n_desc, n_value */
    w32(sym, 4), sym[4] = AOUT_N_TEXT | AOUT_N_EXT, w32(sym + 8, ORG + 8);
    w32(sym + 12, 7), sym[16] = AOUT_N_DATA | AOUT_N_EXT, w32(sym + 20, ORG + 0x1000 + 8);
    w32(sym + 24, 16), sym[28] = AOUT_N_BSS, w32(sym + 32, ORG + 0x2000);
    w32(str, 4 + sizeof strs);
    memcpy(str + 4, strs, sizeof strs);
    m->len = 0x3000 + 3 * AOUT_NLIST_SIZE + 4 + sizeof strs;
}

static void test_classic_image(void **state)
{
    img m;
    elf_file f;
    jerr e;
    uint8_t w[4];
    (void)state;
    classic(&m);
    assert_true(aout_is_aout(m.b, m.len));
    assert_int_equal(image_view_open(&f, "libc.so.4", m.b, m.len, &e), 0);
    assert_string_equal(f.arch->name, "i386");
    assert_int_equal(f.entry, ORG - 0x1000 + 0x20);
    /* one segment, as uselib() mapped it: text, data and bss from the header page on */
    assert_int_equal(f.nphdrs, 1);
    assert_int_equal(f.phdrs[0].vaddr, ORG - 0x1000);
    assert_int_equal(f.phdrs[0].filesz, 0x3000);
    assert_int_equal(f.phdrs[0].memsz, 0x3040);
    assert_int_equal(elf_read_vaddr(&f, ORG, w, 4), 0);
    assert_int_equal(rd32le(w), 0x10000);
    assert_int_equal(f.nsyms, 4);
    assert_string_equal(f.syms[1].name, "f");
    assert_int_equal(f.syms[1].value, ORG + 8);
    assert_int_equal(f.syms[1].bind, STB_GLOBAL_);
    assert_string_equal(f.secs[f.syms[1].shndx].name, ".text");
    assert_string_equal(f.syms[2].name, "__GOT_v");
    assert_string_equal(f.secs[f.syms[2].shndx].name, ".data");
    assert_string_equal(f.syms[3].name, "__NEEDS_SHRLIB_libc_4");
    assert_int_equal(f.syms[3].bind, STB_LOCAL_);
    assert_string_equal(f.secs[f.syms[3].shndx].name, ".bss");
    assert_int_not_equal(elf_symbol(&f, "__GOT_v"), 0);
    elf_close(&f);
}

static void refused(img *m, const char *want)
{
    elf_file f;
    jerr e;
    assert_int_equal(aout_image_open(&f, "x", m->b, m->len, &e), -1);
    su_expect_msg(e.msg, want);
}

static void test_damaged(void **state)
{
    img m;
    (void)state;
    classic(&m), w32(m.b, AOUT_ZMAGIC | AOUT_M_386 << 16), refused(&m, "not an a.out QMAGIC image");
    classic(&m), m.b[2] = 64, refused(&m, "machine 64");
    classic(&m), w32(m.b + 4, 0x1800), refused(&m, "do not fit");
    classic(&m), w32(m.b + 8, 0x100000), refused(&m, "do not fit");
    classic(&m), w32(m.b + 16, 13), refused(&m, "do not fit");
    classic(&m), w32(m.b + 0x3000 + 3 * AOUT_NLIST_SIZE, 0x10000), refused(&m, "string table");
    classic(&m), w32(m.b + 0x3000, 0x5000), refused(&m, "outside the string table");
    /* a name without its NUL inside the table */
    classic(&m), m.len--, w32(m.b + 0x3000 + 3 * AOUT_NLIST_SIZE, (uint32_t)(m.len - (0x3000 + 3 * AOUT_NLIST_SIZE))),
        refused(&m, "outside the string table");
    m.len = 10, refused(&m, "not an a.out");
    /* ELF headers in the header page that do not fit it */
    classic(&m), memcpy(m.b + 32, "\177ELF\1\1\1", 7), wr16le(m.b + 32 + 42, 32), w32(m.b + 32 + 28, 0xf00),
        wr16le(m.b + 32 + 44, 8), refused(&m, "damaged");
}

/* OMAGIC objects: the view and its refusals. */
static void test_objects(void **state)
{
    uint8_t o[64] = {0};
    elf_file f;
    jerr e;
    (void)state;
    w32(o, AOUT_OMAGIC | AOUT_M_386 << 16);
    w32(o + 4, 4), w32(o + 16, 12);       /* 4 bytes of text, one symbol */
    w32(o + 36, 4), o[40] = AOUT_N_ABS | AOUT_N_EXT, w32(o + 44, 0x6b200008);
    w32(o + 48, 11), memcpy(o + 52, "_old_a", 7); /* the string table: its size, then the name */
    assert_int_equal(aout_object_open(&f, "old.o", o, 59, &e), 0);
    assert_int_equal(f.type, ET_REL_);
    assert_int_equal(f.nsyms, 2);
    assert_string_equal(f.syms[1].name, "old_a");
    assert_int_equal(f.syms[1].shndx, SHN_ABS_);
    elf_close(&f);
    w32(o, AOUT_QMAGIC | AOUT_M_386 << 16);
    assert_int_equal(aout_object_open(&f, "old.o", o, 59, &e), -1);
    assert_string_equal(e.msg, "old.o: not an a.out OMAGIC object");
    w32(o, AOUT_OMAGIC | 64u << 16);
    assert_int_equal(aout_object_open(&f, "old.o", o, 59, &e), -1);
    assert_string_equal(e.msg, "old.o: an a.out object for machine 64, not i386");
    w32(o, AOUT_OMAGIC | AOUT_M_386 << 16);
    assert_int_equal(aout_object_open(&f, "old.o", o, 40, &e), -1);
    assert_non_null(strstr(e.msg, "do not fit the file's 40 bytes"));
    w32(o + 48, 100);
    assert_int_equal(aout_object_open(&f, "old.o", o, 59, &e), -1);
    assert_string_equal(e.msg, "old.o: its a.out string table lies outside the file");
}

/* A minimal ELF32 jump-image shape for the a.out writer: the header, `n` program headers,
 * the first segment at file offset `off`. */
static void elf32(buf *b, unsigned machine, uint32_t off, int second, uint32_t phoff)
{
    uint8_t h[52] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
    unsigned n = second ? 2 : 1;
    b->len = 0;
    wr16le(h + 16, 2), wr16le(h + 18, (uint16_t)machine), wr32le(h + 20, 1), wr32le(h + 24, ORG);
    wr32le(h + 28, phoff), wr16le(h + 40, 52), wr16le(h + 42, 32), wr16le(h + 44, (uint16_t)n);
    buf_add(b, h, 52);
    buf_zero(b, phoff - 52);
    for (unsigned i = 0; i < n; i++) {
        uint32_t o = i ? off + 0x2000 + 0x800 : off, va = ORG + 0x2000 * i;
        buf_w32(b, 1), buf_w32(b, o), buf_w32(b, va), buf_w32(b, va), buf_w32(b, 0x10), buf_w32(b, 0x10);
        buf_w32(b, i ? 6 : 5), buf_w32(b, 0x1000);
    }
    buf_zero(b, off + 0x3000 - b->len);
}

static void test_image_writer(void **state)
{
    buf in = {0}, out = {0};
    jerr e;
    aout_exec x;
    (void)state;
    elf32(&in, 3, 0x1000, 0, 52);
    assert_int_equal(aout_image_from_elf(in.p, in.len, &out, &e), 0);
    assert_int_equal(aout_exec_read(out.p, out.len, &x), 0);
    assert_int_equal(x.info, AOUT_QMAGIC | AOUT_M_386 << 16);
    assert_int_equal(x.entry, ORG - 0x1000 + 0x20);
    assert_int_equal(x.text, 0x2000);
    assert_memory_equal(out.p + 32, "\177ELF", 4);
    out.len = 0;
    assert_int_equal(aout_image_from_elf((const uint8_t *)"text", 4, &out, &e), -1);
    assert_string_equal(e.msg, "cannot write an a.out image: image: not an ELF file");
    elf32(&in, 3, 0x2000, 0, 52);
    assert_int_equal(aout_image_from_elf(in.p, in.len, &out, &e), -1);
    assert_string_equal(e.msg, "cannot write an a.out image: the ELF image does not start its segments one "
                               "page into the file");
    elf32(&in, 3, 0x1000, 1, 52);
    assert_int_equal(aout_image_from_elf(in.p, in.len, &out, &e), -1);
    assert_non_null(strstr(e.msg, "an a.out image is one piece of file mapped at one address"));
    elf32(&in, 3, 0x1000, 0, 0xff0);
    assert_int_equal(aout_image_from_elf(in.p, in.len, &out, &e), -1);
    assert_string_equal(e.msg, "cannot write an a.out image: its ELF headers do not fit the header page");
    buf_free(&in);
    buf_free(&out);
}

/* The ELF copy in a QMAGIC header page: a segment it names outside the file is refused. */
static void test_copy_outside(void **state)
{
    img m;
    elf_file f;
    jerr e;
    (void)state;
    classic(&m);
    memcpy(m.b + 32, "\177ELF\1\1\1", 7);
    wr16le(m.b + 32 + 42, 32), w32(m.b + 32 + 28, 52), wr16le(m.b + 32 + 44, 1);
    w32(m.b + 32 + 52, 1), w32(m.b + 32 + 56, 0x10000), w32(m.b + 32 + 68, 0x100); /* PT_LOAD at 64K */
    assert_int_equal(aout_image_open(&f, "x", m.b, m.len, &e), -1);
    assert_string_equal(e.msg, "x: a segment lies outside the file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_classic_image),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_objects),
        cmocka_unit_test(test_image_writer),
        cmocka_unit_test(test_copy_outside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
