/* registry: the address-range table (DESIGN §9): parse with the shared field-line parser,
 * write back unchanged lines byte for byte, interval logic, locking, and mkimage's check. */
#include "registry.h"

#include "buf.h"
#include "diag.h"
#include "fields.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- reading ---- */

struct parse_ctx {
    const char *path;
    reg_table *t;
    const char **line_at; /* start of each line of the text */
    size_t *line_len;     /* its length, newline included */
    size_t nlines;
    buf pending;          /* comment and blank lines not yet attached to an entry */
};

static reg_entry *grow(reg_table *t)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    memset(&t->v[t->n], 0, sizeof t->v[t->n]);
    return &t->v[t->n++];
}

static int parse_addr(struct parse_ctx *c, const fields_line *l, int i, const char *what,
                      uint64_t *out, jerr *e)
{
    if (parse_u64(l->f[i], 1, out) != 0)
        return jerr_at(e, EXIT_BAD, c->path, l->line, l->col[i],
                       "invalid %s address '%s' (expected hex, like 0x60000000)", what, l->f[i]);
    return 0;
}

static int on_line(void *vctx, const fields_line *l, jerr *e)
{
    struct parse_ctx *c = vctx;
    const char *raw;
    size_t rawlen;
    reg_entry *x;
    uint64_t start, end;

    if (l->line == 0 || l->line > c->nlines) {
        /* Every line the parser reports is a line of the text; guard the index anyway. */
        return 0;
    }
    raw = c->line_at[l->line - 1];
    rawlen = c->line_len[l->line - 1];
    if (l->n == 0) {
        buf_add(&c->pending, raw, rawlen);
        return 0;
    }
    if (l->n < 3)
        return jerr_at(e, EXIT_BAD, c->path, l->line, l->col[0],
                       "expected 'start end name [version] [contact...]', found %d field%s", l->n,
                       l->n == 1 ? "" : "s");
    if (parse_addr(c, l, 0, "start", &start, e) || parse_addr(c, l, 1, "end", &end, e))
        return -1;
    if (end < start)
        return jerr_at(e, EXIT_BAD, c->path, l->line, l->col[1],
                       "the range of '%s' ends (0x%08" PRIx64 ") before it starts (0x%08" PRIx64 ")", l->f[2],
                       end, start);
    x = grow(c->t);
    x->start = start;
    x->end = end;
    x->name = xstrdup(l->f[2]);
    x->version = l->n > 3 ? xstrdup(l->f[3]) : NULL;
    if (l->n > 4) {
        buf b = {0};
        for (int i = 4; i < l->n; i++) {
            if (i > 4)
                buf_addc(&b, ' ');
            buf_adds(&b, l->f[i]);
        }
        x->contact = buf_cstr(&b);
    }
    if (l->comment) {
        const char *c0 = l->comment + strspn(l->comment, " \t");
        size_t n = strlen(c0);
        while (n && strchr(" \t\r", c0[n - 1]))
            n--;
        x->note = n ? xstrndup(c0, n) : NULL;
    }
    x->line = l->line;
    x->raw = xstrndup(raw, rawlen);
    x->before = buf_cstr(&c->pending);
    memset(&c->pending, 0, sizeof c->pending);
    return 0;
}

int reg_parse(const char *path, const char *text, size_t len, reg_table *t, jerr *e)
{
    struct parse_ctx c;
    size_t cap = 64;
    int rc;

    memset(t, 0, sizeof *t);
    t->path = xstrdup(path);
    memset(&c, 0, sizeof c);
    c.path = path;
    c.t = t;
    c.line_at = xmalloc(cap * sizeof *c.line_at);
    c.line_len = xmalloc(cap * sizeof *c.line_len);
    for (size_t off = 0; off < len;) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t n = nl ? (size_t)(nl - (text + off)) + 1 : len - off;
        if (c.nlines == cap) {
            cap *= 2;
            c.line_at = xrealloc(c.line_at, cap * sizeof *c.line_at);
            c.line_len = xrealloc(c.line_len, cap * sizeof *c.line_len);
        }
        c.line_at[c.nlines] = text + off;
        c.line_len[c.nlines++] = n;
        off += n;
    }
    rc = fields_parse(path, text, len, on_line, &c, e);
    free(c.line_at);
    free(c.line_len);
    if (rc != 0) {
        buf_free(&c.pending);
        reg_free(t);
        return -1;
    }
    t->trailer = buf_cstr(&c.pending);
    return 0;
}

