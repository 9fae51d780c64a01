/* loader: the run-time half of the toolkit. Linked into every program through its stubs (one
 * copy however many stubs), it runs from .preinit_array, before any constructor: for each
 * library record the stubs contributed it finds the image, checks it, maps it at its fixed
 * address, binds its host imports and runs its constructors, dependencies first (DESIGN §7).
 *
 * It calls the C library for system calls (on i386 glibc enters the kernel through the vDSO,
 * not int $0x80), allocates nothing, and prints through write(2) only. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jumpfmt.h"
#include "imgcheck.h"

#if UINTPTR_MAX == 0xffffffffu
#define LD_CLASS ELFCLASS32
#define LD_MACHINE EM_386
typedef Elf32_Ehdr Ehdr;
typedef Elf32_Phdr Phdr;
typedef Elf32_Dyn Dyn;
typedef Elf32_Sym Sym;
#else
#define LD_CLASS ELFCLASS64
#define LD_MACHINE EM_X86_64
typedef Elf64_Ehdr Ehdr;
typedef Elf64_Phdr Phdr;
typedef Elf64_Dyn Dyn;
typedef Elf64_Sym Sym;
#endif

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define MAX_LIBS 256
#define MAX_PHDRS 16
#define PATH_BYTES 1024

/* How every refusal of a replacement image ends. */
#define NOT_A_REPLACEMENT ": the image is not a compatible replacement for the one the program was linked with\n"

/* Every descriptor references this symbol; defining it here pulls in exactly one loader. */
const int __jump_loader_1 = 1;

extern const uintptr_t __start_jump_libs[] __attribute__((weak, visibility("hidden")));
extern const uintptr_t __stop_jump_libs[] __attribute__((weak, visibility("hidden")));
extern const uintptr_t __start_jump_used[] __attribute__((weak, visibility("hidden")));
extern const uintptr_t __stop_jump_used[] __attribute__((weak, visibility("hidden")));
extern const uintptr_t __start_jump_copy[] __attribute__((weak, visibility("hidden")));
extern const uintptr_t __stop_jump_copy[] __attribute__((weak, visibility("hidden")));
/* Stub members that give the program copies of variables reference this: a loader that does
 * not make the copies cannot be linked with them (jumpfmt.h, JUMP_COPY_SECTION). */
const int __jump_copies_1 = 1;

struct lib {
    const char *soname;
    uint32_t hash;          /* jump_name_hash(soname): lib_named compares strings only on a
                             * match, and the image caches' indexes are keyed by it */
    const uintptr_t *rec;   /* first record naming it, or NULL if only needed by an image */
    int state;              /* 0 new, 1 visiting, 2 ordered, 3 mapped */
    const char *dir;        /* where the image was found: dir/soname (NULL: not found) */
    const char *needdir;    /* for a library only other images need: the directory its own
                             * stub recorded, as the needing stub passed it on (or NULL) */
    size_t dlen;
    uintptr_t origin, end, info, got, ctor;
    uintptr_t fini;         /* the image's destructor runner, once its constructors ran */
    uint32_t flags;         /* the note's JUMP_NOTE_F_* */
    uint32_t vword;
    int nseg;
    struct lseg *seg;       /* its segments, in seg_pool: a library's record stays small, so
                             * that N of them fault in few pages */
    int span_open;          /* mapped writable as a whole (map_span) until seal() */
    int overridden;         /* the program changes some of its slots or cells (lib_overridden) */
    int aside;              /* put aside to be mapped with its neighbours (map_put_aside) */
    int nopen;              /* read-only pages made writable for overrides and fixups, */
    struct lopen *open;     /* given back their protection by seal(); in open_pool */
};

/* A segment's bytes [start, end) (a page holds the first and last of them, maybe with a
 * neighbour's: shared_page), its protection, and whether its pages are in place yet. */
struct lseg { uintptr_t start, end; int prot, mapped; };
struct lopen { uintptr_t page; int prot; };
#define MAX_OPEN 8          /* pages per library the loader opens at once */
_Static_assert(JV_MAX_SEGS <= MAX_PHDRS, "an image's segments fit its share of seg_pool");
static struct lseg seg_pool[MAX_LIBS * MAX_PHDRS];
static int nseg_pool;
static struct lopen open_pool[MAX_LIBS * MAX_OPEN];
static int nopen_pool;

#define PAGE_DOWN(a) ((a) & ~(uintptr_t)(JUMP_PAGE - 1))
#define PAGE_UP(a) (((a) + JUMP_PAGE - 1) & ~(uintptr_t)(JUMP_PAGE - 1))

static struct lib libs[MAX_LIBS];
static int nlibs;
/* The library of each record, by the record's position in the jump_libs array. */
static struct lib *rec_lib[MAX_LIBS * 4];
static struct lib *order[MAX_LIBS];
static int norder;
static const char *prog = "program";
static char **environment; /* from our caller: libc's environ is not set yet in dynamic programs */

/* getenv over the environment .preinit_array was called with. In a dynamically linked
 * program preinit functions run before libc's own initialiser has set environ. */
