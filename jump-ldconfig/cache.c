/* cache: write <dir>/jump.cache, a copy of the directory's current images with an index of
 * their identities, headers and notes (lib/jumpfmt.h), for the loader to map images from one
 * file. Every image is checked as the loader checks it (runtime/imgcheck.h) before it goes in. */
#include "ldconfig.h"

#include "buf.h"
#include "diag.h"
#include "jumpfmt.h"
#include "../runtime/imgcheck.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct cached {
    const char *link;
    blob img;
    struct stat st;
    jv_image im;
    uint64_t copy;          /* where the copy goes (a zoned image: 0) */
    /* A split image (mkimage -w): the pages of its read-only bytes [rlo, rhi) go to ro in the
     * cache (the offset of the first of them), those of its writable bytes [wlo, whi) to rw,
     * and head holds its headers with those offsets. */
    int zoned;
    uint64_t rlo, rhi, wlo, whi, ro, rw, noteoff;
    uint8_t head[JUMP_CACHE_HEAD_COPY];
} cached;

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Read dir/link for the cache: 0, or -1 after a warning saying why it stays out. */
static int take(const char *dir, const char *link, cached *c)
{
    char *path = xasprintf("%s/%s", dir, link);
    struct stat after;
    unsigned ps;
    size_t at;
    const char *why;
    jerr e;
    int rc = -1;

    c->link = link;
    c->img.p = NULL;
    if (strlen(link) >= JUMP_CACHE_NAME_MAX) {
        diag_warn("%s: name longer than %u bytes: not in the image cache", path, JUMP_CACHE_NAME_MAX - 1);
        goto out;
    }
    if (stat(path, &c->st) != 0 || blob_read(path, &c->img, &e) != 0) {
        diag_warn("%s: cannot read it: not in the image cache", path);
        goto out;
    }
    /* the image the identity describes, not one put in place while it was read */
    if (stat(path, &after) != 0 || !same_file(&c->st, &after) || (uint64_t)c->st.st_size != c->img.len) {
        diag_warn("%s: changed while it was read: not in the image cache (run jump-ldconfig again)", path);
        goto out;
    }
    at = jv_elf_at(c->img.p, c->img.len); /* an a.out image: its ELF header follows the a.out one */
    ps = c->img.len > at + 4 && c->img.p[at + 4] == 1 ? 4 : 8;
    /* One the loader would refuse stays out, quietly: the loader then opens the file and says
     * what is wrong with it, to the user who runs the program. */
    why = jv_file(c->img.p, c->img.len, ps, &c->im);
    if (!why && !strcmp(c->im.soname, link))
        rc = 0;
out:
    if (rc)
        blob_free(&c->img);
    free(path);
    return rc;
}

static size_t head_len(const cached *c) { return c->img.len < JUMP_CACHE_HEAD_COPY ? c->img.len : JUMP_CACHE_HEAD_COPY; }
static uint64_t up8(uint64_t v) { return (v + 7) / 8 * 8; }
static uint64_t up_page(uint64_t v) { return (v + JUMP_PAGE - 1) & ~(uint64_t)(JUMP_PAGE - 1); }
static uint64_t down_page(uint64_t v) { return v & ~(uint64_t)(JUMP_PAGE - 1); }

/* Where an ELF header h of pointer size ps says its program headers are: their offset, and
 * their count as the function's value (entries of 56 bytes for ps 8, 32 for ps 4). */
static unsigned phdr_table(const uint8_t *h, unsigned ps, uint64_t *phoff)
{
    *phoff = ps == 8 ? rd64le(h + 32) : rd32le(h + 28);
    return ps == 8 ? (unsigned)(h[56] | h[57] << 8) : (unsigned)(h[44] | h[45] << 8);
}

/* A zone holds its images' bss as zeros (so that neighbours map as one run): an image with
 * more than this much is copied whole instead, its bss left to anonymous pages. */
#define ZONE_MAX_ZEROS (64 * (uint64_t)JUMP_PAGE)

/* Is c a split image, every read-only segment below its data origin and every writable one
 * at or above it, on pages of their own, its headers within the copied head, its bss not
 * large? Then it can be cached by zone: c's zone ranges are set. */
