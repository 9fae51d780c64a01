/* test_soname: <lib>.so.<M>.<m>[.<p>] names and the numeric version order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "soname.h"

static void test_parse(void **state)
{
    soname_ver v;
    (void)state;
    assert_int_equal(soname_parse("libxyz.so.1.0.0", &v), 1);
    assert_int_equal(v.linklen, strlen("libxyz.so.1"));
    assert_int_equal(v.major, 1);
    assert_int_equal(v.minor, 0);
    assert_int_equal(v.patch, 0);
    assert_int_equal(v.has_patch, 1);
    assert_int_equal(soname_parse("libX11.so.12.3", &v), 1);
    assert_int_equal(v.linklen, strlen("libX11.so.12"));
    assert_int_equal(v.major, 12);
    assert_int_equal(v.minor, 3);
    assert_int_equal(v.has_patch, 0);
    assert_int_equal(soname_parse("libfoo.so.bar.so.2.10.300", &v), 1);
    assert_int_equal(v.linklen, strlen("libfoo.so.bar.so.2"));
    assert_int_equal(v.patch, 300);
    /* Not images: the link itself, no library name, junk, signs, four numbers, overflow. */
    assert_int_equal(soname_parse("libxyz.so.1", &v), 0);
    assert_int_equal(soname_parse(".so.1.0.0", &v), 0);
    assert_int_equal(soname_parse("libxyz.so.1.0.0~", &v), 0);
    assert_int_equal(soname_parse("libxyz.so.1.0.", &v), 0);
    assert_int_equal(soname_parse("libxyz.so.1..0", &v), 0);
    assert_int_equal(soname_parse("libxyz.so.+1.0", &v), 0);
    assert_int_equal(soname_parse("libxyz.so.1.0.0.0", &v), 0);
    assert_int_equal(soname_parse("libxyz.sa", &v), 0);
    assert_int_equal(soname_parse("libxyz.so.1.99999999999999999999999", &v), 0);
}

static int cmp(const char *a, const char *b)
{
    soname_ver x, y;
    assert_int_equal(soname_parse(a, &x), 1);
    assert_int_equal(soname_parse(b, &y), 1);
    return soname_cmp(&x, &y);
}

static void test_numeric_order(void **state)
{
    (void)state;
    assert_true(cmp("l.so.1.0.10", "l.so.1.0.9") > 0); /* not lexicographic */
    assert_true(cmp("l.so.1.0.9", "l.so.1.0.10") < 0);
    assert_true(cmp("l.so.1.1.0", "l.so.1.0.10") > 0);
    assert_true(cmp("l.so.1.10", "l.so.1.9.99") > 0);
    assert_true(cmp("l.so.2.0", "l.so.1.99.99") > 0);
    assert_int_equal(cmp("l.so.1.2", "l.so.1.2.0"), 0);
    assert_int_equal(cmp("l.so.1.0.1", "l.so.1.0.1"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_numeric_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