int reg_load(const char *path, reg_table *t, jerr *e)
{
    blob b;
    int rc;
    if (blob_read(path, &b, e) != 0) {
        memset(t, 0, sizeof *t);
        return -1;
    }
    rc = reg_parse(path, (const char *)b.p, b.len, t, e);
    blob_free(&b);
    return rc;
}

static void entry_free(reg_entry *x)
{
    free(x->name);
    free(x->version);
    free(x->contact);
    free(x->note);
    free(x->raw);
    free(x->before);
}

void reg_free(reg_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        entry_free(&t->v[i]);
    free(t->v);
    free(t->path);
    free(t->trailer);
    memset(t, 0, sizeof *t);
}

/* ---- writing ---- */

void reg_format(buf *b, const reg_entry *x)
{
    buf_printf(b, "0x%08" PRIx64 " 0x%08" PRIx64 " %s", x->start, x->end, x->name);
    if (x->version)
        buf_printf(b, " %s", x->version);
    if (x->contact)
        buf_printf(b, " %s", x->contact);
    if (x->note)
        buf_printf(b, "  # %s", x->note);
    buf_addc(b, '\n');
}

/* Append a piece of text, ending the previous line first if the file's last line had none. */
static void add_piece(buf *out, const char *s, size_t n)
{
    if (n && out->len && out->p[out->len - 1] != '\n')
        buf_addc(out, '\n');
    buf_add(out, s, n);
}

void reg_serialize(const reg_table *t, buf *out)
{
    for (size_t i = 0; i < t->n; i++) {
        const reg_entry *x = &t->v[i];
        if (x->before)
            add_piece(out, x->before, strlen(x->before));
        if (x->raw) {
            add_piece(out, x->raw, strlen(x->raw));
        } else {
            buf b = {0};
            reg_format(&b, x);
            add_piece(out, (const char *)b.p, b.len);
            buf_free(&b);
        }
    }
    if (t->trailer)
        add_piece(out, t->trailer, strlen(t->trailer));
}

int reg_save(const char *path, const reg_table *t, jerr *e)
{
    buf b = {0};
    struct stat st;
    unsigned mode = 0644;
    int rc;
    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;
    reg_serialize(t, &b);
    rc = file_commit(path, b.p ? b.p : (const uint8_t *)"", b.len, mode, e);
    buf_free(&b);
    return rc;
}

void reg_append(reg_table *t, uint64_t start, uint64_t end, const char *name, const char *version,
                const char *contact)
{
    reg_entry *x = grow(t);
    x->start = start;
    x->end = end;
    x->name = xstrdup(name);
    x->version = version ? xstrdup(version) : NULL;
    x->contact = contact ? xstrdup(contact) : NULL;
    /* Appending puts the new line at the very end: the trailing comments now precede it. */
    x->before = t->trailer ? t->trailer : xstrdup("");
    t->trailer = xstrdup("");
}

size_t reg_remove(reg_table *t, const char *name)
{
    size_t w = 0, removed = 0;
    char *carry = NULL; /* comments above removed entries, kept for the next line */
    for (size_t i = 0; i < t->n; i++) {
        reg_entry *x = &t->v[i];
        if (!strcmp(x->name, name)) {
            char *b = xasprintf("%s%s", carry ? carry : "", x->before ? x->before : "");
            free(carry);
            carry = b;
            entry_free(x);
            removed++;
            continue;
        }
        if (carry) {
            char *b = xasprintf("%s%s", carry, x->before ? x->before : "");
            free(x->before);
            x->before = b;
            free(carry);
            carry = NULL;
        }
        t->v[w++] = *x;
    }
    t->n = w;
    if (carry) {
        char *b = xasprintf("%s%s", carry, t->trailer ? t->trailer : "");
        free(t->trailer);
        t->trailer = b;
        free(carry);
    }
    return removed;
}

char *reg_default_path(const char *explicit_path)
{
    const char *env = getenv("JUMP_REGISTRY");
    if (explicit_path)
        return xstrdup(explicit_path);
    if (env && *env)
        return xstrdup(env);
    return proc_install_path("share/jump/registry.table");
}

/* ---- interval logic ---- */

