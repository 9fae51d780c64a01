/* test_image: slot decoding on byte arrays, slot and cell indices from the layout, the
 * image note, and stub libraries (record strings through REL and RELA relocations, and
 * the errors for files that are not stubs). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ar.h"
#include "buf.h"
#include "diag.h"
#include "elf.h"
#include "image.h"
#include "jumpfmt.h"
#include "layout.h"
#include "sysutil.h"

static void slot(uint8_t s[8], const char *bytes) { memcpy(s, bytes, 8); }

static void test_slot_decode_jumps(void **state)
{
    uint8_t s[8];
    uint64_t t = 0;
    (void)state;
    /* Forward: 0x6a380008 + 5 + 0x1013 = 0x6a381020. */
    slot(s, "\xe9\x13\x10\x00\x00\x90\x90\x90");
    assert_int_equal(jimg_slot_decode(s, 0x6a380008, 4, &t), JSLOT_JUMP);
    assert_int_equal(t, 0x6a381020);
    /* Backward: 0x60001000 + 5 - 0x10 = 0x60000ff5. */
    slot(s, "\xe9\xf0\xff\xff\xff\x90\x90\x90");
    assert_int_equal(jimg_slot_decode(s, 0x60001000, 4, &t), JSLOT_JUMP);
    assert_int_equal(t, 0x60000ff5);
    assert_int_equal(jimg_slot_decode(s, 0x60001000, 8, &t), JSLOT_JUMP);
    assert_int_equal(t, 0x60000ff5);
    /* i386 addresses wrap at 2^32: 0xfffffff0 + 5 + 0x20 = 0x15; x86-64 ones do not. */
    slot(s, "\xe9\x20\x00\x00\x00\xcc\xcc\xcc");
    assert_int_equal(jimg_slot_decode(s, 0xfffffff0u, 4, &t), JSLOT_JUMP);
    assert_int_equal(t, 0x15);
    assert_int_equal(jimg_slot_decode(s, 0xfffffff0u, 8, &t), JSLOT_JUMP);
    assert_int_equal(t, 0x100000015ull);
    /* The most negative displacement, sign-extended on x86-64. */
    slot(s, "\xe9\x00\x00\x00\x80\x90\xcc\x90");
    assert_int_equal(jimg_slot_decode(s, 0x60000000, 8, &t), JSLOT_JUMP);
    assert_int_equal(t, 0xffffffffe0000005ull);
}

static void test_slot_decode_others(void **state)
{
    uint8_t s[8];
    uint64_t t = 0x1234;
    (void)state;
    slot(s, "\x0f\x0b\xcc\xcc\xcc\xcc\xcc\xcc");
    assert_int_equal(jimg_slot_decode(s, 0x6a380010, 4, &t), JSLOT_TRAP);
    assert_int_equal(t, 0x1234); /* untouched */
    slot(s, "\x0f\x0b\xcc\xcc\xcc\xcc\xcc\x00");
    assert_int_equal(jimg_slot_decode(s, 0x6a380010, 4, &t), JSLOT_OTHER);
    slot(s, "\xe9\x13\x10\x00\x00\x90\x90\x00"); /* fill that is neither nop nor int3 */
    assert_int_equal(jimg_slot_decode(s, 0x6a380010, 4, &t), JSLOT_OTHER);
    slot(s, "\xeb\x06\x90\x90\x90\x90\x90\x90"); /* a short jmp is not a slot */
    assert_int_equal(jimg_slot_decode(s, 0x6a380010, 4, &t), JSLOT_OTHER);
    memset(s, 0, 8);
    assert_int_equal(jimg_slot_decode(s, 0x6a380010, 4, &t), JSLOT_OTHER);
    assert_int_equal(t, 0x1234);
}

