/* test_host: finding the machine's C library the way gcc links it, per architecture, and
 * reading its defined symbols with their ELF types (functions and variables the images
 * import by name); a file gcc does not know is an error naming it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "host.h"

static void check_arch(const char *name)
{
    const arch *a = arch_by_name(name);
    strmap m = {0};
    blob keep = {0};
    uintptr_t v;
    jerr e;
    char *path;
    assert_non_null(a);
    path = host_file(a, "libc.so.6", &e);
    assert_non_null(path);
    assert_int_equal(access(path, R_OK), 0);
    free(path);
    assert_int_equal(host_symbols(a, "libc.so.6", &m, &keep, &e), 0);
    assert_int_equal(strmap_get(&m, "printf", &v), 1);
    assert_int_equal(v, 2 + 1); /* STT_FUNC + 1 */
    assert_int_equal(strmap_get(&m, "stderr", &v), 1);
    assert_int_equal(v, 1 + 1); /* STT_OBJECT + 1 */
    assert_int_equal(strmap_get(&m, "jump_unit_no_such_function", &v), 0);
    strmap_free(&m);
    blob_free(&keep);
    /* the static-only part: atexit lives in libc_nonshared.a */
    m = (strmap){0};
    assert_int_equal(host_symbols(a, "libc_nonshared.a", &m, &keep, &e), 0);
    assert_int_equal(strmap_get(&m, "atexit", &v), 1);
    strmap_free(&m);
    blob_free(&keep);
    assert_null(host_file(a, "libjump-unit-none.so.9", &e));
    assert_non_null(strstr(e.msg, "libjump-unit-none.so.9"));
}

static void test_i386(void **state) { (void)state; check_arch("i386"); }
static void test_x86_64(void **state) { (void)state; check_arch("x86_64"); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_i386),
        cmocka_unit_test(test_x86_64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
