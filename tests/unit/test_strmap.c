/* test_strmap: the string map every tool's symbol lookups use: insert, replace, look up,
 * growth past many rehashes, and the hash function's known values (32-bit FNV-1a). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "strmap.h"

static void test_hash(void **state)
{
    (void)state;
    /* FNV-1a 32-bit reference values */
    assert_int_equal(str_hash(""), 0x811c9dc5u);
    assert_int_equal(str_hash("a"), 0xe40c292cu);
    assert_int_equal(str_hash("foobar"), 0xbf9cf968u);
}

static void test_map(void **state)
{
    strmap m = {0};
    uintptr_t v = 0;
    enum { N = 5000 };
    char *keys[N];
    (void)state;
    assert_int_equal(strmap_get(&m, "absent", &v), 0); /* an empty map */
    for (int i = 0; i < N; i++) {
        keys[i] = xasprintf("sym_%d", i);
        strmap_put(&m, keys[i], (uintptr_t)i * 3);
    }
    assert_int_equal(m.n, N);
    for (int i = 0; i < N; i++) {
        assert_int_equal(strmap_get(&m, keys[i], &v), 1);
        assert_int_equal(v, (uintptr_t)i * 3);
    }
    /* equal content, another pointer: found; a replacement keeps the count */
    assert_int_equal(strmap_get(&m, "sym_4999", &v), 1);
    strmap_put(&m, "sym_0", 77);
    assert_int_equal(m.n, N);
    assert_int_equal(strmap_get(&m, keys[0], &v), 1);
    assert_int_equal(v, 77);
    assert_int_equal(strmap_get(&m, "sym_5000", &v), 0);
    assert_int_equal(strmap_get(&m, "sym_", &v), 0);
    assert_int_equal(strmap_get(&m, "", &v), 0);
    strmap_put(&m, "", 5); /* the empty string is a key like another */
    assert_int_equal(strmap_get(&m, "", &v), 1);
    assert_int_equal(v, 5);
    strmap_free(&m);
    for (int i = 0; i < N; i++)
        free(keys[i]);
}

/* Spans of a text: "ab" inside "xaby" is the key "ab" whether it came as a string or a span;
 * a longer or shorter span with the same start is another key. */
static void test_spans(void **state)
{
    static const char text[] = "xaby abc ab";
    strmap m = {0};
    uintptr_t v;
    (void)state;
    strmap_put_span(&m, text + 1, 2, strmap_hash_span(text + 1, 2), 7);
    assert_int_equal(strmap_get(&m, "ab", &v), 1);
    assert_int_equal(v, 7);
    assert_int_equal(strmap_get_span(&m, text + 9, 2, strmap_hash_span(text + 9, 2), &v), 1);
    assert_int_equal(strmap_get_span(&m, text + 5, 3, strmap_hash_span(text + 5, 3), NULL), 0);
    assert_int_equal(strmap_get_span(&m, text + 1, 1, strmap_hash_span(text + 1, 1), NULL), 0);
    strmap_put(&m, "abc", 9);
    assert_int_equal(strmap_get_span(&m, text + 5, 3, strmap_hash_span(text + 5, 3), &v), 1);
    assert_int_equal(v, 9);
    assert_int_equal(m.n, 2);
    assert_int_equal(strmap_hash_span("foobar", 6), str_hash("foobar"));
    strmap_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
