/* proc: child processes through posix_spawn, with precise failure messages. */
#include "proc.h"
#include "buf.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int judge(const char *name, int status, jerr *e)
{
    if (WIFEXITED(status)) {
        if (WEXITSTATUS(status) == 0)
            return 0;
        return jerr_set(e, EXIT_USAGE, "%s failed with exit status %d", name, WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status))
        return jerr_set(e, EXIT_USAGE, "%s was killed by signal %d (%s)", name, WTERMSIG(status),
                        strsignal(WTERMSIG(status)));
    return jerr_set(e, EXIT_USAGE, "%s ended abnormally", name);
}

static int run(char *const argv[], int verbose, char **out, int *xstatus, jerr *e)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int pfd[2] = {-1, -1}, rc, status;
    const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

    if (verbose)
        diag_command(argv);
    posix_spawn_file_actions_init(&fa);
    if (out) {
        if (pipe2(pfd, O_CLOEXEC) != 0) {
            posix_spawn_file_actions_destroy(&fa);
            return jerr_sys(e, "cannot create a pipe for %s", name);
        }
        posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    }
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (out)
        close(pfd[1]);
    if (rc != 0) {
        if (out)
            close(pfd[0]);
        errno = rc;
        return jerr_sys(e, "cannot run %s", argv[0]);
    }
    if (out) {
        buf b = {0};
        for (;;) {
            ssize_t n;
            buf_reserve(&b, 4096);
            n = read(pfd[0], b.p + b.len, b.cap - b.len - 1);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            b.len += (size_t)n;
        }
        close(pfd[0]);
        *out = buf_cstr(&b);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            if (out) {
                free(*out);
                *out = NULL;
            }
            return jerr_sys(e, "cannot wait for %s", name);
        }
    }
    if (xstatus && WIFEXITED(status)) {
        *xstatus = WEXITSTATUS(status);
        return 0;
    }
    if (judge(name, status, e) != 0) {
        if (out) {
            free(*out);
            *out = NULL;
        }
        return -1;
    }
    return 0;
}

int spawn_run(char *const argv[], int verbose, jerr *e) { return run(argv, verbose, NULL, NULL, e); }

int spawn_capture(char *const argv[], int verbose, char **out, jerr *e)
{
    return run(argv, verbose, out, NULL, e);
}

int spawn_capture_status(char *const argv[], int verbose, char **out, jerr *e)
{
    int xstatus = 0;
    if (run(argv, verbose, out, &xstatus, e) != 0)
        return -1;
    return xstatus;
}

int spawn_status(char *const argv[], int verbose, jerr *e)
{
    int xstatus = 0;
    if (run(argv, verbose, NULL, &xstatus, e) != 0)
        return -1;
    return xstatus;
}

int spawn_pipe_start(char *const argv[], int verbose, spawn_pipe *p, jerr *e)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    struct sigaction ign;
    sigset_t dfl;
    int pfd[2], rc;

    p->name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    if (verbose)
        diag_command(argv);
    if (pipe2(pfd, O_CLOEXEC) != 0)
        return jerr_sys(e, "cannot create a pipe for %s", p->name);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[0], 0);
    posix_spawnattr_init(&at);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &p->old);
    rc = posix_spawnp(&p->pid, argv[0], &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(pfd[0]);
    if (rc != 0) {
        close(pfd[1]);
        sigaction(SIGPIPE, &p->old, NULL);
        errno = rc;
        return jerr_sys(e, "cannot run %s", argv[0]);
    }
    p->fd = pfd[1];
    return 0;
}

static int pipe_wait(spawn_pipe *p, int *status)
{
    int rc = 0;
    close(p->fd);
    p->fd = -1;
    while (waitpid(p->pid, status, 0) < 0) {
        if (errno != EINTR) {
            rc = -1;
            break;
        }
    }
    sigaction(SIGPIPE, &p->old, NULL);
    return rc;
}

int spawn_pipe_finish(spawn_pipe *p, int write_errno, jerr *e)
{
    int status;
    if (pipe_wait(p, &status) != 0)
        return jerr_sys(e, "cannot wait for %s", p->name);
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        return WEXITSTATUS(status);
    if (judge(p->name, status, e) != 0)
        return -1;
    if (write_errno) {
        errno = write_errno;
        return jerr_sys(e, "cannot write to %s", p->name);
    }
    return 0;
}

void spawn_pipe_abort(spawn_pipe *p)
{
    int status;
    kill(p->pid, SIGKILL);
    pipe_wait(p, &status);
}

char *spawn_which(const char *prog, const char *skip)
{
    const char *path = getenv("PATH");
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0 ? xstrdup(prog) : NULL;
    return spawn_which_in(prog, path && *path ? path : "/usr/local/bin:/usr/bin:/bin", skip);
}

char *spawn_which_in(const char *prog, const char *path, const char *skip)
{
    struct stat sk, st;
    int have_skip = skip && stat(skip, &sk) == 0;
    while (path && *path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        char *cand = n ? xasprintf("%.*s/%s", (int)n, path, prog) : xasprintf("./%s", prog);
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0 &&
            !(have_skip && st.st_dev == sk.st_dev && st.st_ino == sk.st_ino))
            return cand;
        free(cand);
        path += n;
        if (*path == ':')
            path++;
    }
    return NULL;
}

char *proc_install_path(const char *rel)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;
    if (n <= 0)
        return xasprintf("/usr/local/%s", rel);
    exe[n] = 0;
    slash = strrchr(exe, '/');
    if (slash)
        *slash = 0; /* the bin directory */
    return xasprintf("%s/../%s", exe, rel);
}