static int splits(cached *c)
{
    const jv_image *im = &c->im;
    const uint8_t *h = c->img.p;
    uint64_t phoff, zeros = 0;
    unsigned phnum = phdr_table(h, im->ps, &phoff);
    c->rlo = c->wlo = UINT64_MAX;
    c->rhi = c->whi = 0;
    if (jv_elf_at(h, c->img.len) != 0 || phoff + (uint64_t)phnum * (im->ps == 8 ? 56 : 32) > head_len(c))
        return 0;
    for (int i = 0; i < im->nseg; i++) {
        const jv_seg *s = &im->seg[i];
        int w = (s->flags & JV_W) != 0;
        uint64_t *lo = w ? &c->wlo : &c->rlo, *hi = w ? &c->whi : &c->rhi;
        if (w != (s->vaddr >= im->data))
            return 0;
        if (s->vaddr < *lo)
            *lo = s->vaddr;
        if (s->vaddr + s->memsz > *hi)
            *hi = s->vaddr + s->memsz;
        zeros += s->memsz - s->filesz;
    }
    return c->rhi && up_page(c->rhi) <= down_page(c->wlo) && zeros <= ZONE_MAX_ZEROS && im->note_len &&
           im->note_off >= im->seg[0].offset && im->note_off - im->seg[0].offset < im->seg[0].filesz &&
           !(im->seg[0].flags & JV_W);
}

/* The zoned image's headers with the offsets of its copy in the cache: each PT_LOAD where its
 * zone put it (its whole memory size from the file: bss is zeros there), the PT_NOTE inside
 * the first segment. */
static void rewrite_head(cached *c)
{
    uint8_t *h = c->head;
    int wide = c->im.ps == 8;
    uint64_t phoff;
    unsigned phnum = phdr_table(h, c->im.ps, &phoff);
    const jv_seg *s0 = &c->im.seg[0];
    c->noteoff = c->ro + (s0->vaddr - down_page(c->rlo)) + (c->im.note_off - s0->offset);
    for (unsigned i = 0; i < phnum; i++) {
        uint8_t *ph = h + phoff + (uint64_t)i * (wide ? 56 : 32);
        uint32_t type = rd32le(ph);
        uint64_t va = wide ? rd64le(ph + 16) : rd32le(ph + 8), memsz = wide ? rd64le(ph + 40) : rd32le(ph + 20);
        uint64_t off;
        if (type == 4)
            off = c->noteoff;
        else if (type == 1 && memsz == 0)
            continue; /* no pages: the loader passes it over (jv_headers) */
        else if (type == 1)
            off = va >= c->wlo ? c->rw + (va - down_page(c->wlo)) : c->ro + (va - down_page(c->rlo));
        else
            continue;
        if (wide) {
            wr64le(ph + 8, off);
            if (type == 1)
                wr64le(ph + 32, memsz);
        } else {
            wr32le(ph + 4, (uint32_t)off);
            if (type == 1)
                wr32le(ph + 16, (uint32_t)memsz);
        }
    }
}

/* c's segments of one kind into the zones, each at its place (zeros around them: bss). */
static void put_zone(buf *b, const cached *c, int writable)
{
    uint64_t lo = down_page(writable ? c->wlo : c->rlo), at = writable ? c->rw : c->ro;
    for (int i = 0; i < c->im.nseg; i++) {
        const jv_seg *s = &c->im.seg[i];
        if (((s->flags & JV_W) != 0) == writable)
            memcpy(b->p + at + (s->vaddr - lo), c->img.p + s->offset, (size_t)s->filesz);
    }
}

/* The zone of one kind from `at`: the images in ord's order (by address), each one's pages
 * after the one before, except that an image whose bytes begin on the page where the bytes
 * before it end shares that page (writable parts placed next to each other, mkimage -w):
 * the zone's pages are then, like memory, each image's bytes at their addresses, and one page
 * holds many small parts. Images whose bytes meet (two versions of one library) never share.
 * The end of the zone. */
