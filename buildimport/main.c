/* buildimport: command line. */
#include "buildimport.h"
#include "diag.h"

#include <getopt.h>
#include <string.h>

static const char usage[] =
    "Usage: buildimport [-o file] [stub.sa...]\n"
    "Write $JUMP_DIR/jump.import listing, for every __GOT_<name> symbol of the given stub\n"
    "libraries, a line \"size D name library member\": the variables those jump libraries\n"
    "export, which this library's code must reach through their GOT cells. The size is the\n"
    "one the stub's variable symbol carries (0 if it has none), library is the stub's name\n"
    "without .sa, member the stub member that defines the variable, without .o. With no\n"
    "stubs the file is written empty.\n"
    "\n"
    "  -o file      write this file instead of $JUMP_DIR/jump.import\n"
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
    while ((c = getopt(argc, argv, "o:")) != -1) {
        switch (c) {
        case 'o': o.output = optarg; break;
        default: diag_usage("invalid option");
        }
    }
    o.stubs = argv + optind;
    o.nstubs = argc - optind;
    return buildimport_run(&o);
}
