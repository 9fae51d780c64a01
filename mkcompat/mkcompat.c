/* mkcompat: the old stub fixes every slot index and variable offset; the current control file
 * supplies the lines (types, objfiles) and whatever is new, which goes after the classic
 * comment lines at the end. */
#include "mkcompat.h"
#include "buf.h"
#include "ctl.h"
#include "diag.h"
#include "stubmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef unsigned long long ull;

static const char new_header[] = "# Anything below this line is new to the old library\n"
                                 "# Note: It is possible that some/all of these could be moved to "
                                 "jump.ignore\n";

static int is_dummy(const jf_entry *x) { return !strcmp(x->name, JF_DUMMY); }

static void put(buf *out, int flags, uint64_t size, char type, const char *name, const char *lib,
                const char *obj, const char *needs)
{
    jf_entry x;
    memset(&x, 0, sizeof x);
    x.size = size;
    x.type = type;
    x.name = (char *)name;
    x.library = (char *)lib;
    x.objfile = (char *)obj;
    x.needs = (char *)needs;
    jf_format(out, &x, flags);
}

static void put_sized(buf *out, int flags, const jf_entry *x, uint64_t size)
{
    put(out, flags, size, x->type, x->name, x->library, x->objfile, x->needs);
}

/* Append the entries of `cur` not placed yet and not retired, after the classic header;
 * the count. */
static long append_new(const jf_file *cur, const unsigned char *used, const strmap *old, buf *out,
                       int flags)
{
    long n = 0;
    for (size_t k = 1; k <= cur->n; k++) {
        const jf_entry *x = &cur->v[k - 1];
        uintptr_t v;
        if (used[k] || is_dummy(x) || x->type == 'U' || strmap_get(old, x->name, &v))
            continue;
        if (!n++)
            buf_adds(out, new_header);
        jf_format(out, x, flags);
    }
    return n;
}

/* The next entry of the current file that may fill a gap (a slot or entry the old stub
 * names nothing at: an unexported function, a withdrawn or retired entry), in file order:
 * not placed yet and not an old name. 0 if none is left. *cursor remembers the position. */
static size_t gap_filler(const jf_file *cur, size_t *cursor, const unsigned char *used,
                         const strmap *old, int vars)
{
    for (; *cursor <= cur->n; ++*cursor) {
        size_t k = *cursor;
        const jf_entry *x = &cur->v[k - 1];
        uintptr_t v;
        if (used[k] || (!is_dummy(x) && strmap_get(old, x->name, &v)))
            continue;
        if (vars ? (is_dummy(x) || x->type == 'U') : x->type != 'T')
            return (*cursor)++;
    }
    return 0;
}

/* "libxyz" for "libxyz.so.1": the library column of the placeholders. malloc'ed. */
static char *lib_name(const stubmap *m)
{
    const char *so = strstr(m->soname, ".so.");
    return so ? xstrndup(m->soname, (size_t)(so - m->soname)) : xstrdup(m->root);
}

static const jf_file no_file;

long mkcompat_funcs(const stubmap *m, const jf_file *cur, int flags, buf *out, buf *notes, jerr *e)
{
    int alone = !cur;
    if (alone)
        cur = &no_file;
    unsigned char *used = xcalloc(cur->n + 2, 1);
    strmap old = {0};
    char *lib = lib_name(m);
    const char *obj = lib;
    size_t cursor = 1, g;
    long lost = 0, added;
    (void)e;
    for (unsigned long i = 1; i <= m->maxslot; i++)
        if (m->slot[i])
            strmap_put(&old, m->slot[i], i);
    for (unsigned long i = 1; i <= m->maxslot; i++) {
        size_t k;
        if (!m->slot[i]) {
            if ((g = gap_filler(cur, &cursor, used, &old, 0))) {
                jf_format(out, &cur->v[g - 1], flags);
                used[g] = 1;
            } else {
                put(out, flags, 0, 'U', JF_DUMMY, lib, obj, NULL);
            }
            continue;
        }
        k = jf_index(cur, m->slot[i]);
        if (k) {
            jf_format(out, &cur->v[k - 1], flags);
            used[k] = 1;
            obj = cur->v[k - 1].objfile;
        } else {
            if (m->slot_obj[i])
                obj = m->slot_obj[i];
            if (alone) {
                put(out, flags, 0, 'T', m->slot[i], lib, obj, NULL);
                continue;
            }
            put(out, flags, 0, 'U', JF_DUMMY, lib, obj, NULL);
            buf_printf(notes, "Lost function '%s' (slot %lu)\n", m->slot[i], i);
            lost++;
        }
    }
    if (lost)
        buf_printf(notes, "Used %ld placeholder(s) for lost function(s)\n", lost);
    added = append_new(cur, used, &old, out, flags);
    if (added)
        buf_printf(notes, "Found %ld new function(s)\n", added);
    strmap_free(&old);
    free(used);
    free(lib);
    return lost;
}

