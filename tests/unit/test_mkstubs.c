/* test_mkstubs: version parsing, stub membership, the descriptor's record and relocations, the
 * objfile members, and reading host imports from an image (built here byte by byte), with one
 * test per image error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../mkstubs/mkstubs.h"
#include "buf.h"
#include "ctl.h"
#include "diag.h"
#include "elf.h"
#include "jumpfmt.h"
#include "layout.h"
#include "version.h"
#include "ar.h"
#include "stubmap.h"

/* A pointer-sized little-endian word. */
static uint64_t word(const uint8_t *p, unsigned ps) { return ps == 8 ? rd64le(p) : rd32le(p); }
#include "sysutil.h"

static void test_version(void **state)
{
    unsigned M, m, p;
    (void)state;
    assert_int_equal(jump_version_parse("1.2", &M, &m, &p), 0);
    assert_int_equal(M, 1);
    assert_int_equal(m, 2);
    assert_int_equal(p, 0);
    assert_int_equal(jump_version_parse("4.5.26", &M, &m, &p), 0);
    assert_int_equal(JUMP_VERSION_WORD(M, m, p), (4 << 16) + 526);
    const char *bad[] = {"1", "1.", "1.x", "1.100", "1.2.100", "a.1", "1.2.3.4", "32768.0", "", "1..2", "-1.2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(jump_version_parse(bad[i], &M, &m, &p), -1);
}

static void test_in_stub(void **state)
{
    (void)state;
    assert_true(mkstubs_in_stub("libxyz", "libxyz"));
    assert_true(mkstubs_in_stub("libX11,libSM,libICE", "libSM"));
    assert_true(mkstubs_in_stub("libX11,libSM,libICE", "libICE"));
    assert_false(mkstubs_in_stub("libX11,libSM", "libS"));
    assert_false(mkstubs_in_stub("libxyzw", "libxyz"));
    assert_false(mkstubs_in_stub("", "libxyz"));
}

/* ---- an image made by hand: one PT_LOAD at ORIGIN holding the whole file, a PT_NOTE ---- */

#define ORIGIN 0x6a380000u
#define END 0x6a385020u

enum { BAD_NONE, BAD_NO_NOTE, BAD_SHORT_NOTE, BAD_FORMAT, BAD_ORIGIN, BAD_VWORD, BAD_INFO_ADDR,
       BAD_INFO_MAGIC, BAD_NAME_PTR, BAD_IMPORTS_PTR };

static void build_image(const arch *a, int bad, buf *o)
{
    unsigned ps = a->ptrsize;
    int is64 = ps == 8;
    size_t eh = is64 ? 64 : 52, phs = is64 ? 56 : 32;
    size_t info = eh + 2 * phs, imp = info + JI_NWORDS * ps, str = imp + 4 * ps;
    const char *names = "printf\0stdout\0";
    size_t note = (str + 14 + 3) & ~(size_t)3;
    size_t desc = JUMP_NOTE_FIXED + 12; /* soname "libimg.so.1" + NUL = 12 */
    size_t total = note + 12 + 8 + desc;
    buf_zero(o, total);
    uint8_t *p = o->p;
    memcpy(p, "\177ELF", 4);
    p[4] = (uint8_t)a->elfclass;
    p[5] = 1;
    p[6] = 1;
    wr16le(p + 16, ET_EXEC_);
    wr16le(p + 18, a->machine);
    wr32le(p + 20, 1);
    if (is64) {
        wr64le(p + 32, eh);
        wr16le(p + 52, (uint16_t)eh);
        wr16le(p + 54, (uint16_t)phs);
        wr16le(p + 56, 2);
    } else {
        wr32le(p + 28, (uint32_t)eh);
        wr16le(p + 40, (uint16_t)eh);
        wr16le(p + 42, (uint16_t)phs);
        wr16le(p + 44, 2);
    }
    for (int i = 0; i < 2; i++) {
        uint8_t *h = p + eh + i * phs;
        uint64_t off = i ? note : 0, sz = i ? total - note : total, mem = i ? sz : sz + 0x100;
        wr32le(h, i ? PT_NOTE_ : PT_LOAD_);
        if (is64) {
            wr32le(h + 4, PF_R_);
            wr64le(h + 8, off);
            wr64le(h + 16, ORIGIN + off);
            wr64le(h + 32, sz);
            wr64le(h + 40, mem);
            wr64le(h + 48, i ? 4 : 0x1000);
        } else {
            wr32le(h + 4, (uint32_t)off);
            wr32le(h + 8, (uint32_t)(ORIGIN + off));
            wr32le(h + 16, (uint32_t)sz);
            wr32le(h + 20, (uint32_t)mem);
            wr32le(h + 24, PF_R_);
            wr32le(h + 28, i ? 4 : 0x1000);
        }
    }
#define W(off, v) (is64 ? wr64le(p + (off), (v)) : wr32le(p + (off), (uint32_t)(v)))
    W(info + JI_MAGIC * ps, bad == BAD_INFO_MAGIC ? 0x12345678u : JUMP_INFO_MAGIC);
    W(info + JI_VERSION * ps, (1 << 16) + 200);
    W(info + JI_NIMPORTS * ps, 2);
    W(info + JI_IMPORTS * ps, bad == BAD_IMPORTS_PTR ? 0x10000u : ORIGIN + imp);
    W(imp, 0x6a381000u);                /* cell of printf */
    W(imp + ps, bad == BAD_NAME_PTR ? 0x7000u : ORIGIN + str);
    W(imp + 2 * ps, 0x6a381000u + ps);  /* cell of stdout */
    W(imp + 3 * ps, ORIGIN + str + 7);
#undef W
    memcpy(p + str, names, 14);
    if (bad == BAD_NO_NOTE)
        return; /* the PT_NOTE covers zeros: no note with owner JUMP */
    uint8_t *n = p + note;
    wr32le(n, 5);
    wr32le(n + 4, bad == BAD_SHORT_NOTE ? 16 : (uint32_t)desc);
    wr32le(n + 8, JUMP_NOTE_TYPE);
    memcpy(n + 12, "JUMP", 5);
    uint8_t *d = n + 20;
    wr32le(d, bad == BAD_FORMAT ? 2 : JUMP_NOTE_FORMAT);
    wr32le(d + 4, bad == BAD_VWORD ? (1 << 16) + 100 : (1 << 16) + 200);
    wr32le(d + 8, ps);
    wr32le(d + 12, 0x400);
    wr32le(d + 16, 0x400);
    wr64le(d + 24, bad == BAD_ORIGIN ? ORIGIN + 0x10000 : ORIGIN);
    wr64le(d + 32, ORIGIN + 0x400);
    wr64le(d + 40, ORIGIN + 0x1000);
    wr64le(d + 48, END);
    wr64le(d + 56, bad == BAD_INFO_ADDR ? 0x5000 : ORIGIN + info);
    memcpy(d + 64, "libimg.so.1", 12);
}

static mkstubs_opts opts(void)
{
    static char *stubs[] = {"libimg"};
    mkstubs_opts o;
    memset(&o, 0, sizeof o);
    o.p.image = "/usr/lib/libimg";
    o.p.version = "1.2";
    o.p.origin = ORIGIN;
    o.p.jumpsize = 0x400;
    o.p.gotsize = 0x400;
    o.stubs = stubs;
    o.nstubs = 1;
    return o;
}

/* A scratch directory holding jump.funcs/jump.vars and libimg.so.1.2. */
static char *setup(const arch *a, int bad)
{
    char *dir = su_scratch();
    buf img = {0};
    const char *funcs = "00000000 T f1 libimg objA\n00000000 t f2 libimg objA\n00000000 T f3 libimg objB libm_5:libq_2\n"
                        "00000000 T f4 libimg objA libm_5\n";
    const char *vars = "00000004 D v1 libimg objB\n00000008 C c1 libimg objA\n";
    build_image(a, bad, &img);
    su_write("libimg.so.1.2", img.p, img.len);
    su_write("jump.funcs", funcs, strlen(funcs));
    su_write("jump.vars", vars, strlen(vars));
    setenv("JUMP_DIR", dir, 1);
    buf_free(&img);
    return dir;
}

static void check_image_imports(const arch *a)
{
    char *dir = setup(a, BAD_NONE);
    mkstubs_opts o = opts();
    mkstubs_lib L;
    jerr e;
    unsigned ps = a->ptrsize;
    assert_int_equal(mkstubs_load(&L, &o, &e), 0);
    assert_ptr_equal(L.a, a); /* from the image: no -m */
    assert_int_equal(L.last_data, END);
    assert_int_equal(L.nimports, 2);
    assert_string_equal(L.imports[0], "printf");
    assert_string_equal(L.imports[1], "stdout");
    assert_string_equal(L.soname, "libimg.so.1");
    assert_string_equal(L.desc, "DLL Jump 1.2");
    assert_string_equal(L.dir, "/usr/lib");
    assert_string_equal(L.id, "__libimg_1_2");

    buf d = {0};
    elf_file f;
    mkstubs_descriptor(&L, "libimg", &d);
    assert_int_equal(elf_open(&f, "__libimg.o", d.p, d.len, &e), 0);
    const elf_sec *jl = elf_section(&f, "jump_libs"), *rr = elf_section(&f, ".data.rel.ro"),
                  *ro = elf_section(&f, ".rodata"), *im = elf_section(&f, JUMP_IMPORTS_SECTION);
    assert_non_null(jl);
    assert_int_equal(jl->size, JR_NWORDS * ps);
    assert_int_equal(jl->align, ps);
    assert_int_equal(jl->flags, SHF_ALLOC_ | SHF_WRITE_);
    const uint8_t *w = elf_section_data(&f, jl), *rodata = elf_section_data(&f, ro);
    assert_int_equal(word(w + JR_MAGIC * ps, ps), JUMP_REC_MAGIC);
    assert_int_equal(word(w + JR_FORMAT * ps, ps), JUMP_REC_FORMAT);
    assert_int_equal(word(w + JR_ORIGIN * ps, ps), ORIGIN);
    assert_int_equal(word(w + JR_VERSION * ps, ps), (1 << 16) + 200);
    assert_int_equal(word(w + JR_NIMPORTS * ps, ps), 2);
    /* Overrides: T functions f1, f3, f4 (f2 is 't') and variables v1, c1. */
    assert_int_equal(word(w + JR_NOVERRIDES * ps, ps), 5);
    assert_int_equal(word(w + JR_DIGEST * ps, ps), layout_digest(&L.l, &L.funcs, &L.vars));
    assert_int_not_equal(word(w + JR_DIGEST * ps, ps), 0);

    /* Record relocations: soname, desc, dir into .rodata; imports into their own section;
     * needs and the override tables into .data.rel.ro. */
    elf_rel *r;
    size_t n;
    assert_int_equal(elf_relocs(&f, (size_t)(jl - f.secs), &r, &n, &e), 0);
    assert_int_equal(n, 6);
    const char *want_str[] = {"libimg.so.1", "DLL Jump 1.2", "/usr/lib"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r[i].offset, (JR_SONAME + i) * ps);
        assert_int_equal(r[i].type, a->r_abs);
        assert_ptr_equal(&f.secs[f.syms[r[i].sym].shndx], ro);
        assert_string_equal((const char *)rodata + r[i].addend, want_str[i]);
    }
    assert_non_null(im);
    assert_int_equal(r[3].offset, JR_IMPORTS * ps);
    assert_ptr_equal(&f.secs[f.syms[r[3].sym].shndx], im);
    assert_int_equal(r[3].addend, 0);
    assert_int_equal(r[4].offset, JR_NEEDS * ps);
    assert_ptr_equal(&f.secs[f.syms[r[4].sym].shndx], rr);
    assert_int_equal(r[4].addend, 0);
    assert_int_equal(r[5].offset, JR_OVERRIDES * ps);
    assert_ptr_equal(&f.secs[f.syms[r[5].sym].shndx], rr);
    assert_int_equal(r[5].addend, ps); /* after the needs list's NULL */
    free(r);
    /* The pairs: a name in .rodata, then a reference to the undefined symbol of that name. */
    assert_int_equal(im->size, 4 * ps);
    assert_int_equal(im->flags, SHF_ALLOC_ | SHF_WRITE_);
    assert_int_equal(elf_relocs(&f, (size_t)(im - f.secs), &r, &n, &e), 0);
    assert_int_equal(n, 4);
    assert_string_equal((const char *)rodata + r[0].addend, "printf");
    assert_string_equal(f.syms[r[1].sym].name, "printf");
    assert_int_equal(f.syms[r[1].sym].shndx, SHN_UNDEF_);
    assert_int_equal(r[1].type, a->r_abs);
    assert_string_equal((const char *)rodata + r[2].addend, "stdout");
    assert_string_equal(f.syms[r[3].sym].name, "stdout");
    free(r);
    /* The overrides, three arrays: a weak reference to each name, a weak reference to its
     * twin, and each name's slot or cell or'ed with its kind. */
    assert_int_equal(elf_relocs(&f, (size_t)(rr - f.secs), &r, &n, &e), 0);
    assert_int_equal(n, 5 + 5); /* two references per override */
    assert_int_equal(rr->size, ps + 3 * 5 * ps); /* needs' NULL, the three arrays */
    {
        const uint8_t *t = elf_section_data(&f, rr) + ps;
        struct { unsigned kind; uint64_t where; const char *name; } want[] = {
            {JUMP_OVERRIDE_SLOT, layout_slot(&L.l, 1), "f1"},
            {JUMP_OVERRIDE_SLOT, layout_slot(&L.l, 3), "f3"},
            {JUMP_OVERRIDE_SLOT, layout_slot(&L.l, 4), "f4"},
            {JUMP_OVERRIDE_CELL, layout_cell(&L.l, 2), "v1"},
            {JUMP_OVERRIDE_CELL, layout_cell(&L.l, 3), "c1"},
        };
        for (int i = 0; i < 5; i++) {
            const elf_rel *ref = &r[i], *twin = &r[5 + i];
            char tname[16];
            assert_int_equal(word(t + (size_t)i * ps, ps), 0);       /* the link fills them */
            assert_int_equal(word(t + (size_t)(5 + i) * ps, ps), 0);
            assert_int_equal(word(t + (size_t)(10 + i) * ps, ps), want[i].where | want[i].kind);
            assert_int_equal(want[i].where & JUMP_OVERRIDE_KIND, 0);
            assert_int_equal(ref->offset, ps + (size_t)i * ps);
            assert_string_equal(f.syms[ref->sym].name, want[i].name);
            assert_int_equal(f.syms[ref->sym].shndx, SHN_UNDEF_);
            assert_int_equal(f.syms[ref->sym].bind, STB_WEAK_);
            snprintf(tname, sizeof tname, "__JUMP_DEF_%s", want[i].name);
            assert_int_equal(twin->offset, ps + (size_t)(5 + i) * ps);
            assert_string_equal(f.syms[twin->sym].name, tname);
            assert_int_equal(f.syms[twin->sym].shndx, SHN_UNDEF_);
            assert_int_equal(f.syms[twin->sym].bind, STB_WEAK_);
        }
    }
    free(r);
    size_t li = elf_symbol(&f, JUMP_LOADER_SYMBOL);
    assert_true(li > 0);
    assert_int_equal(f.syms[li].shndx, SHN_UNDEF_);
    size_t id = elf_symbol(&f, "__libimg_1_2");
    assert_ptr_equal(&f.secs[f.syms[id].shndx], jl);
    assert_int_equal(f.syms[id].bind, STB_GLOBAL_);
    size_t la = elf_symbol(&f, "__LAST_DATA_ADDRESS");
    assert_int_equal(f.syms[la].value, END);
    assert_int_equal(f.syms[la].bind, STB_WEAK_);
    assert_int_equal(f.syms[elf_symbol(&f, "__PLT_f3")].value, ORIGIN + 24);
    assert_int_equal(elf_symbol(&f, "__PLT_f2"), 0); /* t: not exported */
    assert_int_equal(f.syms[elf_symbol(&f, "__GOT_c1")].value, ORIGIN + 0x400 + 3 * ps);
    elf_close(&f);
    buf_free(&d);
    mkstubs_free(&L);
    unsetenv("JUMP_DIR");
    su_scratch_done(dir);
}

