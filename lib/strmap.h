/* strmap: an open-addressing hash map from strings to values (pointers or indices). Keys are
 * not copied: they must outlive the map. */
#ifndef JUMP_STRMAP_H
#define JUMP_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct strmap {
    const char **keys;
    uintptr_t *vals;
    size_t cap, n;
} strmap;

uint32_t str_hash(const char *s); /* FNV-1a, 32-bit */
/* Insert or replace. */
void strmap_put(strmap *m, const char *key, uintptr_t val);
/* 1 and *val if present, else 0. */
int strmap_get(const strmap *m, const char *key, uintptr_t *val);
void strmap_free(strmap *m);

#endif
