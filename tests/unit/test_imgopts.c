/* test_imgopts: the image options mkimage and mkstubs share: defaults, each option's value,
 * and the usage errors handed back (the tool prints them and exits 2). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "diag.h"
#include "imgopts.h"
#include "layout.h"

static void test_options(void **state)
{
    img_opts o;
    jerr e;
    (void)state;
    img_opts_init(&o);
    assert_true(o.jumpsize == 0x4000 && o.gotsize == 0x1000 && !o.origin && !o.arch && !o.force);
    assert_int_equal(img_opts_require(&o, &e), -1);
    assert_string_equal(e.msg, "missing -l image");
    assert_int_equal(img_opts_option(&o, 'l', "/usr/lib/libxyz", &e), 1);
    assert_int_equal(img_opts_require(&o, &e), -1);
    assert_string_equal(e.msg, "missing -v version");
    assert_int_equal(img_opts_option(&o, 'v', "1.2.3", &e), 1);
    assert_int_equal(img_opts_require(&o, &e), -1);
    assert_string_equal(e.msg, "missing -a address");
    assert_int_equal(img_opts_option(&o, 'a', "0x6a380000", &e), 1);
    assert_int_equal(img_opts_option(&o, 'j', "1024", &e), 1);
    assert_int_equal(img_opts_option(&o, 'g', "0x2000", &e), 1);
    assert_int_equal(img_opts_option(&o, 'd', "0x6a390000", &e), 1);
    assert_int_equal(img_opts_option(&o, 'm', "x86_64", &e), 1);
    assert_int_equal(img_opts_option(&o, 'f', NULL, &e), 1);
    assert_int_equal(img_opts_option(&o, IMG_OPT_AOUT, NULL, &e), 1);
    assert_int_equal(img_opts_require(&o, &e), 0);
    assert_string_equal(o.image, "/usr/lib/libxyz");
    assert_string_equal(o.version, "1.2.3");
    assert_true(o.origin == 0x6a380000u && o.jumpsize == 1024 && o.gotsize == 0x2000 && o.dataaddr == 0x6a390000u);
    assert_string_equal(o.arch->name, "x86_64");
    assert_true(o.force && o.aout_names);
    /* not ours: left to the tool */
    assert_int_equal(img_opts_option(&o, 'u', "x", &e), 0);
    /* bad values: a usage error each, the option's value unchanged */
    assert_int_equal(img_opts_option(&o, 'a', "0x6a38zzzz", &e), -1);
    assert_string_equal(e.msg, "invalid number '0x6a38zzzz' for -a");
    assert_int_equal(e.status, EXIT_USAGE);
    assert_true(o.origin == 0x6a380000u);
    assert_int_equal(img_opts_option(&o, 'j', "", &e), -1);
    assert_string_equal(e.msg, "invalid number '' for -j");
    assert_int_equal(img_opts_option(&o, 'm', "sparc", &e), -1);
    assert_string_equal(e.msg, "unknown architecture 'sparc' (i386 or x86_64)");
}

/* -w: a split image's layout (GOT after the jump table, variables from the writable origin),
 * and what it refuses. */
static void test_split(void **state)
{
    img_opts o;
    layout l;
    jerr e;
    (void)state;
    img_opts_init(&o);
    assert_int_equal(img_opts_option(&o, 'a', "0x64000000", &e), 1);
    assert_int_equal(img_opts_option(&o, 'j', "0x1000", &e), 1);
    assert_int_equal(img_opts_option(&o, 'g', "0x1000", &e), 1);
    assert_int_equal(img_opts_option(&o, 'w', "0x6a000000", &e), 1);
    assert_int_equal(img_opts_layout(&o, &l, 8, 0x60000000, &e), 0);
    assert_true(l.split && l.got == 0x64001000u && l.data == 0x6a000000u && l.dataaddr == 0x6a000000u);
    assert_true(layout_var(&l, 0x10) == 0x6a000010u && layout_cell(&l, 2) == 0x64001010u);
    /* a constant stays with the variables (only -d puts it after the jump table) */
    assert_true(layout_var_at(&l, 'K', 8) == 0x6a000008u);
    /* the GOT ends at 0x64002000: the writable origin must be on a page at or above it, a
     * multiple of 16 (neighbours' writable parts may share pages) */
    assert_int_equal(img_opts_option(&o, 'w', "0x64001ff0", &e), 1);
    assert_int_equal(img_opts_layout(&o, &l, 8, 0x60000000, &e), -1);
    assert_string_equal(e.msg, "writable origin 0x64001ff0 must be a multiple of 16 on a page above the jump table and GOT (0x64002000)");
    assert_int_equal(img_opts_option(&o, 'w', "0x6a000808", &e), 1);
    assert_int_equal(img_opts_layout(&o, &l, 8, 0x60000000, &e), -1);
    assert_string_equal(e.msg, "writable origin 0x6a000808 must be a multiple of 16 on a page above the jump table and GOT (0x64002000)");
    assert_int_equal(img_opts_option(&o, 'w', "0x6a000810", &e), 1);
    assert_int_equal(img_opts_layout(&o, &l, 8, 0x60000000, &e), 0);
    assert_true(l.split && l.data == 0x6a000810u && layout_var(&l, 0x10) == 0x6a000820u);
    assert_int_equal(img_opts_option(&o, 'w', "0x64002010", &e), 1);
    assert_int_equal(img_opts_layout(&o, &l, 8, 0x60000000, &e), 0);
    assert_int_equal(img_opts_option(&o, 'w', "0x64002000", &e), 1);
    assert_int_equal(img_opts_layout(&o, &l, 8, 0x60000000, &e), 0);
    assert_int_equal(img_opts_option(&o, 'w', "0x6a00zz", &e), -1);
    assert_string_equal(e.msg, "invalid number '0x6a00zz' for -w");
    assert_int_equal(img_opts_option(&o, 'd', "0x6b000000", &e), 1);
    assert_int_equal(img_opts_layout(&o, &l, 8, 0x60000000, &e), -1);
    assert_string_equal(e.msg, "-d and -w exclude each other: a data origin, or a writable origin");
    assert_int_equal(e.status, EXIT_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