static void test_image_imports_i386(void **state) { (void)state; check_image_imports(&arch_i386); }
static void test_image_imports_x86_64(void **state) { (void)state; check_image_imports(&arch_x86_64); }

/* A function's entry in objA: weak, in .text, JUMP_ENTRY_BYTES of code that jumps to the
 * slot written into the entry itself; its twin at the same place; the slot address as the
 * absolute __JUMP_ADDR_ symbol. */
static void check_entry(const elf_file *f, const char *name, uint64_t slot)
{
    char twin[64], abs[64];
    size_t i = elf_symbol(f, name);
    unsigned ps = f->arch->ptrsize;
    assert_true(i > 0);
    const elf_sym *y = &f->syms[i];
    const elf_sec *t = &f->secs[y->shndx];
    assert_string_equal(t->name, ".text");
    assert_int_equal(t->flags & (SHF_ALLOC_ | SHF_EXECINSTR_), SHF_ALLOC_ | SHF_EXECINSTR_);
    assert_int_equal(y->bind, STB_WEAK_);
    assert_int_equal(y->type, STT_FUNC_);
    assert_int_equal(y->size, JUMP_ENTRY_BYTES);
    const uint8_t *code = elf_section_data(f, t) + y->value;
    if (ps == 8) {
        static const uint8_t jmp[] = {0xff, 0x25, 0, 0, 0, 0};
        assert_memory_equal(code, jmp, sizeof jmp);
        assert_int_equal(rd64le(code + JUMP_ENTRY_SLOT_AT_X86_64), slot);
    } else {
        static const uint8_t callpop[] = {0xe8, 0, 0, 0, 0, 0x59, 0xff, 0x61, 0x04};
        assert_memory_equal(code, callpop, sizeof callpop);
        assert_int_equal(rd32le(code + JUMP_ENTRY_SLOT_AT_I386), slot);
    }
    snprintf(twin, sizeof twin, JUMP_DEF_PREFIX "%s", name);
    snprintf(abs, sizeof abs, JUMP_ADDR_PREFIX "%s", name);
    i = elf_symbol(f, twin);
    assert_int_equal(f->syms[i].shndx, y->shndx);
    assert_int_equal(f->syms[i].value, y->value);
    assert_int_equal(f->syms[i].bind, STB_WEAK_);
    i = elf_symbol(f, abs);
    assert_int_equal(f->syms[i].shndx, SHN_ABS_);
    assert_int_equal(f->syms[i].value, slot);
    assert_int_equal(f->syms[i].type, STT_FUNC_);
}

