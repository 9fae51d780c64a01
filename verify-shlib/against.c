/* verify-shlib --against / --program: is a new image a drop-in replacement for an old stub
 * (or for what one program uses)? Every finding is graded compatible or incompatible and has
 * a key a waiver file can name; the exit status follows libabigail's abidiff: 0 identical, 4
 * compatible changes only, 12 (4|8) incompatible, 1 error, 2 usage. */
#include "buf.h"
#include "diag.h"
#include "elf.h"
#include "image.h"
#include "../runtime/imgcheck.h"
#include "jumpfmt.h"
#include "proc.h"
#include "registry.h"
#include "stubmap.h"
#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned long long ull;

/* G_TYPE: a change of types the addresses do not show (abidiff, --old-image); G_NOTE: said,
 * never counted (the type comparison could not be made, and why). */
enum { G_NOTE = 0, G_COMPAT = 4, G_INCOMPAT = 8, G_TYPE = 16 };

typedef struct finding {
    char *key, *msg;
    int grade, waived;
} finding;

typedef struct actx {
    const verify_opts *o;
    jimage im;
    int im_open;
    strmap syms;        /* image symbol name -> index (globals win over locals) */
    char *lib;          /* "libxyz": soname without ".so.M" */
    finding *f;
    size_t n, cap;
} actx;

static void add(actx *a, int grade, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(actx *a, int grade, const char *key, const char *fmt, ...)
{
    va_list ap;
    buf b = {0};
    char tmp[1024];
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 16;
        a->f = xrealloc(a->f, a->cap * sizeof *a->f);
    }
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    buf_adds(&b, tmp);
    a->f[a->n].msg = buf_cstr(&b);
    a->f[a->n].key = xstrdup(key);
    a->f[a->n].grade = grade;
    a->f[a->n].waived = 0;
    a->n++;
}

static char *keyf(const char *kind, unsigned long n) { return xasprintf("%s:%lu", kind, n); }

/* How much a slot, cell or variable matters: to the library's users (--against: withdrawing
 * or changing it breaks them), to a program that uses it (likewise), or to a program that
 * links it but never refers to it (neither matters). */
enum { USE_LIBRARY, USE_PROGRAM, USE_LINKED };
/* A withdrawn slot or cell breaks every program that uses it: as incompatible as a change
 * (issue I), unless the program links it without referring to it. */
static int withdraw_grade(int use) { return use == USE_LINKED ? G_COMPAT : G_INCOMPAT; }
static int change_grade(int use) { return use == USE_LINKED ? G_COMPAT : G_INCOMPAT; }

/* ---- the new image ---- */

static int open_image(actx *a, jerr *e)
{
    char *dot;
    if (jimg_open(&a->im, a->o->image, e) != 0)
        return -1;
    a->im_open = 1;
    if (a->im.elf.nsyms <= 1)
        return jerr_set(e, EXIT_BAD,
                        "%s: the image has no symbol table (was it stripped?): compare the image "
                        "as mkimage wrote it",
                        a->o->image);
    for (size_t i = 1; i < a->im.elf.nsyms; i++) {
        const elf_sym *y = &a->im.elf.syms[i];
        uintptr_t old;
        if (y->shndx == SHN_UNDEF_ || !y->name[0] || y->type == STT_SECTION_ || y->type == STT_FILE_)
            continue;
        if (!strmap_get(&a->syms, y->name, &old) ||
            (a->im.elf.syms[old].bind == STB_LOCAL_ && y->bind != STB_LOCAL_))
            strmap_put(&a->syms, y->name, i);
    }
    a->lib = xstrdup(a->im.note.soname);
    if ((dot = strstr(a->lib, ".so.")))
        *dot = 0;
    return 0;
}

static const elf_sym *image_sym(const actx *a, const char *name)
{
    uintptr_t i;
    return strmap_get(&a->syms, name, &i) ? &a->im.elf.syms[i] : NULL;
}

/* The function a slot's jump reaches: "<name>__LOCAL__" at the target, as malloc'ed "name";
 * NULL if the image has none there. */
static char *function_at(const actx *a, uint64_t t)
{
    const elf_file *f = &a->im.elf;
    for (size_t i = 1; i < f->nsyms; i++) {
        const elf_sym *y = &f->syms[i];
        size_t n = strlen(y->name);
        if (y->value == t && y->shndx != SHN_UNDEF_ && n > 9 && !strcmp(y->name + n - 9, "__LOCAL__"))
            return xstrndup(y->name, n - 9);
    }
    return NULL;
}

/* A global data symbol at `addr`, for naming what a cell holds; NULL if none. */
static const char *object_at(const actx *a, uint64_t addr)
{
    const elf_file *f = &a->im.elf;
    const char *any = NULL;
    for (size_t i = 1; i < f->nsyms; i++) {
        const elf_sym *y = &f->syms[i];
        if (y->value != addr || y->shndx == SHN_UNDEF_ || !y->name[0] || y->type == STT_SECTION_ ||
            y->type == STT_FILE_)
            continue;
        if (y->type == STT_OBJECT_ && y->bind != STB_LOCAL_)
            return y->name;
        if (!any)
            any = y->name;
    }
    return any;
}

/* What slot i of the new image holds, against the name `want`. `newstub` (may be NULL) tells
 * whether the new library still exports it. `used`: a program calls it, so withdrawing it is
 * not compatible. */
