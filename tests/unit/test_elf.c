/* test_elf: the ELF writer checked by readelf, nm and ld; the reader on objects and executables
 * gcc made; one precise message per corrupt header field. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "elf.h"
#include "sysutil.h"

#define WEAK_ABS 0x6a380010u

/* An object exercising every writer feature; see the checks below for what it must contain. */
static void build_obj(const arch *a, buf *out)
{
    unsigned ps = a->ptrsize;
    elf_writer *w = elfw_new(a);
    int text = elfw_section(w, ".text", SHT_PROGBITS_, SHF_ALLOC_ | SHF_EXECINSTR_, 16);
    int ro = elfw_section(w, ".rodata", SHT_PROGBITS_, SHF_ALLOC_, 1);
    int data = elfw_section(w, ".data", SHT_PROGBITS_, SHF_ALLOC_ | SHF_WRITE_, ps);
    int pre = elfw_section(w, ".preinit_array", SHT_PREINIT_ARRAY_, SHF_ALLOC_ | SHF_WRITE_, ps);
    int bss = elfw_section(w, ".bss", SHT_NOBITS_, SHF_ALLOC_ | SHF_WRITE_, 8);
    int note = elfw_section(w, ".note.test", SHT_NOTE_, 0, 4);
    buf_add(elfw_data(w, text), "\xc3\x90\x90\x90", 4);
    buf_add(elfw_data(w, ro), "xx\0hello", 9);
    buf_zero(elfw_data(w, data), 3 * ps);
    buf_zero(elfw_data(w, pre), ps);
    elfw_bss(w, bss, 32);
    buf *nb = elfw_data(w, note);
    buf_w32(nb, 5);
    buf_w32(nb, 8);
    buf_w32(nb, 0x1234);
    buf_add(nb, "TEST\0\0\0", 8);
    buf_add(nb, "abcdefgh", 8);

    /* Globals first on purpose: the writer must still put locals first. */
    elfw_symbol(w, "data_sym", data, 0, 3 * ps, STB_GLOBAL_, STT_OBJECT_);
    uint32_t func = elfw_symbol(w, "text_func", text, 0, 1, STB_GLOBAL_, STT_FUNC_);
    elfw_symbol(w, "local_one", data, ps, ps, STB_LOCAL_, STT_OBJECT_);
    uint32_t wabs = elfw_symbol(w, "weak_abs", ELFW_ABS, WEAK_ABS, 0, STB_WEAK_, STT_FUNC_);
    uint32_t ext = elfw_symbol(w, "ext_target", ELFW_UNDEF, 0, 0, STB_GLOBAL_, STT_NOTYPE_);
    elfw_symbol(w, "comm_sym", ELFW_COMMON, 8, 16, STB_GLOBAL_, STT_OBJECT_);
    elfw_symbol(w, "bss_sym", bss, 8, 4, STB_GLOBAL_, STT_OBJECT_);
    elfw_symbol(w, "hello_str", ro, 3, 6, STB_GLOBAL_, STT_OBJECT_);
    elfw_reloc(w, data, 0, ext, a->r_abs, 4);
    elfw_reloc(w, data, ps, elfw_section_symbol(w, ro), a->r_abs, 3);
    elfw_reloc(w, data, 2 * ps, wabs, a->r_abs, 0);
    elfw_reloc(w, pre, 0, func, a->r_abs, 0);
    elfw_finish(w, out);
    elfw_free(w);
}

