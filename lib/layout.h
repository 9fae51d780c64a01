/* layout: the one function for every address in a jump image (DESIGN §5.1). mkimage,
 * mkstubs, verify-shlib and mkcompat all place slots, cells and variables through it. */
#ifndef JUMP_LAYOUT_H
#define JUMP_LAYOUT_H

#include <stdint.h>

struct jerr;

typedef struct layout {
    uint64_t origin;    /* load address */
    uint64_t jumpsize;  /* bytes of jump table, version word and constructor slot included */
    uint64_t gotsize;   /* bytes of GOT */
    uint64_t dataaddr;  /* -d or -w: separate data origin, 0 if none */
    int split;          /* -w: a split image (layout_split) */
    unsigned cellsize;  /* 4 or 8 */
    uint64_t got;       /* address of GOT cell 0 */
    uint64_t data;      /* address where variable offsets start */
} layout;

/* Check the parameters (page-aligned origin >= min_origin, sizes non-zero and multiples of
 * 0x1000 above 0x1000, multiples of 8) and compute got and data. -1 with e set on bad input. */
int layout_init(layout *l, uint64_t origin, uint64_t jumpsize, uint64_t gotsize,
                uint64_t dataaddr, unsigned cellsize, uint64_t min_origin, struct jerr *e);

/* -w: make l, fresh from layout_init without a data origin, a split image: the jump table,
 * GOT and text stay at the load address, the variables (and the library's data and bss)
 * start at the page-aligned writable origin waddr, above the GOT. -1 with e set on bad input. */
int layout_split(layout *l, uint64_t waddr, struct jerr *e);

/* Slot i (1-based) lives at origin + 8*i. */
uint64_t layout_slot(const layout *l, unsigned long i);
/* Highest usable slot index: slots must stay below the constructor slot. */
unsigned long layout_max_slots(const layout *l);
/* The slot that runs the image's constructors: origin + jumpsize - 8. */
uint64_t layout_ctor_slot(const layout *l);
/* GOT cell n (0 = fixup pointer, 1 = magic, k+1 = k-th jump.vars entry). */
uint64_t layout_cell(const layout *l, unsigned long n);
/* Number of cells that fit in gotsize. */
unsigned long layout_max_cells(const layout *l);
/* A variable at `offset` in the data area. */
uint64_t layout_var(const layout *l, uint64_t offset);
/* Where a jump.vars entry of `type` at `offset` lives: constants (K) after the jump table
 * when there is a separate data origin (-d, not -w), everything else in the data area. */
uint64_t layout_var_at(const layout *l, char type, uint64_t offset);

struct jf_file;
/* A 32-bit digest of what programs rely on in an image: its load address and GOT address, the
 * name in every slot and cell and every exported variable's address (never 0). mkimage stores
 * it in the image, mkstubs in the stub's record; the loader checks names and cells one by one
 * only when the two differ. */
uint32_t layout_digest(const layout *l, const struct jf_file *funcs, const struct jf_file *vars);

#endif
