/* registry: the table of registered address ranges (DESIGN §9): reading it with
 * file:line:col errors, writing it back with its comments and order, the interval logic
 * (overlaps, free ranges), locking for edits, and the check mkimage makes. */
#ifndef JUMP_REGISTRY_H
#define JUMP_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

struct jerr;
struct buf;

/* `registry find`'s default alignment: the classic registrations all start on 64 KiB
 * boundaries. (Its floor and default ceiling come from the arch table: 0x60000000, and
 * x86-64's 0x80000000, which suits both architectures.) */
#define REG_ALIGN 0x10000u

/* One registered range. Addresses are inclusive at both ends, as in the classic
 * doc/table_description ("0x60000000 0x600fffff"). */
typedef struct reg_entry {
    uint64_t start, end;
    char *name;
    char *version; /* fourth field, or NULL */
    char *contact; /* the fields after the version joined by single spaces, or NULL */
    char *note;    /* the line's trailing comment, trimmed (says which library it is), or NULL */
    unsigned line; /* 1-based line it was read from; 0 for an entry added in memory */
    char *raw;     /* its line exactly as read (newline included), or NULL: formatted on save */
    char *before;  /* comment and blank lines just above it, exactly as read ("" if none) */
} reg_entry;

/* A whole table. Every string belongs to the table; reg_free releases them. */
typedef struct reg_table {
    char *path;
    reg_entry *v; /* in file order */
    size_t n, cap;
    char *trailer; /* comment and blank lines after the last entry */
} reg_table;

/* Parse text (`path` names it in messages). 0, or -1 with e set ("path:line:col: ..."). */
int reg_parse(const char *path, const char *text, size_t len, reg_table *t, struct jerr *e);
/* Read and parse a file; a missing file is an error. */
int reg_load(const char *path, reg_table *t, struct jerr *e);
void reg_free(reg_table *t);
/* The table's text: unchanged lines byte for byte, new entries formatted by reg_format. */
void reg_serialize(const reg_table *t, struct buf *out);
/* Write the table to `path` atomically, keeping the existing file's permissions. */
int reg_save(const char *path, const reg_table *t, struct jerr *e);
/* "0x6a380000 0x6a39ffff libxyz [version [contact]]\n" */
void reg_format(struct buf *b, const reg_entry *x);
/* Append an entry at the end of the file (strings copied; version and contact may be NULL). */
void reg_append(reg_table *t, uint64_t start, uint64_t end, const char *name, const char *version,
                const char *contact);
/* Delete every entry called `name` (the comments above it stay); returns how many. */
size_t reg_remove(reg_table *t, const char *name);

/* The table to use: `explicit_path` if not NULL, else $JUMP_REGISTRY if set and not empty,
 * else <install prefix>/share/jump/registry.table. malloc'ed; the caller frees. */
char *reg_default_path(const char *explicit_path);

/* ---- interval logic: pure functions on arrays of entries ---- */

/* Do the inclusive ranges [a0, a1] and [b0, b1] share an address? */
static inline int reg_overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 <= b1 && b0 <= a1;
}
/* Fill idx[0..n) with the entry indices ordered by start, then end, then file order. */
void reg_sort(const reg_entry *v, size_t n, size_t *idx);
/* Indices of the entries that share an address with [start, end], in address order, into
 * out (room for n; may be NULL to count only). Returns how many. */
size_t reg_overlapping(const reg_entry *v, size_t n, uint64_t start, uint64_t end, size_t *out);

typedef struct reg_pair {
    size_t a, b; /* entry indices; a sorts before b by reg_sort's order */
} reg_pair;
/* Every pair of entries that share an address, in address order of a, then of b. *out is
 * malloc'ed (NULL when there are none); the caller frees it. Returns the count. */
size_t reg_overlap_pairs(const reg_entry *v, size_t n, reg_pair **out);

/* The lowest start s >= lo, a multiple of align (non-zero), such that [s, s+size-1] ends at
 * or below hi (inclusive) and overlaps no entry. 0 with *start set, or -1 if there is none
 * (size 0 has none). */
int reg_find_free(const reg_entry *v, size_t n, uint64_t size, uint64_t align, uint64_t lo,
                  uint64_t hi, uint64_t *start);

/* ---- edits ---- */

/* Take an exclusive lock for editing the table at `path` (flock on "<path>.lock", created
 * beside it and left there). Returns the descriptor to pass to reg_unlock, or -1 with e set. */
int reg_lock(const char *path, struct jerr *e);
void reg_unlock(int fd);

/* ---- mkimage ---- */

/* Check an image's used range [start, end) named `name` (e.g. "libxyz") against the table at
 * `path` (NULL: $JUMP_REGISTRY, else proc_install_path("share/jump/registry.table")).
 * Returns 0 if fine, with warnings appended to `warn` (one per line: the image outgrows its
 * own entry, or is unregistered); -1 with e set naming the other library and both ranges
 * when the range overlaps another library's entry, unless `force` (then a warning instead).
 * A missing or malformed table is an error. */
int reg_check_image(const char *path, const char *name, uint64_t start, uint64_t end, int force,
                    struct buf *warn, struct jerr *e);
/* The same for one part of an image, whose "registry find" hint gets find_opts after the size
 * (a split image's writable part: " --align 16 --above ADDR"). */
int reg_check_part(const char *path, const char *name, uint64_t start, uint64_t end, const char *find_opts,
                   int force, struct buf *warn, struct jerr *e);

#endif
