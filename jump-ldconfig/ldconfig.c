/* ldconfig: find jump images (<lib>.so.<M>.<m>[.<p>], regular ELF files carrying the jump
 * note) in a directory and point <lib>.so.<M> at the newest of each major, atomically; then
 * write the directory's image cache (cache.c) from the links. */
#include "ldconfig.h"
#include "aout.h"

#include "buf.h"
#include "diag.h"
#include "elf.h"
#include "jumpfmt.h"
#include "soname.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct image {
    char *name;     /* file name in the directory */
    char *link;     /* <lib>.so.<M> */
    soname_ver v;
} image;

/* Is dir/name a jump image of `link`? 1 yes, 0 no (silently: not ELF, no note), -1 no with a
 * warning (an image that names another library). Files are mapped, not read: the default
 * directories hold ordinary shared libraries that may be large. */
static int is_image(const char *path, const char *link)
{
    struct stat st;
    elf_file f;
    jerr e;
    const uint8_t *desc;
    size_t desclen;
    void *map;
    int fd, rc = 0;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 4) {
        close(fd);
        return 0;
    }
    map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return 0;
    if ((elf_is_elf(map, (size_t)st.st_size) || aout_is_aout(map, (size_t)st.st_size)) &&
        image_view_open(&f, path, map, (size_t)st.st_size, &e) == 0) {
        if (elf_find_note(&f, JUMP_NOTE_NAME, JUMP_NOTE_TYPE, &desc, &desclen) &&
            desclen > JUMP_NOTE_FIXED && rd32le(desc + JUMP_NOTE_D_FORMAT) == JUMP_NOTE_FORMAT) {
            const char *so = (const char *)desc + JUMP_NOTE_D_SONAME;
            size_t max = desclen - JUMP_NOTE_FIXED;
            if (strnlen(so, max) == max) {
                diag_warn("%s: jump note without a library name: skipped", path);
                rc = -1;
            } else if (strcmp(so, link)) {
                /* The loader looks images up by the name in the note; a link from another
                 * name would send programs to the wrong library. */
                diag_warn("%s: jump image of '%s', not of '%s': skipped", path, so, link);
                rc = -1;
            } else {
                rc = 1;
            }
        }
        elf_close(&f);
    }
    munmap(map, (size_t)st.st_size);
    return rc;
}

/* Newest first within a link; links in name order. Equal versions (1.2 and 1.2.0) fall back to
 * the file name so that the choice never depends on directory order. */
static int by_link_newest(const void *a, const void *b)
{
    const image *x = a, *y = b;
    int c = strcmp(x->link, y->link);
    if (!c)
        c = -soname_cmp(&x->v, &y->v);
    if (!c)
        c = strcmp(x->name, y->name);
    return c;
}

/* Point dir/link at `target`: a symlink under a temporary name, renamed over the old link, so
 * that a program starting meanwhile finds the old image or the new one, never neither. */
static int relink(const char *dir, const char *link, const char *target)
{
    char *path = xasprintf("%s/%s", dir, link);
    char *tmp = xasprintf("%s/.%s.jump-ldconfig.%ld", dir, link, (long)getpid());
    int rc = 0;
    unlink(tmp); /* a leftover of a killed run with our pid */
    if (symlink(target, tmp) != 0 || rename(tmp, path) != 0) {
        diag_error("cannot make the symbolic link '%s' -> '%s' (through '%s'): %s", path, target,
                   tmp, strerror(errno));
        unlink(tmp);
        rc = EXIT_USAGE;
    }
    free(path);
    free(tmp);
    return rc;
}

/* The images of dir (files named lib<x>.so.<M>... that are jump images of that library),
 * sorted by link, newest first, into *out; their number. EXIT_BAD in *status when the
 * directory cannot be read through. */
static size_t scan_images(const char *dir, DIR *d, image **out, int *status)
{
    struct dirent *de;
    image *v = NULL;
    size_t n = 0, cap = 0;
    /* readdir reports an error only through errno, which the checks below also set. */
    for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
        soname_ver ver;
        char *path, *link;
        int ok;
        if (!soname_parse(de->d_name, &ver))
            continue;
        path = xasprintf("%s/%s", dir, de->d_name);
        link = xstrndup(de->d_name, ver.linklen);
        ok = is_image(path, link);
        free(path);
        if (ok != 1) {
            free(link);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n].name = xstrdup(de->d_name);
        v[n].link = link;
        v[n].v = ver;
        n++;
    }
    if (errno != 0) {
        diag_error("cannot read directory '%s': %s", dir, strerror(errno));
        *status = EXIT_BAD;
    }
    if (n)
        qsort(v, n, sizeof *v, by_link_newest);
    *out = v;
    return n;
}

/* Whether dir/link must change to point at `name`: 1, 0 if it does already, -1 (with a
 * warning) if it is not a symbolic link and is left alone. */
static int link_changes(const char *dir, const char *link, const char *name)
{
    char *path = xasprintf("%s/%s", dir, link), old[4096];
    struct stat st;
    int changed = 1;
    ssize_t len;
    if (lstat(path, &st) == 0) {
        if (!S_ISLNK(st.st_mode)) {
            diag_warn("%s is not a symbolic link: not replaced by a link to %s", path, name);
            free(path);
            return -1;
        }
        len = readlink(path, old, sizeof old - 1);
        if (len >= 0) {
            old[len] = 0;
            changed = strcmp(old, name) != 0;
        }
    }
    free(path);
    return changed;
}

int ldconfig_dir(const char *dir, int must_exist, const ldc_opts *o)
{
    DIR *d = opendir(dir);
    image *v;
    size_t n, nlinks = 0;
    char **links;
    int status = EXIT_OK;

    if (!d) {
        if (!must_exist && errno == ENOENT)
            return EXIT_OK;
        diag_error("cannot read directory '%s': %s", dir, strerror(errno));
        return EXIT_BAD;
    }
    if (o->verbose)
        fprintf(o->out, "%s:\n", dir);
    n = scan_images(dir, d, &v, &status);
    closedir(d);

    links = xcalloc(n ? n : 1, sizeof *links);
    for (size_t i = 0; i < n; i++) {
        const image *x = &v[i];
        int changed;
        if (i > 0 && !strcmp(v[i - 1].link, x->link))
            continue; /* an older image of a link already done */
        if ((changed = link_changes(dir, x->link, x->name)) < 0)
            continue;
        if (changed && !o->report) {
            int rc = relink(dir, x->link, x->name);
            if (rc) {
                status = status > rc ? status : rc;
                continue;
            }
        }
        if (o->verbose)
            fprintf(o->out, "\t%s => %s%s\n", x->link, x->name, changed ? " (changed)" : "");
        if (!changed || !o->report)
            links[nlinks++] = x->link;
    }
    if (!o->report) {
        int rc = ldconfig_cache(dir, links, nlinks, o);
        status = status > rc ? status : rc;
    }
    free(links);
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].link);
    }
    free(v);
    return status;
}
