/* diag: the one place the tools print diagnostics, and the error object library code
 * returns instead of printing (library code never prints or exits). */
#ifndef JUMP_DIAG_H
#define JUMP_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* Exit statuses shared by every tool (DESIGN §10). */
enum { EXIT_OK = 0, EXIT_BAD = 1, EXIT_USAGE = 2 };

/* An error a library function hands back to its caller. `msg` is complete text without the
 * program name ("jump.vars:12: invalid size for symbol 'foo'"); `status` is the exit status
 * the tool should use (EXIT_BAD for bad input, EXIT_USAGE for I/O or child failures). */
typedef struct jerr {
    int status;
    char msg[2048];
    /* Where in an input file the error is, when it is about one (jerr_at): msg then starts
     * with "file:line[:col]: " and loclen says how long that is; else loclen is 0. */
    unsigned line, col;
    size_t loclen;
} jerr;

/* Fill `e` and return -1, so library code can write `return jerr_set(e, ...)`. */
int jerr_set(jerr *e, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Like jerr_set, for an error at line (and col, if not 0) of file. */
int jerr_at(jerr *e, int status, const char *file, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Like jerr_set, with ": strerror(errno)" appended. */
int jerr_sys(jerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

extern const char *diag_prog; /* basename of argv[0] */
void diag_init(const char *argv0);

/* "prog: error: msg" / "prog: warning: msg" on stderr. */
void diag_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: file:line[:col]: warning: msg" (col 0: none). */
void diag_warn_at(const char *file, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Print e as an error and exit with its status. */
_Noreturn void diag_die_err(const jerr *e);
/* Print an error and exit with `status`. */
_Noreturn void diag_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "prog: error: <e->msg>" without exiting. */
void diag_report(const jerr *e);

/* Standard --help / --version handling: if argv[1] is one of them, print and exit 0.
 * `usage` is the full help text. */
void diag_std_options(int argc, char **argv, const char *usage);
/* "prog: usage error text\nTry 'prog --help'." and exit 2. */
_Noreturn void diag_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* After getopt or getopt_long returned '?' (their own messages are off: diag_init clears
 * opterr): "invalid option '-z'" / "invalid option '--bogus'" / "option '-l' requires an
 * argument" / "option '--verbose' takes no argument", then as diag_usage. `optstring` is what getopt was given. */
/* A command about to run, echoed on stderr as a shell would show it (the tools' -v / -V):
 * stdout flushed first so the two stay in order. */
void diag_command(char *const argv[]);
_Noreturn void diag_bad_option(char *const argv[], const char *optstring);
/* The warning of every tool that reads or writes the control files, when JUMP_DIR is not
 * set (they then use the current directory). */
void diag_jump_dir(void);

#define JUMP_TOOLKIT_VERSION "0.1.0"

#endif
