/* jumpcc1: the C compiler proper (cc1) of a jump compile. The Shared.inc workflow compiles
 * every object twice, and the assembly cc1 makes does not depend on the control files (only
 * jumpas's rewriting of it does). So cc1's output is kept in $JUMP_DIR/cc1-cache, keyed by
 * all it depends on: the compiler, the working directory, the arguments but the output's
 * name, and the preprocessed source (cc1 -E); the second compile takes it from there.
 * Anything unusual (no JUMP_DIR, output to a pipe, options that write other files) runs cc1
 * as it is; a failure of the cache itself only means compiling. */
#include "jumpcc1.h"
#include "buf.h"
#include "diag.h"
#include "proc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Options after which cc1 writes files of its own or whose output must not be shared. */
static int uncacheable(const char *a)
{
    static const char *const exact[] = {"-E", "-fsyntax-only", "-aux-info", "-fstack-usage",
                                        "-ftest-coverage", "-version", "--version", "-v", NULL};
    static const char *const prefix[] = {"-fcallgraph-info", "-fdump-", "-save-temps", "-fprofile",
                                         "-fauto-profile", "-fcoverage", "-fopt-info", "-flto",
                                         "-fplugin", "-frandom-seed", "--help", NULL};
    for (int i = 0; exact[i]; i++)
        if (!strcmp(a, exact[i]))
            return 1;
    for (int i = 0; prefix[i]; i++)
        if (!strncmp(a, prefix[i], strlen(prefix[i])))
            return 1;
    return 0;
}

char *jumpcc1_real(const char *self)
{
    char *out = spawn_which_in("cc1", getenv("COMPILER_PATH"), self);
    if (!out) {
        const char *gcc = getenv("COLLECT_GCC");
        char *argv[] = {(char *)(gcc && *gcc ? gcc : "gcc"), "-print-prog-name=cc1", NULL};
        jerr e;
        if (spawn_capture(argv, 0, &out, &e) != 0)
            return NULL;
        out[strcspn(out, "\n")] = 0;
        if (!strchr(out, '/')) {
            free(out);
            return NULL;
        }
    }
    return out;
}

/* Two independent 64-bit FNV-1a hashes of the key's parts: a 128-bit name for the entry. */
typedef struct key {
    uint64_t a, b;
} key;

static void key_add(key *k, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        k->a = (k->a ^ s[i]) * 0x100000001b3ull;
        k->b = (k->b ^ (unsigned char)(s[i] + 0x5b)) * 0x100000001b3ull;
    }
    /* a separator, so that ("ab", "c") and ("a", "bc") differ */
    k->a = (k->a ^ 0xff) * 0x100000001b3ull;
    k->b = (k->b ^ 0xfe) * 0x100000001b3ull;
}

static void key_str(key *k, const char *s) { key_add(k, s, strlen(s)); }

/* Become cc1 with the same arguments; on failure, say so and free `real`. */
static int exec_real(char *real, char **argv)
{
    argv[0] = real;
    execv(real, argv);
    fprintf(stderr, "jumpcc1: cannot run %s: %s\n", real, strerror(errno));
    free(real);
    return EXIT_USAGE;
}

int jumpcc1_run(int argc, char **argv)
{
    const char *dir = getenv("JUMP_DIR"), *out = NULL;
    char *real = jumpcc1_real(argv[0]), *pp = NULL, *cache = NULL, *entry = NULL, **eargv;
    int oi = -1, rc = EXIT_OK;
    key k = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull};
    struct stat st;
    blob cached;
    jerr e;

    if (!real) {
        fprintf(stderr, "jumpcc1: cannot find the compiler proper (cc1): is gcc installed?\n");
        return EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[oi = ++i];
        else if (uncacheable(argv[i]))
            return exec_real(real, argv);
    }
    if (!dir || !*dir || getenv("JUMP_NO_CC1_CACHE") || !out || !strcmp(out, "-") ||
        stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return exec_real(real, argv);

    /* The key: the compiler (path, size, time), the working directory, every argument but
     * the output's name, and the preprocessed source. */
    key_str(&k, real);
    if (stat(real, &st) == 0) {
        key_add(&k, &st.st_size, sizeof st.st_size);
        key_add(&k, &st.st_mtime, sizeof st.st_mtime);
    }
    {
        char *cwd = getcwd(NULL, 0);
        key_str(&k, cwd ? cwd : "?");
        free(cwd);
    }
    eargv = xcalloc((size_t)argc + 3, sizeof *eargv);
    eargv[0] = real;
    eargv[1] = "-E";
    eargv[2] = "-w"; /* the compile that follows, or did, says what there is to say */
    for (int i = 1, n = 3; i < argc; i++) {
        if (i == oi || i == oi - 1)
            continue;
        key_str(&k, argv[i]);
        eargv[n++] = argv[i];
    }
    rc = spawn_capture(eargv, 0, &pp, &e);
    free(eargv);
    if (rc != 0)
        return exec_real(real, argv); /* cc1 reports the error itself */
    key_str(&k, pp);
    free(pp);

    cache = xasprintf("%s/cc1-cache", dir);
    entry = xasprintf("%s/%016llx%016llx.s", cache, (unsigned long long)k.a, (unsigned long long)k.b);
    if (blob_read(entry, &cached, &e) == 0) {
        rc = file_commit(out, cached.p ? cached.p : (const uint8_t *)"", cached.len, 0644, &e);
        blob_free(&cached);
        if (rc == 0)
            goto done;
    }
    argv[0] = real;
    rc = spawn_status(argv, 0, &e);
    if (rc != 0) {
        rc = rc < 0 ? EXIT_USAGE : rc;
        goto done;
    }
    if ((mkdir(cache, 0755) == 0 || errno == EEXIST) && blob_read(out, &cached, &e) == 0) {
        file_commit(entry, cached.p ? cached.p : (const uint8_t *)"", cached.len, 0644, &e);
        blob_free(&cached);
    }
done:
    free(entry);
    free(cache);
    free(real);
    return rc;
}
