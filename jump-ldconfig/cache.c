/* cache: write <dir>/jump.cache, a copy of the directory's current images with an index of
 * their identities, headers and notes (lib/jumpfmt.h), for the loader to map images from one
 * file. Every image is checked as the loader checks it (runtime/imgcheck.h) before it goes in. */
#include "ldconfig.h"

#include "buf.h"
#include "diag.h"
#include "jumpfmt.h"
#include "../runtime/imgcheck.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct cached {
    const char *link;
    blob img;
    struct stat st;
    jv_image im;
} cached;

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Read dir/link for the cache: 0, or -1 after a warning saying why it stays out. */
static int take(const char *dir, const char *link, cached *c)
{
    char *path = xasprintf("%s/%s", dir, link);
    struct stat after;
    unsigned ps;
    const char *why;
    jerr e;
    int rc = -1;

    c->link = link;
    c->img.p = NULL;
    if (strlen(link) >= JUMP_CACHE_NAME_MAX) {
        diag_warn("%s: name longer than %u bytes: not in the image cache", path, JUMP_CACHE_NAME_MAX - 1);
        goto out;
    }
    if (stat(path, &c->st) != 0 || blob_read(path, &c->img, &e) != 0) {
        diag_warn("%s: cannot read it: not in the image cache", path);
        goto out;
    }
    /* the image the identity describes, not one put in place while it was read */
    if (stat(path, &after) != 0 || !same_file(&c->st, &after) || (uint64_t)c->st.st_size != c->img.len) {
        diag_warn("%s: changed while it was read: not in the image cache (run jump-ldconfig again)", path);
        goto out;
    }
    ps = c->img.len > 4 && c->img.p[4] == 1 ? 4 : 8;
    /* One the loader would refuse stays out, quietly: the loader then opens the file and says
     * what is wrong with it, to the user who runs the program. */
    why = jv_file(c->img.p, c->img.len, ps, &c->im);
    if (!why && !strcmp(c->im.soname, link))
        rc = 0;
out:
    if (rc)
        blob_free(&c->img);
    free(path);
    return rc;
}

int ldconfig_cache(const char *dir, char *const *links, size_t n, const ldc_opts *o)
{
    char *path = xasprintf("%s/%s", dir, JUMP_CACHE_NAME);
    cached *v = xcalloc(n ? n : 1, sizeof *v);
    size_t k = 0;
    uint64_t index, at, bucket_at;
    uint32_t nb = 2;
    buf b = {0};
    jerr e;

    for (size_t i = 0; i < n; i++)
        if (take(dir, links[i], &v[k]) == 0)
            k++;
    if (o->no_cache || k == 0) {
        if (unlink(path) != 0 && errno != ENOENT)
            diag_warn("cannot remove '%s': %s", path, strerror(errno));
        goto out;
    }
    /* header, entries, buckets, copies of heads and notes (each 8-aligned), then the images
     * by page */
    while (nb < 2 * k)
        nb *= 2;
    bucket_at = JUMP_CACHE_HEAD + (uint64_t)k * JUMP_CACHE_ENTRY;
    index = bucket_at + (4 * (uint64_t)nb + 7) / 8 * 8;
    for (size_t i = 0; i < k; i++) {
        uint64_t headlen = v[i].img.len < JUMP_CACHE_HEAD_COPY ? v[i].img.len : JUMP_CACHE_HEAD_COPY;
        index += (headlen + 7) / 8 * 8 + (v[i].im.note_len + 7) / 8 * 8;
    }
    buf_add(&b, JUMP_CACHE_MAGIC, 8);
    buf_w32(&b, JUMP_CACHE_FORMAT);
    buf_w32(&b, (uint32_t)k);
    buf_w64(&b, 0); /* the size, once known */
    buf_w64(&b, index);
    buf_w32(&b, nb);
    buf_w32(&b, 0);
    buf_w64(&b, bucket_at);
    at = bucket_at + (4 * (uint64_t)nb + 7) / 8 * 8; /* the next copy */
    {
        uint64_t img = (index + JUMP_PAGE - 1) & ~(uint64_t)(JUMP_PAGE - 1);
        for (size_t i = 0; i < k; i++) {
            const cached *c = &v[i];
            uint32_t headlen = (uint32_t)(c->img.len < JUMP_CACHE_HEAD_COPY ? c->img.len : JUMP_CACHE_HEAD_COPY);
            uint8_t name[JUMP_CACHE_NAME_MAX] = {0};
            memcpy(name, c->link, strlen(c->link));
            buf_w32(&b, (uint32_t)jump_name_hash(c->link));
            buf_w32(&b, c->im.ps);
            buf_add(&b, name, sizeof name);
            buf_w64(&b, (uint64_t)c->st.st_dev);
            buf_w64(&b, (uint64_t)c->st.st_ino);
            buf_w64(&b, (uint64_t)c->st.st_size);
            buf_w64(&b, (uint64_t)c->st.st_mtim.tv_sec);
            buf_w64(&b, (uint64_t)c->st.st_mtim.tv_nsec);
            buf_w64(&b, (uint64_t)c->st.st_ctim.tv_sec);
            buf_w64(&b, (uint64_t)c->st.st_ctim.tv_nsec);
            buf_w64(&b, img);
            buf_w64(&b, at);
            buf_w32(&b, headlen);
            buf_w32(&b, (uint32_t)c->im.note_len);
            buf_w64(&b, at + (headlen + 7) / 8 * 8);
            buf_w64(&b, c->im.note_off);
            at += (headlen + 7) / 8 * 8 + (c->im.note_len + 7) / 8 * 8;
            img = (img + c->img.len + JUMP_PAGE - 1) & ~(uint64_t)(JUMP_PAGE - 1);
        }
    }
    {
        /* each entry in the first free bucket from its hash on (the loader probes the same) */
        uint32_t *bk = xcalloc(nb, sizeof *bk);
        for (size_t i = 0; i < k; i++) {
            uint32_t at2 = (uint32_t)jump_name_hash(v[i].link) & (nb - 1);
            while (bk[at2])
                at2 = (at2 + 1) & (nb - 1);
            bk[at2] = (uint32_t)i + 1;
        }
        for (uint32_t i = 0; i < nb; i++)
            buf_w32(&b, bk[i]);
        buf_align(&b, 8);
        free(bk);
    }
    for (size_t i = 0; i < k; i++) {
        const cached *c = &v[i];
        size_t headlen = c->img.len < JUMP_CACHE_HEAD_COPY ? c->img.len : JUMP_CACHE_HEAD_COPY;
        buf_add(&b, c->img.p, headlen);
        buf_align(&b, 8);
        buf_add(&b, c->img.p + c->im.note_off, (size_t)c->im.note_len);
        buf_align(&b, 8);
    }
    for (size_t i = 0; i < k; i++) {
        buf_align(&b, JUMP_PAGE);
        buf_add(&b, v[i].img.p, v[i].img.len);
    }
    buf_put64(&b, JUMP_CACHE_H_SIZE, b.len);
    /* The cache only saves time (an old one is never trusted beyond its images' identities):
     * a directory this user cannot write keeps its links right and gets a warning. */
    if (file_commit(path, b.p, b.len, 0644, &e) != 0)
        diag_warn("%s: programs load the image files", e.msg);
out:
    for (size_t i = 0; i < k; i++)
        blob_free(&v[i].img);
    free(v);
    buf_free(&b);
    free(path);
    return EXIT_OK;
}