static void test_slot_and_cell_index(void **state)
{
    layout l;
    jerr e;
    (void)state;
    /* The article's parameters: 1024-byte table (126 usable slots), 1024-byte GOT. */
    assert_int_equal(layout_init(&l, 0x6a380000, 1024, 1024, 0, 4, 0x60000000, &e), 0);
    assert_int_equal(jimg_slot_index(&l, 0x6a380000), 0); /* the version word */
    assert_int_equal(jimg_slot_index(&l, 0x6a380008), 1);
    assert_int_equal(jimg_slot_index(&l, 0x6a38000c), 0);
    assert_int_equal(jimg_slot_index(&l, 0x6a380000 + 8 * 126), 126);
    assert_int_equal(jimg_slot_index(&l, 0x6a380000 + 1024 - 8), 0); /* constructor slot */
    assert_int_equal(jimg_slot_index(&l, 0x6a37fff8), 0);
    assert_int_equal(jimg_slot_index(&l, 0x6a380400), 0);
    assert_int_equal(jimg_cell_index(&l, 0x6a380400), 0);     /* cell 0: the info pointer */
    assert_int_equal(jimg_cell_index(&l, 0x6a380404), 0);     /* cell 1: the magic */
    assert_int_equal(jimg_cell_index(&l, 0x6a380408), 2);
    assert_int_equal(jimg_cell_index(&l, 0x6a38040a), 0);
    assert_int_equal(jimg_cell_index(&l, 0x6a380400 + 1020), 255);
    assert_int_equal(jimg_cell_index(&l, 0x6a380400 + 1024), 0);
    assert_int_equal(jimg_cell_index(&l, 0x6a3803fc), 0);
    /* x86-64: 8-byte cells, a GOT placed by -d below the data origin. */
    assert_int_equal(layout_init(&l, 0x60000000, 0x4000, 0x1000, 0x60010000, 8, 0x60000000, &e), 0);
    assert_int_equal(jimg_cell_index(&l, 0x6000f000 + 16), 2);
    assert_int_equal(jimg_cell_index(&l, 0x6000f000 + 12), 0);
    assert_int_equal(jimg_cell_index(&l, 0x6000f000 + 0xff8), 511);
    assert_int_equal(jimg_cell_index(&l, 0x60004000 + 16), 0);
    assert_int_equal(jimg_slot_index(&l, 0x60000000 + 0x4000 - 16), 0x4000 / 8 - 2);
}

static size_t note_desc(uint8_t *d, const char *soname)
{
    memset(d, 0, 128);
    wr32le(d, JUMP_NOTE_FORMAT);
    wr32le(d + 4, 0x10000);
    wr32le(d + 8, 4);
    wr32le(d + 12, 0x400);
    wr32le(d + 16, 0x400);
    wr64le(d + 24, 0x6a380000);
    wr64le(d + 32, 0x6a380400);
    wr64le(d + 40, 0x6a381000);
    wr64le(d + 48, 0x6a385020);
    wr64le(d + 56, 0x6a383000);
    strcpy((char *)d + 64, soname);
    return 64 + ((strlen(soname) + 4) & ~(size_t)3);
}

static void test_note(void **state)
{
    uint8_t d[128];
    jimg_note n;
    jerr e;
    size_t len = note_desc(d, "libxyz.so.1");
    (void)state;
    assert_int_equal(jimg_note_parse(d, len, &n, &e), 0);
    assert_int_equal(n.vword, 0x10000);
    assert_int_equal(n.cellsize, 4);
    assert_int_equal(n.jumpsize, 0x400);
    assert_int_equal(n.gotsize, 0x400);
    assert_int_equal(n.origin, 0x6a380000);
    assert_int_equal(n.got, 0x6a380400);
    assert_int_equal(n.data, 0x6a381000);
    assert_int_equal(n.end, 0x6a385020);
    assert_int_equal(n.info, 0x6a383000);
    assert_string_equal(n.soname, "libxyz.so.1");
    assert_int_equal(jimg_note_parse(d, 64, &n, &e), -1);
    assert_string_equal(e.msg, "the jump note is 64 bytes, shorter than 65");
    assert_int_equal(jimg_note_parse(d, 64 + 11, &n, &e), -1); /* soname cut before its NUL */
    assert_string_equal(e.msg, "the jump note's soname is not NUL-terminated");
    wr32le(d, 2);
    assert_int_equal(jimg_note_parse(d, len, &n, &e), -1);
    assert_string_equal(e.msg, "the jump note has format 2, not 1");
}

/* A descriptor member as mkstubs writes it: the record in jump_libs, its strings in .rodata
 * reached through relocations against the section symbol with addends. */
