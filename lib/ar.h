/* ar: System V / GNU ar archives with a symbol index ("/" member, big-endian offsets; or the
 * BSD "__.SYMDEF" of a.out archives) and a long-name table ("//"), read and written in memory. Output is deterministic: dates 0,
 * uid/gid 0, mode 644, members in the order added. */
#ifndef JUMP_AR_H
#define JUMP_AR_H

#include <stddef.h>
#include <stdint.h>

struct jerr;
struct buf;

typedef struct ar_member {
    char *name;            /* malloc'ed, without the trailing '/' */
    const uint8_t *data;   /* points into the archive bytes */
    size_t size;
} ar_member;

typedef struct ar_file {
    const char *path;
    ar_member *m;
    size_t n;
    /* The symbol index: symbol names and the member each is defined in. */
    char **sym;
    size_t *sym_member;
    size_t nsym;
} ar_file;

int ar_is_archive(const uint8_t *p, size_t len);
/* Parse an archive held in memory (kept alive by the caller). -1 with e set on a malformed
 * archive ("path: member 3 header is corrupt"). */
int ar_open(ar_file *a, const char *path, const uint8_t *p, size_t len, struct jerr *e);
void ar_close(ar_file *a);

typedef struct ar_writer ar_writer;
ar_writer *arw_new(void);
void arw_free(ar_writer *w);
/* Add a member (bytes copied). If the member is an ELF relocatable object, its defined
 * global and weak symbols go into the index (as ar(1) does). */
void arw_add(ar_writer *w, const char *name, const void *data, size_t n);
/* Write the symbol index as BSD ar and GNU ar for a.out did: a "__.SYMDEF" member of
 * little-endian struct ranlib {name offset, member header offset} with its string table, in
 * place of the System V "/" member. Members that are a.out objects are indexed either way. */
void arw_bsd_index(ar_writer *w);
/* Append the whole archive to `out`. */
void arw_finish(ar_writer *w, struct buf *out);

#endif
