/* test_getlog: splitting jump.log for getfuncs/getvars: dedup, conflicts, skips, order,
 * sizes; and gl_run's files on disk (append, backup, dry run, missing log). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ctl.h"
#include "diag.h"
#include "getlog.h"

static void parse(const char *path, const char *text, jf_kind kind, jf_file *f)
{
    jerr e;
    if (jf_parse(path, text, strlen(text), kind, 0, f, &e) != 0)
        fail_msg("%s", e.msg);
}

/* Select from log text against a target text; returns gl_select's result. */
static int pick(gl_what what, const char *log, const char *target, const char *other,
                const char *ignore, const char *import, jf_file *add, gl_counts *c, jerr *e)
{
    jf_file l, t, o, ig, im;
    int rc;
    parse("jump.log", log, JF_LOG, &l);
    parse(what == GL_FUNCS ? "jump.funcs" : "jump.vars", target, what == GL_FUNCS ? JF_FUNCS : JF_VARS, &t);
    parse(what == GL_FUNCS ? "jump.vars" : "jump.funcs", other, what == GL_FUNCS ? JF_VARS : JF_FUNCS, &o);
    parse("jump.ignore", ignore, JF_IGNORE, &ig);
    parse("jump.import", import, JF_IMPORT, &im);
    memset(add, 0, sizeof *add);
    rc = gl_select(what, &l, &t, &o, &ig, &im, add, NULL, c, e);
    jf_free(&l);
    jf_free(&t);
    jf_free(&o);
    jf_free(&ig);
    jf_free(&im);
    return rc;
}

static const char log1[] =
    "00000000 T zeta libxyz b\n"
    "00000004 D count libxyz b\n"
    "00000000 T alpha libxyz b\n"
    "00000000 T omega libxyz a\n"
    "00000010 D count libxyz b\n"   /* recompiled: larger */
    "00000008 D count libxyz b\n"   /* and smaller again: keep 0x10 */
    "00000000 t helper libxyz a\n"
    "00000000 T zeta libxyz b\n"    /* recompile of the same function */
    "00000020 C buf libxyz a\n"
    "00000004 K table libxyz c\n"
    "00000000 T skipme libxyz a\n"
    "00000004 D errno_copy libxyz a\n";

static void test_funcs_sorted_deduplicated(void **state)
{
    jf_file add;
    gl_counts c;
    jerr e;
    (void)state;
    assert_int_equal(pick(GL_FUNCS, log1, "00000000 T omega libxyz a\n", "", "0 T skipme x y\n", "",
                          &add, &c, &e), 0);
    /* (objfile, name) order: a/helper, b/alpha, b/zeta; omega already listed. */
    assert_int_equal(add.n, 3);
    assert_string_equal(add.v[0].name, "helper");
    assert_int_equal(add.v[0].type, 't');
    assert_string_equal(add.v[1].name, "alpha");
    assert_string_equal(add.v[2].name, "zeta");
    assert_string_equal(add.v[2].objfile, "b");
    assert_string_equal(add.v[2].library, "libxyz");
    assert_int_equal(c.added, 3);
    assert_int_equal(c.listed, 1);
    assert_int_equal(c.ignored, 1);
    assert_int_equal(c.imported, 0);
    jf_free(&add);
}

static void test_vars_largest_size_and_import(void **state)
{
    jf_file add;
    gl_counts c;
    jerr e;
    (void)state;
    assert_int_equal(pick(GL_VARS, log1, "", "", "", "0 D errno_copy libc c\n", &add, &c, &e), 0);
    assert_int_equal(add.n, 3);
    assert_string_equal(add.v[0].name, "buf");
    assert_int_equal(add.v[0].type, 'C');
    assert_int_equal(add.v[0].size, 0x20);
    assert_string_equal(add.v[1].name, "count");
    assert_int_equal(add.v[1].size, 0x10);
    assert_string_equal(add.v[2].name, "table");
    assert_int_equal(add.v[2].type, 'K');
    assert_int_equal(c.imported, 1);
    assert_int_equal(c.listed, 0);
    jf_free(&add);
}

static void test_conflicts_name_both_lines(void **state)
{
    jf_file add;
    gl_counts c;
    jerr e;
    (void)state;
    assert_int_equal(pick(GL_FUNCS, "0 T a x o\n0 T b x o\n4 D a x o\n", "", "", "", "", &add, &c, &e), -1);
    assert_string_equal(e.msg, "jump.log:3: symbol 'a' is logged as a variable here and as a function on line 1");
    assert_int_equal(e.status, EXIT_BAD);
    /* Both tools see the same conflict, whatever kind they collect. */
    assert_int_equal(pick(GL_VARS, "4 D v x o1\n\n4 D v x o2\n", "", "", "", "", &add, &c, &e), -1);
    assert_string_equal(e.msg, "jump.log:3: symbol 'v' is logged from objfile 'o2' here and from 'o1' on line 1");
    assert_int_equal(pick(GL_FUNCS, "0 T a x o\n", "", "4 D b x o\n4 D a x o\n", "", "", &add, &c, &e), -1);
    assert_string_equal(e.msg, "jump.log:1: function 'a' is listed in jump.vars:2 as a variable");
    assert_int_equal(pick(GL_VARS, "4 D a x o\n", "", "0 T a x o\n", "", "", &add, &c, &e), -1);
    assert_string_equal(e.msg, "jump.log:1: variable 'a' is listed in jump.funcs:1 as a function");
}

