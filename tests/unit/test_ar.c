/* test_ar: archives written by arw checked with ar, nm -s and ld (members pulled through the
 * index, a weak absolute definition included); the reader on our archives, on GNU ar's, and on
 * corrupt ones; 10,000 members quickly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ar.h"
#include "buf.h"
#include "diag.h"
#include "elf.h"
#include "sysutil.h"

#define WABS 0x6a380020u
#define LONGNAME "weak_only_member_long_name.o"

static void obj_a(const arch *a, buf *out)
{
    elf_writer *w = elfw_new(a);
    int t = elfw_section(w, ".text", SHT_PROGBITS_, SHF_ALLOC_ | SHF_EXECINSTR_, 16);
    buf_add(elfw_data(w, t), "\xc3", 1);
    elfw_symbol(w, "func_a", t, 0, 1, STB_GLOBAL_, STT_FUNC_);
    elfw_symbol(w, "loc_a", t, 0, 1, STB_LOCAL_, STT_FUNC_);
    elfw_symbol(w, "ext_u", ELFW_UNDEF, 0, 0, STB_GLOBAL_, STT_NOTYPE_);
    elfw_finish(w, out);
    elfw_free(w);
}

static void obj_weak(const arch *a, buf *out)
{
    elf_writer *w = elfw_new(a);
    elfw_symbol(w, "wabs", ELFW_ABS, WABS, 0, STB_WEAK_, STT_FUNC_);
    elfw_finish(w, out);
    elfw_free(w);
}

static void obj_c(const arch *a, buf *out)
{
    elf_writer *w = elfw_new(a);
    elfw_symbol(w, "comm", ELFW_COMMON, 4, 8, STB_GLOBAL_, STT_OBJECT_);
    elfw_symbol(w, "gabs", ELFW_ABS, 0x1234, 0, STB_GLOBAL_, STT_NOTYPE_);
    elfw_finish(w, out);
    elfw_free(w);
}

static void build_members(const arch *a, buf m[3])
{
    memset(m, 0, 3 * sizeof *m);
    obj_a(a, &m[0]);
    obj_weak(a, &m[1]);
    obj_c(a, &m[2]);
}

static void build_archive(const arch *a, buf *out)
{
    buf m[3];
    ar_writer *w = arw_new();
    build_members(a, m);
    arw_add(w, "a.o", m[0].p, m[0].len);
    arw_add(w, LONGNAME, m[1].p, m[1].len);
    arw_add(w, "c.o", m[2].p, m[2].len);
    arw_add(w, "notes.txt", "odd", 3);
    arw_finish(w, out);
    arw_free(w);
    for (int i = 0; i < 3; i++)
        buf_free(&m[i]);
}

static void check_tools(const arch *a)
{
    char *dir = su_scratch();
    buf ar = {0}, m[3];
    build_archive(a, &ar);
    su_write("lib.a", ar.p, ar.len);

    char *t = su_out("ar t lib.a");
    assert_non_null(t);
    assert_string_equal(t, "a.o\n" LONGNAME "\nc.o\nnotes.txt\n");
    free(t);
    char *idx = su_out("nm -s lib.a 2>/dev/null | sed -n '/^Archive index:/,/^$/p'");
    assert_non_null(idx);
    assert_string_equal(idx, "Archive index:\nfunc_a in a.o\nwabs in " LONGNAME "\ncomm in c.o\ngabs in c.o\n\n");
    free(idx);

    /* GNU ar in deterministic mode writes the same bytes. */
    build_members(a, m);
    su_write("a.o", m[0].p, m[0].len);
    su_write(LONGNAME, m[1].p, m[1].len);
    su_write("c.o", m[2].p, m[2].len);
    su_write("notes.txt", "odd", 3);
    for (int i = 0; i < 3; i++)
        buf_free(&m[i]);
    char *o = su_out("ar rcD ref.a a.o " LONGNAME " c.o notes.txt && cmp ref.a lib.a && echo same");
    assert_non_null(o);
    assert_string_equal(o, "same\n");
    free(o);

    /* ld pulls a member found only through a weak absolute definition, and nothing else. */
    FILE *s = fopen("main.s", "w");
    assert_non_null(s);
    fputs(".data\n.long wabs\n.section .note.GNU-stack,\"\",@progbits\n", s);
    fclose(s);
    o = su_out("as %s -o main.o main.s && ld -m %s -e 0 --no-dynamic-linker -o out main.o lib.a 2>&1 && nm out 2>&1",
               a->as_flag, a->ld_emul);
    assert_non_null(o);
    char line[128];
    snprintf(line, sizeof line, "%0*x W wabs", (int)a->ptrsize * 2, WABS);
    assert_true(su_has_line(o, line));
    assert_null(strstr(o, "func_a"));
    assert_null(strstr(o, "comm"));
    assert_null(strstr(o, "gabs"));
    free(o);
    /* A reference to func_a pulls a.o (its unused undefined ext_u does not matter). */
    s = fopen("main2.s", "w");
    assert_non_null(s);
    fputs(".data\n.long func_a\n.section .note.GNU-stack,\"\",@progbits\n", s);
    fclose(s);
    o = su_out("as %s -o main2.o main2.s && ld -m %s -e 0 --no-dynamic-linker -o out2 main2.o lib.a 2>&1 && nm out2",
               a->as_flag, a->ld_emul);
    assert_non_null(o);
    assert_non_null(strstr(o, " T func_a\n"));
    assert_null(strstr(o, "wabs"));
    free(o);
    buf_free(&ar);
    su_scratch_done(dir);
}

