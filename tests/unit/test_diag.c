/* test_diag: message shapes (DESIGN §10) and jerr. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"

/* Run diag_error with stderr redirected to a file; return what it printed. */
static const char *captured(const char *msg)
{
    static char out[1024];
    FILE *f = tmpfile();
    int saved = dup(2);
    size_t n;
    assert_non_null(f);
    fflush(stderr);
    dup2(fileno(f), 2);
    diag_error("%s", msg);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(f);
    n = fread(out, 1, sizeof out - 1, f);
    out[n] = 0;
    fclose(f);
    return out;
}

static void test_location_moves_before_error(void **state)
{
    (void)state;
    diag_init("/usr/bin/tool");
    assert_string_equal(captured("jump.vars:12: invalid size for symbol 'foo'"),
                        "tool: jump.vars:12: error: invalid size for symbol 'foo'\n");
    assert_string_equal(captured("/x/table:3:7: syntax error"), "tool: /x/table:3:7: error: syntax error\n");
    assert_string_equal(captured("missing -l image"), "tool: error: missing -l image\n");
    assert_string_equal(captured("cannot open 'a:b': No such file"), "tool: error: cannot open 'a:b': No such file\n");
    assert_string_equal(captured("Jump table overflow.\njump.funcs:3: x"), "tool: error: Jump table overflow.\njump.funcs:3: x\n");
    assert_string_equal(captured("a:1:2:3: x"), "tool: error: a:1:2:3: x\n");
}

static void test_jerr(void **state)
{
    jerr e;
    (void)state;
    assert_int_equal(jerr_set(&e, EXIT_BAD, "n=%d", 3), -1);
    assert_string_equal(e.msg, "n=3");
    assert_int_equal(e.status, EXIT_BAD);
    assert_int_equal(jerr_sys(&e, "open %s", "x"), -1);
    assert_int_equal(e.status, EXIT_USAGE);
    assert_non_null(strstr(e.msg, "open x: "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_location_moves_before_error),
        cmocka_unit_test(test_jerr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
