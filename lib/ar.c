/* ar: GNU/System V archives in memory: a checked reader (symbol index "/" or "/SYM64/", long
 * names "//") and a deterministic writer that indexes ELF members the way ar(1) does. */
#include "ar.h"
#include "aout.h"
#include "buf.h"
#include "diag.h"
#include "elf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AR_MAGIC "!<arch>\n"
enum { AR_HDR = 60 };

int ar_is_archive(const uint8_t *p, size_t len) { return len >= 8 && !memcmp(p, AR_MAGIC, 8); }

static uint32_t rd32be(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t rd64be(const uint8_t *p) { return (uint64_t)rd32be(p) << 32 | rd32be(p + 4); }

/* A decimal header field (space-padded); -1 if not a number. */
static int field_num(const uint8_t *p, size_t w, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    while (i < w && p[i] == ' ')
        i++;
    if (i == w || p[i] < '0' || p[i] > '9')
        return -1;
    for (; i < w && p[i] >= '0' && p[i] <= '9'; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(p[i] - '0');
    }
    for (; i < w; i++)
        if (p[i] != ' ')
            return -1;
    *out = v;
    return 0;
}

/* The member whose header is at offset `off`, or a->n. */
static size_t member_at(const ar_file *a, const uint64_t *hdr_off, uint64_t off)
{
    size_t lo = 0, hi = a->n;
    /* Members are in file order, so their header offsets are sorted: bisect. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (hdr_off[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < a->n && hdr_off[lo] == off ? lo : a->n;
}

/* A BSD __.SYMDEF (a.out archives): u32 ranlib bytes, {u32 name offset, u32 member header
 * offset} each, u32 names' size, the names; little-endian. */
static int read_bsd_index(ar_file *a, const uint8_t *p, size_t n, const uint64_t *hdr_off, jerr *e)
{
    uint64_t rb, cnt, strsize;
    const uint8_t *names;
    if (n < 4 || (rb = rd32le(p)) % 8 || rb > n - 4 || n - 4 - rb < 4)
        return jerr_set(e, EXIT_BAD, "%s: the __.SYMDEF index is truncated", a->path);
    cnt = rb / 8;
    strsize = rd32le(p + 4 + rb);
    if (strsize > n - 8 - rb)
        return jerr_set(e, EXIT_BAD, "%s: the __.SYMDEF names do not fit the index", a->path);
    names = p + 8 + rb;
    a->sym = xcalloc(cnt ? cnt : 1, sizeof *a->sym);
    a->sym_member = xcalloc(cnt ? cnt : 1, sizeof *a->sym_member);
    for (uint64_t i = 0; i < cnt; i++) {
        uint32_t strx = rd32le(p + 4 + 8 * i), off = rd32le(p + 8 + 8 * i);
        size_t m = member_at(a, hdr_off, off);
        if (strx >= strsize || !memchr(names + strx, 0, (size_t)(strsize - strx)))
            return jerr_set(e, EXIT_BAD, "%s: __.SYMDEF entry %llu has no NUL-terminated name", a->path,
                            (unsigned long long)i);
        if (m == a->n)
            return jerr_set(e, EXIT_BAD, "%s: __.SYMDEF entry %llu ('%s') points at offset %u, which is not a member",
                            a->path, (unsigned long long)i, (const char *)names + strx, off);
        a->sym[i] = xstrdup((const char *)names + strx);
        a->sym_member[i] = m;
        a->nsym = (size_t)i + 1;
    }
    return 0;
}

/* The symbol index, parsed once the member offsets are known. */
static int read_index(ar_file *a, const uint8_t *p, size_t n, int wide, const uint64_t *hdr_off, jerr *e)
{
    unsigned w = wide ? 8 : 4;
    uint64_t cnt;
    if (n < w)
        return jerr_set(e, EXIT_BAD, "%s: symbol index is truncated (no count)", a->path);
    cnt = wide ? rd64be(p) : rd32be(p);
    if (cnt > (n - w) / w)
        return jerr_set(e, EXIT_BAD, "%s: symbol index count %llu does not fit its %zu bytes", a->path,
                        (unsigned long long)cnt, n);
    const uint8_t *offs = p + w, *names = p + w + cnt * w;
    size_t nlen = n - w - (size_t)cnt * w, at = 0;
    a->sym = xcalloc(cnt ? cnt : 1, sizeof *a->sym);
    a->sym_member = xcalloc(cnt ? cnt : 1, sizeof *a->sym_member);
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t off = wide ? rd64be(offs + i * w) : rd32be(offs + i * w);
        const uint8_t *z = at < nlen ? memchr(names + at, 0, nlen - at) : NULL;
        size_t lo;
        if (!z)
            return jerr_set(e, EXIT_BAD, "%s: symbol index name %llu is missing or not NUL-terminated",
                            a->path, (unsigned long long)i);
        if ((lo = member_at(a, hdr_off, off)) == a->n)
            return jerr_set(e, EXIT_BAD, "%s: symbol index entry %llu ('%s') points at offset %llu, which is not a member",
                            a->path, (unsigned long long)i, (const char *)names + at,
                            (unsigned long long)off);
        a->sym[i] = xstrdup((const char *)names + at);
        a->sym_member[i] = lo;
        a->nsym = (size_t)i + 1;
        at = (size_t)(z - names) + 1;
    }
    return 0;
}

/* Member k's 60-byte header at p[off]: checked, its size, and its name without the padding
 * (16 bytes at most). 0, or -1 with e set. */
static int member_header(const ar_file *a, const uint8_t *p, size_t len, size_t off, size_t k, uint64_t *size,
                         char name[17], jerr *e)
{
    const uint8_t *h = p + off;
    if (!in_bounds(len, off, AR_HDR))
        return jerr_set(e, EXIT_BAD, "%s: member %zu header is truncated (at offset %zu)", a->path, k, off);
    if (h[58] != '`' || h[59] != '\n')
        return jerr_set(e, EXIT_BAD, "%s: member %zu header is corrupt (no end marker, at offset %zu)", a->path, k, off);
    if (field_num(h + 48, 10, size) < 0)
        return jerr_set(e, EXIT_BAD, "%s: member %zu size field '%.10s' is not a number", a->path, k,
                        (const char *)h + 48);
    if (!in_bounds(len, off + AR_HDR, *size))
        return jerr_set(e, EXIT_BAD, "%s: member %zu (size %llu) extends past the end of the archive", a->path, k,
                        (unsigned long long)*size);
    memcpy(name, h, 16);
    name[16] = 0;
    for (int i = 15; i >= 0 && name[i] == ' '; i--)
        name[i] = 0;
    return 0;
}

/* A member's name: "name/" (GNU), "name" (BSD), or "/N" into the long-name table. malloc'ed;
 * NULL with e set when a long name is not there. */
static char *member_name(const ar_file *a, const char *name, const uint8_t *longnames, size_t long_len, size_t k,
                         jerr *e)
{
    if (name[0] == '/') {
        uint64_t lo;
        const uint8_t *end;
        size_t nl;
        if (field_num((const uint8_t *)name + 1, strlen(name + 1), &lo) < 0 || !longnames || lo >= long_len) {
            jerr_set(e, EXIT_BAD, "%s: member %zu long name reference '%s' is not in the long-name table", a->path,
                     k, name);
            return NULL;
        }
        end = memchr(longnames + lo, '\n', long_len - lo);
        if (!end) {
            jerr_set(e, EXIT_BAD, "%s: member %zu long name is not terminated", a->path, k);
            return NULL;
        }
        nl = (size_t)(end - (longnames + lo));
        if (nl && longnames[lo + nl - 1] == '/')
            nl--;
        return xstrndup((const char *)longnames + lo, nl);
    }
    return xstrndup(name, strcspn(name, "/"));
}

int ar_open(ar_file *a, const char *path, const uint8_t *p, size_t len, jerr *e)
{
    const uint8_t *index = NULL, *longnames = NULL;
    size_t index_len = 0, long_len = 0, cap = 0, off = 8, k = 0;
    int wide = 0;
    uint64_t *hdr_off = NULL;
    memset(a, 0, sizeof *a);
    a->path = path;
    if (!ar_is_archive(p, len))
        return jerr_set(e, EXIT_BAD, "%s: not an ar archive", path);
    for (; off < len; k++) {
        uint64_t size;
        char name[17];
        const uint8_t *data = p + off + AR_HDR;
        if (member_header(a, p, len, off, k, &size, name, e) != 0)
            goto fail;
        if (!strcmp(name, "/") || !strcmp(name, "/SYM64/") || !strcmp(name, "__.SYMDEF") ||
            !strcmp(name, "__.SYMDEF SORTED")) {
            index = data;
            index_len = (size_t)size;
            wide = name[0] == '_' ? -1 /* BSD */ : name[1] != 0;
        } else if (!strcmp(name, "//")) {
            longnames = data;
            long_len = (size_t)size;
        } else {
            char *mname = member_name(a, name, longnames, long_len, k, e);
            if (!mname)
                goto fail;
            if (a->n == cap) {
                cap = cap ? cap * 2 : 64;
                a->m = xrealloc(a->m, cap * sizeof *a->m);
                hdr_off = xrealloc(hdr_off, cap * sizeof *hdr_off);
            }
            a->m[a->n] = (ar_member){.name = mname, .data = data, .size = (size_t)size};
            hdr_off[a->n++] = off;
        }
        off += AR_HDR + (size_t)size;
        off += off & 1;
    }
    if (index && (wide < 0 ? read_bsd_index(a, index, index_len, hdr_off, e)
                           : read_index(a, index, index_len, wide, hdr_off, e)) < 0)
        goto fail;
    free(hdr_off);
    return 0;
fail:
    free(hdr_off);
    ar_close(a);
    return -1;
}

void ar_close(ar_file *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->m[i].name);
    for (size_t i = 0; i < a->nsym; i++)
        free(a->sym[i]);
    free(a->m);
    free(a->sym);
    free(a->sym_member);
    a->m = NULL;
    a->sym = NULL;
    a->sym_member = NULL;
    a->n = a->nsym = 0;
}

