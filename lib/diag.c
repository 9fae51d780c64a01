/* diag: program-name-prefixed diagnostics and the jerr error object. */
#include "diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *diag_prog = "jump";

void diag_init(const char *argv0)
{
    const char *s;
    if (!argv0 || !*argv0)
        return;
    s = strrchr(argv0, '/');
    diag_prog = s ? s + 1 : argv0;
}

int jerr_set(jerr *e, int status, const char *fmt, ...)
{
    va_list ap;
    if (!e)
        return -1;
    e->status = status;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int jerr_sys(jerr *e, const char *fmt, ...)
{
    va_list ap;
    int saved = errno;
    size_t n;
    if (!e)
        return -1;
    e->status = EXIT_USAGE;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    n = strlen(e->msg);
    snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(saved));
    errno = saved;
    return -1;
}

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    fflush(stdout);
    fprintf(stderr, "%s: %s: ", diag_prog, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void diag_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
}

void diag_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("warning", fmt, ap);
    va_end(ap);
}

void diag_report(const jerr *e)
{
    diag_error("%s", e->msg);
}

void diag_die_err(const jerr *e)
{
    diag_report(e);
    exit(e->status ? e->status : EXIT_BAD);
}

void diag_die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
    exit(status);
}

void diag_usage(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: ", diag_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", diag_prog);
    exit(EXIT_USAGE);
}

void diag_std_options(int argc, char **argv, const char *usage)
{
    if (argc < 2)
        return;
    if (!strcmp(argv[1], "--help")) {
        fputs(usage, stdout);
        exit(EXIT_OK);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("%s (jump toolkit) %s\n", diag_prog, JUMP_TOOLKIT_VERSION);
        exit(EXIT_OK);
    }
}
