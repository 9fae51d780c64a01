/* buildimport: command line. */
#include "buildimport.h"
#include "arch.h"
#include "diag.h"

#include <getopt.h>
#include <string.h>

static const char usage[] =
    "Usage: buildimport [-o file] [-m arch] [--no-host] [stub.sa...]\n"
    "Write $JUMP_DIR/jump.import listing, for every __GOT_<name> symbol of the given stub\n"
    "libraries, a line \"size D name library member\": the variables those jump libraries\n"
    "export, which this library's code must reach through their GOT cells. The size is the\n"
    "one the stub's variable symbol carries (0 if it has none), library is the stub's name\n"
    "without .sa, member the stub member that defines the variable, without .o. With no\n"
    "stubs the file lists only the C library's variables.\n"
    "The C library's variables (stdout, environ, optarg, ...) are listed too, after the\n"
    "stubs' (library 'libc', member 'host'): the classic SL_IMPORT listed libc.sa for them.\n"
    "With JUMP_AOUT_NAMES=1 the names are written as a.out names (leading '_').\n"
    "\n"
    "  -o file      write this file instead of $JUMP_DIR/jump.import\n"
    "  -m arch      whose C library: i386 or x86_64 (default: the first stub's, else the host's)\n"
    "  --no-host    leave the C library's variables out\n"
    "  --help, --version\n"
    "\n"
    "Exit status: 0 written, 2 usage, an unreadable file or one that is not a stub library.\n";

int main(int argc, char **argv)
{
    buildimport_opts o;
    int c;
    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    memset(&o, 0, sizeof o);
    static const struct option longs[] = {{"no-host", no_argument, NULL, 'H'}, {NULL, 0, NULL, 0}};
    while ((c = getopt_long(argc, argv, "o:m:", longs, NULL)) != -1) {
        switch (c) {
        case 'o': o.output = optarg; break;
        case 'm':
            if (!arch_by_name(optarg))
                diag_usage("unknown architecture '%s' (i386 or x86_64)", optarg);
            o.arch = optarg;
            break;
        case 'H': o.no_host = 1; break;
        default: diag_bad_option(argv, "o:m:");
        }
    }
    o.stubs = argv + optind;
    o.nstubs = argc - optind;
    return buildimport_run(&o);
}
