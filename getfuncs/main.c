/* getfuncs: append the functions that jump.log records to jump.funcs (the work is in lib/getlog.c,
 * shared with getvars). */
#include "diag.h"
#include "getlog.h"


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

int main(int argc, char **argv) { return gl_main(GL_FUNCS, usage, argc, argv); }