/* A variable's definition: on x86-64 the program's copy (.bss, the reserved size) with the
 * address as __JUMP_ADDR_ and an entry of jump_copy telling the loader what to copy; on
 * i386 the name itself is the absolute address. `k` is its entry in the member's jump_copy. */
static void check_var(const elf_file *f, const char *name, uint64_t addr, uint64_t size, size_t k)
{
    char abs[64];
    jerr e;
    size_t i = elf_symbol(f, name);
    unsigned ps = f->arch->ptrsize;
    assert_true(i > 0);
    const elf_sym *y = &f->syms[i];
    assert_int_equal(y->type, STT_OBJECT_);
    assert_int_equal(y->bind, STB_WEAK_);
    assert_int_equal(y->size, size);
    snprintf(abs, sizeof abs, JUMP_ADDR_PREFIX "%s", name);
    if (ps == 4) {
        assert_int_equal(y->shndx, SHN_ABS_);
        assert_int_equal(y->value, addr);
        assert_int_equal(elf_symbol(f, abs), 0);
        assert_null(elf_section(f, JUMP_COPY_SECTION));
        return;
    }
    assert_string_equal(f->secs[y->shndx].name, ".bss");
    assert_int_equal(f->secs[y->shndx].type, SHT_NOBITS_);
    assert_int_equal(f->syms[elf_symbol(f, abs)].value, addr);
    assert_int_equal(f->syms[elf_symbol(f, abs)].shndx, SHN_ABS_);
    assert_int_equal(f->syms[elf_symbol(f, JUMP_COPY_SYMBOL)].shndx, SHN_UNDEF_);
    const elf_sec *cs = elf_section(f, JUMP_COPY_SECTION);
    assert_non_null(cs);
    const uint8_t *c = elf_section_data(f, cs) + k * JC_NWORDS * ps;
    assert_int_equal(word(c + JC_FROM * ps, ps), addr);
    assert_int_equal(word(c + JC_SIZE * ps, ps), size);
    elf_rel *r;
    size_t nr, seen = 0;
    assert_int_equal(elf_relocs(f, (size_t)(cs - f->secs), &r, &nr, &e), 0);
    for (size_t j = 0; j < nr; j++) {
        const elf_sym *t = &f->syms[r[j].sym];
        if (r[j].offset == (k * JC_NWORDS + JC_RECORD) * ps) {
            assert_string_equal(t->name, "__libimg_1_2");
            seen++;
        } else if (r[j].offset == (k * JC_NWORDS + JC_TO) * ps) {
            /* the copy's own place, whatever wins the name */
            assert_int_equal(t->type, STT_SECTION_);
            assert_int_equal(t->shndx, y->shndx);
            assert_int_equal((uint64_t)r[j].addend, y->value);
            seen++;
        } else if (r[j].offset == (k * JC_NWORDS + JC_WINNER) * ps) {
            assert_string_equal(t->name, name);
            seen++;
        }
    }
    assert_int_equal(seen, 3);
    free(r);
}

