/* stubmap: what one library's stubs promise to programs, read back from the stubs alone:
 * the layout, which name each slot and GOT cell holds, every variable's address and reserved
 * size, the libraries it needs. mkcompat, libinfo and verify-shlib --against build on it. */
#ifndef JUMP_STUBMAP_H
#define JUMP_STUBMAP_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "layout.h"
#include "strmap.h"

struct jerr;

typedef struct smap_var {
    char *name;
    char *objfile;     /* the member that defines it, without ".o" */
    char type;         /* 'D', 'C' (a member of its own) or 'K' (in the text, with -d) */
    uint64_t addr;
    uint64_t size;     /* the reserve: st_size of the stub symbol (0 if the stub gives none) */
    uint64_t offset;   /* addr - the start of its area (data, or after the jump table for K) */
    unsigned long cell;/* its GOT cell (2..), 0 if the stub has no __GOT_ symbol for it */
} smap_var;

/* Every string belongs to the map; smap_free releases them. */
typedef struct stubmap {
    const arch *arch;
    char *root;          /* the first stub's basename without ".sa" ("libxyz") */
    char *soname, *desc; /* from the library record ("libxyz.so.1", "DLL Jump 1.0") */
    uint64_t origin, vword;
    uint64_t jumpsize, gotsize, last_data; /* __PLT_SIZE, __GOT_SIZE, __LAST_DATA_ADDRESS */
    uint64_t waddr;         /* __WRITABLE_ADDRESS: a split image's writable origin (-w), or 0 */
    int dataaddr_guessed;/* 1: the cells lie away from the jump table: -d was used */
    layout l;
    unsigned long nslots;   /* slot[1..nslots]: layout_max_slots entries */
    char **slot;         /* name held by slot i, or NULL */
    char **slot_obj;     /* its member (objfile), or NULL */
    unsigned long ncells;   /* cell[2..ncells-1]: layout_max_cells entries */
    char **cell;         /* name whose address cell n holds, or NULL */
    unsigned long maxslot, maxcell; /* highest named slot / cell, 0 if none */
    unsigned long nfuncs, ncellvars;/* how many slots / cells are named */
    smap_var *vars;      /* in address order */
    size_t nvars;
    strmap var_by_name;  /* name -> index + 1 into vars */
    char **needs;        /* "libfoo.so.2" for each other library it needs, sorted, unique */
    size_t nneeds;
} stubmap;

/* Read stubs[0..n) (stubs of one image: X11's image fed several) into m. -1 with e set
 * (naming the stub; status EXIT_BAD for a malformed or inconsistent stub, EXIT_USAGE when a
 * file cannot be read) otherwise. Release with smap_free (also after a failure). */
int smap_load(stubmap *m, char *const *stubs, size_t n, struct jerr *e);
void smap_free(stubmap *m);
/* The variable called `name`, or NULL. */
const smap_var *smap_var_named(const stubmap *m, const char *name);
/* Index of the slot holding `name` (by scanning), 0 if none. */
unsigned long smap_slot_of(const stubmap *m, const char *name);

/* The stub for `-l lib` ("lib<lib>.sa", is_lib) or a stub name: a name with a '/' as
 * given; else the first readable dirs[i]/name, else name in the current directory.
 * malloc'ed; NULL if none is readable. */
char *smap_find(const char *name, int is_lib, char *const *dirs, size_t ndirs);

#endif