static void check_slot(actx *a, unsigned long i, const char *want, const stubmap *newstub,
                       int used, const char *how)
{
    const layout *l = &a->im.l;
    uint64_t at = layout_slot(l, i), t;
    uint8_t s[8];
    char *key = keyf("slot", i), *held;
    if (i > layout_max_slots(l)) {
        add(a, change_grade(used), key, "slot %lu '%s'%s lies beyond the new jump table (%lu slots)", i, want,
            how, layout_max_slots(l));
    } else if (elf_read_vaddr(&a->im.elf, at, s, sizeof s) != 0) {
        add(a, change_grade(used), key, "slot %lu '%s'%s: the new image has no bytes at 0x%llx", i, want, how,
            (ull)at);
    } else {
        switch (jimg_slot_decode(s, at, l->cellsize, &t)) {
        case JSLOT_TRAP:
            add(a, withdraw_grade(used), key, "slot %lu '%s'%s is withdrawn (the slot traps)", i,
                want, how);
            break;
        case JSLOT_OTHER:
            add(a, change_grade(used), key, "slot %lu '%s'%s no longer holds a jump", i, want, how);
            break;
        case JSLOT_JUMP:
            held = function_at(a, t);
            if (!held)
                add(a, change_grade(used), key, "slot %lu '%s'%s now jumps to 0x%llx, where the new image has no function",
                    i, want, how, (ull)t);
            else if (strcmp(held, want))
                add(a, change_grade(used), key, "slot %lu '%s'%s now holds '%s'", i, want, how, held);
            else if (newstub && (!newstub->slot[i] || strcmp(newstub->slot[i], want)))
                add(a, G_COMPAT, key, "slot %lu '%s' is no longer exported (the slot still jumps to it)", i,
                    want);
            free(held);
            break;
        }
    }
    free(key);
}

/* GOT cell c, which held the address of `want` (at `addr`, 0 if unknown). */
static void check_cell(actx *a, unsigned long c, uint64_t at, const char *want, uint64_t addr,
                       const stubmap *newstub, int used, const char *how)
{
    const layout *l = &a->im.l;
    uint8_t cell[8];
    uint64_t held;
    const char *name;
    const elf_sym *y = image_sym(a, want);
    char *key = keyf("cell", c);
    if (jimg_cell_index(l, at) != c) {
        add(a, change_grade(used), key, "cell %lu '%s'%s (0x%llx) is not cell %lu of the new GOT (0x%llx-0x%llx)", c,
            want, how, (ull)at, c, (ull)l->got, (ull)(l->got + l->gotsize));
    } else if (elf_read_vaddr(&a->im.elf, at, cell, l->cellsize) != 0) {
        add(a, change_grade(used), key, "cell %lu '%s'%s: the new image has no bytes at 0x%llx", c, want, how,
            (ull)at);
    } else {
        held = l->cellsize == 8 ? rd64le(cell) : rd32le(cell);
        name = held ? object_at(a, held) : NULL;
        if (y && held == y->value && (!addr || held == addr)) {
            if (newstub && (!newstub->cell[c] || strcmp(newstub->cell[c], want)))
                add(a, G_COMPAT, key, "cell %lu '%s' is no longer exported (the cell still holds it)", c,
                    want);
        } else if (y && held == y->value) {
            ; /* the variable moved: its own finding says so */
        } else if (!y && (!newstub || !newstub->cell[c]) && (!name || !held)) {
            add(a, withdraw_grade(used), key, "cell %lu '%s'%s is withdrawn", c, want, how);
        } else if (name) {
            add(a, change_grade(used), key, "cell %lu '%s'%s now holds '%s'", c, want, how, name);
        } else {
            add(a, change_grade(used), key, "cell %lu '%s'%s now holds 0x%llx", c, want, how, (ull)held);
        }
    }
    free(key);
}

/* A variable that was at `addr` with `reserve` bytes (0: unknown). */
static void check_var(actx *a, const char *name, uint64_t addr, uint64_t reserve,
                      const stubmap *newstub, int used, const char *how)
{
    const elf_sym *y = image_sym(a, name);
    const smap_var *nv = newstub ? smap_var_named(newstub, name) : NULL;
    char *key = xasprintf("var:%s", name);
    if (!y || y->shndx == SHN_UNDEF_) {
        add(a, withdraw_grade(used), key, "variable '%s'%s is withdrawn (the new image has no such symbol)",
            name, how);
    } else if (y->value != addr) {
        add(a, change_grade(used), key, "variable '%s'%s moved from 0x%llx to 0x%llx", name, how, (ull)addr,
            (ull)y->value);
    } else if (reserve && y->size > reserve) {
        add(a, change_grade(used), key, "variable '%s'%s is now %llu bytes, more than the %llu the old library reserved",
            name, how, (ull)y->size, (ull)reserve);
    } else if (reserve && nv && nv->size > reserve) {
        add(a, change_grade(used), key, "variable '%s' now reserves %llu bytes, more than the %llu of the old library",
            name, (ull)nv->size, (ull)reserve);
    }
    free(key);
}

static void version_text(char *b, size_t n, uint64_t w)
{
    snprintf(b, n, "%lu.%lu.%lu", JUMP_VERSION_MAJOR(w), JUMP_VERSION_MINOR(w) / 100,
             JUMP_VERSION_MINOR(w) % 100);
}

/* Origin and version: what the loader checks. `minor_lower` grades a lower minor. */
static int check_identity(actx *a, uint64_t origin, uint64_t vword, int minor_lower)
{
    const jimg_note *n = &a->im.note;
    char ov[32], nv[32];
    int same_origin = origin == n->origin;
    if (!same_origin)
        add(a, G_INCOMPAT, "origin", "the load address moved from 0x%llx to 0x%llx", (ull)origin,
            (ull)n->origin);
    version_text(ov, sizeof ov, vword);
    version_text(nv, sizeof nv, a->im.word0);
    if (JUMP_VERSION_MAJOR(vword) != JUMP_VERSION_MAJOR(a->im.word0))
        add(a, G_INCOMPAT, "major", "the major version changed from %lu to %lu (%s to %s)",
            JUMP_VERSION_MAJOR(vword), JUMP_VERSION_MAJOR(a->im.word0), ov, nv);
    else if (JUMP_VERSION_MINOR(a->im.word0) < JUMP_VERSION_MINOR(vword))
        add(a, minor_lower, "minor", "the version went down from %s to %s", ov, nv);
    else if (JUMP_VERSION_MINOR(a->im.word0) > JUMP_VERSION_MINOR(vword))
        add(a, G_COMPAT, "version", "the version went up from %s to %s", ov, nv);
    return same_origin;
}

