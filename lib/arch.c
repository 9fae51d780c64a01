/* arch: the per-architecture table. */
#include "arch.h"

#include <string.h>

const arch arch_i386 = {
    .name = "i386", .elfclass = 1, .machine = 3, .ptrsize = 4,
    .as_flag = "--32", .cc_flag = "-m32", .ld_emul = "elf_i386", .bfd_name = "elf32-i386",
    .r_abs = 1 /* R_386_32 */, .r_abs32 = 1, .r_pc32 = 2 /* R_386_PC32 */, .rela = 0,
    .min_origin = 0x60000000u, .max_end = 0xc0000000u,
};

const arch arch_x86_64 = {
    .name = "x86_64", .elfclass = 2, .machine = 62, .ptrsize = 8,
    .as_flag = "--64", .cc_flag = "-m64", .ld_emul = "elf_x86_64", .bfd_name = "elf64-x86-64",
    .r_abs = 1 /* R_X86_64_64 */, .r_abs32 = 10 /* R_X86_64_32 */, .r_pc32 = 2 /* R_X86_64_PC32 */,
    .rela = 1, .min_origin = 0x60000000u, .max_end = 0x80000000u,
};

const arch *arch_by_name(const char *n)
{
    if (!n)
        return NULL;
    if (!strcmp(n, "i386") || !strcmp(n, "i486") || !strcmp(n, "i586") || !strcmp(n, "i686") ||
        !strcmp(n, "x86") || !strcmp(n, "32"))
        return &arch_i386;
    if (!strcmp(n, "x86_64") || !strcmp(n, "x86-64") || !strcmp(n, "amd64") || !strcmp(n, "64"))
        return &arch_x86_64;
    return NULL;
}

const arch *arch_by_elf(int elfclass, unsigned machine)
{
    if (elfclass == 1 && machine == 3)
        return &arch_i386;
    if (elfclass == 2 && machine == 62)
        return &arch_x86_64;
    return NULL;
}

const arch *arch_by_as_flag(const char *flag)
{
    if (!strcmp(flag, "--32"))
        return &arch_i386;
    if (!strcmp(flag, "--64"))
        return &arch_x86_64;
    return NULL;
}

const arch *arch_host(void)
{
#if defined(__x86_64__)
    return &arch_x86_64;
#else
    return &arch_i386;
#endif
}
