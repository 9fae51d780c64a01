/* getsize: command line. */
#include "getsize.h"
#include "diag.h"

#include <stdio.h>

static const char usage[] =
    "Usage: getsize\n"
    "Print $JUMP_DIR/jump.vars (the current directory's if JUMP_DIR is not set) with the real\n"
    "size of every exported variable, measured from jumpas's diverted definitions\n"
    "(_GVAR_<n>.s, _GCMN_<n>.s). A size larger than the variable is a reserve and is kept; a\n"
    "variable larger than its reserve keeps the reserve and is marked '** Overflow **' (exit\n"
    "status 1): raising it would move every later variable, so only a new major version may.\n"
    "Classic use:  getsize > jump.vars-new; mv jump.vars jump.vars-old; mv jump.vars-new jump.vars\n"
    "  --help, --version\n";

int main(int argc, char **argv)
{
    jerr e;
    int overflows;
    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    if (argc > 1)
        diag_usage("unexpected argument '%s'", argv[1]);
    if (getsize_run(stdout, &overflows, &e) != 0)
        diag_die_err(&e);
    if (fflush(stdout) != 0)
        diag_die(EXIT_USAGE, "cannot write the output");
    return overflows ? EXIT_BAD : EXIT_OK;
}