/* One used range [s, end) against the registry: no other library's registration may overlap
 * it, and one that changed (from *oend; NULL: not known) must stay inside the library's own. */
static void check_range(actx *a, const reg_table *t, uint64_t s, uint64_t end, const uint64_t *oend)
{
    size_t nhit = reg_overlapping(t->v, t->n, s, end - 1, NULL);
    size_t *hit = xcalloc(nhit + 1, sizeof *hit);
    const reg_entry *own = NULL;
    reg_overlapping(t->v, t->n, s, end - 1, hit);
    for (size_t i = 0; i < nhit; i++) {
        const reg_entry *x = &t->v[hit[i]];
        if (!strcmp(x->name, a->lib)) {
            own = x;
            continue;
        }
        add(a, G_INCOMPAT, "range", "the used range 0x%llx-0x%llx overlaps the registration of %s (0x%llx-0x%llx)",
            (ull)s, (ull)end, x->name, (ull)x->start, (ull)x->end);
    }
    free(hit);
    if (oend && end == *oend)
        return;
    if (own && end - 1 > own->end)
        add(a, G_INCOMPAT, "range", "the used range grew to 0x%llx-0x%llx, beyond the registration of %s (0x%llx-0x%llx)",
            (ull)s, (ull)end, own->name, (ull)own->start, (ull)own->end);
    else if (oend)
        add(a, G_COMPAT, "range", "the used range changed from 0x%llx-0x%llx to 0x%llx-0x%llx%s", (ull)s,
            (ull)*oend, (ull)s, (ull)end, own ? "" : " (not registered)");
}

/* The registry, for the image's used range; a split image (-w) uses two, its read-only part
 * and its writable part, each checked on its own (the old stub knows the end of the last
 * one, oend). */
static int check_registry(actx *a, uint64_t oend, jerr *e)
{
    reg_table t;
    char *p = reg_default_path(a->o->registry);
    uint64_t s = a->im.note.origin;
    if (reg_load(p, &t, e) != 0) {
        free(p);
        return -1;
    }
    free(p);
    if (a->im.l.split) {
        check_range(a, &t, s, jimg_text_end(&a->im), NULL);
        s = a->im.l.data;
    }
    check_range(a, &t, s, a->im.note.end, &oend);
    reg_free(&t);
    return 0;
}

static void against_checks(actx *a, const stubmap *old, const stubmap *nw)
{
    const jimg_note *n = &a->im.note;
    /* the major is part of the soname: the version check speaks for it */
    if (strncmp(old->soname, a->lib, strlen(a->lib)) || strncmp(old->soname + strlen(a->lib), ".so.", 4))
        add(a, G_INCOMPAT, "soname", "the old stub is for %s, the new image is %s", old->soname, n->soname);
    if (old->arch != a->im.elf.arch) {
        add(a, G_INCOMPAT, "arch", "the old stub is for %s, the new image for %s", old->arch->name,
            a->im.elf.arch->name);
        return;
    }
    if (!check_identity(a, old->origin, old->vword, G_INCOMPAT))
        return; /* every address differs: the findings above say it all */
    /* Sizes are parameters; what programs see are addresses: a slot or cell the smaller
     * table lacks, or variables that moved, are findings of their own (issue I). */
    if (n->jumpsize != old->jumpsize)
        add(a, G_COMPAT, "jumpsize", "the jump table size changed from 0x%llx to 0x%x", (ull)old->jumpsize,
            n->jumpsize);
    if (n->gotsize != old->gotsize)
        add(a, G_COMPAT, "gotsize", "the GOT size changed from 0x%llx to 0x%x", (ull)old->gotsize, n->gotsize);
    if (old->maxcell && a->im.l.got != old->l.got)
        add(a, G_INCOMPAT, "got", "the GOT moved from 0x%llx to 0x%llx", (ull)old->l.got, (ull)a->im.l.got);
    if (old->nvars && a->im.l.data != old->l.data)
        add(a, G_INCOMPAT, "data", "the variables' area moved from 0x%llx to 0x%llx", (ull)old->l.data,
            (ull)a->im.l.data);
    for (unsigned long i = 1; i <= old->maxslot; i++)
        if (old->slot[i])
            check_slot(a, i, old->slot[i], nw, USE_LIBRARY, "");
    for (unsigned long i = 1; i <= nw->maxslot; i++) {
        if (nw->slot[i] && (i > old->maxslot || !old->slot[i])) {
            char *key = keyf("slot", i);
            add(a, G_COMPAT, key, "slot %lu '%s' added", i, nw->slot[i]);
            free(key);
        }
    }
    for (unsigned long c = 2; c <= old->maxcell; c++) {
        if (old->cell[c]) {
            const smap_var *v = smap_var_named(old, old->cell[c]);
            check_cell(a, c, layout_cell(&old->l, c), old->cell[c], v ? v->addr : 0, nw, USE_LIBRARY, "");
        }
    }
    for (unsigned long c = 2; c <= nw->maxcell; c++) {
        if (nw->cell[c] && (c > old->maxcell || !old->cell[c])) {
            char *key = keyf("cell", c);
            add(a, G_COMPAT, key, "cell %lu '%s' added", c, nw->cell[c]);
            free(key);
        }
    }
    for (size_t i = 0; i < old->nvars; i++) {
        const smap_var *ov = &old->vars[i], *nv = smap_var_named(nw, ov->name);
        check_var(a, ov->name, ov->addr, ov->size, nw, USE_LIBRARY, "");
        /* A variable made constant stays where it was, but the library may fold its value:
         * the programs' writes no longer reach it (issue I). */
        if (nv && (ov->type == 'K') != (nv->type == 'K')) {
            char *key = xasprintf("kind:%s", ov->name);
            add(a, G_INCOMPAT, key, "variable '%s' changed from %s to %s", ov->name,
                ov->type == 'K' ? "a constant (K)" : "data", nv->type == 'K' ? "a constant (K)" : "data");
            free(key);
        }
    }
}

