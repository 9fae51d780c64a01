/* test_proc: running the toolkit's children (as, ld, cc1): exit statuses passed on or turned
 * into "NAME failed with exit status N" / "NAME was killed by signal N (NAME)", captured
 * output, a program that cannot be run, the pipe jumpas feeds as through (a child that stops
 * reading is an error only if it then exits 0), and the PATH look-ups that skip ourselves. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "proc.h"
#include "sysutil.h"

static void test_status(void **state)
{
    jerr e;
    char *out = NULL;
    char *ok[] = {"sh", "-c", "printf 'a\\nb'", NULL};
    char *quiet[] = {"sh", "-c", "exit 0", NULL};
    char *three[] = {"sh", "-c", "exit 3", NULL};
    char *killed[] = {"sh", "-c", "kill -9 $$", NULL};
    char *absent[] = {"/nonexistent/jump-unit-prog", NULL};
    (void)state;
    assert_int_equal(spawn_run(quiet, 0, &e), 0);
    assert_int_equal(spawn_capture(ok, 0, &out, &e), 0);
    assert_string_equal(out, "a\nb");
    free(out);
    assert_int_equal(spawn_run(three, 0, &e), -1);
    assert_string_equal(e.msg, "sh failed with exit status 3");
    assert_int_equal(spawn_status(three, 0, &e), 3); /* passed on, not an error */
    assert_int_equal(spawn_capture_status(three, 0, &out, &e), 3);
    free(out);
    assert_int_equal(spawn_run(killed, 0, &e), -1);
    assert_string_equal(e.msg, "sh was killed by signal 9 (Killed)");
    assert_int_equal(spawn_status(killed, 0, &e), -1); /* a signal is always an error */
    assert_int_equal(spawn_run(absent, 0, &e), -1);
    assert_non_null(strstr(e.msg, "cannot run /nonexistent/jump-unit-prog"));
}

static void test_pipe(void **state)
{
    jerr e;
    spawn_pipe p;
    char *dir = su_scratch();
    char *cat[] = {"sh", "-c", "cat >got", NULL};
    char *quit[] = {"sh", "-c", "exit 0", NULL};
    char *fail[] = {"sh", "-c", "exit 4", NULL};
    static char big[1 << 20];
    blob b;
    ssize_t w;
    int werr = 0;
    (void)state;
    assert_int_equal(spawn_pipe_start(cat, 0, &p, &e), 0);
    assert_int_equal(write(p.fd, "through the pipe\n", 17), 17);
    assert_int_equal(spawn_pipe_finish(&p, 0, &e), 0);
    assert_int_equal(blob_read("got", &b, &e), 0);
    assert_memory_equal(b.p, "through the pipe\n", 17);
    blob_free(&b);
    /* a child that exits 0 without reading all: the write error is ours to report */
    assert_int_equal(spawn_pipe_start(quit, 0, &p, &e), 0);
    for (size_t off = 0; off < sizeof big && !werr; off += (size_t)w)
        if ((w = write(p.fd, big + off, sizeof big - off)) < 0)
            werr = errno;
    assert_int_equal(werr, EPIPE);
    assert_int_equal(spawn_pipe_finish(&p, werr, &e), -1);
    /* a child that fails: its status says why, whatever the writes did */
    assert_int_equal(spawn_pipe_start(fail, 0, &p, &e), 0);
    werr = write(p.fd, big, sizeof big) < 0 ? errno : 0;
    assert_int_equal(spawn_pipe_finish(&p, werr, &e), 4);
    su_scratch_done(dir);
}

static void test_which(void **state)
{
    char *dir = su_scratch(), *found, *path;
    (void)state;
    assert_int_equal(mkdir("a", 0755), 0);
    assert_int_equal(mkdir("b", 0755), 0);
    assert_int_equal(system("printf '#!/bin/sh\\n' >a/tool && cp a/tool b/tool && chmod +x a/tool b/tool"), 0);
    path = xasprintf("%s/a:%s/b", dir, dir);
    found = spawn_which_in("tool", path, NULL);
    assert_non_null(found);
    assert_non_null(strstr(found, "/a/tool"));
    /* skipping the first (a wrapper finding the real program behind itself) */
    {
        char *skip = xasprintf("%s/a/tool", dir), *second = spawn_which_in("tool", path, skip);
        assert_non_null(second);
        assert_non_null(strstr(second, "/b/tool"));
        free(second);
        free(skip);
    }
    assert_null(spawn_which_in("no-such-tool", path, NULL));
    free(found);
    free(path);
    su_scratch_done(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_pipe),
        cmocka_unit_test(test_which),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
