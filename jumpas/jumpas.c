/* jumpas: read gas's arguments, scan the assembly once (jumpas/asm_scan.l), log the global
 * definitions the control files do not describe, rename the jump.funcs functions this file
 * defines, divert the jump.vars variables it defines into _GVAR_/_GCMN_ files, rewrite
 * references to exported and imported variables through their GOT cells (jumpas/rewrite.c),
 * and run the real as on the result (DESIGN §4). This file runs the whole; the parts are
 * args.c (the command line, the control files), symtab.c (symbols and name sets), scan.c
 * (one statement at a time) and divert.c (the log, renames, diversions, the new text). */
#include "jumpas.h"
#include "jumpas_int.h"
#include "buf.h"
#include "diag.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- running ---- */

/* Temporary files, removed on every way out (a signal included). */
static char *volatile temps[64];
static volatile sig_atomic_t ntemps;

static void temps_remove(void)
{
    while (ntemps > 0) {
        ntemps--;
        unlink(temps[ntemps]);
        free(temps[ntemps]);
    }
}

static void on_fatal_signal(int sig)
{
    for (sig_atomic_t i = 0; i < ntemps; i++)
        unlink(temps[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Remember a temporary file (room checked by the caller). */
static void temps_add(char *path)
{
    if (ntemps == 0) {
        signal(SIGINT, on_fatal_signal);
        signal(SIGTERM, on_fatal_signal);
        signal(SIGHUP, on_fatal_signal);
    }
    temps[ntemps] = path;
    ntemps++;
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int temp_write(const void *p, size_t n, char **path, jerr *e)
{
    const char *dir = getenv("TMPDIR");
    char *tmpl;
    int fd;
    if (ntemps == (sig_atomic_t)(sizeof temps / sizeof temps[0]))
        return jerr_set(e, EXIT_USAGE, "too many input files");
    tmpl = xasprintf("%s/jumpasXXXXXX.s", dir && *dir ? dir : "/tmp");
    fd = mkstemps(tmpl, 2);
    if (fd < 0) {
        jerr_sys(e, "cannot create a temporary file in %s", dir && *dir ? dir : "/tmp");
        free(tmpl);
        return -1;
    }
    temps_add(tmpl);
    if (write_all(fd, p, n) != 0) {
        jerr_sys(e, "cannot write %s", tmpl);
        close(fd);
        return -1;
    }
    if (close(fd) != 0)
        return jerr_sys(e, "cannot write %s", tmpl);
    *path = tmpl;
    return 0;
}

/* The whole of a file or of standard input ("-"), with two NUL bytes after it. */
static int read_input(const char *path, char **text, size_t *len, jerr *e)
{
    int is_stdin = !strcmp(path, "-");
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    size_t cap = 65536, n = 0;
    char *p;
    if (fd < 0)
        return jerr_sys(e, "cannot open %s", path);
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0)
        cap = (size_t)st.st_size + 2;
    p = xmalloc(cap);
    for (;;) {
        ssize_t r;
        if (cap - n < 3) {
            cap *= 2;
            p = xrealloc(p, cap);
        }
        r = read(fd, p + n, cap - n - 2);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            jerr_sys(e, "cannot read %s", is_stdin ? "standard input" : path);
            free(p);
            if (!is_stdin)
                close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (!is_stdin)
        close(fd);
    p[n] = p[n + 1] = 0;
    *text = p;
    *len = n;
    return 0;
}

static int log_append(const char *path, const buf *b, jerr *e)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    int rc = 0;
    if (fd < 0)
        return jerr_sys(e, "cannot open %s", path);
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            jerr_sys(e, "cannot write %s", path); /* (flock) */
            close(fd);
            return -1;
        }
    }
    if (write_all(fd, b->p, b->len) != 0)
        rc = jerr_sys(e, "cannot write %s", path);
    if (close(fd) != 0 && rc == 0)
        rc = jerr_sys(e, "cannot write %s", path);
    return rc;
}

/* The objfile column: the output's basename without ".o"; "a" for as's default a.out. */
static char *objfile_name(const char *output)
{
    const char *b;
    size_t n;
    if (!output || !*output)
        return xstrdup("a");
    b = strrchr(output, '/') ? strrchr(output, '/') + 1 : output;
    n = strlen(b);
    if (n > 2 && !strcmp(b + n - 2, ".o"))
        n -= 2;
    return xstrndup(b, n);
}

/* A line marker so that as names the original file and lines in messages and debug
 * information; only for names it can quote as they are. */
static void line_marker(const jumpas_args *a, const char *name, buf *out)
{
    if (a->no_preprocess || strpbrk(name, "\"\\\n"))
        return;
    buf_printf(out, "# 1 \"%s\"\n", name);
}

/* Does as need input i rewritten (standard input always: jumpas has read it)? */
static int rewritten(const jas_scan *s, size_t i)
{
    return s->in[i].nedits || !strcmp(s->in[i].name, "-");
}

/* The line marker for input i: as calls standard input "{standard input}" in messages and
 * debug information. */
static void input_marker(const jumpas_args *a, const jas_scan *s, size_t i, buf *out)
{
    const char *name = s->in[i].name;
    line_marker(a, strcmp(name, "-") ? name : "{standard input}", out);
}

/* The real as and its arguments (a's, the inputs in place); NULL if as is not found. The
 * caller frees argv[0] and argv. */
static char **as_command(const jumpas_args *a)
{
    const char *env_as = getenv("JUMP_AS");
    char *as_path, **argv;
    if (env_as && *env_as)
        as_path = xstrdup(env_as);
    else if (!(as_path = spawn_which("as", "/proc/self/exe")))
        return NULL;
    argv = xcalloc((size_t)a->argc + 3, sizeof *argv);
    argv[0] = as_path;
    for (int i = 0; i < a->argc; i++)
        argv[i + 1] = a->argv[i];
    return argv;
}

/* The object as writes when its text comes through a pipe: a temporary beside the output
 * (".NAME.jumpasXXXXXX", a temps[] entry, so removed on every way out), which as's argv names
 * instead of the output and which object_commit renames into place once as and jumpas both
 * succeeded. A jumpas that dies while as reads the pipe (as then assembles a truncated text)
 * leaves no object that make would take for a good one. NULL, and as writes the output
 * itself, when the output is not a regular file (/dev/null) or no temporary can be made. */
static char *object_temp(const jumpas_args *a, char **argv)
{
    static char *joined; /* "-oTEMP" for an output given as -oFILE */
    struct stat sb;
    const char *out = a->output, *base;
    char *tmpl;
    int fd;
    if (a->output_at < 0 || !*out || (stat(out, &sb) == 0 && !S_ISREG(sb.st_mode)) ||
        ntemps == (sig_atomic_t)(sizeof temps / sizeof temps[0]))
        return NULL;
    base = strrchr(out, '/') ? strrchr(out, '/') + 1 : out;
    tmpl = xasprintf("%.*s.%s.jumpasXXXXXX", (int)(base - out), out, base);
    if ((fd = mkstemp(tmpl)) < 0) {
        free(tmpl);
        return NULL;
    }
    {
        mode_t mask = umask(0); /* the mode as would give a new file, not mkstemp's 0600 */
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    close(fd);
    temps_add(tmpl);
    if (a->argv[a->output_at] == out) {
        argv[a->output_at + 1] = tmpl;
    } else {
        free(joined);
        argv[a->output_at + 1] = joined = xasprintf("-o%s", tmpl);
    }
    return tmpl;
}

/* The object as wrote under `tmp` becomes the output. */
static int object_commit(const jumpas_args *a, const char *tmp, jerr *e)
{
    if (tmp && rename(tmp, a->output) != 0)
        return jerr_sys(e, "cannot rename %s to %s", tmp, a->output);
    return 0;
}

/* Where as finds input i in its argv: its own place, or after the options for standard input
 * that jumpas read because no input was named. */
static char **input_slot(const jumpas_args *a, char **argv, size_t i)
{
    return a->ninput ? &argv[a->input[i] + 1] : &argv[a->argc + 1];
}

/* Streaming: with one input, as starts before the control files are read and reads the
 * text through a pipe while it is scanned, each prefix as soon as it is settled (jas_settled)
 * once the first rename is decided (the input will be rewritten), so that as starts up and
 * assembles while jumpas reads and scans. An input that turns out to need no rewrite is
 * read by as itself (that as is stopped and another one run), as before; so is every input
 * with -v, which echoes the as command that does the work. */
typedef struct stream {
    jas_scan *s;
    const jumpas_args *a;
    char **argv;      /* as's command, once started */
    char *object;     /* the temporary it writes (object_temp), or NULL */
    spawn_pipe as;
    int started;
    int marked;       /* the line marker is sent */
    int werr;         /* errno of a failed write: nothing more is sent */
    size_t sent;      /* bytes of the input whose text as has */
} stream;

static void stream_send(stream *st, size_t upto)
{
    buf t = {0};
    if (!st->marked)
        input_marker(st->a, st->s, 0, &t);
    st->marked = 1;
    jas_rewrite_range(st->s, 0, st->sent, upto, &t);
    st->sent = upto;
    if (!st->werr && t.len && write_all(st->as.fd, t.p, t.len) != 0)
        st->werr = errno ? errno : EIO;
    buf_free(&t);
}

/* Start as on standard input (jumpas_run goes the ordinary way if it cannot, and says why
 * there, in its order). */
static void stream_start(stream *st)
{
    jerr e;
    if (!(st->argv = as_command(st->a)))
        return;
    *input_slot(st->a, st->argv, 0) = "-";
    st->object = object_temp(st->a, st->argv);
    st->started = spawn_pipe_start(st->argv, 0, &st->as, &e) == 0;
}

static int stream_progress(void *ctx, size_t input, size_t done)
{
    stream *st = ctx;
    size_t upto = jas_settled(st->s, done);
    (void)input;
    if (st->s->settled_edit == 0)
        return 0; /* no rename decided yet */
    if (upto > st->sent)
        stream_send(st, upto);
    return st->werr != 0;
}

/* jumpas gives up after as started: as is killed, and the object it may have begun removed
 * (as deletes it itself on its own errors; only a regular file, never a device). */
static void stream_abort(stream *st, int remove_output)
{
    const char *out = st->a->output ? st->a->output : "a.out";
    struct stat sb;
    spawn_pipe_abort(&st->as);
    st->started = 0;
    if (remove_output && lstat(out, &sb) == 0 && S_ISREG(sb.st_mode))
        unlink(out);
}

static int fail(const jerr *e)
{
    diag_report(e);
    return e->status ? e->status : EXIT_BAD;
}

/* Phase 1: the control files, then every input scanned (while as starts, when the text
 * streams to it). EXIT_OK, or the status after the message. */
static int scan_inputs(const jumpas_args *a, const char *dir, jumpas_ctl *ctl, jas_scan *s, stream *st,
                       char *objfile)
{
    const char *implied = getenv("JUMP_IMPLIED_IMPORT");
    size_t nin = a->ninput ? a->ninput : 1;
    jerr e;
    if (jumpas_ctl_load(dir, ctl, &e) != 0)
        return fail(&e);
    jas_init(s, ctl);
    s->arch = a->arch;
    s->objfile = objfile;
    s->implied = implied && !strcmp(implied, "1");
    if (st->started) {
        s->progress = stream_progress;
        s->progress_ctx = st;
    }
    for (size_t i = 0; i < nin; i++) {
        const char *path = a->ninput ? a->argv[a->input[i]] : "-";
        char *text = NULL;
        size_t len = 0;
        if (read_input(path, &text, &len, &e) != 0 || jas_scan_text(s, path, text, len, &e) != 0)
            return fail(&e);
    }
    if (jas_finish(s, &e) != 0)
        return fail(&e);
    return EXIT_OK;
}

/* Phase 2, when the text did not stream: the real as with the same arguments, the first
 * rewritten input through a pipe, the others in temporary files. as's status (0..255), or -1
 * with e set; *argv is the command, for the caller to free. */
static int assemble(const jumpas_args *a, jas_scan *s, char ***argvp, jerr *e)
{
    size_t nin = a->ninput ? a->ninput : 1;
    long piped = -1;
    char *object = NULL, **argv;
    spawn_pipe as;
    int status;
    if (!(argv = *argvp = as_command(a)))
        return jerr_set(e, EXIT_USAGE, "cannot find the real 'as' in PATH");
    for (size_t i = 0; i < nin; i++) {
        buf t = {0};
        char *tmp = NULL;
        int rc;
        if (!rewritten(s, i))
            continue; /* as reads the original */
        if (piped < 0) {
            piped = (long)i;
            *input_slot(a, argv, i) = "-";
            continue;
        }
        input_marker(a, s, i, &t);
        jas_rewrite(s, i, &t);
        rc = temp_write(t.p, t.len, &tmp, e);
        buf_free(&t);
        if (rc != 0)
            return -1;
        *input_slot(a, argv, i) = tmp;
    }
    if (piped < 0)
        return spawn_status(argv, a->verbose, e);
    object = object_temp(a, argv);
    if (spawn_pipe_start(argv, a->verbose, &as, e) != 0)
        return -1;
    {
        /* as starts up while the text is made, and assembles while it is written. */
        buf t = {0};
        int werr = 0;
        input_marker(a, s, (size_t)piped, &t);
        jas_rewrite(s, (size_t)piped, &t);
        if (write_all(as.fd, t.p, t.len) != 0)
            werr = errno ? errno : EIO;
        buf_free(&t);
        status = spawn_pipe_finish(&as, werr, e);
    }
    if (status == 0 && object_commit(a, object, e) != 0)
        status = -1;
    return status;
}

/* Phase 3, once the object is there: the diversion files, the trace, the log. */
static int write_outputs(const char *dir, jas_scan *s, const char *objfile)
{
    const char *trace = getenv("JUMP_TRACE"), *lib = getenv("JUMP_LIB");
    buf log = {0};
    char *path;
    jerr e;
    int rc = EXIT_OK;
    for (size_t i = 0; i < s->ngvar && rc == EXIT_OK; i++) {
        path = xasprintf("%s/%s", dir, s->gvar[i].file);
        if (file_commit(path, s->gvar[i].text, strlen(s->gvar[i].text), 0644, &e) != 0)
            rc = fail(&e);
        free(path);
    }
    if (rc == EXIT_OK && s->trace && trace && !strcmp(trace, "1")) {
        path = xasprintf("%s/jumpas.log", dir);
        if (log_append(path, s->trace, &e) != 0)
            rc = fail(&e);
        free(path);
    }
    if (jas_log_lines(s, lib && *lib ? lib : "unknown", objfile, &log) && !(lib && *lib))
        diag_warn("JUMP_LIB is not set");
    if (rc == EXIT_OK) {
        /* Even with nothing new to log the file is created, so that getfuncs/getvars after
         * a rebuild whose symbols are all described find an empty log, not a missing one. */
        path = xasprintf("%s/jump.log", dir);
        if (log_append(path, &log, &e) != 0)
            rc = fail(&e);
        free(path);
    }
    buf_free(&log);
    return rc;
}

int jumpas_run(const jumpas_args *a)
{
    jumpas_ctl ctl;
    jas_scan s;
    jerr e;
    int rc, status;
    const char *dir = jump_dir(NULL);
    size_t nin = a->ninput ? a->ninput : 1;
    char **argv = NULL, *objfile = objfile_name(a->output);
    stream st = {0};

    diag_jump_dir();
    memset(&s, 0, sizeof s);
    memset(&ctl, 0, sizeof ctl);
    if (nin == 1 && !a->verbose) { /* -v echoes only the as that does the work */
        st.s = &s;
        st.a = a;
        stream_start(&st);
    }
    if ((rc = scan_inputs(a, dir, &ctl, &s, &st, objfile)) != EXIT_OK)
        goto out;
    if (st.started && !rewritten(&s, 0))
        stream_abort(&st, 0); /* as reads the original: the ordinary way */
    if (st.started) {
        stream_send(&st, s.in[0].len);
        status = spawn_pipe_finish(&st.as, st.werr, &e);
        st.started = 0;
        if (status == 0 && object_commit(a, st.object, &e) != 0)
            status = -1;
    } else {
        status = assemble(a, &s, &argv, &e);
    }
    temps_remove();
    if (status < 0)
        rc = fail(&e);
    else if (status > 0)
        rc = status; /* as said why */
    else
        rc = write_outputs(dir, &s, objfile);
out:
    if (st.started)
        stream_abort(&st, 1);
    if (st.argv)
        free(st.argv[0]);
    free(st.argv);
    free(objfile);
    temps_remove();
    if (argv)
        free(argv[0]);
    free(argv);
    jas_free(&s);
    jumpas_ctl_free(&ctl);
    return rc;
}
