/* getvars: append the variables that jump.log records to jump.vars (the work is in lib/getlog.c,
 * shared with getfuncs). */
#include "diag.h"
#include "getlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char usage[] =
    "Usage: getvars [-n]\n"
    "Append the variables logged in jump.log (types D, C and K) to jump.vars.\n"
    "Works in $JUMP_DIR, or the current directory when it is not set.\n"
    "Lines already in jump.vars are kept as they are; new entries are appended, sorted by\n"
    "objfile and name. Entries listed in jump.ignore or jump.import are skipped.\n"
    "The previous jump.vars is kept as jump.vars~.\n"
    "\n"
    "  -n         dry run: print the lines that would be appended, change nothing\n"
    "  --help     print this help\n"
    "  --version  print the version\n";

int main(int argc, char **argv)
{
    gl_result r;
    jerr e;
    char *summary;
    int c, dry_run = 0;

    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    while ((c = getopt(argc, argv, "n")) != -1) {
        switch (c) {
        case 'n': dry_run = 1; break;
        default: diag_usage("unknown option");
        }
    }
    if (optind < argc)
        diag_usage("unexpected argument '%s'", argv[optind]);

    if (gl_run(GL_VARS, jump_dir(NULL), dry_run, &r, &e) != 0) {
        gl_result_free(&r);
        diag_die_err(&e);
    }
    if (dry_run)
        fwrite(r.appended.p ? (const void *)r.appended.p : "", 1, r.appended.len, stdout);
    summary = gl_summary(GL_VARS, &r, dry_run);
    printf("%s: %s\n", diag_prog, summary);
    free(summary);
    gl_result_free(&r);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
}
