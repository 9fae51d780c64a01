/* proc: run as/ld and friends, echo the command on request, and name a fatal signal. */
#ifndef JUMP_PROC_H
#define JUMP_PROC_H

#include <signal.h>
#include <sys/types.h>

struct jerr;

/* Run argv (argv[0] looked up in PATH unless it has a '/') and wait. With verbose, the
 * command is echoed first (diag_command: lib/ prints only through diag). 0 if it exited 0; otherwise -1 with e saying
 * "as failed with exit status 1" or "ld was killed by signal 9 (Killed)". */
int spawn_run(char *const argv[], int verbose, struct jerr *e);

/* Like spawn_run, with the child's stdout captured into *out (malloc'ed, NUL-terminated;
 * the caller frees). */
int spawn_capture(char *const argv[], int verbose, char **out, struct jerr *e);

/* Like spawn_run for a wrapper that passes its child's status on (jumpas runs as): returns
 * the exit status of a child that exited (0..255); -1 with e set when it could not be run
 * or was killed by a signal (named, as spawn_run does). */
int spawn_status(char *const argv[], int verbose, struct jerr *e);
/* Both: the child's stdout in *out (malloc'ed) and its exit status returned (0..255); -1
 * with e set when it could not be run or was killed. */
int spawn_capture_status(char *const argv[], int verbose, char **out, struct jerr *e);

/* A child reading its standard input from a pipe the caller writes (jumpas feeding as).
 * While it runs SIGPIPE is ignored (a write to a child that stopped reading fails with
 * EPIPE); the child gets the default action. One at a time. */
typedef struct spawn_pipe {
    pid_t pid;
    int fd;                   /* the pipe's write end */
    const char *name;         /* argv[0]'s last component, for messages */
    struct sigaction old;     /* SIGPIPE's action before */
} spawn_pipe;

/* Start argv with the pipe as its standard input (echoed with verbose). 0, or -1 with e set. */
int spawn_pipe_start(char *const argv[], int verbose, spawn_pipe *p, struct jerr *e);
/* Close the pipe and wait, returning like spawn_status; write_errno: 0, or the errno of a
 * failed write, an error only if the child exits 0 (else its status says why). */
int spawn_pipe_finish(spawn_pipe *p, int write_errno, struct jerr *e);
/* Kill the child (SIGKILL) and wait for it: the caller gives up on its work. */
void spawn_pipe_abort(spawn_pipe *p);

/* Look a program up in PATH, skipping the file `skip` (compared by device and inode; may be
 * NULL). Returns a malloc'ed path or NULL. */
char *spawn_which(const char *prog, const char *skip);
/* The same over the colon-separated directories `path` (COMPILER_PATH, say). */
char *spawn_which_in(const char *prog, const char *path, const char *skip);

/* A path relative to the installation this program runs from: "<dir of /proc/self/exe>/../rel"
 * (so $PREFIX/bin/mkstubs finds $PREFIX/lib/jump/loader-i386.o). malloc'ed. */
char *proc_install_path(const char *rel);

#endif