/* The reserve of each jump.vars entry 1..nent (size[j]): the distance between consecutive
 * known offsets (var[j] NULL: the stub names nothing at entry j). An entry the stub names
 * nothing at (a retired one) takes what lies between the reserve before it and the next known
 * offset; a run of them puts it all on the first. The last known one keeps its own reserve,
 * else runs to the end of the data. -1 with e set when the offsets go backwards. */
static int reserve_sizes(const stubmap *m, const smap_var **var, unsigned long nent, uint64_t *size, jerr *e)
{
    unsigned long j0 = 0;
    for (unsigned long j1 = 1; j1 <= nent + 1; j1++) {
        uint64_t start, next;
        if (j1 <= nent && !var[j1])
            continue;
        start = j0 ? var[j0]->offset : 0;
        if (j1 <= nent) {
            next = var[j1]->offset;
        } else if (j0) {
            uint64_t end = var[j0]->type == 'K' ? m->l.got - (m->origin + m->jumpsize) + var[j0]->offset
                                                 : m->last_data - m->l.data;
            next = var[j0]->size ? start + var[j0]->size : (end > start ? end : start);
        } else {
            next = 0;
        }
        if (next < start)
            return jerr_set(e, EXIT_BAD,
                            "the stub's variables are not in the order of their cells: '%s' (cell %lu) is at "
                            "offset 0x%llx, below '%s' (cell %lu) at 0x%llx",
                            var[j1]->name, j1 + 1, (ull)next, var[j0]->name, j0 + 1, (ull)start);
        if (j0) {
            size[j0] = next - start;
            if (j1 > j0 + 1 && var[j0]->size && var[j0]->size < next - start)
                size[j0] = var[j0]->size;
        }
        if (j1 > j0 + 1)
            size[j0 + 1] = next - start - (j0 ? size[j0] : 0);
        j0 = j1 <= nent ? j1 : 0;
    }
    return 0;
}