/* ---- beyond addresses: types (issue I) ---- */

static int has_debug_info(const char *path)
{
    blob bl;
    elf_file f;
    jerr e;
    int yes;
    if (elf_open_file(&f, &bl, path, &e) != 0)
        return 0;
    yes = elf_section(&f, ".debug_info") != NULL;
    elf_close_file(&f, &bl);
    return yes;
}

/* A struct's layout or a parameter's type can change with every address kept: libabigail's
 * abidiff compares the two images' DWARF (it reads them as they are, ET_EXEC with a symbol
 * table). Each function or variable it reports is a finding of grade "type"; when the
 * comparison cannot be made, a note says why. */
static void type_checks(actx *a, const char *old_image)
{
    char *abidiff = spawn_which("abidiff", NULL), *out = NULL;
    const char *missing = !has_debug_info(old_image) ? old_image : !has_debug_info(a->o->image) ? a->o->image : NULL;
    jerr e;
    int st;
    if (!abidiff) {
        add(a, G_NOTE, "types", "types not compared: abidiff is not installed (apt-get install abigail-tools)");
        return;
    }
    if (missing) {
        add(a, G_NOTE, "types", "types not compared: %s has no debug information (build it with -g)", missing);
        free(abidiff);
        return;
    }
    {
        char *argv[] = {abidiff, "--no-show-locs", (char *)old_image, (char *)a->o->image, NULL};
        st = spawn_capture_status(argv, 0, &out, &e);
    }
    free(abidiff);
    if (st < 0 || (st & 3)) { /* 1: error, 2: usage */
        add(a, G_NOTE, "types", "types not compared: abidiff failed%s%s", st < 0 ? ": " : "", st < 0 ? e.msg : "");
        free(out);
        return;
    }
    /* "  [C] 'function int f(pt*)' has some indirect sub-type changes:", and [D], [A] lines */
    for (char *line = out, *nl; st && line && *line; line = nl ? nl + 1 : NULL) {
        char *q, *r, *key;
        nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        q = line + strspn(line, " ");
        if (strncmp(q, "[C] '", 5) && strncmp(q, "[D] '", 5))
            continue;
        r = strchr(q + 5, '\'');
        if (!r)
            continue;
        key = xasprintf("type:%.*s", (int)(r - (q + 5)), q + 5);
        add(a, G_TYPE, key, "%s %.*s (abidiff)", q[1] == 'C' ? "changed:" : "removed:", (int)(r - (q + 5)), q + 5);
        free(key);
    }
    free(out);
}

/* ---- the program ---- */

typedef struct prog {
    blob b;
    elf_file f;
    int open;
    uint64_t *refs;     /* addresses the program's bytes refer to near the image, sorted */
    size_t nrefs;
    uint64_t *ptrs;     /* a PIE program's pointers: the places of its relative relocations, sorted */
    size_t nptrs;
} prog;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The linked program has no relocations left, so find its references the way a reader of
 * the code would: every 4 bytes of its loaded segments read as an absolute address (i386
 * operands, pointers in data, x86-64 32-bit immediates and the low half of 64-bit pointers)
 * and, in code after an opcode or ModRM byte that takes one (jv_rel32_at: calls, jumps,
 * %rip operands), as a rel32 relative to the next byte, kept when it
 * lands in [lo, hi) (near the image) or [plo, phi) (the entries and copies the stubs put in
 * the program). A stray match only makes the check stricter. */
static void collect_refs(prog *p, uint64_t lo, uint64_t hi, uint64_t plo, uint64_t phi, const uint64_t skip[6])
{
    size_t cap = 0;
    for (size_t i = 0; i < p->f.nphdrs; i++) {
        const elf_phdr *ph = &p->f.phdrs[i];
        if (ph->type != PT_LOAD_ || !in_bounds(p->b.len, ph->offset, ph->filesz) || ph->filesz < 4)
            continue;
        for (uint64_t o = 0; o + 4 <= ph->filesz; o++) {
            uint32_t v = rd32le(p->b.p + ph->offset + o);
            uint64_t cand[2], va = ph->vaddr + o;
            /* the library records, the override table and the names the loader checks
             * (jump_used) list every slot: not references */
            if ((va + 4 > skip[0] && va < skip[1]) || (va + 4 > skip[2] && va < skip[3]) ||
                (va + 4 > skip[4] && va < skip[5]))
                continue;
            cand[0] = v;
            cand[1] = ph->vaddr + o + 4 + (uint64_t)(int64_t)(int32_t)v;
            if (p->f.arch->ptrsize == 4)
                cand[1] &= 0xffffffffu;
            /* a rel32 only where an instruction can hold one, as the loader reads it */
            for (int k = 0; k < ((ph->flags & PF_X_) && jv_rel32_at(p->b.p + ph->offset, o, p->f.arch->ptrsize) ? 2 : 1); k++) {
                if ((cand[k] < lo || cand[k] >= hi) && (cand[k] < plo || cand[k] >= phi))
                    continue;
                /* A PIE program lies at 0 here, where small numbers abound (its dynamic
                 * relocations among them): its pointers to itself are the words its relative
                 * relocations name, its rel32 references to itself are code's (the image's
                 * fixed addresses are taken as they come). */
                if (p->f.type == ET_DYN_ && (cand[k] < lo || cand[k] >= hi) &&
                    (k == 0 ? !(p->nptrs && bsearch(&va, p->ptrs, p->nptrs, sizeof *p->ptrs, cmp_u64))
                            : !(ph->flags & PF_X_)))
                    continue;
                if (p->nrefs == cap) {
                    cap = cap ? 2 * cap : 256;
                    p->refs = xrealloc(p->refs, cap * sizeof *p->refs);
                }
                p->refs[p->nrefs++] = cand[k];
            }
        }
    }
    if (p->nrefs)
        qsort(p->refs, p->nrefs, sizeof *p->refs, cmp_u64);
}

static int referenced(const prog *p, uint64_t addr)
{
    return p->nrefs && bsearch(&addr, p->refs, p->nrefs, sizeof *p->refs, cmp_u64) != NULL;
}