static uint64_t place_zone(cached *v, const size_t *ord, size_t nz, int writable, uint64_t at)
{
    uint64_t base = 0, first = 0, bytes = 0; /* the current run: its first page's offset and
                                              * address, the end of its bytes */
    int open = 0;
    for (size_t j = 0; j < nz; j++) {
        cached *c = &v[ord[j]];
        uint64_t lo = writable ? c->wlo : c->rlo, hi = writable ? c->whi : c->rhi, *off = writable ? &c->rw : &c->ro;
        if (hi <= lo) { /* nothing of that kind */
            *off = at;
            continue;
        }
        if (!open || lo < bytes || down_page(lo) >= up_page(bytes)) {
            open = 1;
            base = at;
            first = down_page(lo);
            bytes = lo;
        }
        *off = base + (down_page(lo) - first);
        bytes = hi;
        if (base + (up_page(hi) - first) > at)
            at = base + (up_page(hi) - first);
    }
    return at;
}

static const cached *sort_v;
static int sort_w;
static int by_zone(const void *a, const void *b)
{
    const cached *x = &sort_v[*(const size_t *)a], *y = &sort_v[*(const size_t *)b];
    uint64_t p = sort_w ? x->wlo : x->rlo, q = sort_w ? y->wlo : y->rlo;
    return p < q ? -1 : p > q;
}

/* Where the parts of a cache of k images go (jumpfmt.h): header, entries, buckets, the copies
 * of heads and notes (each 8-aligned) up to `index`, then the images page by page. */
typedef struct plan {
    uint32_t nb;         /* buckets: a power of two, at least 2k */
    uint64_t buckets;    /* their offset */
    uint64_t copies;     /* the first copy */
    uint64_t index;      /* the end of the index */
    size_t *ro, *rw;     /* the zoned images in the order of their read-only, writable pages */
    size_t nz;
    uint64_t zones, end; /* where their zones begin and end */
} plan;

/* Where everything goes: the index, then every other image's copy, each from a page
 * boundary, then the zoned images' read-only pages by address, then their writable pages. */
static plan plan_cache(cached *v, size_t k)
{
    plan p = {.nb = 2};
    uint64_t at;
    while (p.nb < 2 * k)
        p.nb *= 2;
    p.buckets = JUMP_CACHE_HEAD + (uint64_t)k * JUMP_CACHE_ENTRY;
    p.copies = p.buckets + up8(4 * (uint64_t)p.nb);
    p.index = p.copies;
    for (size_t i = 0; i < k; i++)
        p.index += up8(head_len(&v[i])) + up8(v[i].im.note_len);
    p.ro = xcalloc(k, sizeof *p.ro);
    p.rw = xcalloc(k, sizeof *p.rw);
    at = up_page(p.index);
    for (size_t i = 0; i < k; i++) {
        v[i].zoned = splits(&v[i]);
        if (v[i].zoned) {
            p.ro[p.nz] = p.rw[p.nz] = i;
            p.nz++;
        } else {
            v[i].copy = at;
            at = up_page(at + v[i].img.len);
        }
    }
    sort_v = v;
    sort_w = 0;
    qsort(p.ro, p.nz, sizeof *p.ro, by_zone);
    sort_w = 1;
    qsort(p.rw, p.nz, sizeof *p.rw, by_zone);
    p.zones = at;
    at = place_zone(v, p.ro, p.nz, 0, at);
    p.end = place_zone(v, p.rw, p.nz, 1, at);
    for (size_t j = 0; j < p.nz; j++) {
        cached *c = &v[p.ro[j]];
        memcpy(c->head, c->img.p, head_len(c));
        rewrite_head(c);
    }
    return p;
}

static void put_header(buf *b, const plan *p, size_t k)
{
    buf_add(b, JUMP_CACHE_MAGIC, 8);
    buf_w32(b, JUMP_CACHE_FORMAT);
    buf_w32(b, (uint32_t)k);
    buf_w64(b, 0); /* the size, once known */
    buf_w64(b, p->index);
    buf_w32(b, p->nb);
    buf_w32(b, 0);
    buf_w64(b, p->buckets);
}

/* One entry per image: its name, class, the identity of the file copied, where its copy and
 * the copies of its head and note are. */
