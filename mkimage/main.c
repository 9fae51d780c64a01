/* mkimage: command line. */
#include "mkimage.h"
#include "buf.h"
#include "diag.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: mkimage -l [dir/]image -v M.m[.p] -a address [-j jumpsize] [-g gotsize]\n"
    "               [-d dataaddr | -w waddr] [-m arch] [-F elf|aout] [-f] [-G] [-V] [--aout-names]\n"
    "               -- objects/libs...\n"
    "Build the fixed-address jump image <image>.so.<version> in the current directory from\n"
    "the library's objects, using the control files in $JUMP_DIR (jump.funcs, jump.vars,\n"
    "jump.params).\n"
    "\n"
    "  -l image     the image's installed path without .so.<version> (e.g. /usr/lib/libxyz)\n"
    "  -v version   M.m or M.m.p; version word = (M << 16) + m*100 + p\n"
    "  -a address   load address (page-aligned, at least 0x60000000)\n"
    "  -j size      jump table size in bytes (default 0x4000)\n"
    "  -g size      GOT size in bytes (default 0x1000)\n"
    "  -d address   separate data origin (the GOT ends there)\n"
    "  -w address   writable origin: a split image (variables, data, bss there; the jump\n"
    "               table, GOT and text at the load address); a multiple of 16 on a page\n"
    "               above them: neighbours' writable parts may share pages\n"
    "  -m arch      i386 or x86_64 (default: taken from the first object)\n"
    "  -F format    elf (default) or aout: the classic i386 a.out QMAGIC image (header page\n"
    "               below the load address, as uselib() mapped it); the loader maps both\n"
    "  -f           force: accept changed jump.params and registry overlaps\n"
    "  -G           keep the generated assembly and linker script (path printed)\n"
    "  -V           echo the as and ld commands\n"
    "  --aout-names control files carry a.out names (leading '_'; also JUMP_AOUT_NAMES=1)\n"
    "  --help, --version\n"
    "Inputs: objects, archives (.a), other libraries' stubs (.sa), -Ldir, -lname. The C\n"
    "library (-lc, -lm, -ldl, -lpthread, -lrt) is not linked in: its functions become host\n"
    "imports bound when a program starts. libgcc is linked in.\n";

int main(int argc, char **argv)
{
    mkimage_opts o;
    static const struct option longs[] = {{"aout-names", no_argument, NULL, IMG_OPT_AOUT},
                                          {"verbose", no_argument, NULL, 'V'},
                                          {NULL, 0, NULL, 0}};
    int c, set;
    jerr e;
    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    memset(&o, 0, sizeof o);
    img_opts_init(&o.p);
    while ((c = getopt_long(argc, argv, IMG_OPTSTRING "GV", longs, NULL)) != -1) {
        if ((set = img_opts_option(&o.p, c, optarg, &e)) < 0)
            diag_usage("%s", e.msg);
        if (set)
            continue;
        switch (c) {
        case 'G': o.keep = 1; break;
        case 'V': o.verbose = 1; break;
        default: diag_bad_option(argv, IMG_OPTSTRING "GV");
        }
    }
    if (img_opts_require(&o.p, &e) != 0)
        diag_usage("%s", e.msg);
    if (optind >= argc)
        diag_usage("no objects given (after --)");
    o.inputs = argv + optind;
    o.ninputs = argc - optind;
    return mkimage_run(&o);
}
