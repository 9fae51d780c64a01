/* getlog: jump.log -> new jump.funcs / jump.vars entries (getfuncs, getvars). Existing lines
 * are slot indices and variable offsets, so they are kept byte for byte and new entries are
 * only ever appended, in an order that does not depend on the order things were compiled. */
#include "getlog.h"
#include "diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int gl_wants(gl_what what, char type)
{
    return strchr(what == GL_FUNCS ? "Tt" : "DCK", type) != NULL && type != 0;
}

static int is_func(char type) { return type == 'T' || type == 't'; }

static const char *kind_word(char type) { return is_func(type) ? "function" : "variable"; }

/* One logged symbol after merging its log lines. */
typedef struct gl_sym {
    const jf_entry *first; /* first log line: kind and objfile */
    const jf_entry *last;  /* last log line: type, library, needs */
    uint64_t size;         /* largest logged size */
} gl_sym;

static int by_objfile_name(const void *a, const void *b)
{
    const gl_sym *x = *(const gl_sym *const *)a, *y = *(const gl_sym *const *)b;
    int c = strcmp(x->first->objfile, y->first->objfile);
    return c ? c : strcmp(x->first->name, y->first->name);
}

int gl_select(gl_what what, const jf_file *log, const jf_file *target, const jf_file *other,
              const jf_file *ignore, const jf_file *import, jf_file *add, jf_file *hide,
              gl_counts *c, jerr *e)
{
    strmap seen = {0};
    gl_sym *syms = xcalloc(log->n ? log->n : 1, sizeof *syms);
    gl_sym **pick = xcalloc(log->n ? log->n : 1, sizeof *pick);
    size_t nsyms = 0, npick = 0;
    int rc = -1;

    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < log->n; i++) {
        const jf_entry *x = &log->v[i];
        uintptr_t k;
        gl_sym *s;
        if (!strmap_get(&seen, x->name, &k)) {
            syms[nsyms].first = syms[nsyms].last = x;
            syms[nsyms].size = x->size;
            strmap_put(&seen, x->name, nsyms++);
            continue;
        }
        s = &syms[k];
        if (is_func(x->type) != is_func(s->first->type)) {
            jerr_at(e, EXIT_BAD, log->path, x->line, 0,
                    "symbol '%s' is logged as a %s here and as a %s on line %u", x->name, kind_word(x->type),
                    kind_word(s->first->type), s->first->line);
            goto out;
        }
        if (strcmp(x->objfile, s->first->objfile)) {
            jerr_at(e, EXIT_BAD, log->path, x->line, 0,
                    "symbol '%s' is logged from objfile '%s' here and from '%s' on line %u", x->name,
                    x->objfile, s->first->objfile, s->first->line);
            goto out;
        }
        s->last = x;
        if (x->size > s->size)
            s->size = x->size;
    }

    for (size_t i = 0; i < nsyms; i++) {
        gl_sym *s = &syms[i];
        const char *name = s->first->name;
        size_t at;
        if (!gl_wants(what, s->first->type))
            continue;
        if (jf_index(target, name)) {
            c->listed++;
            continue;
        }
        if (ignore && jf_index(ignore, name)) {
            c->ignored++;
            continue;
        }
        if (import && jf_index(import, name)) {
            c->imported++;
            continue;
        }
        if (other && (at = jf_index(other, name)) != 0) {
            jerr_at(e, EXIT_BAD, log->path, s->first->line, 0, "%s '%s' is listed in %s:%u as a %s",
                    kind_word(s->first->type), name, other->path, other->v[at - 1].line,
                    what == GL_FUNCS ? "variable" : "function");
            goto out;
        }
        pick[npick++] = s;
    }

    qsort(pick, npick, sizeof *pick, by_objfile_name);
    for (size_t i = 0; i < npick; i++) {
        const gl_sym *s = pick[i];
        /* Hidden symbols (the last compile's word) are internal to the library. */
        jf_file *to = hide && s->last->hidden ? hide : add;
        /* Functions carry no size in jump.funcs; variables reserve their largest one. */
        jf_add(to, what == GL_FUNCS ? 0 : s->size, s->last->type, s->first->name,
               s->last->library, s->first->objfile, s->last->needs);
        to->v[to->n - 1].hidden = to == hide;
        if (to == hide)
            c->hidden++;
        else
            c->added++;
    }
    rc = 0;