static void check_members(const arch *a)
{
    char *dir = setup(a, BAD_NONE);
    mkstubs_opts o = opts();
    mkstubs_lib L;
    jerr e;
    buf out = {0}, prog = {0};
    ar_file ar;
    elf_file f;
    unsigned ps = a->ptrsize;
    assert_int_equal(mkstubs_load(&L, &o, &e), 0);
    mkstubs_archive(&L, "libimg", "LOADER", 6, &out, &prog);
    buf_addc(&prog, 0);
    assert_string_equal((char *)prog.p, "libimg.sa: __libimg_1_2, objA, objB, c1, sequencing, done\n");
    assert_int_equal(ar_open(&ar, "libimg.sa", out.p, out.len, &e), 0);
    /* x86-64: objB's variable v1 is a member of its own after objB's functions, same name */
    size_t split = ps == 8, c1m = 4 + split;
    assert_int_equal(ar.n, 5 + split);
    assert_string_equal(ar.m[0].name, "__libimg.o");
    assert_string_equal(ar.m[1].name, "__jump_loader.o");
    assert_memory_equal(ar.m[1].data, "LOADER", 6);
    assert_string_equal(ar.m[2].name, "objA.o");
    assert_string_equal(ar.m[3].name, "objB.o");
    if (split)
        assert_string_equal(ar.m[4].name, "objB.o");
    assert_string_equal(ar.m[c1m].name, "c1.o");

    /* objA: entries for f1 (slot 1) and f4 (slot 4); needs libm_5 once. */
    assert_int_equal(elf_open(&f, "objA.o", ar.m[2].data, ar.m[2].size, &e), 0);
    check_entry(&f, "f1", ORIGIN + 8);
    check_entry(&f, "f4", ORIGIN + 32);
    assert_int_equal(elf_symbol(&f, "f2"), 0);
    assert_int_equal(elf_symbol(&f, "c1"), 0); /* the common one has its own member */
    assert_int_equal(f.syms[elf_symbol(&f, "__libimg_1_2")].shndx, SHN_UNDEF_);
    assert_int_equal(f.syms[elf_symbol(&f, "__NEEDS_SHRLIB_libm_5")].shndx, SHN_UNDEF_);
    /* null, .rodata's section symbol, the descriptor, f1, f4, their twins and absolute
     * addresses, needs libm_5 */
    assert_int_equal(f.nsyms, 10);
    /* The names it defines, for the loader's check: {record, kind, index, hash, name}. */
    {
        const elf_sec *us = elf_section(&f, JUMP_USED_SECTION), *nro = elf_section(&f, ".rodata");
        const uint8_t *u, *names;
        elf_rel *ur;
        size_t nu;
        assert_non_null(us);
        assert_int_equal(us->size, 3 * JU_NWORDS * ps); /* the group's head, then two names */
        u = elf_section_data(&f, us);
        names = elf_section_data(&f, nro);
        assert_int_equal(elf_relocs(&f, (size_t)(us - f.secs), &ur, &nu, &e), 0);
        assert_int_equal(nu, 5); /* the head's record, then record and name twice */
        assert_int_equal(ur[0].offset, JU_RECORD * ps);
        assert_string_equal(f.syms[ur[0].sym].name, "__libimg_1_2");
        assert_int_equal(word(u + JU_KIND * ps, ps), JUMP_USED_GROUP);
        assert_int_equal(word(u + JU_INDEX * ps, ps), 2);
        for (int k = JU_HASH; k < JU_NWORDS; k++)
            assert_int_equal(word(u + (size_t)k * ps, ps), 0);
        const char *want[] = {"f1", "f4"};
        uint64_t idx[] = {1, 4};
        for (int k = 0; k < 2; k++) {
            const uint8_t *x = u + (size_t)(k + 1) * JU_NWORDS * ps;
            assert_int_equal(ur[1 + 2 * k].offset, (size_t)((k + 1) * JU_NWORDS + JU_RECORD) * ps);
            assert_string_equal(f.syms[ur[1 + 2 * k].sym].name, "__libimg_1_2");
            assert_int_equal(word(x + JU_KIND * ps, ps), JUMP_OVERRIDE_SLOT);
            assert_int_equal(word(x + JU_INDEX * ps, ps), idx[k]);
            assert_int_equal(word(x + JU_HASH * ps, ps), jump_name_hash(want[k]));
            assert_int_equal(ur[2 + 2 * k].offset, (size_t)((k + 1) * JU_NWORDS + JU_NAME) * ps);
            /* REL (i386) keeps the addend in the section bytes */
            uint64_t add = ps == 8 ? (uint64_t)ur[2 + 2 * k].addend : word(x + JU_NAME * ps, ps);
            assert_string_equal((const char *)names + add, want[k]);
            assert_int_equal(word(x + JU_ADDR * ps, ps), ORIGIN + 8 * idx[k]);
        }
        free(ur);
    }
    elf_close(&f);
    /* objB: f3 with two needs; v1 at the data area's start (x86-64: in the next member, which
     * neither defines f3 nor needs what f3 needs, with a group of its own). */
    assert_int_equal(elf_open(&f, "objB.o", ar.m[3].data, ar.m[3].size, &e), 0);
    assert_true(elf_symbol(&f, "__NEEDS_SHRLIB_libq_2") > 0);
    check_entry(&f, "f3", ORIGIN + 24);
    if (split) {
        assert_int_equal(elf_symbol(&f, "v1"), 0);
        elf_close(&f);
        assert_int_equal(elf_open(&f, "objB.o", ar.m[4].data, ar.m[4].size, &e), 0);
        assert_int_equal(elf_symbol(&f, "f3"), 0);
        assert_int_equal(elf_symbol(&f, "__NEEDS_SHRLIB_libq_2"), 0);
        {
            const elf_sec *us = elf_section(&f, JUMP_USED_SECTION);
            const uint8_t *u;
            assert_non_null(us);
            assert_int_equal(us->size, 2 * JU_NWORDS * ps); /* the head, then v1 */
            u = elf_section_data(&f, us);
            assert_int_equal(word(u + JU_KIND * ps, ps), JUMP_USED_GROUP);
            assert_int_equal(word(u + JU_INDEX * ps, ps), 1);
            assert_int_equal(word(u + (JU_NWORDS + JU_KIND) * ps, ps), JUMP_OVERRIDE_CELL);
            assert_int_equal(word(u + (JU_NWORDS + JU_HASH) * ps, ps), jump_name_hash("v1"));
        }
    }
    check_var(&f, "v1", L.l.data, 4, 0);
    elf_close(&f);
    assert_int_equal(elf_open(&f, "c1.o", ar.m[c1m].data, ar.m[c1m].size, &e), 0);
    check_var(&f, "c1", L.l.data + 4, 8, 0);
    elf_close(&f);
    /* The index lets ld find each name. */
    int found = 0;
    for (size_t k = 0; k < ar.nsym; k++)
        if (!strcmp(ar.sym[k], "f3") && ar.sym_member[k] == 3)
            found = 1;
    assert_true(found);
    ar_close(&ar);
    buf_free(&out);
    buf_free(&prog);
    mkstubs_free(&L);
    unsetenv("JUMP_DIR");
    su_scratch_done(dir);
}

