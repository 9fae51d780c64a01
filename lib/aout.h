/* aout: the classic Linux a.out format (i386), the second format of images and stubs (issue M;
 * DESIGN §5, §6). The fields are those of <a.out.h> as Linux and GNU binutils define them:
 *
 *   struct exec (32 bytes, little-endian words): a_info (magic in the low 16 bits, machine
 *     type in the next 8, flags in the top 8), a_text, a_data, a_bss, a_syms, a_entry,
 *     a_trsize, a_drsize.
 *   QMAGIC (0314) images: the header is the first 32 bytes of the text, file offset 0 is
 *     mapped at a_entry & ~0xfff (what the kernel's uselib() did), data follows text.
 *   OMAGIC (0407) objects: text at file offset 32, then data, relocations, symbols, strings.
 *   struct nlist (12 bytes): n_strx, n_type, n_other, n_desc, n_value; the string table starts
 *     with its own 4-byte length.
 *   struct relocation_info (8 bytes): r_address, then r_symbolnum:24 r_pcrel:1 r_length:2
 *     r_extern:1.
 *
 * A jump image in a.out (mkimage -F aout) is laid out as the classic mkimage laid it out with
 * -qmagic: the header page sits below the load address (text from origin - 0x1000 + 0x20,
 * a_entry there), the version word and jump table at the load address, the GOT and the
 * variables where the classic formulas put them. Every byte from the load address on is the
 * ELF image's: the two formats map the same memory. The header page's padding, which the
 * classic tools left zero, carries the image's ELF file header and program headers (the
 * protections of its segments, which a.out cannot express): the loader maps an a.out image
 * with the same checks and the same W^X segments as an ELF one. */
#ifndef JUMP_AOUT_H
#define JUMP_AOUT_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct jerr;
struct elf_file;

enum {
    AOUT_OMAGIC = 0407, AOUT_NMAGIC = 0410, AOUT_ZMAGIC = 0413, AOUT_QMAGIC = 0314,
    AOUT_M_386 = 100,
    AOUT_EXEC_SIZE = 32, AOUT_NLIST_SIZE = 12, AOUT_RELOC_SIZE = 8,
    AOUT_PAGE = 0x1000,
    /* n_type */
    AOUT_N_UNDF = 0, AOUT_N_EXT = 1, AOUT_N_ABS = 2, AOUT_N_TEXT = 4, AOUT_N_DATA = 6,
    AOUT_N_BSS = 8, AOUT_N_INDR = 0xa, AOUT_N_SETA = 0x14, AOUT_N_SETT = 0x16,
    AOUT_N_SETD = 0x18, AOUT_N_SETB = 0x1a, AOUT_N_SETV = 0x1c, AOUT_N_TYPE = 0x1e,
    AOUT_N_STAB = 0xe0,
};

typedef struct aout_exec {
    uint32_t info, text, data, bss, syms, entry, trsize, drsize;
} aout_exec;

/* The magic and machine of a_info. */
#define AOUT_MAGIC(x) ((x)->info & 0xffff)
#define AOUT_MACHINE(x) (((x)->info >> 16) & 0xff)

/* Read the 32-byte header (0 if there are 32 bytes, else -1). */
int aout_exec_read(const uint8_t *p, size_t len, aout_exec *x);
void aout_exec_write(uint8_t out[AOUT_EXEC_SIZE], const aout_exec *x);
/* Is this an a.out file of a magic the toolkit reads (QMAGIC image, OMAGIC object)? */
int aout_is_aout(const uint8_t *p, size_t len);

/* The a.out spelling of a toolkit (ELF) name and back (DESIGN §3 "Names"): `foo` is `_foo`,
 * a generated `__GOT_foo` / `__PLT_foo` is `__GOT__foo` / `__PLT__foo`, and the linker's own
 * names (__NEEDS_SHRLIB_..., __SHARABLE_CONFLICTS__) are the same in both. malloc'ed. */
char *aout_name_from_elf(const char *name);
char *aout_name_to_elf(const char *name);

/* The a.out (QMAGIC) form of a jump image mkimage linked as ELF (`p`, `len`): appended to
 * out. -1 with e set when the image cannot be expressed in a.out (not i386, segments that do
 * not follow each other, an ELF header that does not fit the header page). */
int aout_image_from_elf(const uint8_t *p, size_t len, struct buf *out, struct jerr *e);

/* Open an a.out QMAGIC image (as mkimage -F aout writes it, or a classic one) as the ELF view
 * the readers use: program headers from the header page's ELF copy (else one segment for
 * text, data and bss, as uselib() mapped it), sections .text .data .bss, its symbols with
 * toolkit names (aout_name_to_elf). -1 with e set (naming the path) on a file that is not
 * one, or whose sizes do not fit it. Release with elf_close. */
int aout_image_open(struct elf_file *f, const char *path, const uint8_t *p, size_t len, struct jerr *e);
/* An image in either format: elf_open for an ELF file, aout_image_open for an a.out one. */
int image_view_open(struct elf_file *f, const char *path, const uint8_t *p, size_t len, struct jerr *e);

/* ---- OMAGIC relocatable objects (the members of an a.out stub) ---- */

/* An object being written: text, data and bss sizes, symbols and relocations. Symbol values
 * are final (data symbols: text size + offset, so add them once the text is complete). */
typedef struct aout_obj {
    struct buf *text, *data;
    uint32_t bss;
    struct buf *drel, *syms, *strs;
} aout_obj;

void aout_obj_init(aout_obj *o);
void aout_obj_free(aout_obj *o);
/* Add a symbol with its a.out name and n_type; its index (for relocations). */
uint32_t aout_obj_sym(aout_obj *o, const char *aout_name, uint8_t type, uint32_t value);
/* A 4-byte relocation in the data at `offset` against a segment (N_TEXT, N_DATA, N_BSS): the
 * word holds the address in that segment. */
void aout_obj_data_reloc(aout_obj *o, uint32_t offset, uint8_t segment);
/* The object's bytes: header, text, data, relocations, symbols, strings. */
void aout_obj_finish(const aout_obj *o, struct buf *out);

/* Open an OMAGIC object as the ELF view the readers use: sections .text .data .bss, its
 * symbols with toolkit names. An absolute or undefined a.out symbol reads as global (the
 * classic stubs' __GOT_SIZE and __NEEDS_SHRLIB_ references were not .globl); relocations are
 * not offered. -1 with e set on a file that is not one or whose sizes do not fit it. */
int aout_object_open(struct elf_file *f, const char *path, const uint8_t *p, size_t len, struct jerr *e);
/* The a.out names an object defines (external, not undefined), for an archive index; each
 * malloc'ed, into *names (malloc'ed array); the count. */
size_t aout_object_defined(const uint8_t *p, size_t len, char ***names);

#endif