static void descriptor(const arch *a, buf *out)
{
    static const char strs[] = "xx\0libabc.so.2\0DLL Jump 2.1\0/opt/lib";
    elf_writer *w = elfw_new(a);
    unsigned ws = a->ptrsize;
    int ro = elfw_section(w, ".rodata", SHT_PROGBITS_, SHF_ALLOC_, 1);
    int jl = elfw_section(w, JUMP_REC_SECTION, SHT_PROGBITS_, SHF_ALLOC_ | SHF_WRITE_, ws);
    uint32_t rosym;
    buf_add(elfw_data(w, ro), strs, sizeof strs);
    rosym = elfw_section_symbol(w, ro);
    for (int i = 0; i < JR_NWORDS; i++) {
        uint64_t v = i == JR_MAGIC ? JUMP_REC_MAGIC : i == JR_FORMAT ? JUMP_REC_FORMAT
                   : i == JR_ORIGIN ? 0x6a380000 : i == JR_VERSION ? 0x20000 + 100 : 0;
        buf_wn(elfw_data(w, jl), v, ws);
    }
    elfw_reloc(w, jl, (uint64_t)JR_SONAME * ws, rosym, a->r_abs, 3);
    elfw_reloc(w, jl, (uint64_t)JR_DESC * ws, rosym, a->r_abs, 15);
    elfw_reloc(w, jl, (uint64_t)JR_DIR * ws, rosym, a->r_abs, 28);
    elfw_symbol(w, "__libabc_2_1", jl, 0, 0, STB_GLOBAL_, STT_OBJECT_);
    elfw_symbol(w, "__PLT_f", ELFW_ABS, 0x6a380008, 0, STB_GLOBAL_, STT_NOTYPE_);
    elfw_finish(w, out);
    elfw_free(w);
}

static void member(const arch *a, buf *out)
{
    elf_writer *w = elfw_new(a);
    elfw_symbol(w, "f", ELFW_ABS, 0x6a380008, 0, STB_WEAK_, STT_FUNC_);
    elfw_symbol(w, "__libabc_2_1", ELFW_UNDEF, 0, 0, STB_GLOBAL_, STT_NOTYPE_);
    elfw_finish(w, out);
    elfw_free(w);
}

/* Write the archive w holds to path; free it and the members' buffers d and m. */
static void stub_done(ar_writer *w, const char *path, buf *d, buf *m)
{
    buf ar = {0};
    arw_finish(w, &ar);
    su_write(path, ar.p, ar.len);
    arw_free(w);
    buf_free(d);
    buf_free(m);
    buf_free(&ar);
}

static void write_stub(const char *path, const arch *a, int with_desc, int with_text)
{
    buf d = {0}, m = {0};
    ar_writer *w = arw_new();
    descriptor(a, &d);
    member(a, &m);
    if (with_desc)
        arw_add(w, "__libabc.o", d.p, d.len);
    arw_add(w, "f.o", m.p, m.len);
    if (with_text)
        arw_add(w, "README", "text", 4);
    stub_done(w, path, &d, &m);
}

static void check_record(const arch *a)
{
    char *dir = su_scratch();
    jstub s;
    jrec r;
    jerr e;
    write_stub("libabc.sa", a, 1, 0);
    assert_int_equal(jstub_open(&s, "libabc.sa", &e), 0);
    assert_string_equal(s.root, "libabc");
    assert_ptr_equal(s.arch, a);
    assert_int_equal(s.ar.n, 2);
    assert_int_equal(s.desc, 0);
    assert_int_equal(jstub_record(&s, &r, &e), 0);
    assert_int_equal(r.magic, JUMP_REC_MAGIC);
    assert_int_equal(r.format, JUMP_REC_FORMAT);
    assert_int_equal(r.origin, 0x6a380000);
    assert_int_equal(r.version, 0x20064);
    assert_string_equal(r.soname, "libabc.so.2");
    assert_string_equal(r.desc, "DLL Jump 2.1");
    assert_string_equal(r.dir, "/opt/lib");
    jstub_close(&s);
    su_scratch_done(dir);
}

static void test_record_i386(void **state) { (void)state; check_record(&arch_i386); }
static void test_record_x86_64(void **state) { (void)state; check_record(&arch_x86_64); }

static void test_not_stubs(void **state)
{
    char *dir = su_scratch();
    jstub s;
    jerr e;
    buf m = {0};
    (void)state;
    su_write("plain.txt", "hello\n", 6);
    assert_int_equal(jstub_open(&s, "plain.txt", &e), -1);
    assert_int_equal(e.status, EXIT_USAGE);
    assert_string_equal(e.msg, "plain.txt: not a stub library (not an ar archive)");
    member(&arch_i386, &m);
    su_write("f.o", m.p, m.len);
    assert_int_equal(jstub_open(&s, "f.o", &e), -1);
    assert_string_equal(e.msg, "f.o: not a stub library (not an ar archive)");
    write_stub("nodesc.sa", &arch_i386, 0, 0);
    assert_int_equal(jstub_open(&s, "nodesc.sa", &e), -1);
    assert_string_equal(e.msg, "nodesc.sa: not a stub library (no member holds a jump_libs record)");
    write_stub("text.sa", &arch_i386, 1, 1);
    assert_int_equal(jstub_open(&s, "text.sa", &e), -1);
    assert_string_equal(e.msg, "text.sa(README): not a stub library: the member is not an ELF object");
    assert_int_equal(jstub_open(&s, "missing.sa", &e), -1);
    assert_int_equal(e.status, EXIT_USAGE);
    assert_non_null(strstr(e.msg, "missing.sa"));
    buf_free(&m);
    su_scratch_done(dir);
}

