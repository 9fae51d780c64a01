/* arch: the per-architecture facts (i386, x86-64) in one table, instead of #ifdefs. */
#ifndef JUMP_ARCH_H
#define JUMP_ARCH_H

#include <stdint.h>

typedef struct arch {
    const char *name;       /* "i386", "x86_64" */
    int elfclass;           /* 1 = ELFCLASS32, 2 = ELFCLASS64 */
    uint16_t machine;       /* EM_386 = 3, EM_X86_64 = 62 */
    unsigned ptrsize;       /* GOT cell size: 4 or 8 */
    const char *as_flag;    /* "--32" / "--64" */
    const char *cc_flag;    /* "-m32" / "-m64" */
    const char *ld_emul;    /* "elf_i386" / "elf_x86_64" */
    const char *bfd_name;   /* OUTPUT_FORMAT in linker scripts */
    uint32_t r_abs;         /* pointer-sized absolute relocation (R_386_32 / R_X86_64_64) */
    uint32_t r_abs32;       /* 32-bit absolute (R_386_32 / R_X86_64_32) */
    uint32_t r_pc32;        /* R_386_PC32 / R_X86_64_PC32 */
    int rela;               /* relocations with addends (x86-64) */
    uint64_t min_origin;    /* lowest load address (0x60000000) */
    uint64_t max_end;       /* images end below this (x86-64: 0x80000000) */
} arch;

extern const arch arch_i386, arch_x86_64;

/* By name ("i386", "x86_64", "x86-64", "amd64", "i686"...); NULL if unknown. */
const arch *arch_by_name(const char *name);
/* By ELF class and machine; NULL if unsupported. */
const arch *arch_by_elf(int elfclass, unsigned machine);
/* From an assembler flag ("--32", "--64"); NULL if not one. */
const arch *arch_by_as_flag(const char *flag);
/* The architecture this toolkit was built for (the default). */
const arch *arch_host(void);

#endif