/* ---- Writer ---- */

typedef struct wmem {
    char *name;
    uint8_t *data;
    size_t size;
} wmem;

struct ar_writer {
    wmem *m;
    size_t n, cap;
    buf symnames;      /* NUL-terminated names, in index order */
    size_t *sym_member;
    size_t nsym, capsym;
    int bsd;           /* the index is a BSD __.SYMDEF */
};

void arw_bsd_index(ar_writer *w) { w->bsd = 1; }

static void index_name(ar_writer *w, const char *name)
{
    if (w->nsym == w->capsym) {
        w->capsym = w->capsym ? w->capsym * 2 : 256;
        w->sym_member = xrealloc(w->sym_member, w->capsym * sizeof *w->sym_member);
    }
    buf_add(&w->symnames, name, strlen(name) + 1);
    w->sym_member[w->nsym++] = w->n;
}

ar_writer *arw_new(void) { return xcalloc(1, sizeof(ar_writer)); }

void arw_free(ar_writer *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        free(w->m[i].name);
        free(w->m[i].data);
    }
    free(w->m);
    buf_free(&w->symnames);
    free(w->sym_member);
    free(w);
}

void arw_add(ar_writer *w, const char *name, const void *data, size_t n)
{
    elf_file f;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->m = xrealloc(w->m, w->cap * sizeof *w->m);
    }
    wmem *m = &w->m[w->n];
    m->name = xstrdup(name);
    m->data = xmalloc(n);
    memcpy(m->data, data, n);
    m->size = n;
    /* Index what ar(1) indexes: global and weak definitions, absolute and common included. A
     * member that is not a well-formed relocatable object is stored but not indexed. */
    if (elf_is_elf(m->data, n) && elf_open(&f, name, m->data, n, NULL) == 0) {
        if (f.type == ET_REL_)
            for (size_t i = 1; i < f.nsyms; i++) {
                const elf_sym *y = &f.syms[i];
                if ((y->bind != STB_GLOBAL_ && y->bind != STB_WEAK_) || y->shndx == SHN_UNDEF_ || !*y->name)
                    continue;
                index_name(w, y->name);
            }
        elf_close(&f);
    } else if (aout_is_aout(m->data, n)) {
        char **names;
        size_t k = aout_object_defined(m->data, n, &names);
        for (size_t i = 0; i < k; i++) {
            index_name(w, names[i]);
            free(names[i]);
        }
        free(names);
    }
    w->n++;
}

