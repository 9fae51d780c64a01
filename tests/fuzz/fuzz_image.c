/* Fuzz target: the loader's checks of an image (runtime/imgcheck.h), on either architecture
 * (the ELF class decides), ELF or a.out. */
#include <stddef.h>
#include <stdint.h>

#include "../../runtime/imgcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jv_image im;
    size_t at = jv_elf_at(data, size); /* an a.out image: its ELF header follows */
    unsigned ps = size > at + 4 && data[at + 4] == 1 ? 4 : 8;
    if (!jv_file(data, size, ps, &im)) {
        /* what passed is safe to use: the information block and the constructor slot */
        if (!jv_seg_of(&im, im.info, (uint64_t)JI_NWORDS * ps, JV_R) || im.ctor != im.origin + im.jumpsize - 8)
            __builtin_trap();
    }
    return 0;
}
