/* test_ctl: control files and jump.params: parsing, errors with file:line, round trips. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ctl.h"
#include "diag.h"

static int parse(const char *text, jf_kind kind, int flags, jf_file *f, jerr *e)
{
    return jf_parse("jump.funcs", text, strlen(text), kind, flags, f, e);
}

static void test_reads_classic_lines(void **state)
{
    jf_file f;
    jerr e;
    (void)state;
    assert_int_equal(parse("# comment\n00000000 T foo\tlibxyz\txyz\n\n"
                           "00000000 t bar libxyz xyz libm_4:libc_5\n"
                           "00000000 U __DUMMY__ libxyz xyz\n"
                           "00000000 U __DUMMY__ libxyz xyz\n"
                           "00000000 T last libxyz xyz",
                           JF_FUNCS, 0, &f, &e), 0);
    assert_int_equal(f.n, 5);
    assert_string_equal(f.v[0].name, "foo");
    assert_int_equal(f.v[0].type, 'T');
    assert_int_equal(f.v[0].line, 2);
    assert_string_equal(f.v[1].needs, "libm_4:libc_5");
    assert_int_equal(jf_index(&f, "foo"), 1);
    assert_int_equal(jf_index(&f, "bar"), 2);
    assert_int_equal(jf_index(&f, "last"), 5); /* no final newline */
    assert_int_equal(jf_index(&f, "__DUMMY__"), 0);
    assert_int_equal(jf_index(&f, "nope"), 0);
    jf_free(&f);
}

static void test_errors_name_file_and_line(void **state)
{
    jf_file f;
    jerr e;
    (void)state;
    assert_int_equal(parse("00000000 T foo libxyz xyz\nzz T bar libxyz xyz\n", JF_FUNCS, 0, &f, &e), -1);
    assert_string_equal(e.msg, "jump.funcs:2: invalid size for symbol 'bar'");
    assert_int_equal(e.status, EXIT_BAD);
    assert_int_equal(parse("00000000 D foo libxyz xyz\n", JF_FUNCS, 0, &f, &e), -1);
    assert_string_equal(e.msg, "jump.funcs:1: invalid type 'D' for symbol 'foo' in jump.funcs");
    assert_int_equal(parse("\n00000000 T foo libxyz\n", JF_FUNCS, 0, &f, &e), -1);
    assert_string_equal(e.msg, "jump.funcs:2: expected 'size type name library objfile [needs]', found 4 fields");
    assert_int_equal(parse("00000000 T foo a b\n00000000 T foo a b\n", JF_FUNCS, 0, &f, &e), -1);
    assert_string_equal(e.msg, "jump.funcs:2: symbol 'foo' is listed twice (first on line 1)");
}

static void test_nul_byte_is_refused(void **state)
{
    jf_file f;
    jerr e;
    static const char text[] = "00000000 T foo a b\n0 T x\0y a b\n";
    (void)state;
    assert_int_equal(jf_parse("jump.funcs", text, sizeof text - 1, JF_FUNCS, 0, &f, &e), -1);
    assert_string_equal(e.msg, "jump.funcs:2: NUL byte: not a text file");
}

static void test_aout_names_and_nm_forms(void **state)
{
    jf_file f;
    jerr e;
    (void)state;
    assert_int_equal(parse("00000004 D _errno libc errno\n"
                           "/usr/lib/libc.sa(__libc.o):60001008 A _environ\n"
                           "libm.sa:__libm.o:60201008 A _signgam\n",
                           JF_IMPORT, JF_AOUT, &f, &e), 0);
    assert_int_equal(f.n, 3);
    assert_string_equal(f.v[0].name, "errno");
    assert_string_equal(f.v[1].name, "environ");
    assert_string_equal(f.v[1].library, "libc");
    assert_string_equal(f.v[1].objfile, "__libc");
    assert_string_equal(f.v[2].name, "signgam");
    assert_string_equal(f.v[2].library, "libm");
    jf_free(&f);
    assert_int_equal(parse("libm.sa(x.o:1 A y\n", JF_IMPORT, 0, &f, &e), -1);
    assert_string_equal(e.msg, "jump.funcs:1: cannot read nm line 'libm.sa(x.o:1'");
    /* an empty library or member: no line could be written back (issue L) */
    assert_int_equal(parse("/:a.o:0 D bar\n", JF_IMPORT, 0, &f, &e), -1);
    assert_string_equal(e.msg, "jump.funcs:1: cannot read nm line '/:a.o:0'");
    assert_int_equal(parse("x.sa::0 D bar\n", JF_IMPORT, 0, &f, &e), -1);
    assert_string_equal(e.msg, "jump.funcs:1: cannot read nm line 'x.sa::0'");
    assert_int_equal(parse(".sa(.o):0 D bar\n", JF_IMPORT, 0, &f, &e), -1);
    /* an a.out name that is only its '_' (found by make fuzz: written back without a name) */
    assert_int_equal(parse("x.sa:a.o:0 A _\n", JF_IMPORT, JF_AOUT, &f, &e), -1);
    assert_int_equal(parse("00000004 D _ libc errno\n", JF_IMPORT, JF_AOUT, &f, &e), -1);
    assert_string_equal(e.msg, "jump.funcs:1: the symbol name '_' is empty without its a.out '_'");
}

/* Under the a.out switch: every name carries its '_' (__DUMMY__ excepted), jf_format and
 * jf_save put it back, jump.undefs keeps the toolkit's names, and the switch is the
 * environment's JUMP_AOUT_NAMES, never a guess. */
