/* mkcompat: command line. */
#include "mkcompat.h"
#include "buf.h"
#include "ctl.h"
#include "diag.h"
#include "stubmap.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: mkcompat -f|-v [-L dir]... [--aout-names] [--] stub.sa... [-l lib]\n"
    "Print on stdout a jump.funcs (-f) or jump.vars (-v) that keeps every slot index and\n"
    "variable offset of the old stub libraries, taking the lines from the current\n"
    "$JUMP_DIR/jump.funcs or jump.vars (the current directory's if JUMP_DIR is not set);\n"
    "when there is none, it is empty, or it is the output itself (mkcompat -f old.sa >\n"
    "jump.funcs), from the stub alone (each name it holds, with its objfile and reserve):\n"
    "  * a name the old stub has keeps its old index (and its old reserved size);\n"
    "  * a name the old stub has but the current file lacks becomes a __DUMMY__ placeholder\n"
    "    ('Lost function ...' on stderr, then 'Used N placeholder(s) ...');\n"
    "  * names new to the library follow the line\n"
    "    '# Anything below this line is new to the old library'.\n"
    "\n"
    "  -f           rebuild jump.funcs\n"
    "  -v           rebuild jump.vars\n"
    "  -L dir       look for stubs (and -l libraries) in dir (repeatable)\n"
    "  -l lib       the stub lib<lib>.sa (e.g. -l xyz: libxyz.sa), looked for in the -L dirs,\n"
    "               then the current directory; also written -llib after --\n"
    "  --aout-names the control files carry a.out names (leading '_'): read and written so\n"
    "               (also JUMP_AOUT_NAMES=1)\n"
    "  --help, --version\n"
    "\n"
    "Classic use:  mkcompat -f /usr/lib/libxyz.sa > jump.funcs.new; mv jump.funcs.new jump.funcs\n"
    "Exit status: 0 done, 1 a variable needs more than the old library reserved for it (the\n"
    "old reserve is kept: the image build will refuse it) or a bad stub or control file,\n"
    "2 usage or unreadable files.\n";

int main(int argc, char **argv)
{
    mkcompat_opts o;
    char **dirs = xcalloc((size_t)argc + 1, sizeof *dirs);
    char **libs = xcalloc((size_t)argc + 1, sizeof *libs);
    size_t ndirs = 0, nlibs = 0;
    static const struct option longs[] = {{"aout-names", no_argument, NULL, 'A'}, {NULL, 0, NULL, 0}};
    int c, f = 0, v = 0, rc;
    jerr e;

    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    memset(&o, 0, sizeof o);
    while ((c = getopt_long(argc, argv, "fvL:l:", longs, NULL)) != -1) {
        switch (c) {
        case 'A': o.names = JF_AOUT; break;
        case 'f': f = 1; break;
        case 'v': v = 1; break;
        case 'L': dirs[ndirs++] = optarg; break;
        case 'l': libs[nlibs++] = optarg; break;
        default: diag_bad_option(argv, "fvL:l:");
        }
    }
    if (f == v)
        diag_usage(f ? "give only one of -f and -v" : "give -f (jump.funcs) or -v (jump.vars)");
    o.vars = v;
    o.stubs = xcalloc((size_t)argc + 1, sizeof *o.stubs);
    for (int i = optind; i < argc; i++) {
        /* classic: "mkcompat -v -L/usr/X386/lib -- -lXaw" */
        int is_lib = !strncmp(argv[i], "-l", 2) && argv[i][2];
        char *p = smap_find(is_lib ? argv[i] + 2 : argv[i], is_lib, dirs, ndirs);
        if (!p)
            diag_die(EXIT_USAGE, "cannot find the stub '%s'%s", is_lib ? argv[i] + 2 : argv[i],
                     is_lib ? " (lib<name>.sa in the -L directories)" : "");
        o.stubs[o.nstubs++] = p;
    }
    for (size_t i = 0; i < nlibs; i++) {
        char *p = smap_find(libs[i], 1, dirs, ndirs);
        if (!p)
            diag_die(EXIT_USAGE, "cannot find lib%s.sa in the -L directories or the current directory",
                     libs[i]);
        o.stubs[o.nstubs++] = p;
    }
    if (!o.nstubs)
        diag_usage("no stub library given");
    diag_jump_dir();
    rc = mkcompat_run(&o, stdout, stderr, &e);
    if (rc < 0)
        diag_die_err(&e);
    for (size_t i = 0; i < o.nstubs; i++)
        free(o.stubs[i]);
    free(o.stubs);
    free(dirs);
    free(libs);
    return rc ? EXIT_BAD : EXIT_OK;
}
