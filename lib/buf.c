/* buf: allocation helpers, growable buffers, whole-file reads and atomic writes. */
#include "buf.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static _Noreturn void oom(void)
{
    fprintf(stderr, "%s: error: out of memory\n", diag_prog);
    exit(EXIT_USAGE);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    p = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void buf_reserve(buf *b, size_t extra)
{
    size_t need;
    if (extra > SIZE_MAX - b->len - 1)
        oom();
    need = b->len + extra + 1; /* room for buf_cstr's NUL */
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void buf_add(buf *b, const void *data, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
}

void buf_addc(buf *b, int c)
{
    buf_reserve(b, 1);
    b->p[b->len++] = (uint8_t)c;
}

void buf_adds(buf *b, const char *s) { buf_add(b, s, strlen(s)); }

void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
    va_list again;
    int n;
    va_copy(again, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0)
        oom();
    buf_reserve(b, (size_t)n + 1);
    vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, again);
    va_end(again);
    b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_zero(buf *b, size_t n)
{
    buf_reserve(b, n);
    memset(b->p + b->len, 0, n);
    b->len += n;
}

void buf_align(buf *b, size_t a)
{
    if (a > 1 && b->len % a)
        buf_zero(b, a - b->len % a);
}

void buf_w8(buf *b, uint8_t v) { buf_addc(b, v); }
void buf_w16(buf *b, uint16_t v) { uint8_t t[2]; wr16le(t, v); buf_add(b, t, 2); }
void buf_w32(buf *b, uint32_t v) { uint8_t t[4]; wr32le(t, v); buf_add(b, t, 4); }
void buf_w64(buf *b, uint64_t v) { uint8_t t[8]; wr64le(t, v); buf_add(b, t, 8); }
void buf_wn(buf *b, uint64_t v, unsigned size)
{
    if (size == 8)
        buf_w64(b, v);
    else
        buf_w32(b, (uint32_t)v);
}
void buf_put32(buf *b, size_t off, uint32_t v) { wr32le(b->p + off, v); }
void buf_put64(buf *b, size_t off, uint64_t v) { wr64le(b->p + off, v); }

void buf_free(buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

char *buf_cstr(buf *b)
{
    char *s;
    buf_reserve(b, 1);
    b->p[b->len] = 0;
    s = (char *)b->p;
    b->p = NULL;
    b->len = b->cap = 0;
    return s;
}

int blob_read(const char *path, blob *out, jerr *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    buf b = {0};
    out->p = NULL;
    out->len = 0;
    if (fd < 0)
        return jerr_sys(e, "cannot open '%s'", path);
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return jerr_set(e, EXIT_USAGE, "'%s' is a directory", path);
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        buf_reserve(&b, (size_t)st.st_size);
    for (;;) {
        ssize_t n;
        buf_reserve(&b, 65536);
        n = read(fd, b.p + b.len, b.cap - b.len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            jerr_sys(e, "cannot read '%s'", path);
            close(fd);
            buf_free(&b);
            return -1;
        }
        if (n == 0)
            break;
        b.len += (size_t)n;
    }
    close(fd);
    out->len = b.len;
    out->p = b.p ? b.p : xmalloc(1);
    return 0;
}

void blob_free(blob *b)
{
    free(b->p);
    b->p = NULL;
    b->len = 0;
}

int file_commit(const char *path, const void *data, size_t n, unsigned mode, jerr *e)
{
    char *tmp = xasprintf("%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    const uint8_t *p = data;
    mode_t um;
    if (fd < 0) {
        jerr_sys(e, "cannot create a temporary file for '%s'", path);
        free(tmp);
        return -1;
    }
    um = umask(0);
    umask(um);
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            jerr_sys(e, "cannot write '%s'", tmp);
            goto fail;
        }
        p += w;
        n -= (size_t)w;
    }
    if (fchmod(fd, (mode_t)mode & ~um) != 0) {
        jerr_sys(e, "cannot set the mode of '%s'", tmp);
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        jerr_sys(e, "cannot write '%s'", tmp);
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        jerr_sys(e, "cannot rename '%s' to '%s'", tmp, path);
        goto fail;
    }
    free(tmp);
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return -1;
}

int parse_u64(const char *s, int hex_default, uint64_t *out)
{
    int base = hex_default ? 16 : 10;
    uint64_t v = 0;
    if (!s || !*s)
        return -1;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!*s)
            return -1;
    }
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            return -1;
        if (v > (UINT64_MAX - d) / (unsigned)base)
            return -1;
        v = v * (unsigned)base + d;
    }
    *out = v;
    return 0;
}