static void test_tools_i386(void **state) { (void)state; check_tools(&arch_i386); }
static void test_tools_x86_64(void **state) { (void)state; check_tools(&arch_x86_64); }

static void test_reader_round_trip(void **state)
{
    buf ar = {0}, m[3];
    ar_file a;
    jerr e;
    (void)state;
    build_archive(&arch_x86_64, &ar);
    build_members(&arch_x86_64, m);
    assert_true(ar_is_archive(ar.p, ar.len));
    assert_int_equal(ar_open(&a, "lib.a", ar.p, ar.len, &e), 0);
    assert_int_equal(a.n, 4);
    assert_string_equal(a.m[0].name, "a.o");
    assert_string_equal(a.m[1].name, LONGNAME);
    assert_string_equal(a.m[3].name, "notes.txt");
    for (int i = 0; i < 3; i++) {
        assert_int_equal(a.m[i].size, m[i].len);
        assert_memory_equal(a.m[i].data, m[i].p, m[i].len);
        buf_free(&m[i]);
    }
    assert_int_equal(a.m[3].size, 3);
    assert_memory_equal(a.m[3].data, "odd", 3);
    assert_int_equal(a.nsym, 4);
    assert_string_equal(a.sym[1], "wabs");
    assert_int_equal(a.sym_member[1], 1);
    assert_string_equal(a.sym[3], "gabs");
    assert_int_equal(a.sym_member[3], 2);
    ar_close(&a);
    buf_free(&ar);
}

static void test_reads_gnu_archive(void **state)
{
    char *dir = su_scratch();
    blob b;
    ar_file a;
    jerr e;
    (void)state;
    FILE *s = fopen("x.c", "w");
    assert_non_null(s);
    fputs("int xv = 1; int xf(void) { return xv; }\n", s);
    fclose(s);
    char *o = su_out("gcc -m32 -c x.c -o a_rather_long_member_name.o && gcc -m32 -c x.c -DXX -o s.o && "
                     "printf 'x' > odd.txt && ar rc g.a a_rather_long_member_name.o odd.txt && ar rcs g.a s.o");
    assert_non_null(o);
    free(o);
    assert_int_equal(blob_read("g.a", &b, &e), 0);
    assert_int_equal(ar_open(&a, "g.a", b.p, b.len, &e), 0);
    assert_int_equal(a.n, 3);
    assert_string_equal(a.m[0].name, "a_rather_long_member_name.o");
    assert_string_equal(a.m[1].name, "odd.txt");
    assert_int_equal(a.m[1].size, 1);
    assert_string_equal(a.m[2].name, "s.o");
    /* The index as nm -s prints it ("sym in member"), entry by entry. */
    char *idx = su_out("nm -s g.a 2>/dev/null | sed -n '/^Archive index:/,/^$/p' | sed '1d;$d'");
    assert_non_null(idx);
    buf mine = {0};
    for (size_t i = 0; i < a.nsym; i++)
        buf_printf(&mine, "%s in %s\n", a.sym[i], a.m[a.sym_member[i]].name);
    assert_true(a.nsym >= 4);
    char *ms = buf_cstr(&mine);
    assert_string_equal(ms, idx);
    free(ms);
    free(idx);
    ar_close(&a);
    blob_free(&b);
    su_scratch_done(dir);
}

