/* registry: list, check, add, remove, find and which on the address-range table; the
 * interval logic and the file handling are lib/registry.c's. */
#include "cmd.h"

#include "buf.h"
#include "diag.h"
#include "registry.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void range_text(buf *b, const reg_entry *x)
{
    buf_printf(b, "%s 0x%08" PRIx64 "-0x%08" PRIx64, x->name, x->start, x->end);
}

static int do_list(const reg_table *t, FILE *out)
{
    size_t *idx = xmalloc((t->n ? t->n : 1) * sizeof *idx);
    buf b = {0};
    reg_sort(t->v, t->n, idx);
    for (size_t k = 0; k < t->n; k++)
        reg_format(&b, &t->v[idx[k]]);
    fwrite(b.p ? (const void *)b.p : "", 1, b.len, out);
    buf_free(&b);
    free(idx);
    return EXIT_OK;
}

/* "path:9: libfoo 0x..-0x.. overlaps libX11 0x..-0x.. (line 3)": the later line first, so
 * the message points at the entry that most likely caused it. */
static int do_check(const reg_table *t, FILE *out)
{
    reg_pair *p;
    size_t np = reg_overlap_pairs(t->v, t->n, &p);
    for (size_t k = 0; k < np; k++) {
        const reg_entry *a = &t->v[p[k].a], *b = &t->v[p[k].b];
        buf m = {0};
        char *s;
        if (a->line > b->line) {
            const reg_entry *tmp = a;
            a = b;
            b = tmp;
        }
        buf_printf(&m, "%s:%u: ", t->path, b->line);
        range_text(&m, b);
        buf_adds(&m, " overlaps ");
        range_text(&m, a);
        buf_printf(&m, " (line %u)", a->line);
        s = buf_cstr(&m);
        fprintf(out, "%s\n", s);
        free(s);
    }
    free(p);
    if (np) {
        fflush(out);
        diag_error("%s: %zu overlapping pair%s", t->path, np, np == 1 ? "" : "s");
        return EXIT_BAD;
    }
    fprintf(out, "%s: %zu entr%s, no overlaps\n", t->path, t->n, t->n == 1 ? "y" : "ies");
    return EXIT_OK;
}

static int do_add(const registry_cmd *c, reg_table *t, jerr *e)
{
    size_t *hits = xmalloc((t->n ? t->n : 1) * sizeof *hits);
    size_t nhits = reg_overlapping(t->v, t->n, c->start, c->end, hits);
    buf m = {0};
    int rc = 0;

    for (size_t i = 0; i < t->n; i++) {
        const reg_entry *x = &t->v[i];
        if (strcmp(x->name, c->name))
            continue;
        if (!c->force) {
            rc = jerr_set(e, EXIT_BAD,
                          "%s is already registered at 0x%08" PRIx64 "-0x%08" PRIx64
                          " (%s:%u); 'registry remove %s' first, or -f to add a second range",
                          c->name, x->start, x->end, t->path, x->line, c->name);
            goto out;
        }
        diag_warn("%s is already registered at 0x%08" PRIx64 "-0x%08" PRIx64
                  " (%s:%u); adding a second range (forced)",
                  c->name, x->start, x->end, t->path, x->line);
        break;
    }
    if (nhits) {
        buf_printf(&m, "0x%08" PRIx64 "-0x%08" PRIx64 " overlaps ", c->start, c->end);
        for (size_t k = 0; k < nhits; k++) {
            const reg_entry *x = &t->v[hits[k]];
            if (k)
                buf_adds(&m, ", ");
            range_text(&m, x);
            buf_printf(&m, " (line %u)", x->line);
        }
        if (!c->force) {
            rc = jerr_set(e, EXIT_BAD, "%s: %.*s; use -f to register it anyway", t->path,
                          (int)m.len, (const char *)m.p);
            goto out;
        }
        diag_warn("%s: %.*s (forced)", t->path, (int)m.len, (const char *)m.p);
    }
    if (c->start < 0x60000000u)
        diag_warn("0x%08" PRIx64 " is below 0x60000000, the lowest address of a jump image",
                  c->start);
    reg_append(t, c->start, c->end, c->name, c->version, c->contact);
out:
    buf_free(&m);
    free(hits);
    return rc;
}

/* add and remove: under the table's lock, read it fresh, edit, replace it atomically. */
static int do_edit(const registry_cmd *c, jerr *e)
{
    reg_table t;
    /* Edit the file a symbolic link points to, so the link stays a link (messages keep
     * the name the user gave). */
    struct stat st;
    char *real = lstat(c->table, &st) == 0 && S_ISLNK(st.st_mode) ? realpath(c->table, NULL) : NULL;
    const char *target = real ? real : c->table;
    int fd = reg_lock(target, e), rc;
    if (fd < 0) {
        free(real);
        return -1;
    }
    if (reg_load(c->table, &t, e) != 0) {
        reg_unlock(fd);
        free(real);
        return -1;
    }
    if (c->cmd == RC_ADD) {
        rc = do_add(c, &t, e);
    } else {
        rc = reg_remove(&t, c->name) ? 0
                                     : jerr_set(e, EXIT_BAD, "%s: %s is not registered", c->table, c->name);
    }
    if (rc == 0)
        rc = reg_save(target, &t, e);
    reg_free(&t);
    reg_unlock(fd);
    free(real);
    return rc;
}

static int do_find(const registry_cmd *c, const reg_table *t, FILE *out, jerr *e)
{
    uint64_t s;
    if (reg_find_free(t->v, t->n, c->size, c->align, c->lo, c->hi, &s) != 0)
        return jerr_set(e, EXIT_BAD,
                        "%s: no free range of 0x%" PRIx64 " bytes (aligned to 0x%" PRIx64
                        ") between 0x%08" PRIx64 " and 0x%08" PRIx64,
                        t->path, c->size, c->align, c->lo, c->hi);
    fprintf(out, "0x%08" PRIx64 " 0x%08" PRIx64 "\n", s, s + c->size - 1);
    return EXIT_OK;
}

static int do_which(const registry_cmd *c, const reg_table *t, FILE *out)
{
    size_t *hits = xmalloc((t->n ? t->n : 1) * sizeof *hits);
    size_t nhits = reg_overlapping(t->v, t->n, c->addr, c->addr, hits);
    buf b = {0};
    for (size_t k = 0; k < nhits; k++)
        reg_format(&b, &t->v[hits[k]]);
    fwrite(b.p ? (const void *)b.p : "", 1, b.len, out);
    buf_free(&b);
    free(hits);
    if (!nhits) {
        fflush(out);
        diag_error("%s: 0x%08" PRIx64 " is not in any registered range", t->path, c->addr);
        return EXIT_BAD;
    }
    return EXIT_OK;
}

int registry_run(const registry_cmd *c, FILE *out, jerr *e)
{
    reg_table t;
    int rc;
    if (c->cmd == RC_ADD || c->cmd == RC_REMOVE)
        return do_edit(c, e);
    if (reg_load(c->table, &t, e) != 0)
        return -1;
    switch (c->cmd) {
    case RC_LIST:
        rc = do_list(&t, out);
        break;
    case RC_CHECK:
        rc = do_check(&t, out);
        break;
    case RC_FIND:
        rc = do_find(c, &t, out, e);
        break;
    default:
        rc = do_which(c, &t, out);
        break;
    }
    reg_free(&t);
    return rc;
}
