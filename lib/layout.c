/* layout: addresses of slots, cells and variables (DESIGN §5.1). */
#include "layout.h"
#include "buf.h"
#include "diag.h"
#include "jumpfmt.h"
#include "ctl.h"

#include <string.h>

static int size_ok(uint64_t v) { return v && v % 8 == 0 && (v <= 0x1000 || v % 0x1000 == 0); }

int layout_init(layout *l, uint64_t origin, uint64_t jumpsize, uint64_t gotsize,
                uint64_t dataaddr, unsigned cellsize, uint64_t min_origin, jerr *e)
{
    if (origin % JUMP_PAGE)
        return jerr_set(e, EXIT_BAD, "load address 0x%llx is not page-aligned (0x1000)",
                        (unsigned long long)origin);
    if (origin < min_origin)
        return jerr_set(e, EXIT_BAD, "load address 0x%llx is below 0x%llx",
                        (unsigned long long)origin, (unsigned long long)min_origin);
    if (!size_ok(jumpsize))
        return jerr_set(e, EXIT_BAD,
                        "jump table size 0x%llx must be a non-zero multiple of 8, and of 0x1000 above 0x1000",
                        (unsigned long long)jumpsize);
    if (jumpsize < 24)
        return jerr_set(e, EXIT_BAD, "jump table size 0x%llx leaves no room for a slot",
                        (unsigned long long)jumpsize);
    if (!size_ok(gotsize) || gotsize < 2u * cellsize)
        return jerr_set(e, EXIT_BAD,
                        "GOT size 0x%llx must be a multiple of 8 holding at least two cells, and of 0x1000 above 0x1000",
                        (unsigned long long)gotsize);
    if (dataaddr && (dataaddr % JUMP_PAGE || dataaddr < origin + jumpsize + gotsize))
        return jerr_set(e, EXIT_BAD,
                        "data address 0x%llx must be page-aligned and above the jump table and GOT (0x%llx)",
                        (unsigned long long)dataaddr,
                        (unsigned long long)(origin + jumpsize + gotsize));
    l->origin = origin;
    l->jumpsize = jumpsize;
    l->gotsize = gotsize;
    l->dataaddr = dataaddr;
    l->cellsize = cellsize;
    l->split = 0;
    if (dataaddr) {
        l->got = dataaddr - gotsize;
        l->data = dataaddr;
    } else {
        l->got = origin + jumpsize;
        l->data = (l->got + gotsize + JUMP_PAGE - 1) & ~(uint64_t)(JUMP_PAGE - 1);
    }
    return 0;
}

int layout_split(layout *l, uint64_t waddr, jerr *e)
{
    /* Any multiple of JUMP_WALIGN on a page above the read-only part: neighbours' writable
     * parts may share pages (the loader and jump-ldconfig put each one's bytes in place). */
    if (waddr % JUMP_WALIGN || (waddr & ~(uint64_t)(JUMP_PAGE - 1)) < l->got + l->gotsize)
        return jerr_set(e, EXIT_BAD,
                        "writable origin 0x%llx must be a multiple of %u on a page above the jump table and GOT (0x%llx)",
                        (unsigned long long)waddr, JUMP_WALIGN, (unsigned long long)(l->got + l->gotsize));
    l->dataaddr = l->data = waddr;
    l->split = 1;
    return 0;
}

uint64_t layout_slot(const layout *l, unsigned long i) { return l->origin + 8u * (uint64_t)i; }
unsigned long layout_max_slots(const layout *l) { return (unsigned long)(l->jumpsize / 8 - 2); }
uint64_t layout_ctor_slot(const layout *l) { return l->origin + l->jumpsize - 8; }
uint64_t layout_cell(const layout *l, unsigned long n) { return l->got + (uint64_t)l->cellsize * n; }
unsigned long layout_max_cells(const layout *l) { return (unsigned long)(l->gotsize / l->cellsize); }
uint64_t layout_var(const layout *l, uint64_t offset) { return l->data + offset; }

uint64_t layout_var_at(const layout *l, char type, uint64_t offset)
{
    if (type == 'K' && l->dataaddr && !l->split)
        return l->origin + l->jumpsize + offset;
    return layout_var(l, offset);
}

/* v's eight bytes, least significant first, into the FNV-1a hash h. */
static uint32_t mix(uint32_t h, uint64_t v)
{
    uint8_t b[8];
    wr64le(b, v);
    return (uint32_t)jump_fnv1a(h, b, sizeof b);
}

uint32_t layout_digest(const layout *l, const jf_file *funcs, const jf_file *vars)
{
    uint32_t h = JUMP_FNV_BASIS;
    uint64_t off = 0;
    h = mix(h, l->origin);
    h = mix(h, l->got);
    for (size_t i = 0; i < funcs->n; i++) {
        const jf_entry *x = &funcs->v[i];
        int empty = x->type == 'U' || !strcmp(x->name, JF_DUMMY);
        h = mix(h, empty ? 0 : jump_name_hash(x->name));
    }
    h = mix(h, funcs->n);
    for (size_t i = 0; i < vars->n; i++) {
        const jf_entry *x = &vars->v[i];
        int empty = x->type == 'U' || !strcmp(x->name, JF_DUMMY);
        h = mix(h, empty ? 0 : jump_name_hash(x->name));
        h = mix(h, empty ? 0 : layout_var_at(l, x->type, off));
        off += x->size;
    }
    h = mix(h, vars->n);
    return h ? h : 1;
}