/* A reference anywhere in a variable of `size` bytes at addr (v[9], s.field), or up to 4
 * bytes before it: a %rip operand followed by an immediate (movl $4, v(%rip)) is relative
 * to the end of the instruction, which the scan takes for the end of the displacement. */
static int referenced_var(const prog *p, uint64_t addr, uint64_t size)
{
    uint64_t lo = addr >= 4 ? addr - 4 : 0, hi = addr + (size ? size : 1);
    size_t a = 0, b = p->nrefs;
    while (a < b) { /* the first reference >= lo */
        size_t m = a + (b - a) / 2;
        if (p->refs[m] < lo)
            a = m + 1;
        else
            b = m;
    }
    return a < p->nrefs && p->refs[a] < hi;
}

static uint64_t pword(const prog *p, const uint8_t *at)
{
    return p->f.arch->ptrsize == 8 ? rd64le(at) : rd32le(at);
}

/* The program's symbol for `addr`: an absolute one from the stub (the library's own, in a
 * program linked with an earlier stub) when `absolute`, else a defined global of the
 * program's own (an override, or the entry or copy a stub member put in the program). */
static const char *psym_at(const prog *p, uint64_t addr, int absolute)
{
    for (size_t i = 1; i < p->f.nsyms; i++) {
        const elf_sym *y = &p->f.syms[i];
        if (y->value != addr || !y->name[0] || y->bind == STB_LOCAL_ || y->shndx == SHN_UNDEF_)
            continue;
        if ((y->shndx == SHN_ABS_) != absolute)
            continue;
        if (absolute ? !strncmp(y->name, "__", 2) : !strncmp(y->name, "__JUMP_", 7))
            continue; /* __PLT_x, __GOT_x, twins and addresses: the stubs define them all */
        return y->name;
    }
    return NULL;
}

/* A PIE program's pointers to itself are relative relocations: x86-64 keeps their values in
 * the relocations (RELA), i386 in place. Write them in, so that the program reads as linked
 * at address 0. */
static void apply_relative(prog *p)
{
    size_t cap = 0;
    int is64 = p->f.arch->ptrsize == 8;
    unsigned esz = is64 ? 24 : 8;
    for (size_t i = 1; i < p->f.nsecs; i++) {
        const elf_sec *s = &p->f.secs[i];
        if (s->type != (is64 ? SHT_RELA_ : SHT_REL_) || !(s->flags & SHF_ALLOC_) || s->entsize != esz ||
            !in_bounds(p->b.len, s->offset, s->size))
            continue;
        for (uint64_t k = 0; k + esz <= s->size; k += esz) {
            const uint8_t *r = p->b.p + s->offset + k;
            uint64_t off, where = is64 ? rd64le(r) : rd32le(r);
            /* R_X86_64_RELATIVE and R_386_RELATIVE are both 8 */
            if ((is64 ? (uint32_t)rd64le(r + 8) : (rd32le(r + 4) & 0xff)) != 8 ||
                elf_file_offset(&p->f, where, p->f.arch->ptrsize, &off) != 0)
                continue;
            if (is64)
                wr64le(p->b.p + off, rd64le(r + 16));
            if (p->nptrs == cap) {
                cap = cap ? 2 * cap : 256;
                p->ptrs = xrealloc(p->ptrs, cap * sizeof *p->ptrs);
            }
            p->ptrs[p->nptrs++] = where;
        }
    }
    if (p->nptrs)
        qsort(p->ptrs, p->nptrs, sizeof *p->ptrs, cmp_u64);
}

/* The copy a stub member gave the program of the variable the override table's reference
 * `ref` names (jumpfmt.h, JUMP_COPY_SECTION): the variable's address in the image, or 0 if
 * `ref` is no such copy. */
static uint64_t copy_of(const prog *p, uint64_t ref)
{
    const elf_sec *cs = elf_section(&p->f, JUMP_COPY_SECTION);
    unsigned ps = p->f.arch->ptrsize;
    uint8_t c[JC_NWORDS * 8];
    if (!cs || !ref)
        return 0;
    for (uint64_t k = 0; (k + 1) * JC_NWORDS * ps <= cs->size; k++) {
        if (elf_read_vaddr(&p->f, cs->addr + k * JC_NWORDS * ps, c, JC_NWORDS * ps) != 0)
            return 0;
        if (pword(p, c + JC_TO * ps) == ref && pword(p, c + JC_WINNER * ps) == ref)
            return pword(p, c + JC_FROM * ps);
    }
    return 0;
}

/* Open the program and find its record of the image's library: 1 and *rec when found; 0
 * when the program was linked with another major (that is the finding: reported); -1 with e
 * set when it is no program of this library. */
