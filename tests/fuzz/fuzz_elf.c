/* Fuzz target: the ELF reader (and the a.out image and object readers, which give the same view), with
 * every relocation table and note it offers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "aout.h"
#include "diag.h"
#include "elf.h"
#include "jumpfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    elf_file f;
    jerr e;
    const uint8_t *d;
    size_t dl;
    uint8_t w[8];
    if (image_view_open(&f, "fuzz", data, size, &e) != 0 && aout_object_open(&f, "fuzz", data, size, &e) != 0)
        return 0;
    for (size_t i = 1; i < f.nsecs; i++) {
        elf_rel *r;
        size_t n;
        (void)elf_section_data(&f, &f.secs[i]);
        if (elf_relocs(&f, i, &r, &n, &e) == 0)
            free(r);
    }
    (void)elf_find_note(&f, JUMP_NOTE_NAME, JUMP_NOTE_TYPE, &d, &dl);
    for (size_t i = 0; i < f.nphdrs; i++)
        (void)elf_read_vaddr(&f, f.phdrs[i].vaddr, w, sizeof w);
    free(elf_read_cstr(&f, f.nphdrs ? f.phdrs[0].vaddr : 0));
    elf_close(&f);
    return 0;
}
