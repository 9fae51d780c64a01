/* buf: growable byte buffers, checked little-endian readers and writers, and the few
 * allocation helpers every tool uses (out of memory is fatal for a command-line tool). */
#ifndef JUMP_BUF_H
#define JUMP_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* These never return NULL: running out of memory ends the tool. */
#define JUMP_NONNULL __attribute__((returns_nonnull))
void *xmalloc(size_t n) JUMP_NONNULL;
void *xcalloc(size_t n, size_t sz) JUMP_NONNULL;
void *xrealloc(void *p, size_t n) JUMP_NONNULL;
char *xstrdup(const char *s) JUMP_NONNULL;
char *xstrndup(const char *s, size_t n) JUMP_NONNULL;
/* malloc'ed printf; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2))) JUMP_NONNULL;

/* A growable buffer; the owner frees p with buf_free. */
typedef struct buf {
    uint8_t *p;
    size_t len, cap;
} buf;

void buf_reserve(buf *b, size_t extra);
void buf_add(buf *b, const void *data, size_t n);
void buf_addc(buf *b, int c);
void buf_adds(buf *b, const char *s);           /* without the NUL */
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_zero(buf *b, size_t n);                /* append n zero bytes */
void buf_align(buf *b, size_t a);               /* pad with zeros to a multiple of a */
void buf_w8(buf *b, uint8_t v);
void buf_w16(buf *b, uint16_t v);
void buf_w32(buf *b, uint32_t v);
void buf_w64(buf *b, uint64_t v);
void buf_wn(buf *b, uint64_t v, unsigned size); /* 4 or 8 bytes */
/* Overwrite at an offset already inside the buffer. */
void buf_put32(buf *b, size_t off, uint32_t v);
void buf_put64(buf *b, size_t off, uint64_t v);
void buf_free(buf *b);
/* NUL-terminate (not counted in len) and hand the bytes to the caller, who frees them. */
char *buf_cstr(buf *b);

/* Little-endian accessors on raw memory; the caller checked the bounds. */
static inline uint16_t rd16le(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t rd32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t rd64le(const uint8_t *p) { return rd32le(p) | (uint64_t)rd32le(p + 4) << 32; }
static inline void wr16le(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void wr32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void wr64le(uint8_t *p, uint64_t v) { wr32le(p, (uint32_t)v); wr32le(p + 4, (uint32_t)(v >> 32)); }

/* Bounds check that cannot overflow: does [off, off+n) lie inside a buffer of len bytes? */
static inline int in_bounds(size_t len, uint64_t off, uint64_t n) { return off <= len && n <= len - off; }

/* A read-only view of a file's bytes (read whole into memory). */
typedef struct blob {
    uint8_t *p;
    size_t len;
} blob;

struct jerr;
/* Read a whole file ("-" is not special). Returns 0, or -1 with e set (naming the path). */
int blob_read(const char *path, blob *out, struct jerr *e);
void blob_free(blob *b);

/* Write `n` bytes to `path` atomically: a temporary file beside it, then rename. `mode` is
 * the final permission (before umask). On failure nothing at `path` changes. */
int file_commit(const char *path, const void *data, size_t n, unsigned mode, struct jerr *e);

/* Parse an unsigned number: "0x" hex, or decimal; `hex_default` makes bare digits hex.
 * Returns 0 on success, -1 on junk or overflow. */
int parse_u64(const char *s, int hex_default, uint64_t *out);

#endif