/* Overwrite sizeof(lit)-1 bytes (NULs included) at `at`, then open. */
#define bad(o, len, at, lit) bad_n(o, len, at, lit, sizeof(lit) - 1)
static const char *bad_n(const buf *o, size_t len, size_t at, const char *bytes, size_t n)
{
    static jerr e;
    ar_file a;
    uint8_t *c = xmalloc(o->len);
    memcpy(c, o->p, o->len);
    memcpy(c + at, bytes, n);
    if (ar_open(&a, "bad.a", c, len, &e) == 0) {
        ar_close(&a);
        free(c);
        return "opened";
    }
    free(c);
    assert_int_equal(e.status, EXIT_BAD);
    return e.msg;
}

static void test_corrupt_archives(void **state)
{
    buf ar = {0};
    (void)state;
    build_archive(&arch_i386, &ar);
    /* Layout: magic, "/" header at 8, index (4 + 4*4 + names), "//", members. */
    size_t idx_size = (size_t)strtoul((const char *)ar.p + 8 + 48, NULL, 10);
    size_t ln_hdr = 8 + 60 + idx_size;
    size_t ln_size = (size_t)strtoul((const char *)ar.p + ln_hdr + 48, NULL, 10);
    size_t m0 = ln_hdr + 60 + ln_size;
    char want[256];
    assert_string_equal(bad(&ar, ar.len, 0, ""), "opened");
    assert_string_equal(bad(&ar, ar.len, 0, "!<arch>X"), "bad.a: not an ar archive");
    assert_string_equal(bad(&ar, 5, 0, ""), "bad.a: not an ar archive");
    assert_string_equal(bad(&ar, 30, 0, ""), "bad.a: member 0 header is truncated (at offset 8)");
    snprintf(want, sizeof want, "bad.a: member 2 header is corrupt (no end marker, at offset %zu)", m0);
    assert_string_equal(bad(&ar, ar.len, m0 + 58, "X"), want);
    assert_string_equal(bad(&ar, ar.len, m0 + 48, "12x"), "bad.a: member 2 size field '12x       ' is not a number");
    assert_string_equal(bad(&ar, ar.len, m0 + 48, "9999999999"),
                        "bad.a: member 2 (size 9999999999) extends past the end of the archive");
    size_t m1 = m0 + 60 + (size_t)strtoul((const char *)ar.p + m0 + 48, NULL, 10);
    m1 += m1 & 1;
    assert_string_equal(bad(&ar, ar.len, m1, "/99 "),
                        "bad.a: member 3 long name reference '/99' is not in the long-name table");
    assert_string_equal(bad(&ar, ar.len, 8 + 60, "\0\0\1\0"),
                        "bad.a: symbol index count 256 does not fit its 42 bytes" /* 4 + 4*4 + 22 */);
    assert_string_equal(bad(&ar, ar.len, 8 + 60 + 4, "\0\0\0\x09"),
                        "bad.a: symbol index entry 0 ('func_a') points at offset 9, which is not a member");
    /* The last name loses its NUL. */
    assert_string_equal(bad(&ar, ar.len, 8 + 60 + idx_size - 1, "X"),
                        "bad.a: symbol index name 3 is missing or not NUL-terminated");
    (void)ln_size;
    buf_free(&ar);
}