static int find_record(actx *a, prog *p, const elf_sec **secp, const uint8_t **dp, uint64_t *rec, jerr *e)
{
    const char *path = a->o->program;
    const elf_sec *sec;
    const uint8_t *d;
    unsigned ps;
    uint64_t nrec;
    size_t rl = strlen(a->lib);

    if (blob_read(path, &p->b, e) != 0)
        return -1;
    if (elf_open(&p->f, path, p->b.p, p->b.len, e) != 0) {
        e->status = EXIT_BAD;
        return -1;
    }
    p->open = 1;
    ps = p->f.arch->ptrsize;
    if (p->f.type != ET_EXEC_ && p->f.type != ET_DYN_)
        return jerr_set(e, EXIT_BAD, "%s: not a linked program", path);
    if (p->f.type == ET_DYN_)
        apply_relative(p);
    if (!elf_section(&p->f, ".symtab"))
        return jerr_set(e, EXIT_BAD,
                        "%s: the program has no symbol table (was it stripped?): its names are needed",
                        path);
    if (p->f.arch != a->im.elf.arch)
        return jerr_set(e, EXIT_BAD, "%s is a %s program, the image is for %s", path, p->f.arch->name,
                        a->im.elf.arch->name);
    sec = elf_section(&p->f, JUMP_REC_SECTION);
    d = sec ? elf_section_data(&p->f, sec) : NULL;
    if (!d)
        return jerr_set(e, EXIT_BAD, "%s: the program has no %s section: it links no jump library", path,
                        JUMP_REC_SECTION);
    *secp = sec;
    *dp = d;
    nrec = sec->size / ((uint64_t)JR_NWORDS * ps);
    for (uint64_t r = 0; r < nrec; r++) {
        const uint8_t *w = d + r * JR_NWORDS * ps;
        char *so = elf_read_cstr(&p->f, pword(p, w + JR_SONAME * ps));
        int mine = pword(p, w + JR_MAGIC * ps) == JUMP_REC_MAGIC && so && !strcmp(so, a->im.note.soname);
        free(so);
        if (mine) {
            *rec = r;
            return 1;
        }
    }
    /* Another major of the same library: that is the finding, not an error (issue I). */
    for (uint64_t r = 0; r < nrec; r++) {
        const uint8_t *w = d + r * JR_NWORDS * ps;
        char *so = elf_read_cstr(&p->f, pword(p, w + JR_SONAME * ps));
        if (pword(p, w + JR_MAGIC * ps) == JUMP_REC_MAGIC && so && !strncmp(so, a->lib, rl) &&
            !strncmp(so + rl, ".so.", 4)) {
            add(a, G_INCOMPAT, "major", "the program was linked with %s, the image is %s: the major version changed",
                so, a->im.note.soname);
            free(so);
            return 0;
        }
        free(so);
    }
    return jerr_set(e, EXIT_BAD, "%s does not use %s (no library record names it)", path, a->im.note.soname);
}

/* One override naming a slot: the program's use of the function it holds. */
static int check_override_slot(actx *a, prog *p, uint64_t where, uint64_t ref, int entry, strmap *seen, jerr *e)
{
    const layout *l = &a->im.l;
    int own = ref == where || entry;
    const char *name = psym_at(p, ref, ref == where);
    if (!name)
        return jerr_set(e, EXIT_BAD, "%s: no symbol names the function of slot 0x%llx", a->o->program,
                        (ull)where);
    if (!jimg_slot_index(l, where)) {
        char *key = xasprintf("slot:0x%llx", (ull)where);
        add(a, G_INCOMPAT, key, "'%s' (0x%llx) is not a slot of the new jump table", name, (ull)where);
        free(key);
    } else if (own && !(entry ? referenced(p, ref) : referenced(p, where))) {
        /* linked with its member, never called (an entry holds its slot's address: only
         * references to the entry count) */
        check_slot(a, (unsigned long)((where - l->origin) / 8), name, NULL, USE_LINKED,
                   " (linked, never called)");
    } else {
        check_slot(a, (unsigned long)((where - l->origin) / 8), name, NULL, USE_PROGRAM,
                   own ? "" : " (overridden by the program)");
    }
    strmap_put(seen, name, 1);
    return 0;
}

/* One override naming a GOT cell: the program's copy of the variable at `from` in the image,
 * or (earlier stubs, i386) the variable's own address. */
static int check_override_cell(actx *a, prog *p, uint64_t where, uint64_t ref, int entry, uint64_t from,
                               strmap *seen, jerr *e)
{
    const layout *l = &a->im.l;
    int own = entry || psym_at(p, ref, 1) != NULL;
    const char *name = psym_at(p, ref, own && !entry);
    const elf_sym *vy;
    unsigned long c;
    uint64_t size;
    if (!entry)
        from = ref;
    if (!name)
        return jerr_set(e, EXIT_BAD, "%s: no symbol names the variable of cell 0x%llx", a->o->program,
                        (ull)where);
    c = (unsigned long)(where >= l->got ? (where - l->got) / l->cellsize : 0);
    vy = image_sym(a, name);
    size = vy ? vy->size : 0;
    if (own && !referenced_var(p, ref, size) && !referenced(p, where)) {
        check_cell(a, c, where, name, from, NULL, USE_LINKED, " (linked, never used)");
        check_var(a, name, from, 0, NULL, USE_LINKED, " (linked, never used)");
    } else {
        check_cell(a, c, where, name, own ? from : 0, NULL, USE_PROGRAM,
                   own ? "" : " (overridden by the program)");
        if (own)
            check_var(a, name, from, 0, NULL, USE_PROGRAM, "");
    }
    strmap_put(seen, name, 1);
    return 0;
}

/* The record's three override arrays (jumpfmt.h), after its identity (1: another library or
 * address, reported: nothing more to compare; 0; -1 with e set): ref[k] is what the program's link made of
 * the name: the entry or copy its stub member put in the program (or, from earlier stubs,
 * the library's own address), the program's own definition, or 0 when unused; twin[k] equals
 * ref[k] for an entry or an earlier stub's address; where[k] is the slot or the cell, or'ed
 * with the kind. The program reaches a name through its entry or copy: references to those
 * count as uses, so the first pass finds where they lie. */
