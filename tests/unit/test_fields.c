/* test_fields: the line syntax of every control file and the registry table: fields split at
 * white space with their 1-based columns, '#' comments, blank lines reported too, a missing
 * last newline supplied, and the refusals with file:line[:col] (NUL bytes, too many fields,
 * a callback's own error stopping the parse). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "fields.h"

/* Each line as "line:n:f1@col1|f2@col2|#comment" appended to a buffer. */
static int record(void *ctx, const fields_line *l, jerr *e)
{
    buf *b = ctx;
    (void)e;
    buf_printf(b, "%u:%d:", l->line, l->n);
    for (int i = 0; i < l->n; i++)
        buf_printf(b, "%s%s@%u", i ? "|" : "", l->f[i], l->col[i]);
    if (l->comment)
        buf_printf(b, "|#%s", l->comment);
    buf_adds(b, "\n");
    return 0;
}

static char *parse(const char *text, size_t len, int want_rc, jerr *e)
{
    buf b = {0};
    assert_int_equal(fields_parse("t.ctl", text, len, record, &b, e), want_rc);
    return buf_cstr(&b);
}

static void test_lines(void **state)
{
    jerr e;
    static const char text[] = "00000000 T foo libxyz xyz\n"
                               "\n"
                               "# only a comment\n"
                               "\t 00000004  D\tbar libxyz xyz # trailing\r\n"
                               "last line without newline";
    char *got = parse(text, sizeof text - 1, 0, &e);
    (void)state;
    assert_string_equal(got, "1:5:00000000@1|T@10|foo@12|libxyz@16|xyz@23\n"
                             "2:0:\n"
                             "3:0:|# only a comment\n"
                             "4:5:00000004@3|D@13|bar@15|libxyz@19|xyz@26|# trailing\r\n"
                             "5:4:last@1|line@6|without@11|newline@19\n");
    free(got);
    got = parse("", 0, 0, &e); /* an empty file: no lines */
    assert_string_equal(got, "");
    free(got);
}

static int stop_at_2(void *ctx, const fields_line *l, jerr *e)
{
    (void)ctx;
    if (l->line == 2)
        return jerr_set(e, EXIT_BAD, "t.ctl:2: the callback's own error");
    return 0;
}

static void test_errors(void **state)
{
    jerr e;
    buf many = {0};
    char *got;
    (void)state;
    got = parse("a b\nc\0d\n", 8, -1, &e);
    assert_string_equal(e.msg, "t.ctl:2: NUL byte: not a text file");
    assert_int_equal(e.status, EXIT_BAD);
    free(got);
    for (int i = 0; i <= FIELDS_MAX; i++)
        buf_printf(&many, "f%d ", i);
    buf_adds(&many, "\n");
    got = parse((const char *)many.p, many.len, -1, &e);
    assert_non_null(strstr(e.msg, "t.ctl:1:"));
    assert_non_null(strstr(e.msg, "too many fields on one line (at most 64)"));
    free(got);
    buf_free(&many);
    assert_int_equal(fields_parse("t.ctl", "x\ny\nz\n", 6, stop_at_2, NULL, &e), -1);
    assert_string_equal(e.msg, "t.ctl:2: the callback's own error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
