/* jumpcc1: cc1 for jump compiles, with a cache of its output for the second pass. */
#ifndef JUMP_JUMPCC1_H
#define JUMP_JUMPCC1_H

/* Run cc1 with argv[1..] (what gcc gave <prefix>/bin/jumpcc1), or take its output from
 * $JUMP_DIR/cc1-cache. Returns the exit status. */
int jumpcc1_run(int argc, char **argv);

/* The real cc1: the first "cc1" in COMPILER_PATH (which gcc sets for the programs it runs)
 * that is not this program, else gcc -print-prog-name=cc1. Malloc'ed, or NULL. */
char *jumpcc1_real(const char *self);

#endif