/* ---- a.out stubs and images, built here from struct exec and nlist (lib/aout.h) ---- */

typedef struct asym {
    const char *name;
    uint8_t type;
    uint32_t value;
} asym;

/* An a.out file of `magic`: the header, text, data, no relocations, the symbols, the strings.
 * For QMAGIC the header is the text's first 32 bytes: `text` holds the rest. */
static void aout_file(buf *out, unsigned magic, uint32_t entry, const void *text, uint32_t tl, const void *data,
                      uint32_t dl, const asym *sy, size_t n)
{
    uint32_t strx = 4;
    out->len = 0;
    buf_w32(out, magic | 100u << 16);
    buf_w32(out, tl);
    buf_w32(out, dl);
    buf_w32(out, 0);
    buf_w32(out, (uint32_t)(12 * n));
    buf_w32(out, entry);
    buf_w32(out, 0);
    buf_w32(out, 0);
    if (tl)
        buf_add(out, text, magic == 0314 ? tl - 32 : tl);
    if (dl)
        buf_add(out, data, dl);
    for (size_t i = 0; i < n; i++) {
        buf_w32(out, strx);
        buf_w8(out, sy[i].type);
        buf_w8(out, 0);
        buf_w16(out, 0);
        buf_w32(out, sy[i].value);
        strx += (uint32_t)strlen(sy[i].name) + 1;
    }
    buf_w32(out, strx);
    for (size_t i = 0; i < n; i++)
        buf_add(out, sy[i].name, strlen(sy[i].name) + 1);
}

/* A classic stub: descriptor (text "/usr/lib/libold.so.2\0DLL Jump 2.1\0", data {0, 21,
 * origin, version}, the ___SHARED_LIBRARIES__ element at the data) and one member. `pathptr`
 * is the record's first word; `shared` names the set element. */
static void aout_stub(const char *path, uint32_t pathptr, const char *shared, int elf_member)
{
    static const char text[36] = "/usr/lib/libold.so.2\0DLL Jump 2.1";
    uint8_t data[16];
    const asym ds[] = {{"___libold_2_100", 7, 36}, {shared, 0x19, 36}, {"__PLT__old_a", 3, 0x6b200008},
                       {"__GOT__old_v", 3, 0x6b201008}};
    const asym ms[] = {{"_old_a", 3, 0x6b200008}, {"_old_v", 3, 0x6b202000}, {"___libold_2_100", 1, 0}};
    buf d = {0}, m = {0};
    ar_writer *w = arw_new();
    wr32le(data, pathptr), wr32le(data + 4, 21), wr32le(data + 8, 0x6b200000), wr32le(data + 12, 0x20064);
    aout_file(&d, 0407, 0, text, 36, data, 16, ds, 4);
    aout_file(&m, 0407, 0, NULL, 0, NULL, 0, ms, 3);
    arw_bsd_index(w);
    arw_add(w, "__libold.o", d.p, d.len);
    if (elf_member) {
        m.len = 0;
        member(&arch_i386, &m);
    }
    arw_add(w, "old.o", m.p, m.len);
    stub_done(w, path, &d, &m);
}