/* Fields of `readelf -W -s` for the symbol `name` (Num Value Size Type Bind Vis Ndx Name). */
static int readelf_sym(const char *out, const char *name, char f[8][64])
{
    const char *line = out;
    while (line && *line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char tmp[512];
        if (len < sizeof tmp) {
            memcpy(tmp, line, len);
            tmp[len] = 0;
            if (sscanf(tmp, "%63s %63s %63s %63s %63s %63s %63s %63s", f[0], f[1], f[2], f[3], f[4],
                       f[5], f[6], f[7]) == 8 &&
                !strcmp(f[7], name))
                return 1;
        }
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

static uint64_t nm_value(const char *nm_out, const char *name)
{
    char pat[256];
    snprintf(pat, sizeof pat, " %s\n", name);
    const char *p = strstr(nm_out, pat);
    assert_non_null(p);
    while (p > nm_out && p[-1] != '\n')
        p--;
    return strtoull(p, NULL, 16);
}

static uint64_t word_at(const blob *b, size_t off, unsigned ps)
{
    assert_true(in_bounds(b->len, off, ps));
    return ps == 8 ? rd64le(b->p + off) : rd32le(b->p + off);
}

static void check_writer(const arch *a)
{
    char *dir = su_scratch();
    buf o = {0};
    unsigned ps = a->ptrsize;
    int hexw = (int)ps * 2;
    char line[256], f[8][64];
    build_obj(a, &o);
    su_write("obj.o", o.p, o.len);

    /* Symbols as readelf sees them: locals first, the weak absolute one, the common one. */
    char *rs = su_out("readelf -W -s obj.o");
    assert_non_null(rs);
    assert_true(readelf_sym(rs, "weak_abs", f));
    assert_int_equal(strtoull(f[1], NULL, 16), WEAK_ABS);
    assert_string_equal(f[3], "FUNC");
    assert_string_equal(f[4], "WEAK");
    assert_string_equal(f[6], "ABS");
    assert_true(readelf_sym(rs, "local_one", f));
    assert_string_equal(f[4], "LOCAL");
    assert_string_equal(f[0], "1:"); /* locals in the order added, before every global */
    assert_true(readelf_sym(rs, "comm_sym", f));
    assert_string_equal(f[6], "COM");
    assert_string_equal(f[2], "16");
    assert_true(readelf_sym(rs, "ext_target", f));
    assert_string_equal(f[6], "UND");
    free(rs);
    char *hdr = su_out("readelf -W -S obj.o | grep -c -e '\\.symtab *SYMTAB.* 3 *%d$' -e 'preinit_array *PREINIT_ARRAY' "
                       "-e 'note.test *NOTE' -e 'GNU-stack *PROGBITS'", (int)ps);
    assert_non_null(hdr);
    assert_string_equal(hdr, "4\n"); /* symtab sh_info 3 = first global, entsize check by readelf */
    free(hdr);

    /* Relocations, with the addend where readelf shows it. */
    char *rr = su_out("readelf -W -r obj.o");
    assert_non_null(rr);
    if (a->rela) {
        assert_non_null(strstr(rr, "Relocation section '.rela.data'"));
        assert_non_null(strstr(rr, "R_X86_64_64            0000000000000000 ext_target + 4"));
        assert_non_null(strstr(rr, "Relocation section '.rela.preinit_array'"));
    } else {
        assert_non_null(strstr(rr, "Relocation section '.rel.data'"));
        assert_non_null(strstr(rr, "R_386_32               00000000   ext_target"));
        assert_non_null(strstr(rr, "Relocation section '.rel.preinit_array'"));
    }
    free(rr);

    char *nm = su_out("nm obj.o");
    assert_non_null(nm);
    snprintf(line, sizeof line, "%0*x W weak_abs", hexw, WEAK_ABS);
    assert_true(su_has_line(nm, line));
    snprintf(line, sizeof line, "%*s U ext_target", hexw, "");
    assert_true(su_has_line(nm, line));
    snprintf(line, sizeof line, "%0*x C comm_sym", hexw, 16);
    assert_true(su_has_line(nm, line));
    snprintf(line, sizeof line, "%0*x d local_one", hexw, ps);
    assert_true(su_has_line(nm, line));
    snprintf(line, sizeof line, "%0*x B bss_sym", hexw, 8);
    assert_true(su_has_line(nm, line));
    free(nm);

    /* Link it with a definition of ext_target and check every relocated word. */
    FILE *s = fopen("def.s", "w");
    assert_non_null(s);
    fputs(".data\n.globl ext_target\n.long 0\next_target: .long 0\n.section .note.GNU-stack,\"\",@progbits\n", s);
    fclose(s);
    char *ld = su_out("as %s -o def.o def.s && ld -m %s -e 0 --no-dynamic-linker -o out obj.o def.o 2>&1 && "
                      "objcopy -O binary -j .data out data.bin && objcopy -O binary -j .preinit_array out pre.bin",
                      a->as_flag, a->ld_emul);
    assert_non_null(ld);
    assert_string_equal(ld, ""); /* no warning either (executable stack, ...) */
    free(ld);
    char *lnm = su_out("nm out");
    assert_non_null(lnm);
    blob d, p;
    jerr e;
    assert_int_equal(blob_read("data.bin", &d, &e), 0);
    assert_int_equal(blob_read("pre.bin", &p, &e), 0);
    assert_int_equal(nm_value(lnm, "data_sym"), nm_value(lnm, "data_sym")); /* present */
    /* data_sym is the first thing in the output .data (obj.o comes first). */
    assert_int_equal(word_at(&d, 0, ps), nm_value(lnm, "ext_target") + 4);
    assert_int_equal(word_at(&d, ps, ps), nm_value(lnm, "hello_str"));
    assert_int_equal(word_at(&d, 2 * ps, ps), WEAK_ABS);
    assert_int_equal(word_at(&p, 0, ps), nm_value(lnm, "text_func"));
    free(lnm);
    blob_free(&d);
    blob_free(&p);
    buf_free(&o);
    su_scratch_done(dir);
}

static void test_writer_i386(void **state) { (void)state; check_writer(&arch_i386); }
static void test_writer_x86_64(void **state) { (void)state; check_writer(&arch_x86_64); }

static void test_writer_is_deterministic_and_readable(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        const arch *a = k ? &arch_x86_64 : &arch_i386;
        buf x = {0}, y = {0};
        elf_file f;
        jerr e;
        build_obj(a, &x);
        buf_zero(&y, 3); /* appending after other bytes must not change the object */
        build_obj(a, &y);
        assert_int_equal(x.len + 3, y.len);
        assert_memory_equal(x.p, y.p + 3, x.len);
        assert_int_equal(elf_open(&f, "obj.o", x.p, x.len, &e), 0);
        assert_ptr_equal(f.arch, a);
        assert_int_equal(f.type, ET_REL_);
        size_t i = elf_symbol(&f, "weak_abs");
        assert_true(i > 0);
        assert_int_equal(f.syms[i].shndx, SHN_ABS_);
        assert_int_equal(f.syms[i].value, WEAK_ABS);
        assert_int_equal(f.syms[i].bind, STB_WEAK_);
        assert_int_equal(f.syms[elf_symbol(&f, "comm_sym")].shndx, SHN_COMMON_);
        assert_int_equal(f.syms[elf_symbol(&f, "ext_target")].shndx, SHN_UNDEF_);
        const elf_sec *ds = elf_section(&f, ".data");
        assert_non_null(ds);
        elf_rel *r;
        size_t n;
        assert_int_equal(elf_relocs(&f, (size_t)(ds - f.secs), &r, &n, &e), 0);
        assert_int_equal(n, 3);
        assert_string_equal(f.syms[r[0].sym].name, "ext_target");
        assert_int_equal(r[0].addend, 4); /* from the bytes on i386, explicit on x86-64 */
        assert_int_equal(f.syms[r[1].sym].type, STT_SECTION_);
        assert_int_equal(r[1].addend, 3);
        assert_int_equal(r[2].offset, 2 * a->ptrsize);
        free(r);
        const uint8_t *desc;
        size_t dl;
        assert_int_equal(elf_find_note(&f, "TEST", 0x1234, &desc, &dl), 1);
        assert_int_equal(dl, 8);
        assert_memory_equal(desc, "abcdefgh", 8);
        assert_int_equal(elf_find_note(&f, "TEST", 0x1235, &desc, &dl), 0);
        assert_int_equal(elf_find_note(&f, "TES", 0x1234, &desc, &dl), 0);
        assert_null(elf_section_data(&f, elf_section(&f, ".bss")));
        elf_close(&f);
        buf_free(&x);
        buf_free(&y);
    }
}

static void check_gcc_object(const arch *a)
{
    char *dir = su_scratch();
    blob b;
    elf_file f;
    jerr e;
    FILE *s = fopen("m.c", "w");
    assert_non_null(s);
    fputs("int counter = 5;\nextern int ext_call(int);\nint pad(void) { return 1; }\n"
          "int f(int x) { return ext_call(x) + counter; }\n", s);
    fclose(s);
    char *o = su_out("gcc %s -O1 -fno-pic -fno-asynchronous-unwind-tables -c m.c -o m.o", a->cc_flag);
    assert_non_null(o);
    free(o);
    char *nm = su_out("nm m.o");
    assert_non_null(nm);
    assert_int_equal(blob_read("m.o", &b, &e), 0);
    assert_int_equal(elf_open(&f, "m.o", b.p, b.len, &e), 0);
    assert_ptr_equal(f.arch, a);
    size_t fi = elf_symbol(&f, "f");
    assert_true(fi > 0);
    assert_int_equal(f.syms[fi].type, STT_FUNC_);
    assert_int_equal(f.syms[fi].value, nm_value(nm, "f"));
    assert_string_equal(f.secs[f.syms[fi].shndx].name, ".text");
    assert_int_equal(f.syms[elf_symbol(&f, "counter")].value, nm_value(nm, "counter"));
    const elf_sec *t = elf_section(&f, ".text");
    elf_rel *r;
    size_t n, found = 0;
    assert_int_equal(elf_relocs(&f, (size_t)(t - f.secs), &r, &n, &e), 0);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f.syms[r[i].sym].name, "ext_call")) {
            found++;
            assert_int_equal(r[i].addend, -4); /* a call's displacement, from the bytes on i386 */
        }
    assert_int_equal(found, 1);
    free(r);
    elf_close(&f);
    blob_free(&b);
    free(nm);
    su_scratch_done(dir);
}

