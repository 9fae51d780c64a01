/* jump-ldconfig: the ldconfig step of the classic workflow for jump images. */
#include "buf.h"
#include "diag.h"
#include "ldconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "Usage: jump-ldconfig [-v] [-n] [-N] [-C] [dir...]\n"
    "For every jump image <lib>.so.<M>.<m>[.<p>] in the directories, point the link\n"
    "<lib>.so.<M> at the newest image of that major (versions compared numerically),\n"
    "and write the directory's image cache, jump.cache: a copy of the images the links\n"
    "point at, which the loader maps instead of opening each image while the image\n"
    "file is the one copied.\n"
    "The directories named, then /usr/local/lib, /usr/lib and /lib.\n"
    "\n"
    "  -v         list each directory and link: libxyz.so.1 => libxyz.so.1.0.0 (changed)\n"
    "  -n         only the directories named\n"
    "  -N         report only: change nothing\n"
    "  -C         write no image cache (and remove the directory's old one)\n"
    "  --help     print this help\n"
    "  --version  print the version\n";

static const char *const default_dirs[] = {"/usr/local/lib", "/usr/lib", "/lib"};

/* The same directory reached twice (/lib -> usr/lib on merged systems) is done once. */
static int seen_before(const char *dir, struct stat *seen, size_t *nseen)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return 0; /* ldconfig_dir reports it */
    for (size_t i = 0; i < *nseen; i++)
        if (seen[i].st_dev == st.st_dev && seen[i].st_ino == st.st_ino)
            return 1;
    seen[(*nseen)++] = st;
    return 0;
}

int main(int argc, char **argv)
{
    ldc_opts o = {.out = stdout};
    int c, only_named = 0, status = EXIT_OK;
    size_t ndirs = sizeof default_dirs / sizeof default_dirs[0], nseen = 0;
    struct stat *seen;

    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    while ((c = getopt(argc, argv, "vnNC")) != -1) {
        switch (c) {
        case 'v': o.verbose = 1; break;
        case 'n': only_named = 1; break;
        case 'N': o.report = 1; break;
        case 'C': o.no_cache = 1; break;
        default: diag_bad_option(argv, "vnNC");
        }
    }
    if (only_named && optind == argc)
        diag_usage("-n needs at least one directory");

    seen = xcalloc((size_t)(argc - optind) + ndirs, sizeof *seen);
    for (int i = optind; i < argc; i++) {
        int rc;
        if (seen_before(argv[i], seen, &nseen))
            continue;
        rc = ldconfig_dir(argv[i], 1, &o);
        status = rc > status ? rc : status;
    }
    for (size_t i = 0; !only_named && i < ndirs; i++) {
        int rc;
        if (seen_before(default_dirs[i], seen, &nseen))
            continue;
        rc = ldconfig_dir(default_dirs[i], 0, &o);
        status = rc > status ? rc : status;
    }
    free(seen);
    if (fflush(stdout) != 0)
        diag_die(EXIT_USAGE, "cannot write the standard output");
    return status;
}