static void test_members_i386(void **state) { (void)state; check_members(&arch_i386); }
static void test_members_x86_64(void **state) { (void)state; check_members(&arch_x86_64); }

/* The stub read back by stubmap (what mkcompat, libinfo and verify-shlib --against build on):
 * every promise the control files made, as the stub carries it. */
static void check_stubmap(const arch *a)
{
    char *dir = setup(a, BAD_NONE), *stubs[] = {"libimg.sa"};
    mkstubs_opts o = opts();
    mkstubs_lib L;
    stubmap m;
    jerr e;
    buf out = {0}, prog = {0};
    const smap_var *v;
    buf loader = {0};
    elf_writer *w = elfw_new(a); /* an empty object stands in for the loader member */
    elfw_finish(w, &loader);
    elfw_free(w);
    assert_int_equal(mkstubs_load(&L, &o, &e), 0);
    mkstubs_archive(&L, "libimg", loader.p, loader.len, &out, &prog);
    buf_free(&loader);
    su_write("libimg.sa", out.p, out.len);
    if (smap_load(&m, stubs, 1, &e) != 0)
        fail_msg("smap_load: %s", e.msg);
    assert_ptr_equal(m.arch, a);
    assert_string_equal(m.soname, "libimg.so.1");
    assert_string_equal(m.desc, "DLL Jump 1.2");
    assert_int_equal(m.origin, ORIGIN);
    assert_int_equal(m.vword, (1 << 16) + 200);
    /* slots: f1 1 and f4 4 in objA, f3 3 in objB; f2 ('t') is no promise */
    assert_int_equal(smap_slot_of(&m, "f1"), 1);
    assert_int_equal(smap_slot_of(&m, "f3"), 3);
    assert_int_equal(smap_slot_of(&m, "f4"), 4);
    assert_int_equal(smap_slot_of(&m, "f2"), 0);
    assert_string_equal(m.slot_obj[1], "objA");
    assert_string_equal(m.slot_obj[3], "objB");
    assert_int_equal(m.maxslot, 4);
    assert_int_equal(m.nfuncs, 3);
    /* variables: v1 at the data area's start (4 bytes, objB), the common c1 after it */
    v = smap_var_named(&m, "v1");
    assert_non_null(v);
    assert_int_equal(v->addr, L.l.data);
    assert_int_equal(v->size, 4);
    assert_string_equal(v->objfile, "objB");
    v = smap_var_named(&m, "c1");
    assert_non_null(v);
    assert_int_equal(v->addr, L.l.data + 4);
    assert_int_equal(v->size, 8);
    assert_int_equal(v->type, 'C');
    assert_null(smap_var_named(&m, "f1"));
    /* the libraries it needs, sorted, each once */
    assert_int_equal(m.nneeds, 2);
    assert_string_equal(m.needs[0], "libm.so.5");
    assert_string_equal(m.needs[1], "libq.so.2");
    smap_free(&m);
    /* a damaged stub is refused, naming it */
    su_write("libimg.sa", out.p, out.len / 2);
    assert_int_equal(smap_load(&m, stubs, 1, &e), -1);
    assert_non_null(strstr(e.msg, "libimg.sa"));
    smap_free(&m);
    buf_free(&out);
    buf_free(&prog);
    mkstubs_free(&L);
    unsetenv("JUMP_DIR");
    su_scratch_done(dir);
}

