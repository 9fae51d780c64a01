/* test_mkcompat: the rebuilt jump.funcs and jump.vars for old stubs given as maps built in
 * memory: kept indices, placeholders, gap fillers, reserves derived from the offsets, the
 * classic notes, and the error for a stub whose offsets go backwards. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctl.h"
#include "diag.h"
#include "../../mkcompat/mkcompat.h"
#include "stubmap.h"

#define ORG 0x6b000000u

/* An old stub of libcv at ORG with -j 0x1000 -g 0x1000 (i386). */
static void old_map(stubmap *m)
{
    jerr e;
    memset(m, 0, sizeof *m);
    m->arch = &arch_i386;
    m->root = xstrdup("old");
    m->soname = xstrdup("libcv.so.1");
    m->desc = xstrdup("DLL Jump 1.0");
    m->origin = ORG;
    m->vword = 0x10000;
    m->jumpsize = m->gotsize = 0x1000;
    assert_int_equal(layout_init(&m->l, ORG, 0x1000, 0x1000, 0, 4, 0x60000000u, &e), 0);
    m->nslots = layout_max_slots(&m->l);
    m->ncells = layout_max_cells(&m->l);
    m->slot = xcalloc(m->nslots + 1, sizeof *m->slot);
    m->slot_obj = xcalloc(m->nslots + 1, sizeof *m->slot_obj);
    m->cell = xcalloc(m->ncells + 1, sizeof *m->cell);
    m->last_data = m->l.data;
}

static void slot(stubmap *m, unsigned long i, const char *name, const char *obj)
{
    m->slot[i] = xstrdup(name);
    m->slot_obj[i] = xstrdup(obj);
    if (i > m->maxslot)
        m->maxslot = i;
}

static void var(stubmap *m, unsigned long cell, const char *name, uint64_t off, uint64_t size)
{
    smap_var *v;
    m->cell[cell] = xstrdup(name);
    if (cell > m->maxcell)
        m->maxcell = cell;
    m->vars = xrealloc(m->vars, (m->nvars + 1) * sizeof *m->vars);
    v = &m->vars[m->nvars++];
    memset(v, 0, sizeof *v);
    v->name = xstrdup(name);
    v->objfile = xstrdup("cvb");
    v->type = 'D';
    v->addr = m->l.data + off;
    v->offset = off;
    v->size = size;
    v->cell = cell;
    strmap_free(&m->var_by_name);
    memset(&m->var_by_name, 0, sizeof m->var_by_name);
    for (size_t i = 0; i < m->nvars; i++)
        strmap_put(&m->var_by_name, m->vars[i].name, i + 1);
}

static void control(jf_file *f, jf_kind kind, const char *text)
{
    jerr e;
    assert_int_equal(jf_parse("jump.test", text, strlen(text), kind, 0, f, &e), 0);
}

static void expect_buf(buf *b, const char *want)
{
    char *s = buf_cstr(b);
    assert_string_equal(s, want);
    free(s);
}

static void test_funcs(void **state)
{
    stubmap m;
    jf_file cur;
    buf out = {0}, notes = {0};
    jerr e;
    (void)state;
    old_map(&m);
    slot(&m, 1, "cv_a", "cva");
    slot(&m, 2, "cv_b", "cvb");
    slot(&m, 4, "cv_d", "cvd"); /* slot 3 was not exported */
    control(&cur, JF_FUNCS,
            "0 T cv_d libcv cvd\n0 t cv_hidden libcv cva\n0 T cv_a libcv cva\n0 T cv_n libcv cvn\n");
    assert_int_equal(mkcompat_funcs(&m, &cur, 0, &out, &notes, &e), 1);
    expect_buf(&out, "00000000 T cv_a\tlibcv\tcva\n"
                     "00000000 U __DUMMY__\tlibcv\tcvb\n"
                     "00000000 t cv_hidden\tlibcv\tcva\n"
                     "00000000 T cv_d\tlibcv\tcvd\n"
                     "# Anything below this line is new to the old library\n"
                     "# Note: It is possible that some/all of these could be moved to jump.ignore\n"
                     "00000000 T cv_n\tlibcv\tcvn\n");
    expect_buf(&notes, "Lost function 'cv_b' (slot 2)\n"
                       "Used 1 placeholder(s) for lost function(s)\n"
                       "Found 1 new function(s)\n");
    jf_free(&cur);
    /* Nothing to fill the gap with: a placeholder, which is not counted as lost. */
    control(&cur, JF_FUNCS, "0 T cv_a libcv cva\n0 T cv_b libcv cvb\n0 T cv_d libcv cvd\n");
    assert_int_equal(mkcompat_funcs(&m, &cur, 0, &out, &notes, &e), 0);
    expect_buf(&out, "00000000 T cv_a\tlibcv\tcva\n"
                     "00000000 T cv_b\tlibcv\tcvb\n"
                     "00000000 U __DUMMY__\tlibcv\tcvb\n"
                     "00000000 T cv_d\tlibcv\tcvd\n");
    expect_buf(&notes, "");
    jf_free(&cur);
    smap_free(&m);
}

