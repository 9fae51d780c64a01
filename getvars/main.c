/* getvars: append the variables that jump.log records to jump.vars: getfuncs' program,
 * collecting variables (getfuncs/main.c; the work is in lib/getlog.c). */
#include "getlog.h"

#define GETLOG_WHAT GL_VARS
static const char usage[] =
    "Usage: getvars [-n] [--aout-names]\n"
    "Append the variables logged in jump.log (types D, C and K) to jump.vars.\n"
    "Works in $JUMP_DIR, or the current directory when it is not set.\n"
    "Lines already in jump.vars are kept as they are; new entries are appended, sorted by\n"
    "objfile and name. Entries listed in jump.ignore or jump.import are skipped.\n"
    "The previous jump.vars is kept as jump.vars~.\n"
    "\n"
    "  -n         dry run: print the lines that would be appended, change nothing\n"
    "  --aout-names  the control files and jump.log carry a.out names (leading '_'): read\n"
    "             and appended so (also JUMP_AOUT_NAMES=1)\n"
    "  --help     print this help\n"
    "  --version  print the version\n";

#include "../getfuncs/main.c"
