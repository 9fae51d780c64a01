/* jumpcc1: the C compiler proper (cc1) of a jump compile. The Shared.inc workflow compiles
 * every object twice, and the assembly cc1 makes does not depend on the control files (only
 * jumpas's rewriting of it does). So cc1's output is kept in $JUMP_DIR/cc1-cache and the
 * second compile takes it from there, without running cc1 at all.
 *
 * An entry is named by all the assembly depends on: the compiler, the working directory, the
 * arguments but the output's name, a few environment variables, and the content of every file
 * the compile read. Which files those are, cc1 itself says when it makes an entry (-MD, as
 * ccache's direct mode learns it): a manifest named by the rest of the key lists them, and a
 * lookup hashes their current content. A compile whose sources change while it runs, or that
 * uses __DATE__ or __TIME__, leaves no manifest. With -M options of its own (the build wants a
 * dependency file) the key is the preprocessed source instead (cc1 -E writes that file too).
 * Anything unusual (no JUMP_DIR, output to a pipe, options that write other files) runs cc1
 * as it is; a failure of the cache itself only means compiling. */
#include "jumpcc1.h"
#include "buf.h"
#include "diag.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

static const key key_init = {0xcbf29ce484222325ull, 0x84222325cbf29ce4ull};

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

/* $cache/<key><suffix>, malloc'ed. */
static char *key_path(const char *cache, key k, const char *suffix)
{
    return xasprintf("%s/%016llx%016llx%s", cache, (unsigned long long)k.a, (unsigned long long)k.b,
                     suffix);
}

/* One compile: cc1's arguments, where its output goes, and the cache. */
typedef struct job {
    char *real;  /* the real cc1, malloc'ed */
    char **argv; /* as gcc gave them; argv[0] is replaced by real when cc1 runs */
    int argc, oi; /* oi: the index of the output's name */
    char *cache; /* $JUMP_DIR/cc1-cache, malloc'ed */
    key base;    /* compiler, directory, arguments, environment */
} job;

/* Become cc1 with the same arguments; on failure, say so. */
static int exec_real(job *j)
{
    j->argv[0] = j->real;
    execv(j->real, j->argv);
    fprintf(stderr, "jumpcc1: cannot run %s: %s\n", j->real, strerror(errno));
    return EXIT_USAGE;
}

/* Everything but the files read: the compiler (path, size, time), the working directory,
 * every argument but the output's name, and what cc1 reads from the environment. */
static void key_base(job *j)
{
    static const char *const env[] = {"CPATH", "C_INCLUDE_PATH", "SOURCE_DATE_EPOCH",
                                      "LC_ALL", "LC_CTYPE", "LANG", NULL};
    struct stat st;
    char *cwd = getcwd(NULL, 0);
    j->base = key_init;
    key_str(&j->base, j->real);
    if (stat(j->real, &st) == 0) {
        key_add(&j->base, &st.st_size, sizeof st.st_size);
        key_add(&j->base, &st.st_mtime, sizeof st.st_mtime);
    }
    key_str(&j->base, cwd ? cwd : "?");
    free(cwd);
    for (int i = 1; i < j->argc; i++)
        if (i != j->oi && i != j->oi - 1)
            key_str(&j->base, j->argv[i]);
    for (int i = 0; env[i]; i++) {
        const char *v = getenv(env[i]);
        key_str(&j->base, env[i]);
        key_str(&j->base, v ? v : "\x01unset");
    }
}

/* Copy a cache entry to the output. 0 if there was one and it was copied. */
static int take(const char *entry, const char *out)
{
    blob b;
    jerr e;
    int rc;
    if (blob_read(entry, &b, &e) != 0)
        return -1;
    rc = file_commit(out, b.p ? b.p : (const uint8_t *)"", b.len, 0644, &e);
    blob_free(&b);
    return rc;
}