static int check_overrides(actx *a, prog *p, const elf_sec *sec, const uint8_t *d, uint64_t rec,
                           strmap *seen, jerr *e)
{
    unsigned ps = p->f.arch->ptrsize;
    const uint8_t *w = d + rec * JR_NWORDS * ps;
    uint64_t n = pword(p, w + JR_NOVERRIDES * ps), at = pword(p, w + JR_OVERRIDES * ps);
    uint64_t tat = at + n * ps, wat = at + 2 * n * ps, plo = UINT64_MAX, phi = 0;
    uint8_t t[24];
    const elf_sec *used = elf_section(&p->f, JUMP_USED_SECTION);
    uint64_t skip[6] = {sec->addr, sec->addr + sec->size, at, at + 3 * n * ps,
                        used ? used->addr : 0, used ? used->addr + used->size : 0};
    if (!check_identity(a, pword(p, w + JR_ORIGIN * ps), pword(p, w + JR_VERSION * ps), G_COMPAT))
        return 1; /* another library or address: reported, nothing more to compare */
    if (n > 10000000)
        return jerr_set(e, EXIT_BAD, "%s: implausible override count %llu", a->o->program, (ull)n);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            collect_refs(p, a->im.note.origin, a->im.note.origin + 0x10000000u, plo, phi, skip);
        for (uint64_t k = 0; k < n; k++) {
            uint64_t kind, where, ref, twin, from = 0;
            int entry, rc = 0;
            if (elf_read_vaddr(&p->f, at + k * ps, t, ps) != 0 ||
                elf_read_vaddr(&p->f, tat + k * ps, t + 2 * ps, ps) != 0 ||
                elf_read_vaddr(&p->f, wat + k * ps, t + ps, ps) != 0)
                return jerr_set(e, EXIT_BAD, "%s: override %llu lies outside the program", a->o->program,
                                (ull)k);
            ref = pword(p, t);
            where = pword(p, t + ps);
            twin = pword(p, t + 2 * ps);
            kind = where & JUMP_OVERRIDE_KIND;
            where &= ~(uint64_t)JUMP_OVERRIDE_KIND;
            if (!ref)
                continue;
            entry = kind == JUMP_OVERRIDE_SLOT ? ref == twin && ref != where : (from = copy_of(p, ref)) != 0;
            if (pass == 0) {
                uint64_t span = 1;
                if (entry && kind == JUMP_OVERRIDE_CELL) {
                    const elf_sym *y = image_sym(a, psym_at(p, ref, 0) ? psym_at(p, ref, 0) : "");
                    span = y && y->size ? y->size : 1;
                }
                if (entry && ref - (ref >= 4 ? 4 : 0) < plo)
                    plo = ref - (ref >= 4 ? 4 : 0);
                if (entry && ref + span > phi)
                    phi = ref + span;
                continue;
            }
            if (kind == JUMP_OVERRIDE_SLOT)
                rc = check_override_slot(a, p, where, ref, entry, seen, e);
            else if (kind == JUMP_OVERRIDE_CELL)
                rc = check_override_cell(a, p, where, ref, entry, from, seen, e);
            if (rc != 0)
                return -1;
        }
    }
    return 0;
}

/* Absolute symbols from the stub members the program linked (an older stub without an
 * override table, or names the table does not cover). */
static void check_absolutes(actx *a, prog *p, strmap *seen)
{
    const layout *l = &a->im.l;
    for (size_t i = 1; i < p->f.nsyms; i++) {
        const elf_sym *y = &p->f.syms[i];
        uintptr_t v;
        if (y->shndx != SHN_ABS_ || !y->name[0] || !strncmp(y->name, "__", 2) ||
            y->value < a->im.note.origin || strmap_get(seen, y->name, &v))
            continue;
        if (y->type == STT_FUNC_ && jimg_slot_index(l, y->value)) {
            int used = referenced(p, y->value);
            check_slot(a, (unsigned long)((y->value - l->origin) / 8), y->name, NULL,
                       used ? USE_PROGRAM : USE_LINKED, used ? "" : " (linked, never called)");
            strmap_put(seen, y->name, 1);
        } else if (y->type == STT_OBJECT_ && y->value >= l->data) {
            int used = referenced(p, y->value);
            check_var(a, y->name, y->value, 0, NULL, used ? USE_PROGRAM : USE_LINKED,
                      used ? "" : " (linked, never used)");
            strmap_put(seen, y->name, 1);
        }
    }
}

static int program_checks(actx *a, prog *p, jerr *e)
{
    const elf_sec *sec = NULL;
    const uint8_t *d = NULL;
    uint64_t rec = 0;
    strmap seen = {0};
    int rc = find_record(a, p, &sec, &d, &rec, e);
    if (rc <= 0)
        return rc;
    rc = check_overrides(a, p, sec, d, rec, &seen, e);
    if (rc == 0)
        check_absolutes(a, p, &seen);
    strmap_free(&seen);
    return rc < 0 ? -1 : 0;
}

/* ---- waivers and the report ---- */

static int load_waivers(actx *a, jerr *e)
{
    blob b;
    size_t i = 0;
    unsigned line = 0;
    if (!a->o->waivers)
        return 0;
    if (blob_read(a->o->waivers, &b, e) != 0)
        return -1;
    while (i < b.len) {
        size_t s = i, t;
        char *key;
        int hit = 0;
        line++;
        while (i < b.len && b.p[i] != '\n')
            i++;
        t = i++;
        for (size_t h = s; h < t; h++)
            if (b.p[h] == '#') {
                t = h;
                break;
            }
        while (s < t && (b.p[s] == ' ' || b.p[s] == '\t' || b.p[s] == '\r'))
            s++;
        while (t > s && (b.p[t - 1] == ' ' || b.p[t - 1] == '\t' || b.p[t - 1] == '\r'))
            t--;
        if (s == t)
            continue;
        key = xstrndup((const char *)b.p + s, t - s);
        if (strchr(key, ' ') || strchr(key, '\t')) {
            jerr_at(e, EXIT_BAD, a->o->waivers, line, 0, "'%s' is not a finding key (one key per line)", key);
            free(key);
            blob_free(&b);
            return -1;
        }
        for (size_t k = 0; k < a->n; k++) {
            if (!strcmp(a->f[k].key, key)) {
                a->f[k].waived = 1;
                hit = 1;
            }
        }
        if (!hit)
            diag_warn_at(a->o->waivers, line, 0, "the waiver '%s' matches no finding", key);
        free(key);
    }
    blob_free(&b);
    return 0;
}

static void json_str(buf *b, const char *s)
{
    buf_addc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c == '\n')
            buf_adds(b, "\\n");
        else if (c == '\t')
            buf_adds(b, "\\t");
        else if (c < 0x20)
            buf_printf(b, "\\u%04x", c);
        else
            buf_addc(b, (int)c);
    }
    buf_addc(b, '"');
}

static const char *grade_word(int g)
{
    return g == G_INCOMPAT ? "incompatible" : g == G_TYPE ? "type" : g == G_NOTE ? "note" : "compatible";
}

