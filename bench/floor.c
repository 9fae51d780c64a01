/* floor: the start-up floor of any loader of separate image files, for bench/run.sh (issue F).
 * Linked into the static program of the same N, it runs from .preinit_array and, for each
 * image the jump program uses, does only what such a loader cannot avoid: open the file, map
 * each PT_LOAD at its address with its protections (file-backed; anonymous for bss beyond the
 * file), close it, and touch what the jump program touches at start-up at the least: read the
 * version word at the origin, read one word of every other read-only segment (the program runs
 * code there: the image's constructor slot, the called function), write one word of every
 * writable one (binding the image's host imports writes its data page). No checks, no
 * lookups, no parsing: the segments are compiled in (FLOOR_TABLE, a file run.sh generates
 * from the images' program headers when it builds the benchmark).
 * With -DFLOOR_CACHE=\"dir\": the floor of a loader that maps the images' copies from dir's
 * jump.cache (issue J) instead of opening each image; with -DFLOOR_SPLIT as well, the images
 * are split ones (mkimage -w) placed each right after the one before, whose cache holds their
 * read-only pages from FLOOR_RO_OFF on and their writable pages from FLOOR_RW_OFF on. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define FLOOR_PAGE ((uintptr_t)4096)

struct floor_seg {
    uintptr_t vaddr, offset, filesz, memsz;
    int prot;
};

struct floor_image {
    const char *path;       /* FLOOR_CACHE: the link name in that directory */
    int nseg;
    struct floor_seg seg[8];
    uintptr_t cache_off;    /* FLOOR_CACHE: the image's copy in the directory's jump.cache */
};

/* static const struct floor_image floor_images[] = { {"path", nseg, {{vaddr, offset, filesz,
 * memsz, prot}, ...}}, ... }; the first segment's first word is the image's version word. */
#include FLOOR_TABLE

/* Map exactly there, as a loader must (never over an existing mapping); anything else ends
 * the program as the loader's refusal would. */
static void floor_map(uintptr_t addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (mmap((void *)addr, len, prot, flags | MAP_FIXED_NOREPLACE, fd, off) != (void *)addr)
        _exit(127);
}

/* A store to every writable segment, a load from every other. */
static void floor_touch(const struct floor_image *im)
{
    /* A store without a load first, as binding a cell is: one copy-on-write fault, where
     * reading the word first would take a read fault and then the copy. What is stored does
     * not matter: nothing in this program runs the image's code. */
    for (int s = 0; s < im->nseg; s++) {
        volatile uintptr_t *w = (volatile uintptr_t *)im->seg[s].vaddr;
        if (im->seg[s].prot & PROT_WRITE)
            *w = (uintptr_t)w;
        else
            (void)*w;
    }
}

#ifdef FLOOR_CACHE
#include <sys/stat.h>
/* Open FLOOR_CACHE (O_PATH, for the stats) into *dfd and its jump.cache; a failure ends the
 * program as the loader's refusal would. */
static int floor_open_cache(int *dfd)
{
    int cfd;
    *dfd = open(FLOOR_CACHE, O_PATH | O_DIRECTORY | O_CLOEXEC);
    cfd = *dfd < 0 ? -1 : openat(*dfd, "jump.cache", O_RDONLY | O_CLOEXEC);
    if (cfd < 0)
        _exit(127);
    return cfd;
}
#endif

#if defined FLOOR_CACHE && defined FLOOR_SPLIT
/* The floor of a loader of neighbouring split images from one cache: per image a stat of its
 * link (the copy must be current), then one mapping of every image's read-only part and one,
 * copied in at once, of every writable part; the same reads and writes. */