/* Keep cc1's output under `entry` (a failure only means no entry). */
static void keep(const job *j, const char *entry, const char *out)
{
    blob b;
    jerr e;
    if ((mkdir(j->cache, 0755) == 0 || errno == EEXIST) && blob_read(out, &b, &e) == 0) {
        file_commit(entry, b.p ? b.p : (const uint8_t *)"", b.len, 0644, &e);
        blob_free(&b);
    }
}

/* Run cc1 with the job's arguments plus `extra` (NULL-terminated, may be NULL): its status. */
static int run_real(job *j, char *const *extra)
{
    int n = 0, rc;
    char **v;
    jerr e;
    while (extra && extra[n])
        n++;
    v = xcalloc((size_t)j->argc + (size_t)n + 1, sizeof *v);
    v[0] = j->real;
    memcpy(v + 1, j->argv + 1, (size_t)(j->argc - 1) * sizeof *v);
    if (n)
        memcpy(v + j->argc, extra, (size_t)n * sizeof *v);
    rc = spawn_status(v, 0, &e);
    free(v);
    return rc < 0 ? EXIT_USAGE : rc;
}

/* ---- the key from the files read (direct mode) ---- */

/* The dependency list of a make rule as cc1 -MD writes it ("target: a.c b.h \<newline> ..."),
 * unescaped, one name per line. NULL if it cannot be read that way. Malloc'ed. */
static char *deps_names(const char *d)
{
    buf b = {0};
    const char *p = d;
    /* the target: up to the first ':' that ends a word */
    for (; *p && !(*p == ':' && (p[1] == ' ' || p[1] == '\n' || p[1] == '\t' || !p[1])); p++)
        if (*p == '\\' && p[1])
            p++;
    if (!*p)
        return NULL;
    p++;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || (*p == '\\' && p[1] == '\n'))
            p += *p == '\\' ? 2 : 1;
        if (!*p || *p == ':')
            break;
        for (; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
            if (*p == '\\' && p[1] == '\n')
                break;
            if (*p == '\\' && (p[1] == ' ' || p[1] == '#' || p[1] == '\\'))
                p++;
            else if (*p == '$' && p[1] == '$')
                p++;
            buf_addc(&b, *p);
        }
        buf_addc(&b, '\n');
    }
    return b.len ? buf_cstr(&b) : (buf_free(&b), NULL);
}

/* Add each listed file's name and content to k. 0, or -1 if one cannot be read; with
 * `since` (a compile's start), also -1 if one changed after it or uses the date or time. */
static int key_files(key *k, const char *names, const struct timespec *since)
{
    static const char *const clock_macros[] = {"__DATE__", "__TIME__", "__TIMESTAMP__", NULL};
    const char *p = names;
    key_str(k, "files");
    while (*p) {
        size_t n = strcspn(p, "\n");
        char *path = xstrndup(p, n);
        struct stat st;
        blob b = {0};
        jerr e;
        int bad = blob_read(path, &b, &e) != 0;
        if (!bad && since) {
            bad = stat(path, &st) != 0 ||
                  st.st_mtim.tv_sec > since->tv_sec ||
                  (st.st_mtim.tv_sec == since->tv_sec && st.st_mtim.tv_nsec >= since->tv_nsec) ||
                  st.st_ctim.tv_sec > since->tv_sec ||
                  (st.st_ctim.tv_sec == since->tv_sec && st.st_ctim.tv_nsec >= since->tv_nsec);
            for (int i = 0; !bad && clock_macros[i]; i++)
                bad = b.len && memmem(b.p, b.len, clock_macros[i], strlen(clock_macros[i])) != NULL;
        }
        if (!bad) {
            key_str(k, path);
            key_add(k, b.p ? b.p : (const uint8_t *)"", b.len);
        }
        blob_free(&b);
        free(path);
        if (bad)
            return -1;
        p += n + (p[n] == '\n');
    }
    return 0;
}