struct sort_key {
    uint64_t start, end;
    size_t i;
};

static int key_cmp(const void *pa, const void *pb)
{
    const struct sort_key *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

void reg_sort(const reg_entry *v, size_t n, size_t *idx)
{
    struct sort_key *k;
    if (n == 0)
        return;
    k = xmalloc(n * sizeof *k);
    for (size_t i = 0; i < n; i++) {
        k[i].start = v[i].start;
        k[i].end = v[i].end;
        k[i].i = i;
    }
    qsort(k, n, sizeof *k, key_cmp);
    for (size_t i = 0; i < n; i++)
        idx[i] = k[i].i;
    free(k);
}

size_t reg_overlapping(const reg_entry *v, size_t n, uint64_t start, uint64_t end, size_t *out)
{
    size_t *idx, count = 0;
    if (n == 0)
        return 0;
    idx = xmalloc(n * sizeof *idx);
    reg_sort(v, n, idx);
    for (size_t k = 0; k < n && v[idx[k]].start <= end; k++) {
        if (reg_overlap(start, end, v[idx[k]].start, v[idx[k]].end)) {
            if (out)
                out[count] = idx[k];
            count++;
        }
    }
    free(idx);
    return count;
}

size_t reg_overlap_pairs(const reg_entry *v, size_t n, reg_pair **out)
{
    size_t *idx, count = 0, cap = 0;
    reg_pair *p = NULL;
    *out = NULL;
    if (n == 0)
        return 0;
    idx = xmalloc(n * sizeof *idx);
    reg_sort(v, n, idx);
    /* In start order, a later entry overlaps an earlier one exactly when it starts at or before
     * the earlier one's end; the first that starts after it ends no later one can reach. */
    for (size_t i = 0; i < n; i++) {
        const reg_entry *a = &v[idx[i]];
        for (size_t j = i + 1; j < n && v[idx[j]].start <= a->end; j++) {
            if (count == cap) {
                cap = cap ? 2 * cap : 16;
                p = xrealloc(p, cap * sizeof *p);
            }
            p[count].a = idx[i];
            p[count].b = idx[j];
            count++;
        }
    }
    free(idx);
    *out = p;
    return count;
}

/* Round x up to a multiple of a; -1 on overflow. */
static int align_up(uint64_t x, uint64_t a, uint64_t *out)
{
    uint64_t r = x % a;
    if (r == 0) {
        *out = x;
        return 0;
    }
    if (x > UINT64_MAX - (a - r))
        return -1;
    *out = x + (a - r);
    return 0;
}

int reg_find_free(const reg_entry *v, size_t n, uint64_t size, uint64_t align, uint64_t lo,
                  uint64_t hi, uint64_t *start)
{
    uint64_t s;
    if (size == 0 || align == 0 || align_up(lo, align, &s) != 0)
        return -1;
    for (;;) {
        uint64_t last, next = 0;
        int hit = 0;
        if (s > hi || size - 1 > hi - s)
            return -1; /* also covers s + size - 1 overflowing */
        last = s + size - 1;
        for (size_t i = 0; i < n; i++) {
            if (reg_overlap(s, last, v[i].start, v[i].end)) {
                if (!hit || v[i].end > next)
                    next = v[i].end;
                hit = 1;
            }
        }
        if (!hit) {
            *start = s;
            return 0;
        }
        /* Skip past the furthest-reaching occupant; s strictly grows, so this ends. */
        if (next == UINT64_MAX || align_up(next + 1, align, &s) != 0)
            return -1;
    }
}

/* ---- locking ---- */

int reg_lock(const char *path, jerr *e)
{
    char *lp = xasprintf("%s.lock", path);
    int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        jerr_sys(e, "cannot open the lock file '%s'", lp);
        free(lp);
        return -1;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        jerr_sys(e, "cannot lock '%s'", lp);
        close(fd);
        free(lp);
        return -1;
    }
    free(lp);
    return fd;
}

void reg_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing the only descriptor releases the flock */
}

/* ---- mkimage's check ---- */

/* "libet's registration 0x66800000-0x6687ffff (libcom_err, e2fsprogs' ...; table:31)": the
 * line's comment says whose range it is, since classic names (libet) are not obvious. */
