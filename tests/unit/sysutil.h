/* sysutil: helpers for unit tests that check our output against the real binutils: a scratch
 * directory, running a shell command and capturing its output, writing files. */
#ifndef JUMP_TEST_SYSUTIL_H
#define JUMP_TEST_SYSUTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"

/* Make a scratch directory and chdir into it; returns its malloc'ed path. */
static inline char *su_scratch(void)
{
    char tmpl[] = "/tmp/jump-unit.XXXXXX";
    char *d = mkdtemp(tmpl);
    if (!d || chdir(d) != 0) {
        perror("scratch");
        exit(2);
    }
    return xstrdup(d);
}

static inline void su_scratch_done(char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    if (chdir("/") != 0 || system(cmd) != 0)
        perror("cleanup");
    free(cmd);
    free(dir);
}

/* Run a shell command; its stdout (malloc'ed, NUL-terminated) and exit status. */
static inline char *su_run(const char *cmd, int *status)
{
    FILE *f = popen(cmd, "r");
    buf b = {0};
    char tmp[4096];
    size_t n;
    if (!f) {
        perror(cmd);
        exit(2);
    }
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(&b, tmp, n);
    int st = pclose(f);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    return buf_cstr(&b);
}

/* Run and require success; stdout returned. */
static inline char *su_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline char *su_out(const char *fmt, ...)
{
    va_list ap;
    char cmd[8192];
    int st;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char *o = su_run(cmd, &st);
    if (st != 0) {
        fprintf(stderr, "command failed (%d): %s\n%s\n", st, cmd, o);
        free(o);
        return NULL;
    }
    return o;
}

static inline void su_write(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

/* Fail the test, showing both, unless message `msg` contains `want`. */
#define su_expect_msg(msg, want)                                                                   \
    do {                                                                                           \
        if (!strstr((msg), (want)))                                                                \
            fail_msg("message '%s', expected '%s'", (msg), (want));                                \
    } while (0)

/* Does `hay` contain the whole line `line`? */
static inline int su_has_line(const char *hay, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = hay; (p = strstr(p, line)); p++)
        if ((p == hay || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
            return 1;
    return 0;
}

#endif
