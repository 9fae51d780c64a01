/* strmap: linear-probing string hash map. */
#include "strmap.h"
#include "buf.h"
#include "jumpfmt.h"

#include <stdlib.h>
#include <string.h>

uint32_t str_hash(const char *s) { return (uint32_t)jump_fnv1a(JUMP_FNV_BASIS, s, strlen(s)); }

static void grow(strmap *m)
{
    strmap n = {0};
    n.cap = m->cap ? m->cap * 2 : 64;
    n.keys = xcalloc(n.cap, sizeof *n.keys);
    n.vals = xcalloc(n.cap, sizeof *n.vals);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i])
            strmap_put(&n, m->keys[i], m->vals[i]);
    free(m->keys);
    free(m->vals);
    *m = n;
}

void strmap_put(strmap *m, const char *key, uintptr_t val)
{
    size_t i;
    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    for (i = str_hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
        if (!strcmp(m->keys[i], key)) {
            m->vals[i] = val;
            return;
        }
    }
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
}

int strmap_get(const strmap *m, const char *key, uintptr_t *val)
{
    if (!m->cap)
        return 0;
    for (size_t i = str_hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
        if (!strcmp(m->keys[i], key)) {
            if (val)
                *val = m->vals[i];
            return 1;
        }
    }
    return 0;
}

void strmap_free(strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}
