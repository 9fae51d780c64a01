/* proc: run as/ld and friends, echo the command on request, and name a fatal signal. */
#ifndef JUMP_PROC_H
#define JUMP_PROC_H

struct jerr;

/* Run argv (argv[0] looked up in PATH unless it has a '/') and wait. With verbose, the
 * command is echoed to stderr first. 0 if it exited 0; otherwise -1 with e saying
 * "as failed with exit status 1" or "ld was killed by signal 9 (Killed)". */
int spawn_run(char *const argv[], int verbose, struct jerr *e);

/* Like spawn_run, with the child's stdout captured into *out (malloc'ed, NUL-terminated;
 * the caller frees). */
int spawn_capture(char *const argv[], int verbose, char **out, struct jerr *e);

/* Like spawn_run for a wrapper that passes its child's status on (jumpas runs as): returns
 * the exit status of a child that exited (0..255); -1 with e set when it could not be run
 * or was killed by a signal (named, as spawn_run does). */
int spawn_status(char *const argv[], int verbose, struct jerr *e);

/* Look a program up in PATH, skipping the file `skip` (compared by device and inode; may be
 * NULL). Returns a malloc'ed path or NULL. */
char *spawn_which(const char *prog, const char *skip);

/* A path relative to the installation this program runs from: "<dir of /proc/self/exe>/../rel"
 * (so $PREFIX/bin/mkstubs finds $PREFIX/lib/jump/loader-i386.o). malloc'ed. */
char *proc_install_path(const char *rel);

#endif