static void test_vars(void **state)
{
    stubmap m;
    jf_file cur;
    buf out = {0}, notes = {0};
    unsigned over;
    jerr e;
    (void)state;
    old_map(&m);
    /* entry 1 (cell 2) reserves 8 at offset 0; entry 2 is retired; entry 3 (cell 4) is at
     * 0x20 with no size in the stub: its reserve runs to the end of the data (0x30). */
    var(&m, 2, "v1", 0, 8);
    var(&m, 4, "v3", 0x20, 0);
    m.last_data = m.l.data + 0x30;
    control(&cur, JF_VARS, "8 D v3 libcv cvb\n0 D v1 libcv cvb\n4 D vn libcv cvn\n");
    assert_int_equal(mkcompat_vars(&m, &cur, 0, &out, &notes, &over, &e), 0);
    assert_int_equal(over, 0);
    expect_buf(&out, "00000008 D v1\tlibcv\tcvb\n"
                     "00000018 D __DUMMY__\tlibcv\tcvb\n"
                     "00000010 D v3\tlibcv\tcvb\n"
                     "# Anything below this line is new to the old library\n"
                     "# Note: It is possible that some/all of these could be moved to jump.ignore\n"
                     "00000004 D vn\tlibcv\tcvn\n");
    expect_buf(&notes, "Found 1 new global(s)\n");
    jf_free(&cur);
    /* v1 lost, v3 larger than its reserve, a retired entry of the current file fills the gap. */
    control(&cur, JF_VARS, "0 U __DUMMY__ libcv x\n20 D v3 libcv cvb\n");
    assert_int_equal(mkcompat_vars(&m, &cur, 0, &out, &notes, &over, &e), 1);
    assert_int_equal(over, 1);
    expect_buf(&out, "00000008 D __DUMMY__\tlibcv\tcvb\n"
                     "00000018 U __DUMMY__\tlibcv\tx\n"
                     "00000010 D v3\tlibcv\tcvb\n");
    expect_buf(&notes, "Lost variable 'v1' (cell 2, offset 0x0)\n"
                       "Variable 'v3' needs 0x20 bytes, more than the 0x10 the old library reserved "
                       "(cell 4): kept the reserve\n"
                       "Used 1 placeholder(s) for lost global data(s)\n");
    jf_free(&cur);
    smap_free(&m);
}

static void test_vars_backwards(void **state)
{
    stubmap m;
    jf_file cur;
    buf out = {0}, notes = {0};
    unsigned over;
    jerr e;
    (void)state;
    old_map(&m);
    var(&m, 2, "v1", 0x10, 4);
    var(&m, 3, "v2", 0, 4);
    control(&cur, JF_VARS, "4 D v1 libcv cvb\n");
    assert_int_equal(mkcompat_vars(&m, &cur, 0, &out, &notes, &over, &e), -1);
    assert_string_equal(e.msg, "the stub's variables are not in the order of their cells: 'v2' (cell 3) "
                               "is at offset 0x0, below 'v1' (cell 2) at 0x10");
    buf_free(&out);
    buf_free(&notes);
    jf_free(&cur);
    smap_free(&m);
}

static void test_find(void **state)
{
    char *dirs[] = {"/nonexistent", "/etc"};
    char *p;
    (void)state;
    p = smap_find("passwd", 0, dirs, 2);
    assert_string_equal(p, "/etc/passwd");
    free(p);
    assert_null(smap_find("nosuch-file", 0, dirs, 2));
    assert_null(smap_find("nosuch", 1, dirs, 2));
    assert_null(smap_find("/nonexistent/x.sa", 0, dirs, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_funcs),
        cmocka_unit_test(test_vars),
        cmocka_unit_test(test_vars_backwards),
        cmocka_unit_test(test_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
