/* verify-shlib: command line. */
#include "diag.h"
#include "verify.h"

#include <getopt.h>
#include <string.h>

static const char usage[] =
    "Usage: verify-shlib -l image [--] stub.sa...\n"
    "Check that the stub libraries describe the jump image exactly: every function symbol\n"
    "and __PLT_ symbol is a slot that jumps to the image's <name>__LOCAL__, every __GOT_\n"
    "cell holds the address of the image's variable, every variable is where the image has\n"
    "it, and each stub's library record has the image's load address, version and soname.\n"
    "\n"
    "  -l image     the image file (e.g. libxyz.so.1.0.0)\n"
    "  --help, --version\n"
    "\n"
    "Prints the used address range first, then either \"The stub library and the sharable\n"
    "libraries have identical symbols.\" or one line per difference and their count.\n"
    "Exit status: 0 identical, 1 differences found, 2 usage or unreadable/invalid files.\n";

int main(int argc, char **argv)
{
    verify_opts o;
    int c;
    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    memset(&o, 0, sizeof o);
    while ((c = getopt(argc, argv, "l:")) != -1) {
        switch (c) {
        case 'l': o.image = optarg; break;
        default: diag_usage("invalid option");
        }
    }
    if (!o.image)
        diag_usage("missing -l image");
    if (optind >= argc)
        diag_usage("no stub libraries given");
    o.stubs = argv + optind;
    o.nstubs = argc - optind;
    return verify_shlib_run(&o);
}