/* One 60-byte member header. Fields are space-padded; `mode` NULL leaves date..mode blank. */
static void put_hdr(buf *out, const char *name, const char *mode, size_t size)
{
    char h[128];
    if (mode)
        snprintf(h, sizeof h, "%-16.16s%-12s%-6s%-6s%-8s%-10zu`\n", name, "0", "0", "0", mode, size);
    else
        snprintf(h, sizeof h, "%-16.16s%-12s%-6s%-6s%-8s%-10zu`\n", name, "", "", "", "", size);
    buf_add(out, h, AR_HDR);
}

static void put32be(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void arw_finish(ar_writer *w, buf *out)
{
    buf longnames = {0};
    size_t *longoff = xcalloc(w->n ? w->n : 1, sizeof *longoff);
    for (size_t i = 0; i < w->n; i++) {
        if (strlen(w->m[i].name) <= 15)
            continue;
        longoff[i] = longnames.len + 1; /* +1 so that 0 means "short name" */
        buf_adds(&longnames, w->m[i].name);
        buf_adds(&longnames, "/\n");
    }
    /* System V: count, offsets, names; BSD: ranlib bytes, {name, offset} pairs, names' size, names */
    size_t index_size = w->bsd ? 8 + 8 * w->nsym + w->symnames.len : 4 + 4 * w->nsym + w->symnames.len;
    size_t index_pad = index_size & 1;
    /* Offsets are from the start of the archive. */
    size_t at = 8 + AR_HDR + index_size + index_pad;
    if (longnames.len)
        at += AR_HDR + longnames.len + (longnames.len & 1);
    size_t *moff = xcalloc(w->n ? w->n : 1, sizeof *moff);
    for (size_t i = 0; i < w->n; i++) {
        moff[i] = at;
        at += AR_HDR + w->m[i].size + (w->m[i].size & 1);
    }
    buf_adds(out, AR_MAGIC);
    if (w->bsd) {
        size_t strx = 0;
        put_hdr(out, "__.SYMDEF", "0", index_size + index_pad);
        buf_w32(out, (uint32_t)(8 * w->nsym));
        for (size_t i = 0; i < w->nsym; i++) {
            buf_w32(out, (uint32_t)strx);
            buf_w32(out, (uint32_t)moff[w->sym_member[i]]);
            strx += strlen((const char *)w->symnames.p + strx) + 1;
        }
        buf_w32(out, (uint32_t)w->symnames.len);
    } else {
        put_hdr(out, "/", "0", index_size + index_pad);
        buf_reserve(out, index_size + index_pad);
        uint8_t *ip = out->p + out->len;
        put32be(ip, (uint32_t)w->nsym);
        for (size_t i = 0; i < w->nsym; i++)
            put32be(ip + 4 + 4 * i, (uint32_t)moff[w->sym_member[i]]);
        out->len += 4 + 4 * w->nsym;
    }
    buf_add(out, w->symnames.p, w->symnames.len);
    if (index_pad)
        buf_addc(out, 0);
    if (longnames.len) {
        put_hdr(out, "//", NULL, longnames.len);
        buf_add(out, longnames.p, longnames.len);
        if (longnames.len & 1)
            buf_addc(out, '\n');
    }
    for (size_t i = 0; i < w->n; i++) {
        char nm[32];
        if (longoff[i])
            snprintf(nm, sizeof nm, "/%zu", longoff[i] - 1);
        else
            snprintf(nm, sizeof nm, "%s/", w->m[i].name);
        put_hdr(out, nm, "644", w->m[i].size);
        buf_add(out, w->m[i].data, w->m[i].size);
        if (w->m[i].size & 1)
            buf_addc(out, '\n');
    }
    buf_free(&longnames);
    free(longoff);
    free(moff);
}