static void describe(buf *b, const reg_table *t, const reg_entry *x)
{
    buf_printf(b, "%s's registration 0x%08" PRIx64 "-0x%08" PRIx64 " (", x->name, x->start, x->end);
    if (x->note)
        buf_printf(b, "%s; ", x->note);
    buf_printf(b, "%s:%u)", t->path, x->line);
}

/* Warnings about an image's own registration: none, an image outside it, or a range that
 * runs under or over it (the one containing the start, else one it overlaps, else the first). */
static void own_range_warnings(const reg_table *t, const char *name, uint64_t start, uint64_t end,
                               const char *find_opts, buf *warn)
{
    const reg_entry *own = NULL;
    uint64_t last = end - 1;
    int own_count = 0;
    for (size_t i = 0; i < t->n; i++) {
        const reg_entry *x = &t->v[i];
        if (strcmp(x->name, name))
            continue;
        own_count++;
        if (x->start <= start && start <= x->end) {
            own = x;
            break;
        }
        if (!own || (reg_overlap(start, last, x->start, x->end) && !reg_overlap(start, last, own->start, own->end)))
            own = x;
    }
    if (!own_count) {
        buf_printf(warn,
                   "%s is not in the registry %s; run 'registry find 0x%" PRIx64
                   "%s' to choose a free range and 'registry add' to claim it\n",
                   name, t->path, end - start, find_opts ? find_opts : "");
    } else if (!reg_overlap(start, last, own->start, own->end)) {
        buf_printf(warn, "%s uses 0x%08" PRIx64 "-0x%08" PRIx64 ", outside ", name, start, last);
        describe(warn, t, own);
        buf_addc(warn, '\n');
    } else {
        if (start < own->start)
            buf_printf(warn,
                       "%s uses 0x%08" PRIx64 "-0x%08" PRIx64 " but its registration starts at 0x%08" PRIx64
                       " (%" PRIu64 " bytes under)\n",
                       name, start, last, own->start, own->start - start);
        if (last > own->end)
            buf_printf(warn,
                       "%s uses 0x%08" PRIx64 "-0x%08" PRIx64 " but its registration ends at 0x%08" PRIx64
                       " (%" PRIu64 " bytes over; the image needs 0x%" PRIx64
                       " bytes, the registration has 0x%" PRIx64 ")\n",
                       name, start, last, own->end, last - own->end, end - start,
                       own->end - own->start + 1);
    }
}

int reg_check_image(const char *path, const char *name, uint64_t start, uint64_t end, int force,
                    buf *warn, jerr *e)
{
    return reg_check_part(path, name, start, end, NULL, force, warn, e);
}

int reg_check_part(const char *path, const char *name, uint64_t start, uint64_t end, const char *find_opts,
                   int force, buf *warn, jerr *e)
{
    char *p = reg_default_path(path);
    reg_table t;
    size_t *hits, nhits, nother = 0;
    uint64_t last;
    buf msg = {0};
    int rc = 0;

    if (end <= start) {
        free(p);
        return jerr_set(e, EXIT_BAD, "%s: empty or inverted image range 0x%08" PRIx64 "-0x%08" PRIx64,
                        name, start, end);
    }
    last = end - 1;
    if (reg_load(p, &t, e) != 0) {
        free(p);
        return -1;
    }
    hits = xmalloc((t.n ? t.n : 1) * sizeof *hits);
    nhits = reg_overlapping(t.v, t.n, start, last, hits);

    /* Another library's range: an error unless forced. */
    for (size_t k = 0; k < nhits; k++) {
        const reg_entry *x = &t.v[hits[k]];
        if (!strcmp(x->name, name))
            continue;
        if (nother++ == 0)
            buf_printf(&msg, "%s would use 0x%08" PRIx64 "-0x%08" PRIx64 ", which overlaps ", name,
                       start, last);
        else
            buf_adds(&msg, " and ");
        describe(&msg, &t, x);
    }
    if (nother) {
        if (!force) {
            jerr_set(e, EXIT_BAD, "%.*s", (int)msg.len, (const char *)msg.p);
            rc = -1;
            goto out;
        }
        if (warn) {
            buf_add(warn, msg.p, msg.len);
            buf_adds(warn, " (forced)\n");
        }
    }

    if (warn)
        own_range_warnings(&t, name, start, end, find_opts, warn);
out:
    buf_free(&msg);
    free(hits);
    reg_free(&t);
    free(p);
    return rc;
}