static int report(actx *a, const char *old)
{
    size_t ninc = 0, ncomp = 0, nwaived = 0, ntype = 0;
    int status;
    const char *verdict;
    buf b = {0};
    for (size_t i = 0; i < a->n; i++) {
        if (a->f[i].waived)
            nwaived++;
        else if (a->f[i].grade == G_INCOMPAT)
            ninc++;
        else if (a->f[i].grade == G_TYPE)
            ntype++;
        else if (a->f[i].grade == G_COMPAT)
            ncomp++;
    }
    status = (ninc ? (G_INCOMPAT | G_COMPAT) : ncomp ? G_COMPAT : 0) | (ntype ? G_TYPE : 0);
    verdict = ninc ? "incompatible" : ncomp ? "compatible" : nwaived ? "waived" : "identical";
    if (a->o->json) {
        buf_adds(&b, "{\"image\": ");
        json_str(&b, a->o->image);
        buf_printf(&b, ", \"%s\": ", a->o->program ? "program" : "old");
        json_str(&b, old);
        buf_printf(&b, ", \"verdict\": \"%s\", \"status\": %d, \"incompatible\": %zu, \"compatible\": %zu, "
                       "\"waived\": %zu, \"findings\": [",
                   verdict, status, ninc, ncomp, nwaived);
        for (size_t i = 0; i < a->n; i++) {
            buf_adds(&b, i ? ",\n  {\"key\": " : "\n  {\"key\": ");
            json_str(&b, a->f[i].key);
            buf_printf(&b, ", \"grade\": \"%s\", \"waived\": %s, \"message\": ", grade_word(a->f[i].grade),
                       a->f[i].waived ? "true" : "false");
            json_str(&b, a->f[i].msg);
            buf_addc(&b, '}');
        }
        buf_adds(&b, a->n ? "\n]}\n" : "]}\n");
    } else {
        for (size_t i = 0; i < a->n; i++)
            buf_printf(&b, "%s%s: %s [%s]\n", a->f[i].waived ? "waived: " : "", grade_word(a->f[i].grade),
                       a->f[i].msg, a->f[i].key);
        if (a->o->old_image)
            buf_printf(&b, "%zu type change%s; ", ntype, ntype == 1 ? "" : "s");
        buf_printf(&b, "%zu incompatible, %zu compatible, %zu waived: %s ", ninc, ncomp, nwaived, a->o->image);
        if (a->o->program)
            buf_printf(&b, "%s %s\n",
                       ninc ? "breaks" : ncomp ? "serves, with compatible changes," : "serves, unchanged,", old);
        else
            buf_printf(&b, "%s %s\n",
                       ninc ? "is NOT a compatible replacement for"
                       : ncomp ? "is a compatible replacement for"
                       : nwaived ? "is, with every finding waived, a replacement for" : "is identical to",
                       old);
    }
    fwrite(b.p, 1, b.len, stdout);
    buf_free(&b);
    return status;
}

int verify_against_run(const verify_opts *o)
{
    actx a;
    stubmap old, nw;
    prog p;
    jerr e;
    int rc = EXIT_BAD;

    memset(&a, 0, sizeof a);
    memset(&old, 0, sizeof old);
    memset(&nw, 0, sizeof nw);
    memset(&p, 0, sizeof p);
    a.o = o;
    if (open_image(&a, &e) != 0)
        goto fail;
    if (o->program) {
        if (program_checks(&a, &p, &e) != 0)
            goto fail;
    } else {
        if (smap_load(&old, &o->against, 1, &e) != 0 || smap_load(&nw, o->stubs, (size_t)o->nstubs, &e) != 0)
            goto fail;
        if (strcmp(nw.soname, a.im.note.soname) || nw.origin != a.im.note.origin || nw.vword != a.im.word0) {
            jerr_set(&e, EXIT_BAD, "%s is not the stub of %s (it is for %s at 0x%llx, version word 0x%llx): "
                                   "check it with verify-shlib -l first",
                     o->stubs[0], o->image, nw.soname, (ull)nw.origin, (ull)nw.vword);
            goto fail;
        }
        against_checks(&a, &old, &nw);
        if (o->old_image)
            type_checks(&a, o->old_image);
        /* The new stub must describe the new image too, or programs linked with it break. */
        {
            buf d = {0};
            unsigned long k = 0;
            long nd = verify_stubs_differences(o->image, o->stubs, o->nstubs, &d);
            if (nd < 0) {
                buf_free(&d);
                jerr_set(&e, EXIT_BAD, "cannot compare the new stub with the new image");
                goto fail;
            }
            for (char *line = (char *)d.p, *nl; nd && line && line < (char *)d.p + d.len; line = nl + 1) {
                nl = memchr(line, '\n', (size_t)((char *)d.p + d.len - line));
                if (!nl)
                    break;
                *nl = 0;
                char *key = keyf("newstub", ++k);
                add(&a, G_INCOMPAT, key, "the new stub does not describe the new image: %s", line);
                free(key);
            }
            buf_free(&d);
        }
        if (old.origin == a.im.note.origin && check_registry(&a, old.last_data, &e) != 0)
            goto fail;
    }
    if (load_waivers(&a, &e) != 0)
        goto fail;
    rc = report(&a, o->program ? o->program : o->against);
    if (fflush(stdout) != 0) {
        diag_error("cannot write the output");
        rc = EXIT_BAD;
    }
    goto out;
fail:
    /* Errors are 1 here (libabigail's convention), whatever kind they are. */
    diag_report(&e);
    rc = EXIT_BAD;
out:
    for (size_t i = 0; i < a.n; i++) {
        free(a.f[i].key);
        free(a.f[i].msg);
    }
    free(a.f);
    if (p.open)
        elf_close(&p.f);
    blob_free(&p.b);
    free(p.refs);
    free(p.ptrs);
    smap_free(&old);
    smap_free(&nw);
    strmap_free(&a.syms);
    free(a.lib);
    if (a.im_open)
        jimg_close(&a.im);
    return rc;
}
