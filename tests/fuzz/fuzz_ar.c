/* Fuzz target: the ar reader (stubs are ar archives), and the ELF reader on each member. */
#include <stddef.h>
#include <stdint.h>

#include "ar.h"
#include "diag.h"
#include "elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ar_file ar;
    jerr e;
    if (!ar_is_archive(data, size) || ar_open(&ar, "fuzz", data, size, &e) != 0)
        return 0;
    for (size_t i = 0; i < ar.n; i++) {
        elf_file f;
        if (elf_is_elf(ar.m[i].data, ar.m[i].size) && elf_open(&f, ar.m[i].name, ar.m[i].data, ar.m[i].size, &e) == 0)
            elf_close(&f);
    }
    ar_close(&ar);
    return 0;
}
