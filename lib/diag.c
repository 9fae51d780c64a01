/* diag: program-name-prefixed diagnostics and the jerr error object. */
#include "diag.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *diag_prog = "jump";

void diag_init(const char *argv0)
{
    const char *s;
    opterr = 0; /* diag_bad_option says it, once, in the toolkit's words */
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
    e->line = e->col = 0;
    e->loclen = 0;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* "file:line: " or "file:line:col: " into buf (cap bytes): its length (cut to fit). */
static size_t location(char *buf, size_t cap, const char *file, unsigned line, unsigned col)
{
    int n =
        col ? snprintf(buf, cap, "%s:%u:%u: ", file, line, col) : snprintf(buf, cap, "%s:%u: ", file, line);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

int jerr_at(jerr *e, int status, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    if (!e)
        return -1;
    e->status = status;
    e->line = line;
    e->col = col;
    e->loclen = location(e->msg, sizeof e->msg, file, line, col);
    va_start(ap, fmt);
    vsnprintf(e->msg + e->loclen, sizeof e->msg - e->loclen, fmt, ap);
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
    e->line = e->col = 0;
    e->loclen = 0;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    n = strlen(e->msg);
    snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(saved));
    errno = saved;
    return -1;
}

/* Length of a leading "file:line: " or "file:line:col: " location in msg, or 0. The file
 * may be as's "{standard input}". Only for free text (diag_error, diag_warn): errors built
 * with jerr_at carry their location, and diag_report uses it. */
static size_t location_len(const char *msg)
{
    const char *p = msg;
    int colons = 0;
    if (!strncmp(p, "{standard input}:", 17))
        p += 16;
    while (*p && *p != ' ' && *p != '\n') {
        if (*p == ':') {
            const char *q = p + 1;
            if (*q < '0' || *q > '9')
                break;
            while (*q >= '0' && *q <= '9')
                q++;
            if (*q == ':' && q[1] == ' ')
                return (size_t)(q + 2 - msg);
            if (*q != ':' || ++colons > 1)
                break;
            p = q;
            continue;
        }
        p++;
    }
    return 0;
}

/* "prog: kind: msg", or "prog: file:line: kind: rest" when msg starts with a location
 * (DESIGN §10). */
static void vreport(const char *kind, const char *fmt, va_list ap)
{
    char msg[4096];
    size_t loc;
    vsnprintf(msg, sizeof msg, fmt, ap);
    loc = location_len(msg);
    fflush(stdout);
    if (loc)
        fprintf(stderr, "%s: %.*s%s: %s\n", diag_prog, (int)loc, msg, kind, msg + loc);
    else
        fprintf(stderr, "%s: %s: %s\n", diag_prog, kind, msg);
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
    if (e->loclen) { /* the location the error object carries, not one read from its text */
        fflush(stdout);
        fprintf(stderr, "%s: %.*serror: %s\n", diag_prog, (int)e->loclen, e->msg, e->msg + e->loclen);
        return;
    }
    diag_error("%s", e->msg);
}

void diag_warn_at(const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
    char loc[600];
    va_list ap;
    location(loc, sizeof loc, file, line, col);
    fflush(stdout);
    fprintf(stderr, "%s: %swarning: ", diag_prog, loc);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
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

void diag_bad_option(char *const argv[], const char *optstring)
{
    const char *word = optind > 0 ? argv[optind - 1] : "";
    int len = (int)strcspn(word, "=");
    if (!optopt)
        diag_usage("invalid option '%.*s'", len, word);
    if (word[0] == '-' && word[1] == '-') {
        if (word[len] == '=')
            diag_usage("option '%.*s' takes no argument", len, word);
        diag_usage("option '%.*s' requires an argument", len, word);
    }
    if (optopt != ':' && strchr(optstring, optopt))
        diag_usage("option '-%c' requires an argument", optopt);
    diag_usage("invalid option '-%c'", optopt);
}

void diag_jump_dir(void)
{
    const char *d = getenv("JUMP_DIR");
    if (!d || !*d)
        diag_warn("JUMP_DIR is not set; using the current directory");
}

void diag_command(char *const argv[])
{
    fflush(stdout);
    for (int i = 0; argv[i]; i++)
        fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
    fputc('\n', stderr);
}
