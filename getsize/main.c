/* getsize: command line. */
#include "getsize.h"
#include "ctl.h"
#include "diag.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "Usage: getsize [--aout-names]\n"
    "Print $JUMP_DIR/jump.vars (the current directory's if JUMP_DIR is not set) with the real\n"
    "size of every exported variable, measured from jumpas's diverted definitions\n"
    "(_GVAR_<n>.s, _GCMN_<n>.s). A size larger than the variable is a reserve and is kept; a\n"
    "variable larger than its reserve keeps the reserve and is marked '** Overflow **' (exit\n"
    "status 1): raising it would move every later variable, so only a new major version may.\n"
    "Classic use:  getsize > jump.vars-new; mv jump.vars jump.vars-old; mv jump.vars-new jump.vars\n"
    "  --aout-names  jump.vars carries a.out names (leading '_'): read and printed so\n"
    "                (also JUMP_AOUT_NAMES=1)\n"
    "  --help, --version\n";

int main(int argc, char **argv)
{
    jerr e;
    int overflows, names = jf_env_flags(), i = 1;
    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    if (i < argc && !strcmp(argv[i], "--aout-names")) {
        names = JF_AOUT;
        i++;
    }
    if (i < argc)
        diag_usage("unexpected argument '%s'", argv[i]);
    if (getsize_run(stdout, names, &overflows, &e) != 0)
        diag_die_err(&e);
    if (fflush(stdout) != 0)
        diag_die(EXIT_USAGE, "cannot write the output");
    return overflows ? EXIT_BAD : EXIT_OK;
}