static void test_reads_gcc_object_i386(void **state) { (void)state; check_gcc_object(&arch_i386); }
static void test_reads_gcc_object_x86_64(void **state) { (void)state; check_gcc_object(&arch_x86_64); }

static void check_executable(const arch *a)
{
    char *dir = su_scratch();
    blob b;
    elf_file f;
    jerr e;
    uint32_t v;
    FILE *s = fopen("p.c", "w");
    assert_non_null(s);
    fputs("int marker = 0x11223344;\nint zeroed[64];\nchar greeting[] = \"hello\";\n"
          "int main(void) { return marker + zeroed[3] + greeting[0]; }\n", s);
    fclose(s);
    char *o = su_out("gcc %s -no-pie -Wl,--build-id=sha1 p.c -o p", a->cc_flag);
    assert_non_null(o);
    free(o);
    char *nm = su_out("nm p");
    char *id = su_out("readelf -n p | sed -n 's/.*Build ID: *//p'");
    char *entry = su_out("readelf -h p | sed -n 's/.*Entry point address: *//p'");
    assert_non_null(nm);
    assert_non_null(id);
    assert_non_null(entry);
    assert_int_equal(blob_read("p", &b, &e), 0);
    assert_int_equal(elf_open(&f, "p", b.p, b.len, &e), 0);
    assert_int_equal(f.type, ET_EXEC_);
    assert_true(f.nphdrs > 2);
    assert_int_equal(f.entry, strtoull(entry, NULL, 16));
    assert_int_equal(elf_read_vaddr(&f, nm_value(nm, "marker"), &v, 4), 0);
    assert_int_equal(v, 0x11223344);
    v = 7;
    /* In .bss, past the segment's file image: reads as zero. */
    assert_int_equal(elf_read_vaddr(&f, nm_value(nm, "zeroed") + 12, &v, 4), 0);
    assert_int_equal(v, 0);
    assert_int_equal(elf_read_vaddr(&f, 0x10, &v, 4), -1);
    char *str = elf_read_cstr(&f, nm_value(nm, "greeting"));
    assert_non_null(str);
    assert_string_equal(str, "hello");
    free(str);
    str = elf_read_cstr(&f, nm_value(nm, "greeting") + 5); /* the terminator itself */
    assert_non_null(str);
    assert_string_equal(str, "");
    free(str);
    assert_null(elf_read_cstr(&f, 0x10));

    const uint8_t *desc;
    size_t dl;
    char hex[128] = "";
    assert_int_equal(elf_find_note(&f, "GNU", 3 /* NT_GNU_BUILD_ID */, &desc, &dl), 1);
    assert_int_equal(dl, 20);
    for (size_t i = 0; i < dl; i++)
        snprintf(hex + 2 * i, 3, "%02x", desc[i]);
    strcat(hex, "\n");
    assert_string_equal(hex, id);
    elf_close(&f);

    /* Without section headers the note is found through PT_NOTE. */
    uint8_t *c = xmalloc(b.len);
    memcpy(c, b.p, b.len);
    int is64 = a->elfclass == 2;
    memset(c + (is64 ? 40 : 32), 0, is64 ? 8 : 4);      /* e_shoff */
    memset(c + (is64 ? 60 : 48), 0, 4);                 /* e_shnum, e_shstrndx */
    assert_int_equal(elf_open(&f, "p", c, b.len, &e), 0);
    assert_int_equal(f.nsecs, 0);
    assert_int_equal(elf_find_note(&f, "GNU", 3, &desc, &dl), 1);
    assert_int_equal(dl, 20);
    elf_close(&f);
    free(c);
    blob_free(&b);
    free(nm);
    free(id);
    free(entry);
    su_scratch_done(dir);
}

