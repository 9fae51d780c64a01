/* libinfo: command line. */
#include "buf.h"
#include "diag.h"
#include "libinfo.h"
#include "stubmap.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: libinfo [-L dir]... [-r registry] [--] stub.sa... | -l lib\n"
    "Report on each jump library from its stub: the libraries it requires, its version, the\n"
    "registered area its address range lies in, its start address and used range, the GOT\n"
    "and jump table sizes and how many cells and slots are used, and how many functions\n"
    "and variables the stub exports.\n"
    "\n"
    "  -L dir       look for stubs (and -l libraries) in dir (repeatable)\n"
    "  -l lib       the stub lib<lib>.sa (e.g. -l xyz: libxyz.sa); also written -llib after --\n"
    "  -r registry  the registry table (default $JUMP_REGISTRY, else the installed one)\n"
    "  --help, --version\n"
    "Exit status: 0 reported, 1 a malformed stub or registry, 2 usage or unreadable files.\n";

int main(int argc, char **argv)
{
    char **dirs = xcalloc((size_t)argc + 1, sizeof *dirs);
    char **names = xcalloc((size_t)argc + 1, sizeof *names);
    int *islib = xcalloc((size_t)argc + 1, sizeof *islib);
    size_t ndirs = 0, n = 0;
    const char *registry = NULL;
    int c, rc = EXIT_OK;
    jerr e;

    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    while ((c = getopt(argc, argv, "L:l:r:")) != -1) {
        switch (c) {
        case 'L': dirs[ndirs++] = optarg; break;
        case 'l': islib[n] = 1; names[n++] = optarg; break;
        case 'r': registry = optarg; break;
        default: diag_bad_option(argv, "L:l:r:");
        }
    }
    for (int i = optind; i < argc; i++) {
        islib[n] = !strncmp(argv[i], "-l", 2) && argv[i][2];
        names[n] = islib[n] ? argv[i] + 2 : argv[i];
        n++;
    }
    if (!n)
        diag_usage("no stub library given");
    for (size_t i = 0; i < n; i++) {
        char *p = smap_find(names[i], islib[i], dirs, ndirs);
        if (!p) {
            if (islib[i])
                diag_error("cannot find lib%s.sa in the -L directories or the current directory",
                           names[i]);
            else
                diag_error("cannot find the stub '%s'", names[i]);
            rc = EXIT_USAGE;
            continue;
        }
        if (libinfo_run(p, registry, stdout, &e) != 0) {
            diag_report(&e);
            if (rc == EXIT_OK || e.status == EXIT_USAGE)
                rc = e.status;
        }
        free(p);
    }
    if (fflush(stdout) != 0)
        diag_die(EXIT_USAGE, "cannot write the output");
    free(dirs);
    free(names);
    free(islib);
    return rc;
}
