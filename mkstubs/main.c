/* mkstubs: command line. */
#include "mkstubs.h"
#include "buf.h"
#include "diag.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: mkstubs -l [dir/]image -v M.m[.p] -a address [-j jumpsize] [-g gotsize]\n"
    "               [-d dataaddr | -w waddr] [-m arch] [-u symbol]... [-F elf|aout] [-f] [--aout-names]\n"
    "               -- stubname...\n"
    "Write the stub library <stubname>.sa in the current directory for each stubname, from\n"
    "the control files in $JUMP_DIR (jump.funcs; jump.vars and jump.undefs if present).\n"
    "An entry goes into a stub when its library column names the stub.\n"
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
    "  -m arch      i386 or x86_64 (default: from the image <image>.so.<version>)\n"
    "  -u symbol    make the descriptor reference symbol (repeatable)\n"
    "  -F format    elf (default) or aout: the classic a.out stub (i386; BSD __.SYMDEF index,\n"
    "               OMAGIC members, no loader: for period linkers; programs here use elf)\n"
    "  -f           force: accept changed jump.params\n"
    "  --aout-names control files carry a.out names (leading '_'; also JUMP_AOUT_NAMES=1)\n"
    "  --help, --version\n"
    "Numbers are decimal or 0x-hex. Environment: JUMP_DIR (control files), JUMP_LIBDIR\n"
    "(directory holding loader-<arch>.o instead of the installed one).\n";

int main(int argc, char **argv)
{
    mkstubs_opts o;
    static const struct option longs[] = {{"aout-names", no_argument, NULL, IMG_OPT_AOUT},
                                          {NULL, 0, NULL, 0}};
    int c, set;
    jerr e;
    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    memset(&o, 0, sizeof o);
    img_opts_init(&o.p);
    o.undefs = xcalloc((size_t)argc, sizeof *o.undefs);
    while ((c = getopt_long(argc, argv, IMG_OPTSTRING "u:", longs, NULL)) != -1) {
        if ((set = img_opts_option(&o.p, c, optarg, &e)) < 0)
            diag_usage("%s", e.msg);
        if (set)
            continue;
        switch (c) {
        case 'u': o.undefs[o.nundefs++] = optarg; break;
        default: diag_bad_option(argv, IMG_OPTSTRING "u:");
        }
    }
    if (img_opts_require(&o.p, &e) != 0)
        diag_usage("%s", e.msg);
    if (optind >= argc)
        diag_usage("no stub names given (after --)");
    o.stubs = argv + optind;
    o.nstubs = (size_t)(argc - optind);
    diag_jump_dir();
    if (mkstubs_run(&o, stdout, &e) != 0)
        diag_die_err(&e);
    free(o.undefs);
    return EXIT_OK;
}