out:
    strmap_free(&seen);
    free(syms);
    free(pick);
    return rc;
}

static char *dir_file(const char *dir, const char *file)
{
    return strcmp(dir, ".") ? xasprintf("%s/%s", dir, file) : xstrdup(file);
}

/* Load an optional control file; missing reads as empty. */
static int load_opt(const char *dir, const char *file, jf_kind kind, int names, jf_file *f, jerr *e)
{
    char *path = dir_file(dir, file);
    int rc = jf_load(path, kind, JF_MISSING_OK | names, f, e);
    free(path);
    return rc;
}

/* Write `old` (when have_old) followed by `text` to `path` atomically, keeping the previous
 * version as <path>~ first, so that a hand edit survives whatever happens next. */
static int append_commit(const char *path, const blob *old, int have_old, unsigned mode,
                         const buf *text, int *backed_up, jerr *e)
{
    buf out = {0};
    int rc;
    if (have_old) {
        char *backup = xasprintf("%s~", path);
        rc = file_commit(backup, old->p ? old->p : (const uint8_t *)"", old->len, mode, e);
        free(backup);
        if (rc != 0)
            return -1;
        *backed_up = 1;
        buf_add(&out, old->p, old->len);
        if (old->len && old->p[old->len - 1] != '\n')
            buf_addc(&out, '\n');
    }
    buf_add(&out, text->p, text->len);
    rc = file_commit(path, out.p ? out.p : (const uint8_t *)"", out.len, mode, e);
    buf_free(&out);
    return rc;
}

/* Read `path` if it exists: 1 with its bytes and mode, 0 if missing, -1 on error. */
static int read_existing(const char *path, blob *b, unsigned *mode, jerr *e)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        return jerr_sys(e, "cannot read '%s'", path);
    }
    if (blob_read(path, b, e) != 0)
        return -1;
    *mode = st.st_mode & 07777;
    return 1;
}

/* A control file that is appended to: its bytes and mode kept (to be written back before
 * the new lines), parsed into f; 1, 0 when missing (f empty of that kind), -1 with e set. */
static int read_kept(const char *path, jf_kind kind, int names, blob *old, unsigned *mode, jf_file *f, jerr *e)
{
    int have = read_existing(path, old, mode, e);
    if (have < 0)
        return -1;
    if (!have) {
        f->kind = kind;
        return 0;
    }
    return jf_parse(path, (const char *)old->p, old->len, kind, names, f, e) != 0 ? -1 : 1;
}

int gl_run(gl_what what, const char *dir, int names, int dry_run, gl_result *r, jerr *e)
{
    const char *tname = what == GL_FUNCS ? "jump.funcs" : "jump.vars";
    const char *oname = what == GL_FUNCS ? "jump.vars" : "jump.funcs";
    char *logpath = dir_file(dir, "jump.log"), *ignpath = dir_file(dir, "jump.ignore");
    jf_file log = {0}, target = {0}, other = {0}, ignore = {0}, import = {0}, add = {0},
            hide = {0};
    blob old = {0}, oldign = {0};
    buf hidden = {0};
    struct stat st;
    int have_old, have_ign, rc = -1, ign_backup = 0;
    unsigned mode = 0644, ignmode = 0644;

    memset(r, 0, sizeof *r);
    r->target = dir_file(dir, tname);

    if (stat(logpath, &st) != 0 && errno == ENOENT) {
        char *cwd = strcmp(dir, ".") ? NULL : getcwd(NULL, 0);
        jerr_set(e, EXIT_BAD, "jump.log not found in %s: compile with 'make pre-shlib' first",
                 cwd ? cwd : dir);
        free(cwd);
        goto out;
    }
    if (jf_load(logpath, JF_LOG, names, &log, e) != 0)
        goto out;

    if ((have_old = read_kept(r->target, what == GL_FUNCS ? JF_FUNCS : JF_VARS, names, &old, &mode, &target, e)) < 0 ||
        (have_ign = read_kept(ignpath, JF_IGNORE, names, &oldign, &ignmode, &ignore, e)) < 0)
        goto out;
    if (load_opt(dir, oname, what == GL_FUNCS ? JF_VARS : JF_FUNCS, names, &other, e) != 0 ||
        (what == GL_VARS && load_opt(dir, "jump.import", JF_IMPORT, names, &import, e) != 0))
        goto out;

    add.kind = target.kind;
    hide.kind = JF_IGNORE;
    if (gl_select(what, &log, &target, &other, &ignore, what == GL_VARS ? &import : NULL, &add,
                  &hide, &r->c, e) != 0)
        goto out;
    for (size_t i = 0; i < add.n; i++)
        jf_format(&r->appended, &add.v[i], names);
    if (hide.n) {
        buf_printf(&hidden, "# %s of hidden visibility, internal to the library: not exported (move a "
                            "line to %s to export it)\n",
                   what == GL_FUNCS ? "Functions" : "Variables", tname);
        for (size_t i = 0; i < hide.n; i++)
            jf_format(&hidden, &hide.v[i], names);
    }

    r->entries = target.n + add.n;
    if (!dry_run) {
        /* The target is written when it gains lines, and created (empty) when missing, so
         * that the next steps (getsize, mv) find it even for a library with none. */
        if ((add.n || !have_old) &&
            append_commit(r->target, &old, have_old, mode, &r->appended, &r->backup, e) != 0)
            goto out;
        if (hide.n && append_commit(ignpath, &oldign, have_ign, ignmode, &hidden, &ign_backup, e) != 0)
            goto out;
    }
    rc = 0;
out:
    free(logpath);
    free(ignpath);
    blob_free(&old);
    blob_free(&oldign);
    buf_free(&hidden);
    jf_free(&log);
    jf_free(&target);
    jf_free(&other);
    jf_free(&ignore);
    jf_free(&import);
    jf_free(&add);
    jf_free(&hide);
    return rc;
}

