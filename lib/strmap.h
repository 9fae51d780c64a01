/* strmap: an open-addressing hash map from strings to values (pointers or indices). Keys are
 * not copied: they must outlive the map. A key is a NUL-terminated string, or a span of text
 * (pointer and length, as jumpas's names are spans of its input) with its hash
 * (strmap_hash_span): one table for both. */
#ifndef JUMP_STRMAP_H
#define JUMP_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct strmap {
    const char **keys;  /* key starts; NULL: an empty slot */
    size_t *lens;       /* key lengths */
    uint32_t *hashes;   /* strmap_hash_span of each key */
    uintptr_t *vals;
    size_t cap, n;
} strmap;

uint32_t str_hash(const char *s); /* FNV-1a, 32-bit */
uint32_t strmap_hash_span(const char *p, size_t n);
/* Insert or replace. */
void strmap_put(strmap *m, const char *key, uintptr_t val);
/* 1 and *val if present, else 0. */
int strmap_get(const strmap *m, const char *key, uintptr_t *val);
/* The same for a span p[0..n) whose strmap_hash_span is h. */
void strmap_put_span(strmap *m, const char *p, size_t n, uint32_t h, uintptr_t val);
int strmap_get_span(const strmap *m, const char *p, size_t n, uint32_t h, uintptr_t *val);
void strmap_free(strmap *m);

#endif