static const char *env_get(const char *name)
{
    size_t n = strlen(name);
    for (char **e = environment; e && *e; e++)
        if (**e == *name && !strncmp(*e, name, n) && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

/* ---- output without stdio ---- */

static void write_n(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void write_str(int fd, const char *s) { write_n(fd, s, strlen(s)); }

static void put(const char *s) { write_str(2, s); }
static void put_out(const char *s) { write_str(1, s); }

/* Every refusal ends here, once its message is out: status 127, as the classic loader's, and
 * nothing of the program runs. */
static _Noreturn void refuse(void) { _exit(127); }

static const char *hex(uintptr_t v, char *buf)
{
    char *p = buf + 2 + 2 * sizeof v;
    *p = 0;
    do {
        *--p = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    *--p = 'x';
    *--p = '0';
    return p;
}

static const char *dec(unsigned long v, char *buf)
{
    char *p = buf + 23;
    *p = 0;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return p;
}

/* "1.2.3" from a version word. */
static const char *version_text(uint32_t w, char *buf)
{
    char t[24];
    unsigned long minor = JUMP_VERSION_MINOR(w);
    strcpy(buf, dec(JUMP_VERSION_MAJOR(w), t));
    strcat(buf, ".");
    strcat(buf, dec(minor / 100, t));
    strcat(buf, ".");
    strcat(buf, dec(minor % 100, t));
    return buf;
}

static _Noreturn void fatal3(const char *what, const char *name, const char *reason)
{
    put(prog);
    put(what);
    put(name);
    put("'\n");
    if (reason) {
        put("\t");
        put(reason);
        put("\n");
    }
    refuse();
}

/* ---- records ---- */

/* The library of a soname: found through an open-addressing index by the name's hash, so that
 * many libraries and many records cost no quadratic search. */
static uint16_t lib_index[2 * MAX_LIBS]; /* 1 + position in libs[], 0 = empty */

static struct lib *lib_named(const char *soname)
{
    uint32_t h = (uint32_t)jump_name_hash(soname);
    unsigned k = h % (2 * MAX_LIBS);
    for (; lib_index[k]; k = (k + 1) % (2 * MAX_LIBS)) {
        struct lib *l = &libs[lib_index[k] - 1];
        if (l->hash == h && !strcmp(l->soname, soname))
            return l;
    }
    if (nlibs == MAX_LIBS)
        fatal3(": can't load library '", soname, "too many jump libraries");
    libs[nlibs].soname = soname;
    libs[nlibs].hash = h;
    lib_index[k] = (uint16_t)(nlibs + 1);
    return &libs[nlibs++];
}

static void collect(void)
{
    const uintptr_t *r = __start_jump_libs;
    if (!r)
        return;
    for (; r + JR_NWORDS <= __stop_jump_libs; r += JR_NWORDS) {
        struct lib *l;
        if (r[JR_MAGIC] != JUMP_REC_MAGIC || r[JR_FORMAT] != JUMP_REC_FORMAT)
            fatal3(": can't load libraries '", "(jump_libs)",
                   "corrupt library record: the program was linked with an incompatible stub");
        l = lib_named((const char *)r[JR_SONAME]);
        if (!l->rec)
            l->rec = r;
        if ((size_t)(r - __start_jump_libs) / JR_NWORDS < sizeof rec_lib / sizeof rec_lib[0])
            rec_lib[(r - __start_jump_libs) / JR_NWORDS] = l;
    }
}

/* ---- finding an image ---- */

/* ---- the image caches (jumpfmt.h): one per directory looked in ---- */

static int read_at(int fd, void *buf, size_t n, off_t off)
{
    uint8_t *p = buf;
    while (n) {
        ssize_t r = pread(fd, p, n, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
        off += r;
    }
    return 0;
}


#define MAX_CACHES 8
static struct cache {
    const char *dir;
    size_t dlen;
    int fd;                 /* -1: the directory has no cache the loader can use */
    int dirfd;              /* the directory (O_PATH), so that each image's stat walks one
                             * name, not the whole path again; -1: stat the path */
    const uint8_t *idx;     /* its index, mapped */
    uint64_t idxlen, size;
} caches[MAX_CACHES];
static int ncaches;
static int cache_off;       /* JUMP_NO_CACHE */
static int cache_trace;     /* JUMP_TRACE_CACHE */

/* Where map_image reads an image from: its file, or its copy in a directory's cache. */
struct source {
    int fd;
    off_t base;             /* the image's offset in fd */
    const struct cache *cache; /* NULL: the image file */
    jv_cache_entry e;
};
static const struct cache *cur_cache; /* the cache of the image being mapped, for messages */

/* "jump: [name: ]dir/jump.cache: what[why]" on stderr, for JUMP_TRACE_CACHE. */
static void cache_say(const struct cache *c, const char *name, const char *what, const char *why)
{
    put("jump: ");
    if (name) {
        put(name);
        put(": ");
    }
    write_n(2, c->dir, c->dlen);
    put("/" JUMP_CACHE_NAME);
    put(what);
    if (why)
        put(why);
    put("\n");
}

static void cache_drop(struct cache *c)
{
    if (c->idx)
        munmap((void *)c->idx, (size_t)c->idxlen);
    if (c->fd >= 0)
        close(c->fd);
    if (c->dirfd >= 0)
        close(c->dirfd);
    c->dirfd = -1;
    c->idx = NULL;
    c->fd = -1;
}

/* The cache of dir, opened and its index mapped on first use; NULL when there is none. */
static struct cache *cache_of(const char *dir, size_t dlen)
{
    char path[PATH_BYTES];
    uint8_t head[JUMP_CACHE_HEAD];
    struct cache *c;
    struct stat st;
    const char *why;
    void *m;

    for (int i = 0; i < ncaches; i++)
        if (caches[i].dlen == dlen && !memcmp(caches[i].dir, dir, dlen))
            return caches[i].fd >= 0 ? &caches[i] : NULL;
    if (cache_off || ncaches == MAX_CACHES || dlen + sizeof "/" JUMP_CACHE_NAME > PATH_BYTES)
        return NULL;
    c = &caches[ncaches++];
    c->dir = dir;
    c->dlen = dlen;
    c->idx = NULL;
    memcpy(path, dir, dlen);
    memcpy(path + dlen, "/" JUMP_CACHE_NAME, sizeof "/" JUMP_CACHE_NAME);
    c->dirfd = -1;
    c->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0)
        return NULL;
    why = fstat(c->fd, &st) != 0 || read_at(c->fd, head, sizeof head, 0) != 0
              ? "truncated header"
              : jv_cache_header(head, sizeof head, (uint64_t)st.st_size, &c->idxlen);
    if (!why) {
        c->size = (uint64_t)st.st_size;
        m = mmap(NULL, (size_t)c->idxlen, PROT_READ, MAP_PRIVATE, c->fd, 0);
        if (m == MAP_FAILED)
            why = "cannot be mapped";
        else
            c->idx = m;
    }
    if (why) {
        if (cache_trace)
            cache_say(c, NULL, ": not used: ", why);
        cache_drop(c);
        return NULL;
    }
    /* The directory too, for the stats (a failure only means the stats walk the path). */
    path[dlen] = 0;
    c->dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return c;
}

/* Is st the file the cache entry copied? Any change to the image file (replaced, rewritten,
 * even touched) changes one of these. */
static int cache_current(const jv_cache_entry *e, const struct stat *st)
{
    return e->dev == (uint64_t)st->st_dev && e->ino == (uint64_t)st->st_ino &&
           e->size == (uint64_t)st->st_size && e->mtime == (uint64_t)(int64_t)st->st_mtim.tv_sec &&
           e->mtime_ns == (uint64_t)st->st_mtim.tv_nsec && e->ctime == (uint64_t)(int64_t)st->st_ctim.tv_sec &&
           e->ctime_ns == (uint64_t)st->st_ctim.tv_nsec;
}

/* ---- finding an image ---- */

/* Find dir/soname: its copy in dir's cache while that is current, else the file. On success
 * remember the directory (the path is put together again only for messages: no per-library
 * path buffer to fault in) and return the descriptor src->fd; else -1. */
static int try_open(struct lib *l, const char *dir, size_t dlen, struct source *src)
{
    char path[PATH_BYTES];
    size_t n = strlen(l->soname);
    struct cache *c;
    int fd;
    if (dlen == 0 || dlen + 1 + n + 1 > PATH_BYTES)
        return -1;
    memcpy(path, dir, dlen);
    path[dlen] = '/';
    memcpy(path + dlen + 1, l->soname, n + 1);
    src->cache = NULL;
    src->base = 0;
    if ((c = cache_of(dir, dlen)) != NULL) {
        const char *why;
        struct stat st;
        int r = jv_cache_find(c->idx, c->idxlen, c->size, l->soname, l->hash,
                              sizeof(uintptr_t), &src->e, &why);
        if (r < 0) {
            if (cache_trace)
                cache_say(c, NULL, ": not used: ", why);
            cache_drop(c);
        } else if (r > 0) {
            if ((c->dirfd >= 0 ? fstatat(c->dirfd, l->soname, &st, 0) : stat(path, &st)) != 0)
                return -1; /* no image there any more: the copy must not stand in for it */
            if (cache_current(&src->e, &st)) {
                if (cache_trace)
                    cache_say(c, l->soname, ": from the cache", NULL);
                src->cache = c;
                src->base = (off_t)src->e.offset;
                l->dir = dir;
                l->dlen = dlen;
                return src->fd = c->fd;
            }
            if (cache_trace)
                cache_say(c, l->soname, ": the image file changed since jump-ldconfig wrote the cache: the file", NULL);
        }
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        l->dir = dir;
        l->dlen = dlen;
    }
    return src->fd = fd;
}

/* Done with what find_image found: a cache stays open for the other images. */
static void release(const struct source *src)
{
    if (!src->cache && src->fd >= 0)
        close(src->fd);
}

static const char *lib_path_env; /* JUMP_LIBRARY_PATH, looked up once; NULL when AT_SECURE */

static int find_image(struct lib *l, struct source *src)
{
    static const char *const dirs[] = {"/usr/local/lib", "/usr/lib", "/lib"};
    const char *env = lib_path_env;
    int fd;
    if (env) {
        const char *p = env;
        while (*p) {
            size_t n = strcspn(p, ":");
            if ((fd = try_open(l, p, n, src)) >= 0)
                return fd;
            p += n;
            if (*p == ':')
                p++;
        }
    }
    /* The directory recorded at build time: by its own stub if the program linked it, else
     * by the stub of a library that needs it. */
    if (l->rec) {
        const char *d = (const char *)l->rec[JR_DIR];
        if (d && *d && (fd = try_open(l, d, strlen(d), src)) >= 0)
            return fd;
    }
    if (l->needdir && *l->needdir && (fd = try_open(l, l->needdir, strlen(l->needdir), src)) >= 0)
        return fd;
    for (unsigned i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if ((fd = try_open(l, dirs[i], strlen(dirs[i]), src)) >= 0)
            return fd;
    l->dir = NULL;
    return -1;
}

/* ---- checking and mapping ---- */

/* The image's path, dir/soname, on fd 1 or 2. */
static void put_path(int fd, const struct lib *l)
{
    write_n(fd, l->dir, l->dlen);
    write_str(fd, "/");
    write_str(fd, l->soname);
}

/* "prog: can't load library 'path'" and a tab: the start of every refusal with details. */
static void cant_load_begin(const struct lib *l)
{
    put(prog);
    put(": can't load library '");
    put_path(2, l);
    put("'\n\t");
}

static _Noreturn void cant_load(struct lib *l, const char *reason)
{
    cant_load_begin(l);
    put(reason);
    put("\n");
    if (cur_cache) {
        put("\t(its copy in ");
        write_n(2, cur_cache->dir, cur_cache->dlen);
        put("/" JUMP_CACHE_NAME ": run jump-ldconfig on that directory, or set JUMP_NO_CACHE=1)\n");
    }
    refuse();
}

/* Name whatever occupies [start, end) for a clash message: one of our images, or the
 * mapping /proc/self/maps shows there. */
static void name_occupant(const struct lib *self, uintptr_t start, uintptr_t end, char *out, size_t cap)
{
    static char maps[16384];
    int fd;
    ssize_t n, total = 0;
    for (int i = 0; i < norder; i++) {
        int in = 0;
        /* by its segments: a split image's two parts lie far apart */
        for (int k = 0; k < order[i]->nseg; k++)
            in |= PAGE_DOWN(order[i]->seg[k].start) < end && start < PAGE_UP(order[i]->seg[k].end);
        if (order[i] != self && order[i]->state == 3 && in) {
            const struct lib *o = order[i];
            size_t k = strlen(o->soname);
            if (2 * k + o->dlen + 5 < cap) {
                strcpy(out, o->soname);
                strcat(out, " (");
                strncat(out, o->dir, o->dlen);
                strcat(out, "/");
                strcat(out, o->soname);
                strcat(out, ")");
                return;
            }
        }
    }
    strcpy(out, "an existing mapping");
    fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    while (total < (ssize_t)sizeof maps - 1 &&
           (n = read(fd, maps + total, sizeof maps - 1 - (size_t)total)) > 0)
        total += n;
    close(fd);
    maps[total] = 0;
    for (char *line = maps; *line;) {
        char *nl = strchr(line, '\n');
        uintptr_t a = 0, b = 0;
        char *p = line;
        if (nl)
            *nl = 0;
        while (*p && *p != '-') {
            a = a * 16 + (uintptr_t)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
            p++;
        }
        if (*p == '-')
            p++;
        while (*p && *p != ' ') {
            b = b * 16 + (uintptr_t)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
            p++;
        }
        if (a < end && start < b) {
            /* The path is the sixth column. */
            int col = 0;
            while (*p && col < 5) {
                while (*p == ' ')
                    p++;
                if (++col == 5)
                    break;
                while (*p && *p != ' ')
                    p++;
            }
            if (*p && strlen(p) + 1 < cap)
                strcpy(out, p);
            else
                strcpy(out, "an anonymous mapping");
            return;
        }
        if (!nl)
            break;
        line = nl + 1;
    }
}

static _Noreturn void clash(struct lib *l, uintptr_t start, uintptr_t end)
{
    char who[PATH_BYTES + 64], a[24], b[24];
    name_occupant(l, start, end, who, sizeof who);
    cant_load_begin(l);
    put("address range ");
    put(hex(start, a));
    put("-");
    put(hex(end, b));
    put(" of ");
    put(l->soname);
    put(" is already occupied by ");
    put(who);
    put("\n");
    refuse();
}

/* Map [addr, addr+len) exactly there, never over an existing mapping: 0, or 1 when something
 * is in the way (or a kernel that ignores MAP_FIXED_NOREPLACE picked another address). */
static int map_at(struct lib *l, uintptr_t addr, size_t len, int prot, int flags, int fd, off_t off)
{
    void *m = mmap((void *)addr, len, prot, flags | MAP_FIXED_NOREPLACE, fd, off);
    if (m == (void *)addr)
        return 0;
    if (m == MAP_FAILED && errno != EEXIST)
        cant_load(l, strerror(errno));
    if (m != MAP_FAILED)
        munmap(m, len);
    return 1;
}

static int jv_prot(unsigned flags)
{
    return (flags & JV_R ? PROT_READ : 0) | (flags & JV_W ? PROT_WRITE : 0) | (flags & JV_X ? PROT_EXEC : 0);
}


/* Remember segment s, to be mapped with its final protection prot: its record. */
static struct lseg *note_segment(struct lib *l, const jv_seg *s, int prot)
{
    struct lseg *g = &l->seg[l->nseg++];
    g->start = (uintptr_t)s->vaddr;
    g->end = (uintptr_t)(s->vaddr + s->memsz);
    g->prot = prot;
    g->mapped = 0;
    return g;
}

/* ---- writable parts that share pages ----
 * A split image's writable part may start and end anywhere (mkimage -w, a multiple of
 * JUMP_WALIGN): images laid out next to each other then share the pages where one's part ends
 * and the next one's begins, and N small images dirty far fewer than N pages. The first of
 * them to be mapped maps such a page; the others copy their bytes into it. */

/* Does another image's segment, already in place, hold page pg of l's segment g? A clash when
 * the two are not both writable, or their bytes meet: images never share a byte. */
static int shared_page(struct lib *l, const struct lseg *g, uintptr_t pg)
{
    for (int i = 0; i < norder; i++) {
        const struct lib *o = order[i];
        for (int k = 0; o != l && k < o->nseg; k++) {
            const struct lseg *h = &o->seg[k];
            if (!h->mapped || PAGE_DOWN(h->start) > pg || PAGE_UP(h->end) <= pg)
                continue;
            if (h->prot != g->prot || !(g->prot & PROT_WRITE) || (h->start < g->end && g->start < h->end))
                clash(l, g->start, g->end);
            return 1;
        }
    }
    return 0;
}

/* l's bytes [a, b) of a segment at va, whose file bytes end at fend and lie at off in fd (zeros
 * after them), into a page another image mapped. */
static void copy_in(struct lib *l, uintptr_t a, uintptr_t b, uintptr_t va, uintptr_t fend, int fd, off_t off)
{
    uintptr_t f = b < fend ? b : fend, z = a > fend ? a : fend;
    if (a < f && read_at(fd, (void *)a, f - a, off + (off_t)(a - va)) != 0)
        cant_load(l, "cannot read its writable part");
    if (b > z)
        memset((void *)z, 0, b - z);
}

/* The pages [lo, hi) of the segment g, whose file bytes [g->start, fend) lie at off in fd: from
 * the file as far as it has bytes (the rest of its last page zeroed where it is the
 * segment's), anonymous beyond. 0, or 1 when something is in the way (nothing left mapped). */
static int map_pages(struct lib *l, const struct lseg *g, uintptr_t lo, uintptr_t hi, uintptr_t fend, int fd, off_t off)
{
    /* the file's pages [lo, fpage), anonymous ones [anon, hi) */
    uintptr_t fpage = fend > g->start ? PAGE_UP(fend) : PAGE_DOWN(g->start), anon;
    if (fpage > hi)
        fpage = hi;
    anon = fpage > lo ? fpage : lo;
    if (fpage > lo) {
        if (map_at(l, lo, fpage - lo, g->prot, MAP_PRIVATE, fd, off - (off_t)g->start + (off_t)lo))
            return 1;
        if (g->end > fend && fend < fpage && fend >= lo && (g->prot & PROT_WRITE))
            memset((void *)fend, 0, (g->end < fpage ? g->end : fpage) - fend);
    }
    if (hi > anon && map_at(l, anon, hi - anon, g->prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) {
        if (fpage > lo)
            munmap((void *)lo, fpage - lo);
        return 1;
    }
    return 0;
}

/* One segment, recorded as g, its file bytes up to fend at off in fd: its pages with its
 * protection. A writable segment's first or last page already in place (shared_page) gets
 * l's bytes copied in. */
static void map_part(struct lib *l, struct lseg *g, uintptr_t fend, int fd, off_t off)
{
    uintptr_t lo = PAGE_DOWN(g->start), hi = PAGE_UP(g->end);
    if (map_pages(l, g, lo, hi, fend, fd, off)) {
        /* something is in the way: a neighbour's page, or a clash */
        if (lo != g->start && shared_page(l, g, lo)) {
            copy_in(l, g->start, g->end < lo + JUMP_PAGE ? g->end : lo + JUMP_PAGE, g->start, fend, fd, off);
            lo += JUMP_PAGE;
        }
        if (hi > lo && hi != g->end && shared_page(l, g, hi - JUMP_PAGE)) {
            copy_in(l, g->start > hi - JUMP_PAGE ? g->start : hi - JUMP_PAGE, g->end, g->start, fend, fd, off);
            hi -= JUMP_PAGE;
        }
        if (hi > lo && map_pages(l, g, lo, hi, fend, fd, off))
            clash(l, g->start, g->end);
    }
    g->mapped = 1;
}

/* One segment of the image in src. */
static void map_segment(struct lib *l, const jv_seg *s, const struct source *src)
{
    map_part(l, note_segment(l, s, jv_prot(s->flags)), (uintptr_t)(s->vaddr + s->filesz), src->fd,
             src->base + (off_t)s->offset);
}

/* Does the program change any of l's slots or cells (an override, a copy of a variable): do
 * the loader's stores reach the image's read-only pages? */
static int lib_overridden(const struct lib *l)
{
    uintptr_t n;
    const uintptr_t *ref;
    if (!l->rec || !(n = l->rec[JR_NOVERRIDES]))
        return 0;
    ref = (const uintptr_t *)l->rec[JR_OVERRIDES];
    return memcmp(ref, ref + n, n * sizeof *ref) != 0;
}

/* The whole image in one mapping, when its segments follow each other page after page at one
 * distance from their file offsets (as mkimage lays them out) and only the last has .bss
 * pages of its own: one mmap instead of one per segment. When the program overrides nothing
 * in the image, the loader writes only its writable segments: the mapping gets the first
 * segment's protection and each other run of segments its own with one mprotect (the usual
 * image: two system calls). Otherwise it is writable as a whole, so that the stores into the
 * jump table and the GOT need no mprotect of their own, and seal() gives every segment its
 * protection before anything in the image runs: never writable and executable at once.
 * 0 when the image is not laid out so. */
static int map_span(struct lib *l, const jv_image *im, const struct source *src)
{
    uintptr_t lo, fhi, mhi;
    uint64_t delta = im->seg[0].vaddr - im->seg[0].offset;
    const jv_seg *last = &im->seg[im->nseg - 1];
    int writable = l->overridden, prot0 = writable ? PROT_READ | PROT_WRITE : jv_prot(im->seg[0].flags);
    for (int i = 0; i < im->nseg; i++) {
        const jv_seg *s = &im->seg[i];
        if (!s->filesz || s->vaddr - s->offset != delta)
            return 0;
        if (i + 1 < im->nseg && (PAGE_UP((uintptr_t)(s->vaddr + s->memsz)) != PAGE_UP((uintptr_t)(s->vaddr + s->filesz)) ||
                                 PAGE_DOWN((uintptr_t)im->seg[i + 1].vaddr) != PAGE_UP((uintptr_t)(s->vaddr + s->memsz))))
            return 0;
        if (s->memsz > s->filesz && !(s->flags & JV_W))
            writable = 1, prot0 = PROT_READ | PROT_WRITE; /* a read-only .bss tail: zeroed before sealing */
    }
    lo = PAGE_DOWN((uintptr_t)im->seg[0].vaddr);
    fhi = PAGE_UP((uintptr_t)(last->vaddr + last->filesz));
    mhi = PAGE_UP((uintptr_t)(last->vaddr + last->memsz));
    /* Something in the way (a neighbour's writable part sharing the last page: shared_page):
     * segment by segment. */
    if (map_at(l, lo, fhi - lo, prot0, MAP_PRIVATE, src->fd, src->base + (off_t)(lo - (uintptr_t)delta)))
        return 0;
    if (mhi > fhi &&
        map_at(l, fhi, mhi - fhi, writable ? prot0 : jv_prot(last->flags), MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) {
        munmap((void *)lo, fhi - lo);
        return 0;
    }
    for (int i = 0; i < im->nseg; i++)
        note_segment(l, &im->seg[i], jv_prot(im->seg[i].flags))->mapped = 1;
    /* Runs of neighbours with one protection other than the mapping's: one mprotect each. */
    for (int i = 0; !writable && i < l->nseg;) {
        int j = i + 1, prot = l->seg[i].prot;
        while (j < l->nseg && l->seg[j].prot == prot)
            j++;
        if (prot != prot0 && mprotect((void *)PAGE_DOWN(l->seg[i].start), PAGE_UP(l->seg[j - 1].end) - PAGE_DOWN(l->seg[i].start), prot) != 0)
            cant_load(l, strerror(errno));
        i = j;
    }
    for (int i = 0; i < im->nseg; i++) {
        const jv_seg *s = &im->seg[i];
        uintptr_t fend = (uintptr_t)(s->vaddr + s->filesz), mend = (uintptr_t)(s->vaddr + s->memsz);
        if (mend > fend) /* .bss in the last file page: the next bytes of the file are not its */
            memset((void *)fend, 0, (mend < PAGE_UP(fend) ? mend : PAGE_UP(fend)) - fend);
    }
    l->span_open = writable;
    return 1;
}

/* The image's ELF header, program headers and note, from its file or the cache's index,
 * checked (runtime/imgcheck.h) into *im; notebuf holds the note when it was read. */
static void read_image(struct lib *l, const struct source *src, jv_image *im, uint8_t (*notebuf)[512])
{
    /* The ELF header and the program headers (mkimage puts them at the start) in one read,
     * or from the cache's index. */
    uint8_t hdrbuf[JV_AOUT_EXEC + sizeof(Ehdr) + MAX_PHDRS * sizeof(Phdr)];
    const uint8_t *hdr = hdrbuf, *note = *notebuf;
    size_t at;
    int fd = src->fd;
    struct stat st;
    const char *why;
    ssize_t got;
    uint64_t size;

    /* Everything the image says is checked before any of it is used (runtime/imgcheck.h). */
    cur_cache = src->cache;
    if (src->cache) {
        hdr = src->e.head;
        got = (ssize_t)src->e.headlen;
        size = src->e.view;
    } else {
        do
            got = pread(fd, hdrbuf, sizeof hdrbuf, 0);
        while (got < 0 && errno == EINTR);
        if (got < 0 || fstat(fd, &st) != 0)
            cant_load(l, strerror(errno));
        size = (uint64_t)st.st_size;
    }
    /* An a.out image carries the ELF headers after its own (runtime/imgcheck.h). */
    at = jv_elf_at(hdr, (size_t)got);
    if ((why = jv_headers(hdr + at, (size_t)got - at, size, sizeof(uintptr_t), im)) != NULL ||
        (at && (why = jv_aout(hdr, size, im)) != NULL))
        cant_load(l, why);
    if (im->note_len > sizeof *notebuf)
        cant_load(l, "not a jump image (its note is too large)");
    if (src->cache && src->e.noteoff == im->note_off && src->e.notelen == im->note_len)
        note = src->e.note;
    else if (read_at(fd, *notebuf, (size_t)im->note_len, src->base + (off_t)im->note_off) != 0)
        cant_load(l, "truncated note");
    if ((why = jv_note(note, im->note_len, im)) != NULL)
        cant_load(l, why);
}

/* Is the image the library the program wants, in a version it can use? Refused otherwise
 * (another library, another major, another load address); an older minor is a warning. */
static void judge_image(struct lib *l, const jv_image *im)
{
    uint32_t want_major;
    char v1[48], v2[48], h1[24], h2[24];

    l->vword = im->vword;
    l->flags = im->flags;
    l->origin = (uintptr_t)im->origin;
    l->end = (uintptr_t)im->end;
    l->got = (uintptr_t)im->got;
    l->info = (uintptr_t)im->info;
    {
        /* Same library: the names agree up to ".so."; the major is judged below. */
        const char *have = im->soname, *p = l->soname;
        while (*p && !(p[0] == '.' && p[1] == 's' && p[2] == 'o' && p[3] == '.'))
            p++;
        if (strncmp(have, l->soname, (size_t)(p - l->soname) + (*p ? 4 : 0)) != 0)
            cant_load(l, "the image is another library (its name differs)");
    }

    want_major = l->rec ? (uint32_t)JUMP_VERSION_MAJOR(l->rec[JR_VERSION]) : 0;
    if (!l->rec) {
        /* Needed only by another image: the major is the soname's last number. */
        const char *dot = strrchr(l->soname, '.');
        want_major = 0;
        for (const char *p = dot ? dot + 1 : ""; *p >= '0' && *p <= '9'; p++)
            want_major = want_major * 10 + (uint32_t)(*p - '0');
    }
    if (JUMP_VERSION_MAJOR(l->vword) != want_major) {
        char t1[24], t2[24];
        put(prog);
        put(": incompatible library '");
        put_path(2, l);
        put("'\n\tRequire major version ");
        put(dec(want_major, t1));
        put(" and found ");
        put(dec(JUMP_VERSION_MAJOR(l->vword), t2));
        put("\n");
        refuse();
    }
    if (l->rec && l->origin != l->rec[JR_ORIGIN]) {
        cant_load_begin(l);
        put("the program was linked for address ");
        put(hex(l->rec[JR_ORIGIN], h1));
        put(" but the image is built for ");
        put(hex(l->origin, h2));
        put("\n");
        refuse();
    }
    if (l->rec && JUMP_VERSION_MINOR(l->vword) < JUMP_VERSION_MINOR(l->rec[JR_VERSION]) &&
        !env_get("JUMP_NOWARN")) {
        put(prog);
        put(": warning: using older library version '");
        put_path(2, l);
        put("'\n\tRequire version ");
        put(version_text((uint32_t)l->rec[JR_VERSION], v1));
        put(" and found ");
        put(version_text(l->vword, v2));
        put("\n");
    }
}

/* The checks of an image's contents, once it is mapped, and its constructor runner. */
static void check_mapped(struct lib *l, jv_image *im)
{
    const char *why;
    for (int i = 0; i < im->nseg; i++) {
        /* What the checks of the contents read: the mapping (a page the segment does not
         * fill reads as zero, as in the file's view). */
        im->seg[i].bytes = (const uint8_t *)(uintptr_t)im->seg[i].vaddr;
        im->seg[i].filesz = (l->seg[i].prot & PROT_READ) ? im->seg[i].memsz : 0;
    }
    if ((why = jv_contents(im)) != NULL)
        cant_load(l, why);
    l->ctor = (uintptr_t)im->ctor;
    cur_cache = NULL;
}

/* ---- images mapped together ----
 * A split image's copy in a zoned cache (jump-ldconfig, lib/jumpfmt.h) is not mapped at once:
 * its segments are put aside, and once every image is found, the segments that follow each
 * other in memory and in the cache with one protection are mapped with one mmap: images laid
 * out next to each other (mkimage -w at neighbouring addresses) cost one mapping per run of
 * neighbours, read-only and writable, not one per image, and the kernel's fault-around reads
 * ahead across them. */
static struct pseg {
    struct lseg *g;         /* the segment's record: its bytes, protection */
    off_t off;              /* the offset of its first byte in fd */
    int fd;
    struct lib *l;
    const struct cache *cache;
} psegs[2 * MAX_LIBS];
static int npsegs;
static struct source psrc[MAX_LIBS]; /* each put-aside image's source, by its place in order[] */

/* Can l's image (read into im) be put aside: from a zoned cache, nothing in it changed by the
 * program, every segment whole in the cache (no bss beyond it)? */
static int put_aside(struct lib *l, const jv_image *im, const struct source *src)
{
    if (!src->cache || src->e.flags != JUMP_CACHE_ZONED || l->overridden ||
        npsegs + im->nseg > (int)(sizeof psegs / sizeof psegs[0]))
        return 0;
    for (int i = 0; i < im->nseg; i++)
        if (im->seg[i].filesz != im->seg[i].memsz)
            return 0;
    for (int i = 0; i < im->nseg; i++) {
        const jv_seg *s = &im->seg[i];
        struct pseg *p = &psegs[npsegs++];
        p->g = note_segment(l, s, jv_prot(s->flags));
        p->off = src->base + (off_t)s->offset;
        p->fd = src->fd;
        p->l = l;
        p->cache = src->cache;
    }
    return l->aside = 1;
}

/* Map the put-aside segments, run by run. A run that cannot be mapped (something is in the
 * way) is mapped segment by segment, so that the clash names the image and the occupant and
 * a page an image loaded from its file holds gets the others' bytes copied in (map_part). */
static void map_put_aside(void)
{
    /* By protection, then address, through indices: each image puts its read-only segment
     * aside before its writable one, and order[] is nearly by address, so each kind is nearly
     * sorted already (sorting them together would carry every read-only segment past every
     * writable one). */
    uint16_t ix[sizeof psegs / sizeof psegs[0]];
    int n = 0;
    for (int w = 0; w < 2; w++)
        for (int i = 0; i < npsegs; i++)
            if (((psegs[i].g->prot & PROT_WRITE) != 0) == w)
                ix[n++] = (uint16_t)i;
    for (int i = 1; i < n; i++) {
        uint16_t t = ix[i];
        const struct lseg *g = psegs[t].g;
        int j = i;
        for (; j > 0 && (psegs[ix[j - 1]].g->prot & PROT_WRITE) == (g->prot & PROT_WRITE) &&
               psegs[ix[j - 1]].g->start > g->start;
             j--)
            ix[j] = ix[j - 1];
        ix[j] = t;
    }
    for (int i = 0, j; i < n; i = j) {
        const struct pseg *a = &psegs[ix[i]], *b;
        uintptr_t start = PAGE_DOWN(a->g->start), end = PAGE_UP(a->g->end), bytes = a->g->end;
        int flags, prot = a->g->prot;
        void *m;
        /* The next segment continues the run: in the same file at the same distance from its
         * offset, with the same protection, on the run's last page or the next one, its bytes
         * after the run's (neighbours' writable parts share pages in the cache, too). */
        for (j = i + 1; j < n && (b = &psegs[ix[j]])->fd == a->fd && b->g->prot == prot &&
                        PAGE_DOWN(b->g->start) <= end && b->g->start >= bytes &&
                        b->off - (off_t)b->g->start == a->off - (off_t)a->g->start;
             j++) {
            bytes = b->g->end;
            end = PAGE_UP(bytes);
        }
        /* A run of small writable parts (at most 4 pages per image on average) is copied in
         * at once: every image's host-import cells are written before anything runs, so
         * those pages are copied anyway, and one populating mmap costs far less than a
         * copy-on-write fault per image. A large bss is left to fault on first use. */
        flags = MAP_PRIVATE | MAP_FIXED_NOREPLACE;
        if ((prot & PROT_WRITE) && (end - start) / JUMP_PAGE <= 4u * (uintptr_t)(j - i))
            flags |= MAP_POPULATE;
        m = mmap((void *)start, end - start, prot, flags, a->fd, a->off - (off_t)(a->g->start - start));
        if (m == (void *)start) {
            for (int k = i; k < j; k++)
                psegs[ix[k]].g->mapped = 1;
            continue;
        }
        if (m != MAP_FAILED)
            munmap(m, end - start);
        for (int k = i; k < j; k++) {
            const struct pseg *p = &psegs[ix[k]];
            cur_cache = p->cache;
            map_part(p->l, p->g, p->g->end, p->fd, p->off);
        }
    }
}

/* Read, check and judge l's image; map it now, or put it aside for map_put_aside. */
static void map_image(struct lib *l, const struct source *src)
{
    uint8_t notebuf[512];
    jv_image im;

    /* Everything the image says is checked before any of it is used (runtime/imgcheck.h). */
    read_image(l, src, &im, &notebuf);
    judge_image(l, &im);
    l->overridden = lib_overridden(l);
    /* each library is mapped once, with at most MAX_PHDRS segments (jv_headers) */
    l->seg = seg_pool + nseg_pool;
    nseg_pool += im.nseg;
    if (put_aside(l, &im, src)) {
        cur_cache = NULL;
        return;
    }
    /* Map every PT_LOAD at exactly its address, never over an existing mapping: in one
     * mapping when the image is laid out for it, else segment by segment. */
    if (!map_span(l, &im, src)) {
        for (int i = 0; i < im.nseg; i++)
            map_segment(l, &im.seg[i], src);
    }
    check_mapped(l, &im);
}

/* The put-aside images, mapped: their contents checked as any image's. */
static void check_put_aside(struct lib *l, const struct source *src)
{
    uint8_t notebuf[512];
    jv_image im;
    read_image(l, src, &im, &notebuf);
    check_mapped(l, &im);
}

/* ---- host imports ---- */

struct dyn_query {
    const char *name;
    uint32_t gnu_hash;
    uintptr_t found;
};

static uint32_t gnu_hash(const char *s)
{
    uint32_t h = 5381;
    for (; *s; s++)
        h = h * 33 + (uint8_t)*s;
    return h;
}

static uintptr_t dyn_ptr(uintptr_t base, uintptr_t v) { return v < base ? v + base : v; }

static int search_object(struct dl_phdr_info *info, size_t size, void *data)
{
    struct dyn_query *q = data;
    const Dyn *dyn = NULL;
    const Sym *symtab = NULL;
    const char *strtab = NULL;
    const uint32_t *gh = NULL;
    const uint16_t *versym = NULL;
    (void)size;
    if (q->found)
        return 1;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
            dyn = (const Dyn *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    if (!dyn)
        return 0;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        uintptr_t p = dyn_ptr(info->dlpi_addr, dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_SYMTAB)
            symtab = (const Sym *)p;
        else if (dyn->d_tag == DT_STRTAB)
            strtab = (const char *)p;
        else if (dyn->d_tag == DT_GNU_HASH)
            gh = (const uint32_t *)p;
        else if (dyn->d_tag == DT_VERSYM)
            versym = (const uint16_t *)p;
    }
    if (!symtab || !strtab || !gh)
        return 0;
    {
        uint32_t nbuckets = gh[0], symoffset = gh[1], bloom_size = gh[2];
        const uintptr_t *bloom = (const uintptr_t *)(gh + 4);
        const uint32_t *buckets = (const uint32_t *)(bloom + bloom_size);
        const uint32_t *chain = buckets + nbuckets;
        uint32_t h = q->gnu_hash, i;
        if (!nbuckets)
            return 0;
        i = buckets[h % nbuckets];
        if (i < symoffset)
            return 0;
        for (;; i++) {
            uint32_t ch = chain[i - symoffset];
            if ((ch | 1) == (h | 1)) {
                const Sym *s = &symtab[i];
                if (s->st_shndx != SHN_UNDEF && !strcmp(strtab + s->st_name, q->name) &&
                    (!versym || !(versym[i] & 0x8000))) {
                    uintptr_t v = info->dlpi_addr + s->st_value;
                    if (ELF32_ST_TYPE(s->st_info) == STT_GNU_IFUNC)
                        v = ((uintptr_t(*)(void))v)();
                    q->found = v;
                    return 1;
                }
            }
            if (ch & 1)
                break;
        }
    }
    return 0;
}

/* `name` in one record's list of host imports (resolved by the program's own link), or 0. */
static uintptr_t lookup_in(const uintptr_t *r, const char *name)
{
    const uintptr_t *pairs;
    if (!r || !r[JR_NIMPORTS])
        return 0;
    pairs = (const uintptr_t *)r[JR_IMPORTS];
    for (uintptr_t k = 0; k < r[JR_NIMPORTS]; k++)
        if (!strcmp((const char *)pairs[2 * k], name))
            return pairs[2 * k + 1];
    return 0;
}

/* What a withdrawn slot calls (through the image's import of JUMP_WITHDRAWN): which library
 * and which function, from the return address (just after the slot's 5-byte call) and the
 * name the program was linked with (its jump_used entries), then exit 127. */
__attribute__((noreturn, noinline, used)) void __jump_withdrawn(void);
__attribute__((noreturn, noinline, used)) void __jump_withdrawn(void)
{
    uintptr_t slot = (uintptr_t)__builtin_return_address(0) - 5;
    const char *name = NULL;
    char num[24];
    for (int i = 0; i < nlibs; i++) {
        struct lib *l = &libs[i];
        uintptr_t idx;
        const uintptr_t *u = __start_jump_used;
        if (l->state != 3 || slot < l->origin || slot >= l->ctor || (slot - l->origin) % 8)
            continue;
        idx = (slot - l->origin) / 8;
        for (; u && u + JU_NWORDS <= __stop_jump_used; u += JU_NWORDS) {
            const uintptr_t *rec = (const uintptr_t *)u[JU_RECORD];
            if (u[JU_KIND] == JUMP_OVERRIDE_SLOT && u[JU_INDEX] == idx && rec &&
                !strcmp((const char *)rec[JR_SONAME], l->soname)) {
                name = (const char *)u[JU_NAME];
                break;
            }
        }
        put(prog);
        put(": ");
        put(l->soname);
        put(": ");
        if (name) {
            put(name);
            put(" was withdrawn (slot ");
        } else {
            put("the function of slot ");
            put(dec(idx, num));
            put(" was withdrawn (slot ");
        }
        put(dec(idx, num));
        put("): the program needs a version of the library that has it\n");
        refuse();
    }
    put(prog);
    put(": a withdrawn jump slot was called\n");
    refuse();
}

static uintptr_t lookup(const struct lib *self, const char *name)
{
    struct dyn_query q;
    uintptr_t v;
    /* The loader's own handler for withdrawn slots, whatever the stubs listed. */
    if (!strcmp(name, JUMP_WITHDRAWN))
        return (uintptr_t)__jump_withdrawn;
    /* The image's own stub listed what the image imported when it was built: usually all. */
    if ((v = lookup_in(self->rec, name)))
        return v;
    /* Then what the other stubs listed. */
    for (int i = 0; i < nlibs; i++)
        if (&libs[i] != self && (v = lookup_in(libs[i].rec, name)))
            return v;
    /* A name the stubs did not know: the dynamic symbol tables, if the program has any. */
    q.name = name;
    q.gnu_hash = gnu_hash(name);
    q.found = 0;
    dl_iterate_phdr(search_object, &q);
    return q.found;
}

/* The image information block: GOT cell 0 and the note must agree on where it is. */
static void bind_imports(struct lib *l)
{
    const uintptr_t *info = (const uintptr_t *)l->info;
    const uintptr_t *pairs;
    pairs = (const uintptr_t *)info[JI_IMPORTS];
    for (uintptr_t k = 0; k < info[JI_NIMPORTS]; k++) {
        const char *name = (const char *)pairs[2 * k + 1];
        uintptr_t v = lookup(l, name);
        if (!v) {
            cant_load_begin(l);
            put("undefined symbol '");
            put(name);
            put("': the program does not provide it (link the program dynamically, or relink it against the new stub)\n");
            refuse();
        }
        *(uintptr_t *)pairs[2 * k] = v;
    }
}

/* ---- the load-time check of a replacement image ---- */

/* Every name the program's stub members define is checked against the image: a replacement
 * that moved, renamed or withdrew a slot or a cell is refused before anything in it runs
 * (DESIGN §8). Images record a hash per slot and per cell; the program records, per name, the
 * slot or cell and the hash. A stub member defines all the names of its objfile, used or not:
 * a slot whose name no longer matches refuses the image only if the program refers to the
 * slot's address (a call, a jump, a pointer: found the way verify-shlib --program reads a
 * program), so a program is never refused for a function it does not use. A variable that
 * moved is always refused. */

static _Noreturn void refuse_used(struct lib *l, const uintptr_t *u, const char *what, int cell)
{
    const uintptr_t *info = (const uintptr_t *)l->info;
    uintptr_t i = u[JU_INDEX], n = info[cell ? JI_NCELLS : JI_NSLOTS];
    /* a cell by its number, as verify-shlib and the README count them: jump.vars entry i is
     * GOT cell i + 1 */
    uintptr_t shown = cell ? i + 1 : i;
    const uint32_t *names = (const uint32_t *)info[cell ? JI_CELLNAMES : JI_SLOTNAMES];
    char num[24];
    cant_load_begin(l);
    put("'");
    put((const char *)u[JU_NAME]);
    if (i < 1 || i > n) {
        put("' needs ");
        put(what);
        put(" ");
        put(dec(shown, num));
        put(", which the image does not have");
    } else if (!names[i - 1]) {
        put("' was withdrawn from ");
        put(what);
        put(" ");
        put(dec(shown, num));
    } else {
        put("' is no longer in ");
        put(what);
        put(" ");
        put(dec(shown, num));
    }
    put(NOT_A_REPLACEMENT);
    refuse();
}

/* Slot mismatches waiting for one scan of the program: refused only if referenced. */
#define MAX_PENDING 64
static struct pending {
    uintptr_t addr;       /* the slot address the program was linked with */
    const uintptr_t *u;   /* its jump_used entry */
    struct lib *l;
    int used;
} pend[MAX_PENDING];
static int npend;

static int in_skip(uintptr_t a, uintptr_t lo, uintptr_t hi) { return a + 4 > lo && a < hi; }

/* Is `a` inside the toolkit's own tables of the program, which list every slot without
 * being references: the library records, the names checked here, the override tables? */
static int skipped(uintptr_t a)
{
    if (in_skip(a, (uintptr_t)__start_jump_libs, (uintptr_t)__stop_jump_libs) ||
        in_skip(a, (uintptr_t)__start_jump_used, (uintptr_t)__stop_jump_used))
        return 1;
    for (const uintptr_t *r = __start_jump_libs; r && r + JR_NWORDS <= __stop_jump_libs; r += JR_NWORDS)
        if (r[JR_OVERRIDES] &&
            in_skip(a, r[JR_OVERRIDES], r[JR_OVERRIDES] + 3 * r[JR_NOVERRIDES] * sizeof(uintptr_t)))
            return 1;
    return 0;
}

/* What the program's code reaches slot `slot` through: the entry its stub member put in the
 * program (the name's reference in the override table, when it equals the twin), or the slot
 * itself (earlier stubs defined the name as the slot; a program's own definition). */
static uintptr_t program_entry(const uintptr_t *rec, uintptr_t slot)
{
    const uintptr_t *ref, *twin, *where;
    uintptr_t n;
    if (!rec || !rec[JR_OVERRIDES] || !(n = rec[JR_NOVERRIDES]))
        return slot;
    ref = (const uintptr_t *)rec[JR_OVERRIDES];
    twin = ref + n;
    where = twin + n;
    for (uintptr_t k = 0; k < n; k++)
        if (where[k] == (slot | JUMP_OVERRIDE_SLOT))
            return ref[k] && ref[k] == twin[k] ? ref[k] : slot;
    return slot;
}

static void mark_used(uintptr_t cand)
{
    for (int k = 0; k < npend; k++)
        if (pend[k].addr == cand)
            pend[k].used = 1;
}

/* One pass over the program's loaded bytes: every 4 bytes read as an absolute address and, in
 * code where an instruction can hold one, as a rel32 from the next byte; a pending slot met
 * either way is used. */
static void scan_program(void)
{
    const Phdr *ph = (const Phdr *)getauxval(AT_PHDR);
    size_t n = getauxval(AT_PHNUM);
    uintptr_t bias = 0, lo = UINTPTR_MAX, hi = 0;
    if (!ph)
        return;
    for (int k = 0; k < npend; k++) {
        if (pend[k].addr < lo)
            lo = pend[k].addr;
        if (pend[k].addr > hi)
            hi = pend[k].addr;
    }
    for (size_t i = 0; i < n; i++)
        if (ph[i].p_type == PT_PHDR)
            bias = (uintptr_t)ph - ph[i].p_vaddr;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p;
        if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_R) || ph[i].p_filesz < 4)
            continue;
        p = (const uint8_t *)(bias + ph[i].p_vaddr);
        for (size_t o = 0; o + 4 <= ph[i].p_filesz; o++) {
            uint32_t v;
            uintptr_t at = (uintptr_t)(p + o), rel;
            memcpy(&v, p + o, 4);
            rel = at + 4 + (uintptr_t)(intptr_t)(int32_t)v;
            if (!(rel >= lo && rel <= hi && (ph[i].p_flags & PF_X) && jv_rel32_at(p, o, sizeof(uintptr_t))))
                rel = 0;
            if (((uintptr_t)v >= lo && (uintptr_t)v <= hi) || rel) {
                if (skipped(at))
                    continue;
                mark_used((uintptr_t)v);
                if (rel)
                    mark_used(rel);
            }
        }
    }
}

static void flush_pending(void)
{
    if (!npend)
        return;
    scan_program();
    for (int k = 0; k < npend; k++)
        if (pend[k].used)
            refuse_used(pend[k].l, pend[k].u, "slot", 0);
    npend = 0;
}

/* Is l's image the very one its stub was made for: the same version word and layout digest
 * (load address, GOT, every slot's and cell's name, every variable's address)? Only another
 * image needs its names and cells checked one by one. */
static int stubs_image(const struct lib *l, const uintptr_t *rec)
{
    return rec && rec[JR_DIGEST] && rec[JR_DIGEST] == ((const uintptr_t *)l->info)[JI_DIGEST] &&
           rec[JR_VERSION] == l->vword;
}

static void check_used(void)
{
    const uintptr_t *u = __start_jump_used;
    int own = 1;
    if (!u)
        return;
    struct lib *l = NULL;
    const uintptr_t *grec = NULL;
    /* Every image the very one its stubs were made for: no member needs checking, and the
     * list (a group per stub member, spread over the program's data) is not walked, only
     * its start checked. */
    for (const uintptr_t *r = __start_jump_libs; own && r + JR_NWORDS <= __stop_jump_libs; r += JR_NWORDS) {
        size_t k = (size_t)(r - __start_jump_libs) / JR_NWORDS;
        own = stubs_image(k < sizeof rec_lib / sizeof rec_lib[0] && rec_lib[k] ? rec_lib[k]
                                                                          : lib_named((const char *)r[JR_SONAME]),
                          r);
    }
    if (own && u + JU_NWORDS <= __stop_jump_used && u[JU_KIND] == JUMP_USED_GROUP)
        return;
    for (; u + JU_NWORDS <= __stop_jump_used; u += JU_NWORDS) {
        const uintptr_t *info;
        /* A member's group: look its library up once, and skip the whole member when the image
         * is the very one the stub was made for (the same version and layout digest): only a
         * replacement needs checking name by name. */
        if (u[JU_KIND] == JUMP_USED_GROUP) {
            const uintptr_t *rec = (const uintptr_t *)u[JU_RECORD];
            size_t k = (size_t)(rec - __start_jump_libs) / JR_NWORDS;
            l = k < sizeof rec_lib / sizeof rec_lib[0] && rec_lib[k] ? rec_lib[k]
                                                                   : lib_named((const char *)rec[JR_SONAME]);
            grec = rec;
            if (stubs_image(l, rec))
                u += JU_NWORDS * u[JU_INDEX];
            continue;
        }
        if (!l)
            fatal3(": can't load libraries '", "(jump_used)",
                   "corrupt list of used names: the program was linked with an incompatible stub");
        info = (const uintptr_t *)l->info;
        int slot = u[JU_KIND] == JUMP_OVERRIDE_SLOT;
        uintptr_t n = info[slot ? JI_NSLOTS : JI_NCELLS], i = u[JU_INDEX];
        const uint32_t *names = (const uint32_t *)info[slot ? JI_SLOTNAMES : JI_CELLNAMES];
        char num[24];
        if (!info[JI_NSLOTS] && !info[JI_NCELLS])
            continue; /* the image records no names */
        if (i >= 1 && i <= n && names[i - 1] == (uint32_t)u[JU_HASH]) {
            /* A variable must also still be where the program was linked to find it (before
             * any override, the cell holds the image's own address). */
            uintptr_t have;
            if (slot)
                continue;
            have = *(const uintptr_t *)(l->got + sizeof(uintptr_t) * (i + 1));
            if (have == u[JU_ADDR])
                continue;
            cant_load_begin(l);
            put("'");
            put((const char *)u[JU_NAME]);
            put("' moved from ");
            put(hex(u[JU_ADDR], num));
            put(" to ");
            put(hex(have, num));
            put(NOT_A_REPLACEMENT);
            refuse();
        }
        /* A withdrawn slot is no danger: calling it stops the program with a message. */
        if (slot && i >= 1 && i <= n && !names[i - 1])
            continue;
        if (!slot)
            refuse_used(l, u, "GOT cell", 1);
        if (npend == MAX_PENDING)
            flush_pending();
        pend[npend++] = (struct pending){program_entry(grec, u[JU_ADDR]), u, l, 0};
    }
    flush_pending();
}

/* ---- overrides and fixups ---- */

/* The protection of the segment of l that holds all of [a, a+n), or -1 if none does. */
static int seg_prot(const struct lib *l, uintptr_t a, uintptr_t n)
{
    for (int i = 0; i < l->nseg; i++)
        if (a >= l->seg[i].start && a < l->seg[i].end && n <= l->seg[i].end - a)
            return l->seg[i].prot;
    return -1;
}

/* Give back the protection of the pages poke() opened. */
static void seal(struct lib *l)
{
    if (l->span_open) {
        /* Every segment that is not plainly writable gets its protection, neighbours with the
         * same one together. */
        for (int i = 0; i < l->nseg;) {
            int j = i + 1, prot = l->seg[i].prot;
            while (j < l->nseg && l->seg[j].prot == prot && PAGE_DOWN(l->seg[j].start) == PAGE_UP(l->seg[j - 1].end))
                j++;
            if (prot != (PROT_READ | PROT_WRITE) &&
                mprotect((void *)PAGE_DOWN(l->seg[i].start), PAGE_UP(l->seg[j - 1].end) - PAGE_DOWN(l->seg[i].start), prot) != 0)
                cant_load(l, strerror(errno));
            i = j;
        }
        l->span_open = 0;
    }
    for (int i = 0; i < l->nopen; i++)
        if (mprotect((void *)l->open[i].page, JUMP_PAGE, l->open[i].prot) != 0)
            cant_load(l, strerror(errno));
    l->nopen = 0;
}

/* Store n bytes at `where` inside one of l's segments, even a read-only one (the jump table
 * and the GOT): such a page is made writable once, however many stores it takes, and given
 * back its protection by seal() before anything in the image runs (two system calls per
 * page, not per store: a program holding copies of many variables re-points many cells). */
static void poke(struct lib *l, uintptr_t where, const void *bytes, size_t n)
{
    int prot = seg_prot(l, where, n);
    uintptr_t page = where & ~(uintptr_t)(JUMP_PAGE - 1);
    uintptr_t last = (where + n - 1) & ~(uintptr_t)(JUMP_PAGE - 1);
    if (prot < 0)
        cant_load(l, "an override or fixup points outside the image");
    if (!(prot & PROT_WRITE) && !l->span_open) {
        for (uintptr_t pg = page; pg <= last; pg += JUMP_PAGE) {
            int open = 0;
            for (int i = 0; i < l->nopen; i++)
                open |= l->open[i].page == pg;
            if (open)
                continue;
            if (!l->open) {
                l->open = open_pool + nopen_pool; /* each library asks once */
                nopen_pool += MAX_OPEN;
            }
            if (l->nopen == MAX_OPEN)
                seal(l);
            /* writable, not executable, while it is written: never both at once */
            if (mprotect((void *)pg, JUMP_PAGE, PROT_READ | PROT_WRITE) != 0)
                cant_load(l, strerror(errno));
            l->open[l->nopen].page = pg;
            l->open[l->nopen].prot = prot;
            l->nopen++;
        }
    }
    memcpy((void *)where, bytes, n);
}

/* A jump slot reaches 2 GB either way; a PIE program's function is further (x86-64). It then
 * jumps to a far entry (jmp *0(%rip); .quad to) on a page the loader maps low in the address
 * space, where every image's slots reach it: after all images are mapped, so it takes no
 * image's place. */
static uintptr_t far_entry(struct lib *l, uintptr_t to)
{
#if UINTPTR_MAX == 0xffffffffu
    (void)l;
    return to;
#else
    static uint8_t *page;
    static size_t used;
    uint8_t *e;
    if (!page || used + 16 > JUMP_PAGE) {
        void *p = mmap(NULL, JUMP_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (p == MAP_FAILED)
            cant_load(l, "no room below 2 GB for the entry of a function the program overrides");
        page = p;
        used = 0;
    } else if (mprotect(page, JUMP_PAGE, PROT_READ | PROT_WRITE) != 0) {
        cant_load(l, strerror(errno));
    }
    e = page + used;
    used += 16;
    e[0] = 0xff; /* jmp *0(%rip) */
    e[1] = 0x25;
    memset(e + 2, 0, 4);
    memcpy(e + 6, &to, sizeof to);
    if (mprotect(page, JUMP_PAGE, PROT_READ | PROT_EXEC) != 0)
        cant_load(l, strerror(errno));
    return (uintptr_t)e;
#endif
}

/* The program defines an exported name itself (DESIGN §6): its definition wins. A variable's
 * GOT cell gets the program's address, so the library reads and writes the program's copy;
 * a function's slot jumps to the program's function, so the library's own calls reach it. */
static void override_one(struct lib *l, uintptr_t wk, uintptr_t to)
{
    uintptr_t at = wk & ~(uintptr_t)JUMP_OVERRIDE_KIND;
    if ((wk & JUMP_OVERRIDE_KIND) == JUMP_OVERRIDE_CELL) {
        if (*(const uintptr_t *)at != to)
            poke(l, at, &to, sizeof to);
    } else if (to != at) {
        uint8_t jmp[5];
        intptr_t rel = (intptr_t)(to - (at + 5));
        if ((intptr_t)(int32_t)rel != rel) {
            to = far_entry(l, to);
            rel = (intptr_t)(to - (at + 5));
        }
        if ((intptr_t)(int32_t)rel != rel)
            cant_load(l, "a function the program overrides is out of reach of its jump slot");
        jmp[0] = 0xe9;
        jmp[1] = (uint8_t)rel;
        jmp[2] = (uint8_t)(rel >> 8);
        jmp[3] = (uint8_t)(rel >> 16);
        jmp[4] = (uint8_t)(rel >> 24);
        poke(l, at, jmp, sizeof jmp);
    }
}

/* A variable's GOT cell is where the program was linked to find it: before any override,
 * the cell it will write holds the image's own address of that variable (the twin). A GOT
 * that moved (a smaller jump table, -d) leaves the variables in place but not the cells.
 * (Checked only for an image other than the stub's own: the layout digest covers the GOT.) */
static void check_cells(struct lib *l, const uintptr_t *ref, const uintptr_t *twin, const uintptr_t *where,
                        uintptr_t n)
{
    char h1[24], h2[24];
    for (uintptr_t k = 0; k < n; k++) {
        uintptr_t at = where[k] & ~(uintptr_t)JUMP_OVERRIDE_KIND;
        int prot;
        if ((where[k] & JUMP_OVERRIDE_KIND) != JUMP_OVERRIDE_CELL || !ref[k] || !twin[k])
            continue;
        prot = seg_prot(l, at, sizeof at);
        if (prot >= 0 && (prot & PROT_READ) && *(const uintptr_t *)at == twin[k])
            continue;
        cant_load_begin(l);
        put("the program reaches the variable at ");
        put(hex(twin[k], h1));
        put(" through GOT cell ");
        put(hex(at, h2));
        put(", which this image uses otherwise");
        put(NOT_A_REPLACEMENT);
        refuse();
    }
}

static void apply_overrides(struct lib *l)
{
    enum { CHUNK = 64 };
    const uintptr_t *ref, *twin, *where;
    uintptr_t n;
    int own;
    if (!l->rec || !(n = l->rec[JR_NOVERRIDES]))
        return;
    ref = (const uintptr_t *)l->rec[JR_OVERRIDES];
    twin = ref + n;
    where = twin + n;
    own = stubs_image(l, l->rec);
    if (!l->overridden && own)
        return; /* nothing to check, nothing to change */
    if (!own)
        check_cells(l, ref, twin, where, n);
    /* A name's reference and its twin agree unless the program defines the name: compare them
     * a chunk at a time, and name by name only in a chunk that differs. */
    for (uintptr_t k = 0; k < n; k += CHUNK) {
        uintptr_t m = n - k < CHUNK ? n - k : CHUNK;
        if (!memcmp(ref + k, twin + k, m * sizeof *ref))
            continue;
        for (uintptr_t i = k; i < k + m; i++)
            if (ref[i] != twin[i])
                override_one(l, where[i], ref[i]);
    }
}

/* The program's copies of variables (x86-64 stubs, jumpfmt.h JUMP_COPY_SECTION) get the
 * image's bytes, once the image's own fixups are in them; a variable the program defines
 * itself keeps the program's initial value. */
static void apply_copies(void)
{
    const uintptr_t *c = __start_jump_copy;
    for (; c && c + JC_NWORDS <= __stop_jump_copy; c += JC_NWORDS) {
        const uintptr_t *rec = (const uintptr_t *)c[JC_RECORD];
        size_t k = (size_t)(rec - __start_jump_libs) / JR_NWORDS;
        struct lib *l = k < sizeof rec_lib / sizeof rec_lib[0] && rec_lib[k] ? rec_lib[k]
                                                                          : lib_named((const char *)rec[JR_SONAME]);
        uintptr_t from = c[JC_FROM], n = c[JC_SIZE];
        int prot;
        if (c[JC_WINNER] != c[JC_TO] || !n)
            continue;
        prot = seg_prot(l, from, n);
        if (prot < 0 || !(prot & PROT_READ))
            cant_load(l, "a variable the program holds a copy of lies outside the image");
        memcpy((void *)c[JC_TO], (const void *)from, n);
    }
}

/* Address constants in exported data that point at variables follow the variables' GOT
 * cells, which overrides may have changed (classic builtin fixups). */
static void apply_fixups(struct lib *l)
{
    const uintptr_t *info = (const uintptr_t *)l->info;
    const uintptr_t *t = (const uintptr_t *)info[JI_FIXUPS];
    for (uintptr_t k = 0; k < info[JI_NFIXUPS]; k++) {
        uintptr_t where = t[3 * k], v = *(const uintptr_t *)t[3 * k + 1] + t[3 * k + 2];
        if (*(const uintptr_t *)where != v)
            poke(l, where, &v, sizeof v);
    }
}

/* ---- order: dependencies first ---- */

static void visit(struct lib *l, int depth)
{
    if (l->state >= 2)
        return;
    if (l->state == 1 || depth > MAX_LIBS)
        fatal3(": can't load library '", l->soname, "circular dependency between jump libraries");
    l->state = 1;
    if (l->rec && l->rec[JR_NEEDS]) {
        const uintptr_t *dirs = (const uintptr_t *)l->rec[JR_NEEDDIRS];
        for (const uintptr_t *p = (const uintptr_t *)l->rec[JR_NEEDS]; *p; p++) {
            struct lib *dep = lib_named((const char *)*p);
            if (dirs && dirs[p - (const uintptr_t *)l->rec[JR_NEEDS]] && !dep->needdir)
                dep->needdir = (const char *)dirs[p - (const uintptr_t *)l->rec[JR_NEEDS]];
            visit(dep, depth + 1);
        }
    }
    l->state = 2;
    order[norder++] = l;
}

static void trace(void)
{
    for (int i = 0; i < norder; i++) {
        struct lib *l = order[i];
        struct source src;
        int fd = find_image(l, &src);
        put_out("\t");
        put_out(l->soname);
        if (l->rec) {
            put_out(" (");
            put_out((const char *)l->rec[JR_DESC]);
            put_out(")");
        }
        put_out(" => ");
        if (fd >= 0)
            put_path(1, l);
        else
            put_out("not found");
        put_out("\n");
        if (fd >= 0)
            release(&src);
    }
    _exit(0);
}

/* Called once every image is mapped and bound, before any of them runs: jump-gdb stops here
 * (a breakpoint with commands) to load the images' symbols, the way debuggers watch the
 * ELF loader's _dl_debug_state. */
__attribute__((noinline, used)) void __jump_debug_state(void);
__attribute__((noinline, used)) void __jump_debug_state(void) { __asm__ volatile(""); }

static void jump_load_all(int argc, char **argv, char **envp)
{
    const char *t;
    environment = envp;
    lib_path_env = getauxval(AT_SECURE) ? NULL : env_get("JUMP_LIBRARY_PATH");
    t = env_get("JUMP_NO_CACHE");
    cache_off = t && *t && strcmp(t, "0");
    t = env_get("JUMP_TRACE_CACHE");
    cache_trace = t && *t && strcmp(t, "0");
    if (argc > 0 && argv && argv[0])
        prog = argv[0];
    collect();
    for (int i = 0, n = nlibs; i < n; i++)
        visit(&libs[i], 0);
    t = env_get("JUMP_TRACE_LIBRARIES");
    if (t && *t && strcmp(t, "0"))
        trace();
    for (int i = 0; i < norder; i++) {
        struct lib *l = order[i];
        struct source *src = &psrc[i];
        if (find_image(l, src) < 0)
            fatal3(": can't find library '", l->soname, NULL);
        map_image(l, src);
        release(src);
        l->state = 3; /* mapped, or its range claimed until map_put_aside */
    }
    if (npsegs) {
        map_put_aside();
        for (int i = 0; i < norder; i++)
            if (order[i]->aside)
                check_put_aside(order[i], &psrc[i]);
    }
    for (int i = 0; i < ncaches; i++)
        cache_drop(&caches[i]);
    check_used();
    for (int i = 0; i < norder; i++)
        bind_imports(order[i]);
    for (int i = 0; i < norder; i++)
        apply_overrides(order[i]);
    for (int i = 0; i < norder; i++)
        apply_fixups(order[i]);
    apply_copies();
    for (int i = 0; i < norder; i++)
        seal(order[i]);
    __jump_debug_state();
    for (int i = 0; i < norder; i++) {
        struct lib *l = order[i];
        if (l->flags & JUMP_NOTE_F_FINI)
            l->fini = ((uintptr_t (*)(void))l->ctor)();
        else
            ((void (*)(void))l->ctor)();
    }
}

/* The images' destructors, dependents before their dependencies, after the program's own
 * (an implementation priority in .fini_array: run after every default-priority entry). */
static void jump_fini(void)
{
    for (int i = norder - 1; i >= 0; i--) {
        uintptr_t f = order[i]->fini;
        order[i]->fini = 0;
        if (f)
            ((void (*)(void))f)();
    }
}
__attribute__((used, section(".fini_array.00050"))) static void (*const jump_fini_entry)(void) = jump_fini;

__attribute__((used, section(".preinit_array"))) static void (*const jump_preinit)(int, char **, char **) =
    jump_load_all;
