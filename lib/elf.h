/* elf: reading ELF32/ELF64 little-endian files (relocatable objects, executables, jump images)
 * and writing relocatable objects, through byte helpers with bounds checks (never by casting
 * file bytes to structs). Supports the two architectures in arch.h. */
#ifndef JUMP_ELF_H
#define JUMP_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"

struct jerr;
struct buf;

/* ELF constants the toolkit uses (values from the ELF gABI and the x86 psABIs). */
enum {
    ET_REL_ = 1, ET_EXEC_ = 2, ET_DYN_ = 3,
    SHT_NULL_ = 0, SHT_PROGBITS_ = 1, SHT_SYMTAB_ = 2, SHT_STRTAB_ = 3, SHT_RELA_ = 4,
    SHT_NOTE_ = 7, SHT_NOBITS_ = 8, SHT_REL_ = 9, SHT_DYNSYM_ = 11, SHT_INIT_ARRAY_ = 14,
    SHT_PREINIT_ARRAY_ = 16, SHT_GROUP_ = 17,
    SHF_WRITE_ = 1, SHF_ALLOC_ = 2, SHF_EXECINSTR_ = 4, SHF_TLS_ = 0x400,
    SHN_UNDEF_ = 0, SHN_ABS_ = 0xfff1, SHN_COMMON_ = 0xfff2,
    STB_LOCAL_ = 0, STB_GLOBAL_ = 1, STB_WEAK_ = 2,
    STT_NOTYPE_ = 0, STT_OBJECT_ = 1, STT_FUNC_ = 2, STT_SECTION_ = 3, STT_FILE_ = 4,
    STT_COMMON_ = 5, STT_TLS_ = 6, STT_GNU_IFUNC_ = 10,
    PT_LOAD_ = 1, PT_DYNAMIC_ = 2, PT_INTERP_ = 3, PT_NOTE_ = 4, PT_TLS_ = 7,
    PF_X_ = 1, PF_W_ = 2, PF_R_ = 4,
};

typedef struct elf_sym {
    const char *name;   /* points into the file's string table */
    uint64_t value, size;
    uint16_t shndx;     /* SHN_UNDEF_, SHN_ABS_, SHN_COMMON_ or a section index */
    uint8_t bind, type, other;
} elf_sym;

typedef struct elf_sec {
    const char *name;
    uint32_t type, link, info;
    uint64_t flags, addr, offset, size, align, entsize;
} elf_sec;

typedef struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
} elf_phdr;

typedef struct elf_rel {
    uint64_t offset;
    uint32_t sym, type;
    int64_t addend;     /* explicit (RELA) or read from the section bytes (REL) */
} elf_rel;

/* A parsed ELF file. The caller keeps the bytes alive while the view is used. */
typedef struct elf_file {
    const char *path;          /* for messages */
    const uint8_t *p;
    size_t len;
    const arch *arch;
    uint16_t type;             /* ET_REL_, ET_EXEC_, ET_DYN_ */
    uint64_t entry;
    elf_sec *secs;             /* secs[0] is the null section */
    size_t nsecs;
    elf_phdr *phdrs;
    size_t nphdrs;
    elf_sym *syms;             /* .symtab if present, else .dynsym; syms[0] is the null symbol */
    size_t nsyms;
    char *names;               /* symbol names the view made itself (an a.out file's, lib/aout.h) */
} elf_file;

/* Parse and check everything (header, section and program headers, string and symbol tables)
 * against the length. -1 with e set ("path: not an ELF file", "path: section 3 lies outside
 * the file") on anything malformed or an unsupported machine. */
int elf_open(elf_file *f, const char *path, const uint8_t *p, size_t len, struct jerr *e);
void elf_close(elf_file *f);
/* Read the file at `path` into *bl and open it: the caller releases both with
 * elf_close_file. -1 with e set, and nothing to release, otherwise. */
struct blob;
int elf_open_file(elf_file *f, struct blob *bl, const char *path, struct jerr *e);
void elf_close_file(elf_file *f, struct blob *bl);
/* Is this an ELF file at all (magic only)? */
int elf_is_elf(const uint8_t *p, size_t len);

const elf_sec *elf_section(const elf_file *f, const char *name);
/* Index of the first symbol with this name that is defined (or any, if none defined), or 0. */
size_t elf_symbol(const elf_file *f, const char *name);
/* Bytes of a section (NULL for SHT_NOBITS or out of range). */
const uint8_t *elf_section_data(const elf_file *f, const elf_sec *s);
/* Copy n bytes at a virtual address inside a PT_LOAD segment's file image (bytes in the
 * segment's zero-filled tail read as 0). -1 if the range is not all inside one segment. */
int elf_read_vaddr(const elf_file *f, uint64_t vaddr, void *out, size_t n);
/* The NUL-terminated string (at most 4 KiB) at a virtual address, malloc'ed; NULL if it is not
 * all inside one segment. */
/* The file offset of the n bytes at vaddr, when a loadable segment holds all of them in the
 * file. 0 and *off set, -1 if not. */
int elf_file_offset(const elf_file *f, uint64_t vaddr, size_t n, uint64_t *off);
char *elf_read_cstr(const elf_file *f, uint64_t vaddr);
/* Find a note by owner name and type in SHT_NOTE sections or PT_NOTE segments. 1 and the
 * descriptor if found, 0 if not. */
int elf_find_note(const elf_file *f, const char *owner, uint32_t type, const uint8_t **desc,
                  size_t *desclen);
/* The relocations that apply to section `sec` (REL or RELA); malloc'ed array the caller
 * frees; 0 entries if none. -1 with e set on a malformed table. */
int elf_relocs(const elf_file *f, size_t sec, elf_rel **out, size_t *n, struct jerr *e);

/* ---- Writing relocatable objects (ET_REL) ---- */

typedef struct elf_writer elf_writer;

enum { ELFW_UNDEF = 0, ELFW_ABS = -1, ELFW_COMMON = -2 };

elf_writer *elfw_new(const arch *a);
void elfw_free(elf_writer *w);
/* Add a section; returns its handle (>= 1). SHT_NOBITS sections get size via elfw_bss. */
int elfw_section(elf_writer *w, const char *name, uint32_t type, uint64_t flags, uint64_t align);
/* The growable contents of a section (append to it). */
struct buf *elfw_data(elf_writer *w, int sec);
void elfw_bss(elf_writer *w, int sec, uint64_t size);
/* Add a symbol. `sec` is a section handle, ELFW_UNDEF, ELFW_ABS or ELFW_COMMON (value =
 * alignment then). Local symbols may be added in any order: the writer puts them first.
 * Returns a handle for elfw_reloc. Names are copied. */
uint32_t elfw_symbol(elf_writer *w, const char *name, int sec, uint64_t value, uint64_t size,
                     int bind, int type);
/* The STT_SECTION symbol of section `sec` (made on first use), for relocations against
 * unnamed data such as strings. */
uint32_t elfw_section_symbol(elf_writer *w, int sec);
/* A relocation at `offset` in section `sec` against symbol handle `sym`. On REL targets the
 * addend is stored into the section bytes (4 bytes) by elfw_finish. */
void elfw_reloc(elf_writer *w, int sec, uint64_t offset, uint32_t sym, uint32_t type, int64_t addend);
/* Lay the object out into `out` (appended). Deterministic bytes. */
void elfw_finish(elf_writer *w, struct buf *out);

#endif