static void test_reads_executable_i386(void **state) { (void)state; check_executable(&arch_i386); }
static void test_reads_executable_x86_64(void **state) { (void)state; check_executable(&arch_x86_64); }

/* A corrupted copy of an i386 object opened: the message elf_open gives. */
static const char *corrupt(const buf *o, size_t len, size_t at, const void *bytes, size_t n)
{
    static jerr e;
    elf_file f;
    uint8_t *c = xmalloc(o->len);
    memcpy(c, o->p, o->len);
    if (n)
        memcpy(c + at, bytes, n);
    if (elf_open(&f, "bad.o", c, len, &e) == 0) {
        elf_close(&f);
        free(c);
        return "opened";
    }
    free(c);
    assert_int_equal(e.status, EXIT_BAD);
    return e.msg;
}

static void test_corrupt_inputs(void **state)
{
    buf o = {0};
    (void)state;
    build_obj(&arch_i386, &o);
    uint32_t shoff = rd32le(o.p + 32);
    unsigned shnum = rd16le(o.p + 48), shstrndx = rd16le(o.p + 50);
    uint8_t b4[4], b2[2];
    size_t sh1 = shoff + 40; /* section 1 header (.text) */
    /* The symbol table: the section before .strtab and .shstrtab. */
    size_t symsh = shoff + 40 * (shnum - 3), strsh = shoff + 40 * (shnum - 2);
    uint32_t symoff = rd32le(o.p + symsh + 16), strsz = rd32le(o.p + strsh + 20);

    assert_string_equal(corrupt(&o, o.len, 0, NULL, 0), "opened");
    assert_string_equal(corrupt(&o, 3, 0, NULL, 0), "bad.o: not an ELF file");
    assert_string_equal(corrupt(&o, 0, 0, NULL, 0), "bad.o: not an ELF file");
    assert_string_equal(corrupt(&o, 10, 0, NULL, 0), "bad.o: truncated ELF header (10 bytes)");
    assert_string_equal(corrupt(&o, 40, 0, NULL, 0), "bad.o: truncated ELF header (40 bytes, need 52)");
    assert_string_equal(corrupt(&o, o.len, 4, "\3", 1), "bad.o: unknown ELF class 3");
    assert_string_equal(corrupt(&o, o.len, 5, "\2", 1), "bad.o: ELF data encoding 2 is not little-endian");
    assert_string_equal(corrupt(&o, o.len, 6, "\0", 1), "bad.o: ELF identification version 0 is not 1");
    assert_string_equal(corrupt(&o, o.len, 18, "\50\0", 2),
                        "bad.o: unsupported machine 40 (only EM_386 = 3 and EM_X86_64 = 62)");
    assert_string_equal(corrupt(&o, o.len, 18, "\76\0", 2), "bad.o: machine 62 does not match ELF class 1");
    assert_string_equal(corrupt(&o, o.len, 20, "\2\0\0\0", 4), "bad.o: ELF version 2 is not 1");
    assert_string_equal(corrupt(&o, o.len, 16, "\4\0", 2), "bad.o: unsupported ELF file type 4");
    assert_string_equal(corrupt(&o, o.len, 46, "\44\0", 2), "bad.o: section header size 36 is not 40");
    char want[256];
    /* Truncated before the end of the section table. */
    snprintf(want, sizeof want, "bad.o: section header table (offset 0x%x, %u entries) lies outside the file (0x%zx bytes)",
             shoff, shnum, (size_t)o.len - 1);
    assert_string_equal(corrupt(&o, o.len - 1, 0, NULL, 0), want);
    wr32le(b4, 0xfffffff0u);
    snprintf(want, sizeof want, "bad.o: section header table (offset 0xfffffff0, %u entries) lies outside the file (0x%zx bytes)",
             shnum, (size_t)o.len);
    assert_string_equal(corrupt(&o, o.len, 32, b4, 4), want);
    wr32le(b4, (uint32_t)o.len);
    snprintf(want, sizeof want, "bad.o: section 1 (offset 0x%zx, size 0x4) lies outside the file (0x%zx bytes)",
             (size_t)o.len, (size_t)o.len);
    assert_string_equal(corrupt(&o, o.len, sh1 + 16, b4, 4), want);
    wr16le(b2, (uint16_t)shnum);
    snprintf(want, sizeof want, "bad.o: section name string table index %u is out of range (%u sections)", shnum, shnum);
    assert_string_equal(corrupt(&o, o.len, 50, b2, 2), want);
    wr16le(b2, 1);
    assert_string_equal(corrupt(&o, o.len, 50, b2, 2),
                        "bad.o: section name string table (section 1) has type 1, not SHT_STRTAB");
    wr32le(b4, 0x7fff);
    snprintf(want, sizeof want, "bad.o: section 1 name offset 0x7fff is outside the section name string table (0x%x bytes)",
             rd32le(o.p + shoff + 40 * shstrndx + 20));
    assert_string_equal(corrupt(&o, o.len, sh1, b4, 4), want);
    /* Shrink .shstrtab so its last name (".shstrtab" itself) loses its NUL. */
    wr32le(b4, rd32le(o.p + shoff + 40 * shstrndx + 20) - 1);
    snprintf(want, sizeof want, "bad.o: section %u name is not NUL-terminated", shstrndx);
    assert_string_equal(corrupt(&o, o.len, shoff + 40 * shstrndx + 20, b4, 4), want);
    /* Symbol table fields. */
    wr32le(b4, 12);
    snprintf(want, sizeof want, "bad.o: symbol table (section %u) entry size 12 is not 16", shnum - 3);
    assert_string_equal(corrupt(&o, o.len, symsh + 36, b4, 4), want);
    wr32le(b4, rd32le(o.p + symsh + 20) - 4);
    snprintf(want, sizeof want, "bad.o: symbol table (section %u) size 0x%x is not a multiple of 16", shnum - 3,
             rd32le(o.p + symsh + 20) - 4);
    assert_string_equal(corrupt(&o, o.len, symsh + 20, b4, 4), want);
    wr32le(b4, 1);
    snprintf(want, sizeof want, "bad.o: symbol table (section %u) string table link 1 is not a string table", shnum - 3);
    assert_string_equal(corrupt(&o, o.len, symsh + 24, b4, 4), want);
    wr32le(b4, 0x9999);
    snprintf(want, sizeof want, "bad.o: section %u links to section 39321, which does not exist", shnum - 3);
    assert_string_equal(corrupt(&o, o.len, symsh + 24, b4, 4), want);
    wr32le(b4, strsz + 5);
    snprintf(want, sizeof want, "bad.o: symbol 2 name offset 0x%x is outside the string table (0x%x bytes)", strsz + 5, strsz);
    assert_string_equal(corrupt(&o, o.len, symoff + 2 * 16, b4, 4), want);
    wr32le(b4, strsz - 1);
    assert_string_equal(corrupt(&o, o.len, strsh + 20, b4, 4), "bad.o: symbol 9 name is not NUL-terminated");
    wr16le(b2, 77);
    assert_string_equal(corrupt(&o, o.len, symoff + 1 * 16 + 14, b2, 2),
                        "bad.o: symbol 1 'local_one' has section index 77, out of range (13 sections)");
    buf_free(&o);
}