long mkcompat_vars(const stubmap *m, const jf_file *cur, int flags, buf *out, buf *notes,
                   unsigned *overflows, jerr *e)
{
    int alone = !cur;
    if (alone)
        cur = &no_file;
    /* Entry j (1-based, as in jump.vars) has GOT cell j + 1. */
    unsigned long nent = m->maxcell ? m->maxcell - 1 : 0;
    const smap_var **var = xcalloc(nent + 2, sizeof *var);
    uint64_t *size = xcalloc(nent + 2, sizeof *size);
    unsigned char *used = xcalloc(cur->n + 2, 1);
    strmap old = {0};
    char *lib = lib_name(m);
    const char *obj = lib;
    size_t cursor = 1, g;
    long lost = 0, added = -1;

    *overflows = 0;
    for (unsigned long j = 1; j <= nent; j++) {
        if (m->cell[j + 1]) {
            strmap_put(&old, m->cell[j + 1], j);
            var[j] = smap_var_named(m, m->cell[j + 1]);
        }
    }
    if (reserve_sizes(m, var, nent, size, e) != 0)
        goto out;
    for (unsigned long j = 1; j <= nent; j++) {
        const char *name = m->cell[j + 1];
        size_t k;
        if (!name) {
            if ((g = gap_filler(cur, &cursor, used, &old, 1))) {
                put_sized(out, flags, &cur->v[g - 1], size[j]);
                used[g] = 1;
            } else {
                put(out, flags, size[j], 'D', JF_DUMMY, lib, obj, NULL);
            }
            continue;
        }
        k = jf_index(cur, name);
        if (k) {
            const jf_entry *x = &cur->v[k - 1];
            if (x->size > size[j]) {
                buf_printf(notes,
                           "Variable '%s' needs 0x%llx bytes, more than the 0x%llx the old library "
                           "reserved (cell %lu): kept the reserve\n",
                           name, (ull)x->size, (ull)size[j], j + 1);
                ++*overflows;
            }
            put_sized(out, flags, x, size[j]);
            used[k] = 1;
            obj = x->objfile;
        } else {
            if (var[j])
                obj = var[j]->objfile;
            if (alone) {
                put(out, flags, size[j], var[j] ? var[j]->type : 'D', name, lib, obj, NULL);
                continue;
            }
            put(out, flags, size[j], 'D', JF_DUMMY, lib, obj, NULL);
            if (var[j])
                buf_printf(notes, "Lost variable '%s' (cell %lu, offset 0x%llx)\n", name, j + 1,
                           (ull)var[j]->offset);
            else
                buf_printf(notes, "Lost variable '%s' (cell %lu)\n", name, j + 1);
            lost++;
        }
    }
    if (lost)
        buf_printf(notes, "Used %ld placeholder(s) for lost global data(s)\n", lost);
    added = append_new(cur, used, &old, out, flags);
    if (added)
        buf_printf(notes, "Found %ld new global(s)\n", added);
out:
    strmap_free(&old);
    free(used);
    free(size);
    free(var);
    free(lib);
    return added < 0 ? -1 : lost;
}

int mkcompat_run(const mkcompat_opts *o, FILE *out, FILE *notes, jerr *e)
{
    stubmap m;
    jf_file cur;
    char *path = o->control ? xstrdup(o->control) : jump_dir_file(o->vars ? "jump.vars" : "jump.funcs");
    buf ob = {0}, nb = {0};
    unsigned overflows = 0;
    long r;
    int names = o->names | jf_env_flags();
    int rc = -1, alone = 0;

    memset(&cur, 0, sizeof cur);
    if (smap_load(&m, o->stubs, o->nstubs, e) != 0)
        goto out;
    /* The current file supplies the lines, if there is one: never the file being written
     * (`mkcompat -f old.sa > jump.funcs` has emptied it already), nor a missing or empty one:
     * then the stub alone says everything, which is what rebuilding from an installed stub
     * needs. */
    {
        struct stat st, so;
        int is_out = fstat(fileno(out), &so) == 0 && stat(path, &st) == 0 && st.st_dev == so.st_dev &&
                     st.st_ino == so.st_ino;
        if (is_out || (!o->control && stat(path, &st) != 0 && errno == ENOENT) ||
            (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)) {
            if (is_out)
                buf_printf(&nb, "%s is the output: rebuilt from the stub alone\n", path);
            alone = 1;
        } else if (jf_load(path, o->vars ? JF_VARS : JF_FUNCS, names, &cur, e) != 0) {
            goto out;
        }
    }
    r = o->vars ? mkcompat_vars(&m, alone ? NULL : &cur, names, &ob, &nb, &overflows, e)
                : mkcompat_funcs(&m, alone ? NULL : &cur, names, &ob, &nb, e);
    if (r < 0)
        goto out;
    if (ob.len)
        fwrite(ob.p, 1, ob.len, out);
    if (nb.len) /* an empty buf has no bytes at all: fwrite must not see NULL */
        fwrite(nb.p, 1, nb.len, notes);
    if (fflush(out) != 0) {
        jerr_set(e, EXIT_USAGE, "cannot write the output");
        goto out;
    }
    fflush(notes);
    rc = overflows ? 1 : 0;
out:
    buf_free(&ob);
    buf_free(&nb);
    jf_free(&cur);
    smap_free(&m);
    free(path);
    return rc;
}
