/* libinfo: what the stub says about its library, in the classic report's words: the
 * libraries it requires, its version, the registered area it lies in, its start address,
 * its table sizes and how much of them is used, how many functions and variables. */
#include "libinfo.h"
#include "buf.h"
#include "diag.h"
#include "jumpfmt.h"
#include "registry.h"
#include "stubmap.h"

#include <stdlib.h>
#include <string.h>

typedef unsigned long long ull;

static void version_text(buf *b, uint64_t w)
{
    unsigned long minor = JUMP_VERSION_MINOR(w);
    buf_printf(b, "%lu.%lu.%lu", JUMP_VERSION_MAJOR(w), minor / 100, minor % 100);
}

int libinfo_run(const char *path, const char *registry, FILE *out, jerr *e)
{
    stubmap m;
    reg_table t;
    char *rpath = reg_default_path(registry);
    buf b = {0};
    size_t *hit = NULL, nhit;
    char *p = (char *)path;
    int rc = -1;

    memset(&t, 0, sizeof t);
    if (smap_load(&m, &p, 1, e) != 0)
        goto out;
    if (reg_load(rpath, &t, e) != 0)
        goto out;
    buf_printf(&b, "%s:\n", path);
    for (size_t i = 0; i < m.nneeds; i++)
        buf_printf(&b, "\tLibrary requires %s\n", m.needs[i]);
    buf_adds(&b, "\tLibrary version is ");
    version_text(&b, m.vword);
    buf_printf(&b, " (%s, %s)\n", m.soname, m.desc);
    buf_adds(&b, "\tLibrary resides in ");
    nhit = reg_overlapping(t.v, t.n, m.origin, m.last_data - 1, NULL);
    if (!nhit) {
        buf_adds(&b, "un-registered area\n");
    } else {
        hit = xcalloc(nhit, sizeof *hit);
        reg_overlapping(t.v, t.n, m.origin, m.last_data - 1, hit);
        buf_adds(&b, "registered area occupied by\n");
        for (size_t i = 0; i < nhit; i++) {
            const reg_entry *x = &t.v[hit[i]];
            buf_printf(&b, "\t\t %s 0x%llx-0x%llx", x->name, (ull)x->start, (ull)x->end);
            if (x->version)
                buf_printf(&b, " %s", x->version);
            buf_addc(&b, '\n');
        }
    }
    buf_printf(&b, "\tStart address of library is 0x%llx\n", (ull)m.origin);
    if (m.l.split) /* -w: the stub knows where the writable part starts, not where the text ends */
        buf_printf(&b, "\tUsed address ranges 0x%llx-... and 0x%llx-0x%llx (%s)\n", (ull)m.origin,
                   (ull)m.l.data, (ull)m.last_data, m.arch->name);
    else
        buf_printf(&b, "\tUsed address range 0x%llx-0x%llx (%s)\n", (ull)m.origin, (ull)m.last_data,
                   m.arch->name);
    buf_printf(&b, "\tGlobal Offset Table size is 0x%llx (%llu), %lu of %lu cells used\n",
               (ull)m.gotsize, (ull)m.gotsize, m.maxcell ? m.maxcell + 1 : 2, m.ncells);
    buf_printf(&b, "\tJump Table size is 0x%llx (%llu), %lu of %lu slots used\n", (ull)m.jumpsize,
               (ull)m.jumpsize, m.maxslot, m.nslots);
    buf_printf(&b, "\tEncountered %lu function(s) and %lu global var(s) in stub\n", m.nfuncs,
               m.ncellvars);
    fwrite(b.p, 1, b.len, out);
    rc = 0;
out:
    free(hit);
    buf_free(&b);
    reg_free(&t);
    smap_free(&m);
    free(rpath);
    return rc;
}
