/* image: reading what mkimage and mkstubs wrote: a jump image (its identifying note, its
 * layout and its slots) and a stub library (its members and its library record), for the
 * tools that check or read them (verify-shlib, buildimport, jump-ldd; later mkcompat). */
#ifndef JUMP_IMAGE_H
#define JUMP_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "ar.h"
#include "buf.h"
#include "elf.h"
#include "layout.h"

struct jerr;

/* The note's descriptor (jumpfmt.h), decoded. */
typedef struct jimg_note {
    uint32_t format, vword, cellsize, jumpsize, gotsize;
    uint64_t origin, got, data, end, info;
    char soname[256];
    int classic;    /* no note: a period a.out image, read from its layout (end is then the
                     * end of its memory, not of its variables) */
} jimg_note;

/* Decode a note descriptor of `len` bytes. -1 with e set (text without a path: the caller
 * prefixes it) on a short descriptor, an unknown format or a soname that is not terminated. */
int jimg_note_parse(const uint8_t *desc, size_t len, jimg_note *n, struct jerr *e);

typedef struct jimage {
    const char *path;  /* not copied */
    blob bytes;
    elf_file elf;
    jimg_note note;
    layout l;          /* rebuilt from the note through layout_init */
    uint32_t word0;    /* the version word stored at the origin */
} jimage;

/* Read an image: an ELF executable of a supported machine carrying the JUMP note, whose
 * note agrees with the layout rule and whose origin holds a readable word. -1 with e set
 * (naming the path, status EXIT_USAGE) otherwise. Release with jimg_close. */
int jimg_open(jimage *im, const char *path, struct jerr *e);
void jimg_close(jimage *im);
/* The end of a split image's (-w) read-only part: its segments below the writable origin
 * (for any other image the end of the whole image, note.end). */
uint64_t jimg_text_end(const jimage *im);

/* What 8 bytes of a jump table hold. */
enum jslot_kind {
    JSLOT_JUMP,  /* E9 rel32, then 3 bytes of fill (nop 0x90 or int3 0xcc): *target set */
    JSLOT_TRAP,  /* call __jump_withdrawn (or ud2) then int3 fill: a retired (U or __DUMMY__) slot */
    JSLOT_OTHER, /* anything else */
};
/* Decode the slot at address `addr` (the target of a jump is computed modulo 2^32 when
 * cellsize is 4). */
enum jslot_kind jimg_slot_decode(const uint8_t s[8], uint64_t addr, unsigned cellsize,
                                 uint64_t *target);

/* Slot index of address `a` (1 .. layout_max_slots), or 0 if `a` is not a usable slot. */
unsigned long jimg_slot_index(const layout *l, uint64_t a);
/* GOT cell index of address `a` (2 .. layout_max_cells - 1: the cells of jump.vars
 * entries), or 0 if `a` is not such a cell. */
unsigned long jimg_cell_index(const layout *l, uint64_t a);

/* A stub library (.sa): an ar archive of ELF relocatable objects, one of which (the
 * descriptor) has a jump_libs section holding the library record; or a classic a.out stub
 * (mkstubs -F aout, or a period one): OMAGIC members, the descriptor the one whose data holds
 * the ___SHARED_LIBRARIES__ element {path, description, origin, version word}. */
typedef struct jstub {
    const char *path;  /* not copied */
    char *root;        /* basename without ".sa"; owned */
    blob bytes;
    ar_file ar;
    elf_file *elf;     /* one per member; owned */
    char **label;      /* "path(member)" per member, the ELF reader's name for it; owned */
    size_t desc;       /* index of the descriptor member */
    const arch *arch;
    int aout;          /* a classic a.out stub (lib/aout.h): OMAGIC members, the record in the
                        * ___SHARED_LIBRARIES__ set element, no relocations read */
} jstub;

/* Read a stub library. -1 with e set (naming the path, status EXIT_USAGE) if it is not an
 * archive, a member is not a supported ELF object, members disagree on the architecture, or
 * no member holds a library record. Release with jstub_close. The members' absolute
 * symbols read as in every stub: an exported name is the absolute symbol of its slot or
 * variable (jstub_abs_name). */
int jstub_open(jstub *s, const char *path, struct jerr *e);
void jstub_close(jstub *s);
/* The name an absolute symbol of a stub member stands for: JUMP_ADDR_PREFIX<name>, the slot
 * or variable address in stubs whose members define <name> itself as an entry or a copy in
 * the program (jumpfmt.h), stands for <name>; any other symbol for itself. */
const char *jstub_abs_name(const char *sym);

/* The descriptor's library record, its strings resolved through the relocations. */
typedef struct jrec {
    uint64_t magic, format, origin, version;
    const char *soname, *desc, *dir; /* point into the stub's bytes; NULL if absent */
} jrec;

/* Read the first record of the descriptor. -1 with e set on a short section or a string
 * pointer that does not lead to a NUL-terminated string. */
int jstub_record(const jstub *s, jrec *r, struct jerr *e);

#endif