static void test_wants(void **state)
{
    (void)state;
    assert_true(gl_wants(GL_FUNCS, 'T'));
    assert_true(gl_wants(GL_FUNCS, 't'));
    assert_false(gl_wants(GL_FUNCS, 'D'));
    assert_true(gl_wants(GL_VARS, 'D'));
    assert_true(gl_wants(GL_VARS, 'C'));
    assert_true(gl_wants(GL_VARS, 'K'));
    assert_false(gl_wants(GL_VARS, 'T'));
    assert_false(gl_wants(GL_VARS, 0));
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *get(const char *path)
{
    blob b;
    jerr e;
    if (blob_read(path, &b, &e) != 0)
        return NULL;
    char *s = xstrndup((const char *)b.p, b.len);
    blob_free(&b);
    return s;
}

/* Remove a test's scratch directory. */
static void rm_dir(const char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
}

static void test_run_appends_and_backs_up(void **state)
{
    char dir[] = "/tmp/test_getlog.XXXXXX";
    char *p, *s;
    gl_result r;
    jerr e;
    (void)state;
    assert_non_null(mkdtemp(dir));

    assert_int_equal(gl_run(GL_FUNCS, dir, 0, 0, &r, &e), -1);
    p = xasprintf("jump.log not found in %s: compile with 'make pre-shlib' first", dir);
    assert_string_equal(e.msg, p);
    free(p);
    gl_result_free(&r);

    p = xasprintf("%s/jump.log", dir);
    put(p, "0 T new2 libxyz b\n0 T new1 libxyz b\n0 T old libxyz a\n");
    free(p);
    p = xasprintf("%s/jump.funcs", dir);
    put(p, "# hand-edited\n00000000 T old  libxyz a   # keep me exactly\n00000000 U __DUMMY__ x y");

    assert_int_equal(gl_run(GL_FUNCS, dir, 0, 1, &r, &e), 0); /* dry run: nothing written */
    s = buf_cstr(&r.appended);
    assert_string_equal(s, "00000000 T new1\tlibxyz\tb\n00000000 T new2\tlibxyz\tb\n");
    free(s);
    s = gl_summary(GL_FUNCS, &r, 1);
    assert_string_equal(s, "dry run: 2 new functions in jump.funcs (1 already listed, 0 ignored)");
    free(s);
    gl_result_free(&r);
    s = xasprintf("%s~", p);
    assert_int_equal(access(s, F_OK), -1);

    assert_int_equal(gl_run(GL_FUNCS, dir, 0, 0, &r, &e), 0);
    assert_true(r.backup);
    free(s);
    s = get(p);
    assert_string_equal(s, "# hand-edited\n00000000 T old  libxyz a   # keep me exactly\n00000000 U __DUMMY__ x y\n"
                           "00000000 T new1\tlibxyz\tb\n00000000 T new2\tlibxyz\tb\n");
    free(s);
    s = xasprintf("%s~", p);
    char *bk = get(s);
    assert_string_equal(bk, "# hand-edited\n00000000 T old  libxyz a   # keep me exactly\n00000000 U __DUMMY__ x y");
    free(bk);
    gl_result_free(&r);

    /* A target that does not parse: file:line, nothing written. */
    put(p, "00000000 T a x y\nbad line\n");
    assert_int_equal(gl_run(GL_FUNCS, dir, 0, 0, &r, &e), -1);
    char *want = xasprintf("%s:2: expected 'size type name library objfile [needs]', found 2 fields", p);
    assert_string_equal(e.msg, want);
    free(want);
    gl_result_free(&r);
    bk = get(s);
    assert_string_equal(bk, "# hand-edited\n00000000 T old  libxyz a   # keep me exactly\n00000000 U __DUMMY__ x y");
    free(bk);
    free(s);
    free(p);
    rm_dir(dir);
}

/* Symbols jumpas logged as hidden go to jump.ignore with a note, not to the target; a run
 * with only hidden functions still creates the target (empty), and a second run adds
 * nothing: they are now listed in jump.ignore. */
static void test_run_hidden_to_ignore(void **state)
{
    char dir[] = "/tmp/test_getlog.XXXXXX";
    char *log, *funcs, *ign, *s;
    gl_result r;
    jerr e;
    (void)state;
    assert_non_null(mkdtemp(dir));
    log = xasprintf("%s/jump.log", dir);
    funcs = xasprintf("%s/jump.funcs", dir);
    ign = xasprintf("%s/jump.ignore", dir);
    put(log, "0 T inflate_fast libz inffast # hidden\n0 T inflate libz inflate\n"
             "4 D z_errmsg libz zutil\t# hidden\n0 T zcalloc libz zutil #hidden\n");
    put(ign, "# mine\n00000000 T debug_dump libz zutil\n");

    assert_int_equal(gl_run(GL_FUNCS, dir, 0, 0, &r, &e), 0);
    s = gl_summary(GL_FUNCS, &r, 0);
    assert_string_equal(s, "1 new function in jump.funcs (0 already listed, 0 ignored); 2 of hidden "
                           "visibility added to jump.ignore: not exported");
    free(s);
    gl_result_free(&r);
    s = get(funcs);
    assert_string_equal(s, "00000000 T inflate\tlibz\tinflate\n");
    free(s);
    s = get(ign);
    assert_string_equal(s, "# mine\n00000000 T debug_dump libz zutil\n"
                           "# Functions of hidden visibility, internal to the library: not exported "
                           "(move a line to jump.funcs to export it)\n"
                           "00000000 T inflate_fast\tlibz\tinffast\t# hidden\n"
                           "00000000 T zcalloc\tlibz\tzutil\t# hidden\n");
    free(s);

    /* Variables: the hidden one too; jump.vars is created although it stays empty. */
    assert_int_equal(gl_run(GL_VARS, dir, 0, 0, &r, &e), 0);
    assert_int_equal(r.c.hidden, 1);
    assert_int_equal(r.c.added, 0);
    gl_result_free(&r);
    s = xasprintf("%s/jump.vars", dir);
    char *v = get(s);
    assert_string_equal(v, "");
    free(v);
    free(s);

    /* Again: everything is listed now; nothing is written. */
    assert_int_equal(gl_run(GL_FUNCS, dir, 0, 0, &r, &e), 0);
    assert_int_equal(r.c.hidden, 0);
    assert_int_equal(r.c.ignored, 2);
    assert_int_equal(r.c.listed, 1);
    gl_result_free(&r);

    free(log);
    free(funcs);
    free(ign);
    rm_dir(dir);
}

/* gl_size_advice for a target of `entries` lines contains `want`. */
static void advice_has(gl_what what, size_t entries, const char *want)
{
    gl_result r = {0};
    char *s;
    r.entries = entries;
    s = gl_size_advice(what, &r);
    if (!strstr(s, want))
        fail_msg("'%s' does not contain '%s'", s, want);
    free(s);
}

static void test_summary_words(void **state)
{
    gl_result r = {0};
    char *s;
    (void)state;
    r.target = xstrdup("/some/dir/jump.vars");
    r.c.added = 1;
    r.c.listed = 12;
    r.c.ignored = 1;
    r.c.imported = 2;
    s = gl_summary(GL_VARS, &r, 0);
    assert_string_equal(s, "1 new variable in jump.vars (12 already listed, 1 ignored, 2 imported)");
    free(s);
    r.c.added = 3;
    free(r.target);
    r.target = xstrdup("jump.funcs");
    s = gl_summary(GL_FUNCS, &r, 0);
    assert_string_equal(s, "3 new functions in jump.funcs (12 already listed, 1 ignored)");
    free(s);
    /* libpng's 248 functions: 250 * 8 = 0x7d0 bytes, twice that in whole pages. */
    advice_has(GL_FUNCS, 248, "jump table: 248 slots need 0x7d0 bytes (8 each, with the version word "
                              "and the constructor slot); SL_JUMP_TABLE_SIZE=0x1000 leaves room to grow");
    advice_has(GL_FUNCS, 1, "jump table: 1 slot needs 0x18 bytes (8 each, with the version word and "
                            "the constructor slot); SL_JUMP_TABLE_SIZE=0x100 leaves room to grow");
    /* 398 * 8 = 0xc70: 0x18e0 doubled, rounded up to 0x2000 */
    advice_has(GL_FUNCS, 396, "396 slots need 0xc70 bytes");
    advice_has(GL_FUNCS, 396, "SL_JUMP_TABLE_SIZE=0x2000 ");
    advice_has(GL_VARS, 5, "GOT: 5 variables need 7 cells: 0x1c bytes on i386, 0x38 on x86_64; "
                           "SL_GOT_SIZE=0x100 leaves room to grow on both");
    gl_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_funcs_sorted_deduplicated),
        cmocka_unit_test(test_vars_largest_size_and_import),
        cmocka_unit_test(test_conflicts_name_both_lines),
        cmocka_unit_test(test_wants),
        cmocka_unit_test(test_run_appends_and_backs_up),
        cmocka_unit_test(test_run_hidden_to_ignore),
        cmocka_unit_test(test_summary_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