static void floor_load(int argc, char **argv, char **envp)
{
    int dfd, cfd = floor_open_cache(&dfd);
    size_t n = sizeof floor_images / sizeof floor_images[0];
    const struct floor_image *first = &floor_images[0], *last = &floor_images[n - 1];
    uintptr_t lo, hi;
    (void)argc;
    (void)argv;
    (void)envp;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (fstatat(dfd, floor_images[i].path, &st, 0) != 0)
            _exit(127);
    }
    for (int s = 0; s < first->nseg; s++) {
        const struct floor_seg *a = &first->seg[s], *b = &last->seg[s];
        lo = a->vaddr & ~(FLOOR_PAGE - 1);
        hi = (b->vaddr + b->memsz + FLOOR_PAGE - 1) & ~(FLOOR_PAGE - 1);
        floor_map(lo, hi - lo, a->prot, MAP_PRIVATE | (a->prot & PROT_WRITE ? MAP_POPULATE : 0), cfd,
                  (off_t)(a->prot & PROT_WRITE ? FLOOR_RW_OFF : FLOOR_RO_OFF));
    }
    for (size_t i = 0; i < n; i++)
        floor_touch(&floor_images[i]);
    close(cfd);
    close(dfd);
}
#elif defined FLOOR_CACHE
/* The floor of a loader that maps images from one cache file (FLOOR_CACHE: its directory):
 * per image it must still learn that the copy is current (one stat of the image's link in
 * that directory) and give the image its protections: one mapping of the image's span from
 * the cache with the first segment's protection, one mprotect per later run of another
 * protection (never writable and executable at once), anonymous pages for bss beyond the
 * file. The cache's index is not read: the offsets are compiled in. */
static void floor_load(int argc, char **argv, char **envp)
{
    int dfd, cfd = floor_open_cache(&dfd);
    (void)argc;
    (void)argv;
    (void)envp;
    for (size_t i = 0; i < sizeof floor_images / sizeof floor_images[0]; i++) {
        const struct floor_image *im = &floor_images[i];
        const struct floor_seg *g0 = &im->seg[0], *gl = &im->seg[im->nseg - 1];
        uintptr_t lo = g0->vaddr & ~(FLOOR_PAGE - 1), fend = gl->vaddr + gl->filesz, mend = gl->vaddr + gl->memsz;
        uintptr_t fhi = (fend + FLOOR_PAGE - 1) & ~(FLOOR_PAGE - 1), mhi = (mend + FLOOR_PAGE - 1) & ~(FLOOR_PAGE - 1);
        struct stat st;
        if (fstatat(dfd, im->path, &st, 0) != 0)
            _exit(127);
        floor_map(lo, fhi - lo, g0->prot, MAP_PRIVATE, cfd, (off_t)(im->cache_off + g0->offset - (g0->vaddr - lo)));
        for (int s = 1; s < im->nseg;) {
            int e = s + 1;
            uintptr_t a = im->seg[s].vaddr & ~(FLOOR_PAGE - 1), b;
            while (e < im->nseg && im->seg[e].prot == im->seg[s].prot)
                e++;
            b = (im->seg[e - 1].vaddr + im->seg[e - 1].memsz + FLOOR_PAGE - 1) & ~(FLOOR_PAGE - 1);
            if (im->seg[s].prot != g0->prot && mprotect((void *)a, (b < fhi ? b : fhi) - a, im->seg[s].prot) != 0)
                _exit(127);
            s = e;
        }
        if (mhi > fhi)
            floor_map(fhi, mhi - fhi, gl->prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mend > fend && (gl->prot & PROT_WRITE))
            memset((void *)fend, 0, (mend < fhi ? mend : fhi) - fend);
        floor_touch(im);
    }
    close(cfd);
    close(dfd);
}
#else
static void floor_load(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    for (size_t i = 0; i < sizeof floor_images / sizeof floor_images[0]; i++) {
        const struct floor_image *im = &floor_images[i];
        int fd = open(im->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            _exit(127);
        for (int s = 0; s < im->nseg; s++) {
            const struct floor_seg *g = &im->seg[s];
            uintptr_t pg = g->vaddr & ~(FLOOR_PAGE - 1), fend = g->vaddr + g->filesz,
                      mend = g->vaddr + g->memsz, fpage = (fend + FLOOR_PAGE - 1) & ~(FLOOR_PAGE - 1);
            if (g->filesz) {
                floor_map(pg, fend - pg, g->prot, MAP_PRIVATE, fd, (off_t)(g->offset - (g->vaddr - pg)));
                if (mend > fend && (g->prot & PROT_WRITE))
                    memset((void *)fend, 0, (mend < fpage ? mend : fpage) - fend);
            } else {
                fpage = pg;
            }
            if (mend > fpage)
                floor_map(fpage, mend - fpage, g->prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        }
        close(fd);
        floor_touch(im);
    }
}
#endif

__attribute__((used, section(".preinit_array"))) static void (*const floor_preinit)(int, char **, char **) =
    floor_load;
