/* getfuncs: append the functions that jump.log records to jump.funcs. getvars/main.c compiles
 * this file again for getvars (GETLOG_WHAT GL_VARS, its own usage): the two tools differ only
 * in what they collect; the work is in lib/getlog.c. */
#include "ctl.h"
#include "diag.h"
#include "getlog.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef GETLOG_WHAT
#define GETLOG_WHAT GL_FUNCS
static const char usage[] =
    "Usage: getfuncs [-n] [--aout-names]\n"
    "Append the functions logged in jump.log (types T and t) to jump.funcs.\n"
    "Works in $JUMP_DIR, or the current directory when it is not set.\n"
    "Lines already in jump.funcs are kept as they are; new entries are appended, sorted by\n"
    "objfile and name. Entries listed in jump.ignore are skipped.\n"
    "The previous jump.funcs is kept as jump.funcs~.\n"
    "\n"
    "  -n         dry run: print the lines that would be appended, change nothing\n"
    "  --aout-names  the control files and jump.log carry a.out names (leading '_'): read\n"
    "             and appended so (also JUMP_AOUT_NAMES=1)\n"
    "  --help     print this help\n"
    "  --version  print the version\n";
#endif

/* Options, the run, the summary and the size advice on stdout; the exit status. */
static int getlog_main(gl_what what, const char *help, int argc, char **argv)
{
    gl_result r;
    jerr e;
    char *summary;
    static const struct option longs[] = {{"aout-names", no_argument, NULL, 'A'}, {NULL, 0, NULL, 0}};
    int c, dry_run = 0, names = jf_env_flags();

    diag_init(argv[0]);
    diag_std_options(argc, argv, help);
    while ((c = getopt_long(argc, argv, "n", longs, NULL)) != -1) {
        switch (c) {
        case 'n': dry_run = 1; break;
        case 'A': names = JF_AOUT; break;
        default: diag_bad_option(argv, "n");
        }
    }
    if (optind < argc)
        diag_usage("unexpected argument '%s'", argv[optind]);

    if (gl_run(what, jump_dir(NULL), names, dry_run, &r, &e) != 0) {
        gl_result_free(&r);
        diag_die_err(&e);
    }
    if (dry_run)
        fwrite(r.appended.p ? (const void *)r.appended.p : "", 1, r.appended.len, stdout);
    summary = gl_summary(what, &r, dry_run);
    printf("%s: %s\n", diag_prog, summary);
    free(summary);
    summary = gl_size_advice(what, &r);
    printf("%s: %s\n", diag_prog, summary);
    free(summary);
    gl_result_free(&r);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
}

int main(int argc, char **argv) { return getlog_main(GETLOG_WHAT, usage, argc, argv); }
