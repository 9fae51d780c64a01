/* floor: the start-up floor of any loader of separate image files, for bench/run.sh (issue F).
 * Linked into the static program of the same N, it runs from .preinit_array and, for each
 * image the jump program uses, does only what such a loader cannot avoid: open the file, map
 * each PT_LOAD at its address with its protections (file-backed; anonymous for bss beyond the
 * file), close it, and touch what the jump program touches at start-up at the least: read the
 * version word at the origin, read one word of every other read-only segment (the program runs
 * code there: the image's constructor slot, the called function), write one word of every
 * writable one (binding the image's host imports writes its data page). No checks, no
 * lookups, no parsing: the segments are compiled in (FLOOR_TABLE, a file run.sh generates
 * from the images' program headers when it builds the benchmark). */
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
    const char *path;
    int nseg;
    struct floor_seg seg[8];
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
        /* A store without a load first, as binding a cell is: one copy-on-write fault, where
         * reading the word first would take a read fault and then the copy. What is stored
         * does not matter: nothing in this program runs the image's code. */
        for (int s = 0; s < im->nseg; s++) {
            volatile uintptr_t *w = (volatile uintptr_t *)im->seg[s].vaddr;
            if (im->seg[s].prot & PROT_WRITE)
                *w = (uintptr_t)w;
            else
                (void)*w;
        }
    }
}

__attribute__((used, section(".preinit_array"))) static void (*const floor_preinit)(int, char **, char **) =
    floor_load;