static void test_aout_stubs(void **state)
{
    char *dir = su_scratch();
    jstub s;
    jrec r;
    jerr e;
    (void)state;
    aout_stub("libold.sa", 0, "___SHARED_LIBRARIES__", 0);
    assert_int_equal(jstub_open(&s, "libold.sa", &e), 0);
    assert_true(s.aout);
    assert_int_equal(s.desc, 0);
    assert_int_equal(jstub_record(&s, &r, &e), 0);
    assert_string_equal(r.soname, "libold.so.2");
    assert_string_equal(r.desc, "DLL Jump 2.1");
    assert_int_equal(r.origin, 0x6b200000);
    assert_int_equal(r.version, 0x20064);
    /* a.out has no symbol types: a name with a __PLT_ slot is a function */
    assert_string_equal(s.elf[1].syms[1].name, "old_a");
    assert_int_equal(s.elf[1].syms[1].type, STT_FUNC_);
    assert_string_equal(s.elf[1].syms[2].name, "old_v");
    assert_int_equal(s.elf[1].syms[2].type, STT_OBJECT_);
    jstub_close(&s);

    aout_stub("bad.sa", 40, "___SHARED_LIBRARIES__", 0);
    assert_int_equal(jstub_open(&s, "bad.sa", &e), 0);
    assert_int_equal(jstub_record(&s, &r, &e), -1);
    assert_string_equal(e.msg, "bad.sa(__libold.o): the record's path does not point at a string in the text");
    jstub_close(&s);
    aout_stub("noset.sa", 0, "___OTHER__", 0);
    assert_int_equal(jstub_open(&s, "noset.sa", &e), -1);
    assert_string_equal(e.msg, "noset.sa: not a stub library (no member holds a ___SHARED_LIBRARIES__ record)");
    aout_stub("mixed.sa", 0, "___SHARED_LIBRARIES__", 1);
    assert_int_equal(jstub_open(&s, "mixed.sa", &e), -1);
    assert_string_equal(e.msg, "mixed.sa(old.o): not a stub library: the member is not an a.out object");
    su_scratch_done(dir);
}

/* A period image (no jump note): its layout stands in for one, or the image is refused. */
static void period_image(const char *path, int conflicts, uint32_t var, uint32_t text)
{
    static uint8_t body[0x3000];
    asym sy[] = {{"_old_a", 5, 0x6b200008}, {"_old_v", 5, var}, {"__GOT__old_v", 5, 0x6b201008},
                 {conflicts ? "__SHARABLE_CONFLICTS__" : "__OTHER__", 0x17, 0x6b201004}};
    buf b = {0};
    memset(body, 0, sizeof body);
    wr32le(body + 0x1000 - 32, 0x20064); /* the version word at the load address */
    aout_file(&b, 0314, 0x6b1ff020, body, text, NULL, 0, sy, 4);
    su_write(path, b.p, b.len);
    buf_free(&b);
}

/* period_image's arguments, and the whole message jimg_open refuses it with. */
static void period_refused(const char *path, int conflicts, uint32_t var, uint32_t text, const char *want)
{
    jimage im;
    jerr e;
    period_image(path, conflicts, var, text);
    assert_int_equal(jimg_open(&im, path, &e), -1);
    assert_string_equal(e.msg, want);
}

static void test_period_images(void **state)
{
    char *dir = su_scratch();
    jimage im;
    jerr e;
    (void)state;
    period_image("libold.so.2.1", 1, 0x6b202000, 0x3000);
    if (jimg_open(&im, "libold.so.2.1", &e) != 0)
        fail_msg("%s", e.msg);
    assert_true(im.note.classic);
    assert_string_equal(im.note.soname, "libold.so.2");
    assert_int_equal(im.note.origin, 0x6b200000);
    assert_int_equal(im.note.jumpsize, 0x1000);
    assert_int_equal(im.note.gotsize, 0x1000);
    assert_int_equal(im.word0, 0x20064);
    jimg_close(&im);
    period_refused("libold.so.2.2", 0, 0x6b202000, 0x3000,
                   "libold.so.2.2: not a jump image: a classic a.out image whose "
                   "__SHARABLE_CONFLICTS__ does not lead to a GOT above its jump table");
    period_refused("libold.so.2.3", 1, 0x6b201000, 0x3000,
                   "libold.so.2.3: not a jump image: a classic a.out image whose variables lie below its GOT");
    period_refused("oldimage", 1, 0x6b202000, 0x3000,
                   "oldimage: not a jump image: a classic a.out image whose file name does not "
                   "say its library (name it lib<name>.so.<version>)");
    period_refused("libold.so.2.4", 1, 0x6b202000, 0x1000,
                   "libold.so.2.4: not a jump image: no loaded bytes at the origin 0x6b200000");
    su_scratch_done(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slot_decode_jumps),
        cmocka_unit_test(test_slot_decode_others),
        cmocka_unit_test(test_slot_and_cell_index),
        cmocka_unit_test(test_note),
        cmocka_unit_test(test_aout_stubs),
        cmocka_unit_test(test_period_images),
        cmocka_unit_test(test_record_i386),
        cmocka_unit_test(test_record_x86_64),
        cmocka_unit_test(test_not_stubs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