static void test_aout_switch(void **state)
{
    jf_file f;
    jerr e;
    buf b = {0};
    (void)state;
    assert_int_equal(parse("0 T _f libx a\n0 T __DUMMY__ libx a\n0 T __g libx a\n", JF_FUNCS, JF_AOUT, &f, &e), 0);
    assert_string_equal(f.v[0].name, "f");
    assert_string_equal(f.v[1].name, "__DUMMY__");
    assert_string_equal(f.v[2].name, "_g");
    for (size_t i = 0; i < f.n; i++)
        jf_format(&b, &f.v[i], f.flags);
    buf_addc(&b, 0);
    assert_string_equal((char *)b.p, "00000000 T _f\tlibx\ta\n00000000 T __DUMMY__\tlibx\ta\n"
                                     "00000000 T __g\tlibx\ta\n");
    buf_free(&b);
    jf_free(&f);
    assert_int_equal(parse("0 T _f libx a\n0 T g libx a\n", JF_FUNCS, JF_AOUT, &f, &e), -1);
    assert_non_null(strstr(e.msg, "jump.funcs:2: 'g' is not an a.out name (no leading '_')"));
    assert_int_equal(parse("0 D __NEEDS_SHRLIB_libx_1 libx __libx\n", JF_UNDEFS, JF_AOUT, &f, &e), 0);
    assert_string_equal(f.v[0].name, "__NEEDS_SHRLIB_libx_1");
    assert_int_equal(f.flags, 0);
    jf_free(&f);
    unsetenv("JUMP_AOUT_NAMES");
    assert_int_equal(jf_env_flags(), 0);
    setenv("JUMP_AOUT_NAMES", "0", 1);
    assert_int_equal(jf_env_flags(), 0);
    setenv("JUMP_AOUT_NAMES", "1", 1);
    assert_int_equal(jf_env_flags(), JF_AOUT);
    unsetenv("JUMP_AOUT_NAMES");
}

static void test_format_round_trip(void **state)
{
    jf_file f, g;
    jerr e;
    buf b = {0};
    (void)state;
    assert_int_equal(parse("4 D counter libxyz data x:y\n0 T f libxyz obj\n", JF_VARS, 0, &f, &e), -1);
    assert_int_equal(parse("4 D counter libxyz data libm_1\n10 C buf libxyz data\n", JF_VARS, 0, &f, &e), 0);
    for (size_t i = 0; i < f.n; i++)
        jf_format(&b, &f.v[i], 0);
    buf_addc(&b, 0);
    assert_string_equal((char *)b.p, "00000004 D counter\tlibxyz\tdata\tlibm_1\n00000010 C buf\tlibxyz\tdata\n");
    assert_int_equal(jf_parse("x", (char *)b.p, b.len - 1, JF_VARS, 0, &g, &e), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.v[1].size, 16);
    buf_free(&b);
    jf_free(&f);
    jf_free(&g);
}

static void test_params_round_trip_and_compare(void **state)
{
    char dir[] = "/tmp/test_ctl.XXXXXX";
    jparams p = {0}, q, r;
    jerr e;
    buf msgs = {0};
    char *path;
    (void)state;
    assert_non_null(mkdtemp(dir));
    path = xasprintf("%s/jump.params", dir);
    assert_int_equal(jp_load(path, &q, &e), 0); /* missing */
    strcpy(p.name, "libxyz");
    p.text = 0x6a380000;
    p.jump = 0x400;
    p.got = 0x400;
    strcpy(p.version, "1.0.0");
    assert_int_equal(jp_save(path, &p, &e), 0);
    assert_int_equal(jp_load(path, &q, &e), 1);
    assert_string_equal(q.name, "libxyz");
    assert_int_equal(q.text, 0x6a380000);
    assert_int_equal(q.got, 0x400);
    assert_string_equal(q.version, "1.0.0");
    assert_int_equal(jp_compare(&p, &q, &msgs), 0);
    r = q;
    r.text = 0x6a400000;
    r.jump = 0x800;
    assert_int_equal(jp_compare(&q, &r, &msgs), 2);
    buf_addc(&msgs, 0);
    assert_string_equal((char *)msgs.p, "the load address has changed from 0x6a380000 to 0x6a400000\n"
                                        "the jump table size has changed from 0x400 to 0x800\n");
    /* a split image (-w): a seventh line, read back and compared; a classic file has six */
    {
        blob b;
        assert_int_equal(blob_read(path, &b, &e), 0);
        assert_null(memmem(b.p, b.len, "Writable=", 9));
        blob_free(&b);
    }
    p.writable = 0x70000000;
    assert_int_equal(jp_save(path, &p, &e), 0);
    assert_int_equal(jp_load(path, &q, &e), 1);
    assert_int_equal(q.writable, 0x70000000);
    r = q;
    r.writable = 0;
    msgs.len = 0;
    assert_int_equal(jp_compare(&q, &r, &msgs), 1);
    buf_addc(&msgs, 0);
    assert_string_equal((char *)msgs.p, "the writable origin has changed from 0x70000000 to 0x0\n");
    unlink(path);
    free(path);
    rmdir(dir);
    buf_free(&msgs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_classic_lines),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_nul_byte_is_refused),
        cmocka_unit_test(test_aout_names_and_nm_forms),
        cmocka_unit_test(test_aout_switch),
        cmocka_unit_test(test_format_round_trip),
        cmocka_unit_test(test_params_round_trip_and_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
