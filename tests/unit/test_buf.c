/* test_buf: growable buffers and their little-endian writers, number parsing, reading a
 * whole file, and file_commit's promise: the new content under the name, or nothing changed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "diag.h"
#include "sysutil.h"

static void test_writers(void **state)
{
    buf b = {0};
    char *s;
    (void)state;
    buf_w8(&b, 0x11);
    buf_w16(&b, 0x2233);
    buf_w32(&b, 0x44556677u);
    buf_w64(&b, 0x8899aabbccddeeffull);
    buf_wn(&b, 0x01020304u, 4);
    static const uint8_t want[] = {0x11, 0x33, 0x22, 0x77, 0x66, 0x55, 0x44, 0xff, 0xee, 0xdd,
                                   0xcc, 0xbb, 0xaa, 0x99, 0x88, 0x04, 0x03, 0x02, 0x01};
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.p, want, sizeof want);
    buf_align(&b, 8);
    assert_int_equal(b.len, 24);
    assert_int_equal(b.p[23], 0);
    buf_put32(&b, 0, 0xdeadbeefu);
    assert_int_equal(rd32le(b.p), 0xdeadbeefu);
    buf_put64(&b, 8, 0x0102030405060708ull);
    assert_true(rd64le(b.p + 8) == 0x0102030405060708ull);
    buf_free(&b);
    /* growth over many appends, printf, and the C string hand-over */
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    buf_adds(&b, "end");
    s = buf_cstr(&b);
    assert_int_equal(strncmp(s, "0,1,2,", 6), 0);
    assert_string_equal(s + strlen(s) - 7, "999,end");
    free(s);
}

static void test_parse_u64(void **state)
{
    uint64_t v = 7;
    (void)state;
    assert_int_equal(parse_u64("0x60000000", 0, &v), 0);
    assert_true(v == 0x60000000u);
    assert_int_equal(parse_u64("1024", 0, &v), 0);
    assert_true(v == 1024);
    assert_int_equal(parse_u64("1024", 1, &v), 0); /* hex by default */
    assert_true(v == 0x1024);
    assert_int_equal(parse_u64("0XfF", 0, &v), 0);
    assert_true(v == 255);
    assert_int_equal(parse_u64("18446744073709551615", 0, &v), 0);
    assert_true(v == UINT64_MAX);
    v = 7;
    assert_int_equal(parse_u64("18446744073709551616", 0, &v), -1); /* overflow */
    assert_int_equal(parse_u64("0x10000000000000000", 0, &v), -1);
    assert_int_equal(parse_u64("", 0, &v), -1);
    assert_int_equal(parse_u64(NULL, 0, &v), -1);
    assert_int_equal(parse_u64("0x", 0, &v), -1);
    assert_int_equal(parse_u64("12a", 0, &v), -1);
    assert_int_equal(parse_u64("-1", 0, &v), -1);
    assert_int_equal(parse_u64(" 1", 0, &v), -1);
    assert_true(v == 7); /* a failed parse leaves the output alone */
}

static void test_files(void **state)
{
    char *dir = su_scratch();
    blob bl;
    jerr e;
    struct stat st;
    mode_t um = umask(022);
    (void)state;
    /* a new file, with its mode under the umask */
    assert_int_equal(file_commit("out", "hello", 5, 0755, &e), 0);
    assert_int_equal(blob_read("out", &bl, &e), 0);
    assert_int_equal(bl.len, 5);
    assert_memory_equal(bl.p, "hello", 5);
    blob_free(&bl);
    assert_int_equal(stat("out", &st), 0);
    assert_int_equal(st.st_mode & 0777, 0755);
    /* replaced whole, under a new inode (a reader holding the old file keeps it) */
    {
        ino_t old = st.st_ino;
        assert_int_equal(file_commit("out", "", 0, 0644, &e), 0);
        assert_int_equal(stat("out", &st), 0);
        assert_int_equal(st.st_size, 0);
        assert_true(st.st_ino != old);
        assert_int_equal(st.st_mode & 0777, 0644);
    }
    /* a name that cannot be written: an error naming it, and no temporary file left */
    assert_int_equal(file_commit("missing/out", "x", 1, 0644, &e), -1);
    assert_non_null(strstr(e.msg, "missing/out"));
    assert_int_equal(system("test -z \"$(ls -A | grep -v '^out$')\""), 0);
    /* a directory in the way of the rename: the error, the directory untouched, no leftovers */
    assert_int_equal(mkdir("busy", 0755), 0);
    assert_int_equal(file_commit("busy", "x", 1, 0644, &e), -1);
    assert_non_null(strstr(e.msg, "cannot rename"));
    assert_int_equal(stat("busy", &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(system("test \"$(ls -A | tr '\\n' ' ')\" = 'busy out '"), 0);
    /* reading what is not there names it */
    assert_int_equal(blob_read("nothing", &bl, &e), -1);
    assert_non_null(strstr(e.msg, "nothing"));
    umask(um);
    su_scratch_done(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writers),
        cmocka_unit_test(test_parse_u64),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
