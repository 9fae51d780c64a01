/* verify-shlib: command line. */
#include "diag.h"
#include "verify.h"

#include <getopt.h>
#include <string.h>

static const char usage[] =
    "Usage: verify-shlib -l image [--] stub.sa...\n"
    "       verify-shlib --against old.sa [--old-image old.so] [--json] [--waivers file] [-r registry]\n"
    "                    -l image stub.sa...\n"
    "       verify-shlib --program prog [--json] [--waivers file] -l image\n"
    "Check that the stub libraries describe the jump image exactly: every function symbol\n"
    "and __PLT_ symbol is a slot that jumps to the image's <name>__LOCAL__, every __GOT_\n"
    "cell holds the address of the image's variable, every variable is where the image has\n"
    "it, and each stub's library record has the image's load address, version and soname.\n"
    "\n"
    "  -l image         the image file (e.g. libxyz.so.1.0.0)\n"
    "  --against old.sa is the image (with its new stubs) a drop-in replacement for the\n"
    "                   library old.sa describes? Every old slot must hold the same name (or\n"
    "                   be withdrawn: U or __DUMMY__), every old cell and variable stay where\n"
    "                   it was, no variable outgrow its old reserve; same origin and major,\n"
    "                   minor not lower, table sizes not smaller, the used range inside the\n"
    "                   library's registration and nobody else's.\n"
    "  --old-image old.so  with --against: also compare the types of the old and new images\n"
    "                   (struct layouts, parameters: what addresses cannot show) with\n"
    "                   libabigail's abidiff, when both have debug information (-g)\n"
    "  --program prog   will prog, with the slots, cells and variables it links, work with\n"
    "                   the image? (prog must keep its symbol table)\n"
    "  --json           print the findings as one JSON object instead of lines\n"
    "  --waivers file   finding keys (the [key] at the end of each line), one per line, '#'\n"
    "                   comments: those findings are reported as waived and do not count\n"
    "  -r registry      the registry table (default $JUMP_REGISTRY, else the installed one)\n"
    "  --help, --version\n"
    "\n"
    "Plain mode prints the used address range first, then either \"The stub library and the\n"
    "sharable libraries have identical symbols.\" or one line per difference and their count;\n"
    "exit status 0 identical, 1 differences found, 2 usage or unreadable/invalid files.\n"
    "--against and --program print one finding per line ('incompatible: slot 12 'foo' now\n"
    "holds 'bar' [slot:12]') and a summary; exit status 0 identical, 4 compatible changes\n"
    "only, 12 incompatible changes, 1 error, 2 usage; with --old-image, 16 is added when the\n"
    "types changed ('type:' findings).\n";

int main(int argc, char **argv)
{
    verify_opts o;
    static const struct option longs[] = {{"against", required_argument, NULL, 'A'},
                                           {"program", required_argument, NULL, 'P'},
                                           {"json", no_argument, NULL, 'J'},
                                           {"waivers", required_argument, NULL, 'W'},
                                           {"old-image", required_argument, NULL, 'O'},
                                           {NULL, 0, NULL, 0}};
    int c;
    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    memset(&o, 0, sizeof o);
    while ((c = getopt_long(argc, argv, "l:r:", longs, NULL)) != -1) {
        switch (c) {
        case 'l': o.image = optarg; break;
        case 'r': o.registry = optarg; break;
        case 'A': o.against = optarg; break;
        case 'P': o.program = optarg; break;
        case 'J': o.json = 1; break;
        case 'W': o.waivers = optarg; break;
        case 'O': o.old_image = optarg; break;
        default: diag_bad_option(argv, "l:r:");
        }
    }
    if (!o.image)
        diag_usage("missing -l image");
    o.stubs = argv + optind;
    o.nstubs = argc - optind;
    if (o.against && o.program)
        diag_usage("give --against or --program, not both");
    if (o.old_image && !o.against)
        diag_usage("--old-image goes with --against");
    if (!o.against && !o.program && (o.json || o.waivers || o.registry))
        diag_usage("--json, --waivers and -r go with --against or --program");
    if (o.program) {
        if (o.nstubs)
            diag_usage("--program takes no stub libraries");
        return verify_against_run(&o);
    }
    if (optind >= argc)
        diag_usage("no stub libraries given");
    if (o.against)
        return verify_against_run(&o);
    return verify_shlib_run(&o);
}
