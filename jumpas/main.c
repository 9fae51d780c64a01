/* jumpas: the assembler gcc runs with -B$(prefix)/bin/jump (or as <dir>/as with -B<dir>/). */
#include "diag.h"
#include "jumpas.h"

static const char usage[] =
    "Usage: jumpas [as options] [file.s ...]\n"
    "Assemble like as(1), for a jump-table shared library: log every global definition the\n"
    "control files do not describe to $JUMP_DIR/jump.log, rename each function listed in\n"
    "jump.funcs that the file defines to NAME__LOCAL__ (calls then go through its jump\n"
    "slot), move each jump.vars variable it defines to $JUMP_DIR/_GVAR_<n>.s or\n"
    "_GCMN_<n>.s, reach every exported or imported variable through its cell __GOT_<name>,\n"
    "and run the real as with the same arguments on the result.\n"
    "\n"
    "Every option is passed to as unchanged; jumpas itself reads -o FILE (the objfile\n"
    "column of the log), --32/--64 and -v (echo the as command).\n"
    "\n"
    "Environment:\n"
    "  JUMP_DIR   directory of jump.funcs, jump.vars, jump.ignore, jump.import and jump.log\n"
    "             (default: the current directory, with a warning)\n"
    "  JUMP_LIB   library column of logged lines (default: unknown, with a warning)\n"
    "  JUMP_AS    the real assembler (default: as from PATH, jumpas itself skipped)\n"
    "  JUMP_IMPLIED_IMPORT=1  implied-import mode: every name referenced but neither defined\n"
    "             nor called, and not in jump.funcs or jump.ignore, is an imported variable\n"
    "  JUMP_TRACE=1  append every rewrite to $JUMP_DIR/jumpas.log\n"
    "\n"
    "      --help     show this help and exit\n"
    "      --version  show the version and exit\n";

int main(int argc, char **argv)
{
    jumpas_args a;
    jerr e;
    int rc;
    /* Also installed as <dir>/as: messages still say who speaks. */
    diag_init("jumpas");
    diag_std_options(argc, argv, usage);
    if (jumpas_parse_args(argc - 1, argv + 1, &a, &e) != 0)
        diag_usage("%s", e.msg);
    rc = jumpas_run(&a);
    jumpas_args_free(&a);
    return rc;
}
