/* strmap: linear-probing hash map keyed by strings or spans of text. */
#include "strmap.h"
#include "buf.h"
#include "jumpfmt.h"

#include <stdlib.h>
#include <string.h>

uint32_t strmap_hash_span(const char *p, size_t n) { return (uint32_t)jump_fnv1a(JUMP_FNV_BASIS, p, n); }
uint32_t str_hash(const char *s) { return strmap_hash_span(s, strlen(s)); }

/* The slot holding the key, or the empty slot where it would go. */
static size_t find(const strmap *m, const char *p, size_t n, uint32_t h)
{
    size_t i;
    for (i = h & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (m->hashes[i] == h && m->lens[i] == n && !memcmp(m->keys[i], p, n))
            break;
    return i;
}

static void grow(strmap *m)
{
    strmap g = {0};
    g.cap = m->cap ? m->cap * 2 : 64;
    g.keys = xcalloc(g.cap, sizeof *g.keys);
    g.lens = xcalloc(g.cap, sizeof *g.lens);
    g.hashes = xcalloc(g.cap, sizeof *g.hashes);
    g.vals = xcalloc(g.cap, sizeof *g.vals);
    for (size_t i = 0; i < m->cap; i++) {
        size_t j;
        if (!m->keys[i])
            continue;
        for (j = m->hashes[i] & (g.cap - 1); g.keys[j]; j = (j + 1) & (g.cap - 1))
            ;
        g.keys[j] = m->keys[i], g.lens[j] = m->lens[i], g.hashes[j] = m->hashes[i], g.vals[j] = m->vals[i];
    }
    g.n = m->n;
    strmap_free(m);
    *m = g;
}

void strmap_put_span(strmap *m, const char *p, size_t n, uint32_t h, uintptr_t val)
{
    size_t i;
    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    i = find(m, p, n, h);
    if (!m->keys[i]) {
        m->keys[i] = p, m->lens[i] = n, m->hashes[i] = h;
        m->n++;
    }
    m->vals[i] = val;
}

int strmap_get_span(const strmap *m, const char *p, size_t n, uint32_t h, uintptr_t *val)
{
    size_t i;
    if (!m->cap)
        return 0;
    i = find(m, p, n, h);
    if (!m->keys[i])
        return 0;
    if (val)
        *val = m->vals[i];
    return 1;
}

void strmap_put(strmap *m, const char *key, uintptr_t val)
{
    size_t n = strlen(key);
    strmap_put_span(m, key, n, strmap_hash_span(key, n), val);
}

int strmap_get(const strmap *m, const char *key, uintptr_t *val)
{
    size_t n = strlen(key);
    return strmap_get_span(m, key, n, strmap_hash_span(key, n), val);
}

void strmap_free(strmap *m)
{
    free(m->keys);
    free(m->lens);
    free(m->hashes);
    free(m->vals);
    memset(m, 0, sizeof *m);
}