static void test_ten_thousand_members(void **state)
{
    (void)state;
    char *dir = su_scratch();
    enum { N = 10000 };
    buf out = {0};
    ar_file a;
    jerr e;
    ar_writer *w = arw_new();
    for (int i = 0; i < N; i++) {
        char name[64], mname[64];
        buf o = {0};
        elf_writer *ew = elfw_new(&arch_i386);
        snprintf(name, sizeof name, "function_number_%d", i);
        snprintf(mname, sizeof mname, "member_with_a_long_name_%d.o", i);
        elfw_symbol(ew, name, ELFW_ABS, 0x60000000u + 8u * (unsigned)i, 0, STB_WEAK_, STT_FUNC_);
        elfw_symbol(ew, "__libbig_1_0", ELFW_UNDEF, 0, 0, STB_GLOBAL_, STT_NOTYPE_);
        elfw_finish(ew, &o);
        elfw_free(ew);
        arw_add(w, mname, o.p, o.len);
        buf_free(&o);
    }
    arw_finish(w, &out);
    arw_free(w);
    assert_int_equal(ar_open(&a, "big.a", out.p, out.len, &e), 0);
    assert_int_equal(a.n, N);
    assert_int_equal(a.nsym, N);
    assert_string_equal(a.sym[N - 1], "function_number_9999");
    assert_int_equal(a.sym_member[N - 1], N - 1);
    su_write("big.a", out.p, out.len);
    /* Only the archive index nm prints first (awk stops at the blank line after it): nm
     * takes half a minute to list 10,000 members. */
    char *o = su_out("ar t big.a | wc -l && nm -s big.a 2>/dev/null | awk 'NR > 1 && $0 == \"\" "
                     "{ exit } / in member_with_a_long_name_/ { n++ } END { print n + 0 }'");
    assert_non_null(o);
    assert_string_equal(o, "10000\n10000\n");
    free(o);
    ar_close(&a);
    buf_free(&out);
    su_scratch_done(dir);
}

/* A BSD archive as GNU ar wrote it for a.out, byte by byte: "__.SYMDEF" (u32 ranlib bytes,
 * {name offset, member header offset} pairs, u32 names' size, the names), then one member. The
 * index reads back; each kind of damage is refused with its own message. */
static void bsd_archive(buf *b, uint32_t rb, uint32_t strx, uint32_t off, uint32_t strsize, size_t index_len)
{
    char h[61];
    buf ix = {0};
    buf_w32(&ix, rb);
    buf_w32(&ix, strx);
    buf_w32(&ix, off);
    buf_w32(&ix, strsize);
    buf_add(&ix, "_foo\0", 6);  /* 6: even */
    b->len = 0;
    buf_adds(b, "!<arch>\n");
    snprintf(h, sizeof h, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", "__.SYMDEF", "0", "0", "0", "644", index_len);
    buf_add(b, h, 60);
    buf_add(b, ix.p, index_len);
    snprintf(h, sizeof h, "%-16s%-12s%-6s%-6s%-8s%-10u`\n", "foo.o/", "0", "0", "0", "644", 4u);
    buf_add(b, h, 60);
    buf_add(b, "abcd", 4);
    buf_free(&ix);
}

static void bsd_refused(buf *b, const char *want)
{
    ar_file a;
    jerr e;
    assert_int_equal(ar_open(&a, "old.sa", b->p, b->len, &e), -1);
    su_expect_msg(e.msg, want);
}

static void test_bsd_index(void **state)
{
    buf b = {0};
    ar_file a;
    jerr e;
    const uint32_t member = 8 + 60 + 22; /* the member's header offset */
    (void)state;
    bsd_archive(&b, 8, 0, member, 6, 22);
    assert_int_equal(ar_open(&a, "old.sa", b.p, b.len, &e), 0);
    assert_int_equal(a.n, 1);
    assert_string_equal(a.m[0].name, "foo.o");
    assert_int_equal(a.nsym, 1);
    assert_string_equal(a.sym[0], "_foo");
    assert_int_equal(a.sym_member[0], 0);
    ar_close(&a);
    bsd_archive(&b, 8, 0, member, 6, 2), bsd_refused(&b, "old.sa: the __.SYMDEF index is truncated");
    bsd_archive(&b, 12, 0, member, 6, 22), bsd_refused(&b, "old.sa: the __.SYMDEF index is truncated");
    bsd_archive(&b, 8, 0, member, 60, 22), bsd_refused(&b, "old.sa: the __.SYMDEF names do not fit the index");
    bsd_archive(&b, 8, 6, member, 6, 22), bsd_refused(&b, "old.sa: __.SYMDEF entry 0 has no NUL-terminated name");
    bsd_archive(&b, 8, 0, member + 2, 6, 22),
        bsd_refused(&b, "old.sa: __.SYMDEF entry 0 ('_foo') points at offset 92, which is not a member");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tools_i386),
        cmocka_unit_test(test_tools_x86_64),
        cmocka_unit_test(test_reader_round_trip),
        cmocka_unit_test(test_reads_gnu_archive),
        cmocka_unit_test(test_corrupt_archives),
        cmocka_unit_test(test_bsd_index),
        cmocka_unit_test(test_ten_thousand_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
