/* soname: parsing <lib>.so.<M>.<m>[.<p>] and comparing versions numerically. */
#include "soname.h"

#include <limits.h>
#include <string.h>

/* A decimal number at *s (at least one digit, no overflow); advances *s. */
static int number(const char **s, unsigned long *out)
{
    unsigned long v = 0;
    const char *p = *s;
    if (*p < '0' || *p > '9')
        return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (ULONG_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    *s = p;
    *out = v;
    return 1;
}

/* The numbers after "<lib>.so.": M.m or M.m.p, nothing else. */
static int numbers(const char *s, soname_ver *v, size_t *majlen)
{
    const char *start = s;
    if (!number(&s, &v->major))
        return 0;
    *majlen = (size_t)(s - start);
    if (*s++ != '.' || !number(&s, &v->minor))
        return 0;
    v->patch = 0;
    v->has_patch = 0;
    if (*s == 0)
        return 1;
    if (*s++ != '.' || !number(&s, &v->patch))
        return 0;
    v->has_patch = 1;
    return *s == 0;
}

int soname_parse(const char *name, soname_ver *v)
{
    /* "<lib>" may itself contain ".so." (libfoo.so.bar.so.1.0): try every occurrence. */
    for (const char *p = strstr(name, ".so."); p; p = strstr(p + 1, ".so.")) {
        size_t majlen;
        if (p == name)
            continue;
        if (numbers(p + 4, v, &majlen)) {
            v->linklen = (size_t)(p - name) + 4 + majlen;
            return 1;
        }
    }
    return 0;
}

static int cmp_ul(unsigned long a, unsigned long b) { return a < b ? -1 : a > b; }

int soname_cmp(const soname_ver *a, const soname_ver *b)
{
    int c = cmp_ul(a->major, b->major);
    if (!c)
        c = cmp_ul(a->minor, b->minor);
    if (!c)
        c = cmp_ul(a->patch, b->patch);
    return c;
}
