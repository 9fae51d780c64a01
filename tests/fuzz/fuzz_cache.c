/* Fuzz target: the loader's reading of an image cache (runtime/imgcheck.h jv_cache_*), the
 * input being a whole jump.cache: the header, then lookups of the names its entries carry
 * and of one it does not, for both pointer sizes; what a lookup returns must lie inside the
 * file, and the copies of headers and notes then go through the image checks as the loader
 * sends them. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../runtime/imgcheck.h"

static void look(const uint8_t *data, size_t size, uint64_t index, const char *name, unsigned ps)
{
    jv_cache_entry e;
    jv_image im;
    const char *why;
    if (jv_cache_find(data, index, size, name, (uint32_t)jump_name_hash(name), ps, &e, &why) != 1)
        return;
    if (e.offset > size || e.view > size - e.offset || e.noteoff > e.view || e.notelen > e.view - e.noteoff ||
        e.head < data || e.head + e.headlen > data + index || e.note < data || e.note + e.notelen > data + index)
        __builtin_trap();
    /* the headers' offsets lie in e.view: the copy, or the whole cache for a zoned entry */
    if (!jv_headers(e.head, e.headlen, e.view, ps, &im) && e.noteoff == im.note_off && e.notelen == im.note_len)
        (void)jv_note(e.note, im.note_len, &im);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t index, count;
    if (jv_cache_header(data, size, size, &index))
        return 0;
    if (index > size)
        __builtin_trap();
    count = jv_le32(data + JUMP_CACHE_H_COUNT);
    for (uint64_t i = 0; i < count && i < 8; i++) {
        char name[JUMP_CACHE_NAME_MAX + 1];
        memcpy(name, data + JUMP_CACHE_HEAD + i * JUMP_CACHE_ENTRY + JUMP_CACHE_E_NAME, JUMP_CACHE_NAME_MAX);
        name[JUMP_CACHE_NAME_MAX] = 0;
        look(data, size, index, name, 4);
        look(data, size, index, name, 8);
    }
    look(data, size, index, "libnone.so.1", 8);
    return 0;
}