static void test_corrupt_relocs_and_segments(void **state)
{
    buf o = {0};
    elf_file f;
    jerr e;
    elf_rel *r;
    size_t n;
    (void)state;
    build_obj(&arch_i386, &o);
    uint32_t shoff = rd32le(o.p + 32);
    /* .rel.data is the section after the six user sections. */
    size_t relsh = shoff + 40 * 7;
    uint32_t reloff = rd32le(o.p + relsh + 16);
    wr32le(o.p + reloff + 4, 99u << 8 | 1);
    assert_int_equal(elf_open(&f, "bad.o", o.p, o.len, &e), 0);
    assert_int_equal(elf_relocs(&f, 3, &r, &n, &e), -1);
    assert_string_equal(e.msg, "bad.o: relocation 0 in section 7 (.rel.data) names symbol 99, out of range");
    elf_close(&f);
    wr32le(o.p + reloff + 4, 5u << 8 | 1);
    wr32le(o.p + reloff, 0x100);
    assert_int_equal(elf_open(&f, "bad.o", o.p, o.len, &e), 0);
    assert_int_equal(elf_relocs(&f, 3, &r, &n, &e), -1);
    assert_string_equal(e.msg, "bad.o: relocation 0 in section 7 (.rel.data) at offset 0x100 is outside section 3");
    elf_close(&f);
    wr32le(o.p + relsh + 36, 12);
    assert_int_equal(elf_open(&f, "bad.o", o.p, o.len, &e), 0);
    assert_int_equal(elf_relocs(&f, 3, &r, &n, &e), -1);
    assert_string_equal(e.msg, "bad.o: relocation section 7 (.rel.data) entry size 12 or size 0x18 is wrong (want entries of 8)");
    elf_close(&f);
    buf_free(&o);

    /* Program headers: a tiny executable image made by hand (header + one phdr). */
    buf x = {0};
    buf_add(&x, "\177ELF\1\1\1", 7);
    buf_zero(&x, 9);
    buf_w16(&x, ET_EXEC_);
    buf_w16(&x, 3);
    buf_w32(&x, 1);
    buf_w32(&x, 0x1000); /* entry */
    buf_w32(&x, 52);     /* phoff */
    buf_w32(&x, 0);      /* shoff */
    buf_w32(&x, 0);
    buf_w16(&x, 52);
    buf_w16(&x, 32);
    buf_w16(&x, 1);
    buf_w16(&x, 40);
    buf_w16(&x, 0);
    buf_w16(&x, 0);
    size_t ph = x.len;
    buf_w32(&x, PT_LOAD_);
    buf_w32(&x, 0);      /* offset */
    buf_w32(&x, 0x1000); /* vaddr */
    buf_w32(&x, 0x1000);
    buf_w32(&x, 84);     /* filesz */
    buf_w32(&x, 0x2000); /* memsz */
    buf_w32(&x, PF_R_);
    buf_w32(&x, 0x1000);
    uint8_t got[8];
    assert_int_equal(elf_open(&f, "img", x.p, x.len, &e), 0);
    assert_int_equal(elf_read_vaddr(&f, 0x1000 + 80, got, 8), 0); /* straddles file and zero tail */
    assert_memory_equal(got, "\0\x10\0\0\0\0\0\0", 8);
    assert_int_equal(elf_read_vaddr(&f, 0x2ffc, got, 4), 0);
    assert_int_equal(elf_read_vaddr(&f, 0x2ffd, got, 4), -1);
    elf_close(&f);
    wr32le(x.p + ph + 16, 85);
    assert_int_equal(elf_open(&f, "img", x.p, x.len, &e), -1);
    assert_string_equal(e.msg, "img: segment 0 (offset 0x0, file size 0x55) lies outside the file (0x54 bytes)");
    wr32le(x.p + ph + 16, 84);
    wr32le(x.p + ph + 20, 80);
    assert_int_equal(elf_open(&f, "img", x.p, x.len, &e), -1);
    assert_string_equal(e.msg, "img: segment 0 file size 0x54 exceeds its memory size 0x50");
    wr16le(x.p + 44, 2);
    assert_int_equal(elf_open(&f, "img", x.p, x.len, &e), -1);
    assert_string_equal(e.msg, "img: program header table (offset 0x34, 2 entries) lies outside the file (0x54 bytes)");
    wr16le(x.p + 42, 33);
    assert_int_equal(elf_open(&f, "img", x.p, x.len, &e), -1);
    assert_string_equal(e.msg, "img: program header size 33 is not 32");
    buf_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_i386),
        cmocka_unit_test(test_writer_x86_64),
        cmocka_unit_test(test_writer_is_deterministic_and_readable),
        cmocka_unit_test(test_reads_gcc_object_i386),
        cmocka_unit_test(test_reads_gcc_object_x86_64),
        cmocka_unit_test(test_reads_executable_i386),
        cmocka_unit_test(test_reads_executable_x86_64),
        cmocka_unit_test(test_corrupt_inputs),
        cmocka_unit_test(test_corrupt_relocs_and_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
