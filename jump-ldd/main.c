/* jump-ldd: command line. */
#include "diag.h"
#include "ldd.h"

#include <getopt.h>

static const char usage[] =
    "Usage: jump-ldd program...\n"
    "List the jump libraries each program needs and the image the loader would use:\n"
    "\t<soname> (DLL Jump M.m) => <path>   or   => not found\n"
    "The program is run with JUMP_TRACE_LIBRARIES=1, which makes its jump loader print\n"
    "those lines and exit before main (as ldd runs a program: do not use it on programs\n"
    "you do not trust). A program without the jump loader prints \"not a jump program\".\n"
    "With several programs, each list follows a \"program:\" line.\n"
    "\n"
    "  --help, --version\n"
    "\n"
    "Exit status: 0, 1 if a program is not a jump program, 2 if a file cannot be read or\n"
    "the program fails.\n";

int main(int argc, char **argv)
{
    int c;
    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    while ((c = getopt(argc, argv, "")) != -1)
        diag_bad_option(argv, "");
    if (optind >= argc)
        diag_usage("no programs given");
    return jump_ldd_run(argv + optind, argc - optind);
}
