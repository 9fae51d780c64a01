/* jump-ldd: list the jump libraries a program needs and where the loader finds them. */
#ifndef JUMP_LDD_H
#define JUMP_LDD_H

/* Exit status of a whole run: 0, 1 (a program is not a jump program), 2 (unreadable file,
 * malformed ELF, or the program failed to run). */
int jump_ldd_run(char **progs, int nprogs);

/* Does this ELF file carry the jump loader (the __jump_loader_1 symbol and a jump_libs
 * section)? 1 yes, 0 no, -1 with e set if the file cannot be read or parsed. A file that is
 * not ELF at all is "no". For an ELF file, *machine (if not NULL) is set to its architecture
 * (a static table entry). */
struct jerr;
struct arch;
int jump_ldd_is_jump_program(const char *path, const struct arch **machine, struct jerr *e);

#endif