void gl_result_free(gl_result *r)
{
    free(r->target);
    buf_free(&r->appended);
    memset(r, 0, sizeof *r);
}

char *gl_summary(gl_what what, const gl_result *r, int dry_run)
{
    const char *base = strrchr(r->target, '/');
    const gl_counts *c = &r->c;
    buf b = {0};
    base = base ? base + 1 : r->target;
    buf_printf(&b, "%s%zu new %s%s in %s (%zu already listed, %zu ignored", dry_run ? "dry run: " : "",
               c->added, what == GL_FUNCS ? "function" : "variable", c->added == 1 ? "" : "s", base,
               c->listed, c->ignored);
    if (what == GL_VARS)
        buf_printf(&b, ", %zu imported", c->imported);
    buf_addc(&b, ')');
    if (c->hidden)
        buf_printf(&b, "; %zu of hidden visibility %s jump.ignore: not exported", c->hidden,
                   dry_run ? "would go to" : "added to");
    return buf_cstr(&b);
}

/* Twice what is needed, as a power of two up to a page and in whole pages above (mkimage's
 * rule for -j and -g above 0x1000). */
static uint64_t room_to_grow(uint64_t need)
{
    uint64_t want = 2 * need, v = 0x100;
    if (want > 0x1000)
        return (want + 0xfff) & ~(uint64_t)0xfff;
    while (v < want)
        v <<= 1;
    return v;
}

char *gl_size_advice(gl_what what, const gl_result *r)
{
    /* Slot i at origin + 8*i (i from 1: the version word is at origin), and the constructor
     * slot at jumpsize - 8; GOT cells 0 and 1 (fixup list, magic) before one per variable. */
    size_t n = r->entries;
    if (what == GL_FUNCS) {
        uint64_t need = 8 * ((uint64_t)n + 2);
        return xasprintf("jump table: %zu slot%s 0x%llx bytes (8 each, with the version word "
                         "and the constructor slot); SL_JUMP_TABLE_SIZE=0x%llx leaves room to grow",
                         n, n == 1 ? " needs" : "s need", (unsigned long long)need,
                         (unsigned long long)room_to_grow(need));
    }
    return xasprintf("GOT: %zu variable%s need %zu cells: 0x%llx bytes on i386, 0x%llx on x86_64; "
                     "SL_GOT_SIZE=0x%llx leaves room to grow on both",
                     n, n == 1 ? "" : "s", n + 2, (unsigned long long)(4 * (n + 2)),
                     (unsigned long long)(8 * (n + 2)), (unsigned long long)room_to_grow(8 * (n + 2)));
}