static void put_entries(buf *b, const plan *p, const cached *v, size_t k)
{
    uint64_t at = p->copies;
    for (size_t i = 0; i < k; i++) {
        const cached *c = &v[i];
        uint64_t hl = head_len(c);
        uint8_t name[JUMP_CACHE_NAME_MAX] = {0};
        memcpy(name, c->link, strlen(c->link));
        buf_w32(b, (uint32_t)jump_name_hash(c->link));
        buf_w32(b, c->im.ps);
        buf_add(b, name, sizeof name);
        buf_w64(b, (uint64_t)c->st.st_dev);
        buf_w64(b, (uint64_t)c->st.st_ino);
        buf_w64(b, (uint64_t)c->st.st_size);
        buf_w64(b, (uint64_t)c->st.st_mtim.tv_sec);
        buf_w64(b, (uint64_t)c->st.st_mtim.tv_nsec);
        buf_w64(b, (uint64_t)c->st.st_ctim.tv_sec);
        buf_w64(b, (uint64_t)c->st.st_ctim.tv_nsec);
        buf_w64(b, c->zoned ? 0 : c->copy);
        buf_w64(b, at);
        buf_w32(b, (uint32_t)hl);
        buf_w32(b, (uint32_t)c->im.note_len);
        buf_w64(b, at + up8(hl));
        buf_w64(b, c->zoned ? c->noteoff : c->im.note_off);
        buf_w32(b, c->zoned ? JUMP_CACHE_ZONED : 0);
        buf_w32(b, 0);
        at += up8(hl) + up8(c->im.note_len);
    }
}

/* Each entry in the first free bucket from its name's hash on: the loader probes the same. */
static void put_buckets(buf *b, const plan *p, const cached *v, size_t k)
{
    uint32_t *bk = xcalloc(p->nb, sizeof *bk);
    for (size_t i = 0; i < k; i++) {
        uint32_t at = (uint32_t)jump_name_hash(v[i].link) & (p->nb - 1);
        while (bk[at])
            at = (at + 1) & (p->nb - 1);
        bk[at] = (uint32_t)i + 1;
    }
    for (uint32_t i = 0; i < p->nb; i++)
        buf_w32(b, bk[i]);
    buf_align(b, 8);
    free(bk);
}

/* The copies of heads and notes, then the images where plan_cache put them. */
static void put_copies_and_images(buf *b, const plan *p, const cached *v, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        buf_add(b, v[i].zoned ? v[i].head : v[i].img.p, head_len(&v[i]));
        buf_align(b, 8);
        buf_add(b, v[i].img.p + v[i].im.note_off, (size_t)v[i].im.note_len);
        buf_align(b, 8);
    }
    for (size_t i = 0; i < k; i++) {
        if (v[i].zoned)
            continue;
        buf_align(b, JUMP_PAGE);
        buf_add(b, v[i].img.p, v[i].img.len);
    }
    buf_align(b, JUMP_PAGE);
    if (p->nz) {
        buf_zero(b, (size_t)(p->end - p->zones));
        for (size_t j = 0; j < p->nz; j++) {
            put_zone(b, &v[p->ro[j]], 0);
            put_zone(b, &v[p->rw[j]], 1);
        }
    }
}

int ldconfig_cache(const char *dir, char *const *links, size_t n, const ldc_opts *o)
{
    char *path = xasprintf("%s/%s", dir, JUMP_CACHE_NAME);
    cached *v = xcalloc(n ? n : 1, sizeof *v);
    size_t k = 0;
    buf b = {0};
    plan p;
    jerr e;

    for (size_t i = 0; i < n; i++)
        if (take(dir, links[i], &v[k]) == 0)
            k++;
    if (o->no_cache || k == 0) {
        if (unlink(path) != 0 && errno != ENOENT)
            diag_warn("cannot remove '%s': %s", path, strerror(errno));
    } else {
        p = plan_cache(v, k);
        put_header(&b, &p, k);
        put_entries(&b, &p, v, k);
        put_buckets(&b, &p, v, k);
        put_copies_and_images(&b, &p, v, k);
        free(p.ro);
        free(p.rw);
        buf_put64(&b, JUMP_CACHE_H_SIZE, b.len);
        /* The cache only saves time (an old one is never trusted beyond its images'
         * identities): a directory this user cannot write keeps its links and gets a warning. */
        if (file_commit(path, b.p, b.len, 0644, &e) != 0)
            diag_warn("%s: programs load the image files", e.msg);
    }
    for (size_t i = 0; i < k; i++)
        blob_free(&v[i].img);
    free(v);
    buf_free(&b);
    free(path);
    return EXIT_OK;
}