static void test_stubmap_i386(void **state) { (void)state; check_stubmap(&arch_i386); }
static void test_stubmap_x86_64(void **state) { (void)state; check_stubmap(&arch_x86_64); }

static const char *image_error(int bad)
{
    static jerr e;
    char *dir = setup(&arch_i386, bad);
    mkstubs_opts o = opts();
    mkstubs_lib L;
    int rc = mkstubs_load(&L, &o, &e);
    mkstubs_free(&L);
    unsetenv("JUMP_DIR");
    su_scratch_done(dir);
    if (rc == 0)
        return "loaded";
    assert_int_equal(e.status, EXIT_BAD);
    return e.msg;
}

static void test_image_errors(void **state)
{
    (void)state;
    assert_string_equal(image_error(BAD_NONE), "loaded");
    assert_string_equal(image_error(BAD_NO_NOTE), "libimg.so.1.2: not a jump image (no JUMP note)");
    assert_string_equal(image_error(BAD_SHORT_NOTE), "libimg.so.1.2: the JUMP note is too short (16 bytes)");
    assert_string_equal(image_error(BAD_FORMAT), "libimg.so.1.2: JUMP note format 2 is not 1");
    assert_string_equal(image_error(BAD_ORIGIN),
                        "libimg.so.1.2: the image was built with -a 0x6a390000 -j 0x400 -g 0x400, "
                        "not -a 0x6a380000 -j 0x400 -g 0x400");
    assert_string_equal(image_error(BAD_VWORD), "libimg.so.1.2: the image has version word 0x10064, not 0x100c8 as -v says");
    assert_string_equal(image_error(BAD_INFO_ADDR),
                        "libimg.so.1.2: the image information block at 0x5000 is not in a loaded segment");
    assert_string_equal(image_error(BAD_INFO_MAGIC),
                        "libimg.so.1.2: bad magic in the image information block at 0x6a380074");
    assert_string_equal(image_error(BAD_NAME_PTR),
                        "libimg.so.1.2: the name of host import 0 (at 0x7000) is unreadable");
    assert_string_equal(image_error(BAD_IMPORTS_PTR), "libimg.so.1.2: host import 0 lies outside the image");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_in_stub),
        cmocka_unit_test(test_image_imports_i386),
        cmocka_unit_test(test_image_imports_x86_64),
        cmocka_unit_test(test_members_i386),
        cmocka_unit_test(test_members_x86_64),
        cmocka_unit_test(test_stubmap_i386),
        cmocka_unit_test(test_stubmap_x86_64),
        cmocka_unit_test(test_image_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