/* Direct mode: look up by manifest; on a miss compile with -MD and write entry and manifest. */
static int compile_direct(job *j)
{
    const char *out = j->argv[j->oi];
    char *manifest = key_path(j->cache, j->base, ".m"), *names = NULL, *deps = NULL, *entry = NULL;
    char *depfile = xasprintf("%s/.deps.%ld", j->cache, (long)getpid());
    char *extra[] = {"-MD", depfile, NULL};
    struct timespec start;
    key k = j->base;
    blob b;
    jerr e;
    int rc;

    if (blob_read(manifest, &b, &e) == 0) {
        names = xstrndup((const char *)(b.p ? b.p : (const uint8_t *)""), b.len);
        blob_free(&b);
        if (key_files(&k, names, NULL) == 0) {
            entry = key_path(j->cache, k, ".s");
            if (take(entry, out) == 0) {
                rc = EXIT_OK;
                goto done;
            }
        }
        free(names);
        names = NULL;
    }
    if (mkdir(j->cache, 0755) != 0 && errno != EEXIST) {
        rc = run_real(j, NULL);
        goto done;
    }
    clock_gettime(CLOCK_REALTIME_COARSE, &start);
    rc = run_real(j, extra);
    if (rc != 0 || blob_read(depfile, &b, &e) != 0)
        goto done;
    deps = xstrndup((const char *)(b.p ? b.p : (const uint8_t *)""), b.len);
    blob_free(&b);
    names = deps_names(deps);
    k = j->base;
    if (names && key_files(&k, names, &start) == 0) {
        free(entry);
        entry = key_path(j->cache, k, ".s");
        keep(j, entry, out);
        file_commit(manifest, names, strlen(names), 0644, &e);
    }
done:
    unlink(depfile);
    free(depfile);
    free(deps);
    free(names);
    free(entry);
    free(manifest);
    return rc;
}

/* With -M options of the build's own: the key is the preprocessed source, and cc1 -E writes
 * the dependency file the build asked for whether the assembly comes from the cache or not. */
static int compile_preprocessed(job *j)
{
    const char *out = j->argv[j->oi];
    char **eargv = xcalloc((size_t)j->argc + 3, sizeof *eargv), *pp = NULL, *entry;
    key k = j->base;
    jerr e;
    int rc;

    eargv[0] = j->real;
    eargv[1] = "-E";
    eargv[2] = "-w"; /* the compile that follows, or did, says what there is to say */
    for (int i = 1, n = 3; i < j->argc; i++)
        if (i != j->oi && i != j->oi - 1)
            eargv[n++] = j->argv[i];
    rc = spawn_capture(eargv, 0, &pp, &e);
    free(eargv);
    if (rc != 0)
        return exec_real(j); /* cc1 reports the error itself */
    key_str(&k, "preprocessed");
    key_str(&k, pp);
    free(pp);
    entry = key_path(j->cache, k, ".s");
    if (take(entry, out) == 0) {
        free(entry);
        return EXIT_OK;
    }
    rc = run_real(j, NULL);
    if (rc == 0)
        keep(j, entry, out);
    free(entry);
    return rc;
}

int jumpcc1_run(int argc, char **argv)
{
    const char *dir = getenv("JUMP_DIR");
    job j = {.real = jumpcc1_real(argv[0]), .argv = argv, .argc = argc, .oi = -1};
    int own_deps = 0, rc;
    struct stat st;

    if (!j.real) {
        fprintf(stderr, "jumpcc1: cannot find the compiler proper (cc1): is gcc installed?\n");
        return EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            j.oi = ++i;
        else if (uncacheable(argv[i]))
            return exec_real(&j);
        else if (!strncmp(argv[i], "-M", 2))
            own_deps = 1;
    }
    if (!dir || !*dir || getenv("JUMP_NO_CC1_CACHE") || j.oi < 0 || !strcmp(argv[j.oi], "-") ||
        stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return exec_real(&j);
    j.cache = xasprintf("%s/cc1-cache", dir);
    key_base(&j);
    rc = own_deps ? compile_preprocessed(&j) : compile_direct(&j);
    free(j.cache);
    free(j.real);
    return rc;
}
