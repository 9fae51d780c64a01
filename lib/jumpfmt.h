/* jumpfmt: binary formats shared by the build tools and the run-time loader: the image's
 * identifying note, the image information block that GOT cell 0 points at, and the library
 * record each stub descriptor contributes to a program. Plain C with no toolkit includes,
 * because runtime/loader.c is compiled with it for both -m32 and -m64.
 *
 * All records are arrays of pointer-sized words (uintptr_t on the target), written by the
 * tools with the target's cell size, so one definition serves both architectures. */
#ifndef JUMP_JUMPFMT_H
#define JUMP_JUMPFMT_H

#define JUMP_PAGE 0x1000u

/* A split image's writable origin (mkimage -w) is a multiple of this, the largest alignment
 * of a C object on either architecture (max_align_t): writable parts of images next to each
 * other may share pages. */
#define JUMP_WALIGN 16u

/* GOT cell 1 holds this magic (classic). */
#define JUMP_GOT_MAGIC 0xfeeb1ed3u

/* Version word at the origin: (major << 16) + minor*100 + patch. */
#define JUMP_VERSION_WORD(M, m, p) (((unsigned long)(M) << 16) + (unsigned long)(m) * 100u + (unsigned long)(p))
#define JUMP_VERSION_MAJOR(w) ((unsigned long)(w) >> 16)
#define JUMP_VERSION_MINOR(w) ((unsigned long)(w) & 0xffffu) /* minor*100 + patch */

/* ---- The note (section ".note.jump", segment PT_NOTE, not loaded) ----
 * namesz 5, name "JUMP\0" padded to 8, type JUMP_NOTE_TYPE, then a descriptor of
 * little-endian fields:
 *   u32 format (JUMP_NOTE_FORMAT)   u32 version word   u32 cell size   u32 jumpsize
 *   u32 gotsize                      u32 flags (JUMP_NOTE_F_*; 0 in early images)
 *   u64 origin   u64 got   u64 data   u64 end (one past the last used address)
 *   u64 info (address of the image information block)
 *   char soname[] ("libxyz.so.1"), NUL, zero padding to 4 */
#define JUMP_NOTE_NAME "JUMP"
#define JUMP_NOTE_TYPE 0x4a4d5031u /* "1PMJ" */
#define JUMP_NOTE_FORMAT 1u
#define JUMP_NOTE_FIXED 64u /* bytes of the descriptor before soname */
/* The descriptor's fields, by their offsets (every reader and the writer use these). */
enum jump_note_field {
    JUMP_NOTE_D_FORMAT = 0,   /* u32 */
    JUMP_NOTE_D_VWORD = 4,    /* u32 */
    JUMP_NOTE_D_CELLSIZE = 8, /* u32 */
    JUMP_NOTE_D_JUMPSIZE = 12,/* u32 */
    JUMP_NOTE_D_GOTSIZE = 16, /* u32 */
    JUMP_NOTE_D_FLAGS = 20,   /* u32 */
    JUMP_NOTE_D_ORIGIN = 24,  /* u64 */
    JUMP_NOTE_D_GOT = 32,     /* u64 */
    JUMP_NOTE_D_DATA = 40,    /* u64 */
    JUMP_NOTE_D_END = 48,     /* u64 */
    JUMP_NOTE_D_INFO = 56,    /* u64 */
    JUMP_NOTE_D_SONAME = JUMP_NOTE_FIXED
};
/* The constructor runner (behind the constructor slot) returns the address of the image's
 * destructor runner (.fini_array, in reverse), or 0: the loader runs it at exit. */
#define JUMP_NOTE_F_FINI 1u

/* ---- The image information block (read-only data in the image; GOT cell 0 points at it) ----
 * Words (cell size each): */
enum jump_info_word {
    JI_MAGIC,        /* JUMP_INFO_MAGIC */
    JI_VERSION,      /* version word again */
    JI_NIMPORTS,     /* number of host imports */
    JI_IMPORTS,      /* -> nimports pairs {cell address, name (char *)} */
    JI_NFIXUPS,      /* fixups: triples {where, GOT cell address, addend}: *where = *cell + addend */
    JI_FIXUPS,
    JI_NSLOTS,       /* names held by the slots: jump.funcs entries */
    JI_SLOTNAMES,    /* -> u32 jump_name_hash per slot (0: U or __DUMMY__) */
    JI_CTOR_SLOT,    /* address of the constructor slot (origin + jumpsize - 8) */
    JI_NCELLS,       /* names held by the variable cells: jump.vars entries */
    JI_CELLNAMES,    /* -> u32 jump_name_hash per cell (0: U or __DUMMY__) */
    JI_DIGEST,       /* the layout digest (lib/layout.h): load address, GOT address, the
                      * slots' and cells' names, the variables' addresses */
    JI_NWORDS
};
#define JUMP_INFO_MAGIC 0x4a494e46u /* "JINF" */
/* A withdrawn slot (U, __DUMMY__) is "call JUMP_WITHDRAWN" (e8 rel32) and three int3: the
 * image imports the name like a C-library function, and the loader binds it to its own
 * handler, which finds the slot from the return address and says which function it was. */
#define JUMP_WITHDRAWN "__jump_withdrawn"

/* ---- The library record (stub descriptor, section "jump_libs" in the program) ----
 * The linker collects every record into one array between __start_jump_libs and
 * __stop_jump_libs. Words (pointer size each): */
enum jump_rec_word {
    JR_MAGIC,        /* JUMP_REC_MAGIC */
    JR_FORMAT,       /* JUMP_REC_FORMAT */
    JR_SONAME,       /* -> "libxyz.so.1" */
    JR_DESC,         /* -> "DLL Jump 1.0" */
    JR_DIR,          /* -> directory recorded at build time ("/usr/local/lib") */
    JR_ORIGIN,       /* load address */
    JR_VERSION,      /* version word the program was linked against */
    JR_NIMPORTS,     /* host imports the image had when the stub was made */
    JR_IMPORTS,      /* -> nimports pairs {name (char *), address in the program}, in
                      * section JUMP_IMPORTS_SECTION */
    JR_NEEDS,        /* -> NULL-terminated array of sonames to load first */
    JR_NOVERRIDES,   /* overrides: one per slot and cell the stub exports */
    JR_OVERRIDES,    /* -> three arrays of NOVERRIDES words: a weak reference to each name;
                      * a weak reference to its JUMP_DEF_PREFIX twin, which only the name's
                      * stub member defines (the library's own address when the program
                      * linked the member, else 0); the slot or cell or'ed with its kind.
                      * The first two are equal unless the program defines the name itself,
                      * so the loader compares them in bulk. */
    JR_DIGEST,       /* the layout digest of the image the stub was made for: when the
                      * mapped image has the same, the names need no checking one by one */
    JR_NEEDDIRS,     /* -> array parallel to NEEDS: the directory each needed library's own
                      * stub recorded (a 0 entry when unknown); 0 in earlier records */
    JR_NWORDS
};
#define JUMP_REC_MAGIC 0x4a524543u /* "JREC" */
/* Kinds of override: re-point the slot at `where`, or store into the GOT cell at `where`. */
#define JUMP_OVERRIDE_SLOT 0u
#define JUMP_OVERRIDE_CELL 1u
#define JUMP_OVERRIDE_KIND 1u /* the kind's bit in an address of the third array */
#define JUMP_DEF_PREFIX "__JUMP_DEF_"
/* Stub members define each exported name as an entry in the program's own text (a function)
 * or, on x86-64, as the program's copy of the variable: position-independent code reaches
 * neither an absolute address nor anything 2 GB away, and a PIE program sits anywhere.
 * The slot or variable address itself is the absolute symbol JUMP_ADDR_PREFIX<name>, which
 * the tools read back (earlier stubs defined <name> itself as that absolute symbol). */
#define JUMP_ADDR_PREFIX "__JUMP_ADDR_"
/* A variable of kind K (a constant: the library may fold its value) also has the absolute
 * marker JUMP_CONST_PREFIX<name>, so that a change of kind can be told from the stubs. */
#define JUMP_CONST_PREFIX "__JUMP_CONST_"
/* A function's entry: JUMP_ENTRY_BYTES of position-independent code that jumps to the
 * absolute slot held in the entry itself (x86-64: jmp *0(%rip); .quad slot; i386: call/pop
 * into %ecx, jmp *4(%ecx); .long slot: %ecx is a scratch register at a call in the i386 C
 * calling convention). The twin is the entry, so the loader sees the program linked it. */
#define JUMP_ENTRY_BYTES 16u
#define JUMP_ENTRY_SLOT_AT_X86_64 6u
#define JUMP_ENTRY_SLOT_AT_I386 9u
/* 2: overrides as three arrays; jump_used entries grouped per member. */
#define JUMP_REC_FORMAT 2u
#define JUMP_REC_SECTION "jump_libs"
#define JUMP_IMPORTS_SECTION "jump_imports"

/* ---- Variables the program holds a copy of (section "jump_copy" in the program) ----
 * On x86-64 a stub member defines an exported variable as storage in the program (its
 * reserved size), like an ELF copy relocation: the loader copies the image's initial bytes
 * there and points the library's GOT cell at it (an override of the cell). Words: */
enum jump_copy_word {
    JC_RECORD,       /* -> the library record of the stub */
    JC_FROM,         /* the variable's address in the image */
    JC_TO,           /* the program's copy */
    JC_WINNER,       /* a reference to the name: JC_TO unless the program defines it itself */
    JC_SIZE,         /* bytes to copy: the reserved size */
    JC_NWORDS
};
#define JUMP_COPY_SECTION "jump_copy"
/* Every member with copies references it; only a loader that makes the copies defines it. */
#define JUMP_COPY_SYMBOL "__jump_copies_1"

/* ---- Names a program uses (section "jump_used" in the program) ----
 * Every stub member a program pulls in contributes a group: a head entry (kind
 * JUMP_USED_GROUP, index = how many entries follow) and one entry per name it defines, so the
 * loader can refuse a replacement image in which a slot or cell the program uses holds
 * another name, and skip a whole member when the image is the one the stub was made for.
 * Words (pointer size each): */
enum jump_used_word {
    JU_RECORD,       /* -> the library record of the stub the member belongs to */
    JU_KIND,         /* JUMP_OVERRIDE_SLOT, JUMP_OVERRIDE_CELL or JUMP_USED_GROUP */
    JU_INDEX,        /* 1-based slot index, or jump.vars position; in a head, the count */
    JU_HASH,         /* jump_name_hash of the name */
    JU_NAME,         /* -> the name, for the message */
    JU_ADDR,         /* the address the program was linked with: slot, or variable */
    JU_NWORDS
};
#define JUMP_USED_GROUP 2u
#define JUMP_USED_SECTION "jump_used"

/* 32-bit FNV-1a, the toolkit's one string hash: n bytes at p continue the hash h (start with
 * JUMP_FNV_BASIS). The hash tables of the tools and the layout digest use it as it is. */
#define JUMP_FNV_BASIS 2166136261u
static inline unsigned long jump_fnv1a(unsigned long h, const void *p, unsigned long n)
{
    const unsigned char *s = p;
    for (unsigned long i = 0; i < n; i++)
        h = ((h ^ s[i]) * 16777619u) & 0xffffffffu;
    return h;
}

/* The name hash images and programs record: FNV-1a of the name, never 0 (0 marks an empty
 * slot). */
static inline unsigned long jump_name_hash(const char *s)
{
    unsigned long n = 0, h;
    while (s[n])
        n++;
    h = jump_fnv1a(JUMP_FNV_BASIS, s, n);
    return h ? h : 1;
}

/* ---- The image cache (<dir>/jump.cache, written by jump-ldconfig) ----
 * A copy of every current image of a directory (the target of each <lib>.so.<M> link) in one
 * file, so that the loader opens one file per directory instead of one per library, and reads
 * each image's headers and note from one small index instead of the image. An entry records
 * the identity of the image file it copied (device, inode, size, modification and change
 * times, through the link): the loader uses the copy only while dir/<lib>.so.<M> still has
 * exactly that identity, so an image replaced after the cache was written is never shadowed.
 * Little-endian. The header (JUMP_CACHE_HEAD bytes):
 *   char magic[8] (JUMP_CACHE_MAGIC)  u32 format (JUMP_CACHE_FORMAT)  u32 count
 *   u64 size (of the whole file)      u64 index (bytes of header, entries, buckets and the
 *                                     copies of headers and notes: what the loader maps)
 *   u32 nbuckets (a power of two, at least twice count)  u32 zero
 *   u64 buckets (offset of nbuckets u32: 1 + an entry's number, 0 for none; an entry sits in
 *                the first free bucket from its name hash & (nbuckets - 1) on)
 * then count entries of JUMP_CACHE_ENTRY bytes at the JUMP_CACHE_E_* offsets, the buckets and
 * the copies; the images follow at page-aligned offsets, each exactly as its file, except
 * split images (mkimage -w, JUMP_CACHE_ZONED): their read-only pages follow each other in the
 * order of their addresses, then their writable pages (bss as zeros), so that images whose
 * ranges touch are mapped together: one mapping per run of neighbours, not one per image.
 * A zoned entry's offset is 0 and its copy of the headers has each PT_LOAD's and the
 * PT_NOTE's p_offset rewritten to where that segment is in the cache (and a writable
 * segment's p_filesz to its p_memsz); noteoff is the note's offset in the cache. */
#define JUMP_CACHE_NAME "jump.cache"
#define JUMP_CACHE_MAGIC "JUMPCACH"
#define JUMP_CACHE_FORMAT 2u
#define JUMP_CACHE_HEAD 48u
#define JUMP_CACHE_H_FORMAT 8u
#define JUMP_CACHE_H_COUNT 12u
#define JUMP_CACHE_H_SIZE 16u
#define JUMP_CACHE_H_INDEX 24u
#define JUMP_CACHE_H_NBUCKETS 32u
#define JUMP_CACHE_H_BUCKETS 40u
#define JUMP_CACHE_NAME_MAX 64u     /* link names, NUL-padded; a longer one is not cached */
#define JUMP_CACHE_ZONED 1u         /* entry flag: a split image's segments, placed by zone */
#define JUMP_CACHE_HEAD_COPY 1024u  /* bytes of each image's start copied into the index:
                                     * the ELF header and 16 program headers of either class */
enum jump_cache_field {
    JUMP_CACHE_E_HASH = 0,          /* u32 jump_name_hash of the link name */
    JUMP_CACHE_E_CLASS = 4,         /* u32 the image's pointer size: 4 or 8 */
    JUMP_CACHE_E_NAME = 8,          /* char[JUMP_CACHE_NAME_MAX] "libxyz.so.1" */
    JUMP_CACHE_E_DEV = 72,          /* u64 the image file's st_dev */
    JUMP_CACHE_E_INO = 80,          /* u64 st_ino */
    JUMP_CACHE_E_SIZE = 88,         /* u64 st_size: also the copy's length */
    JUMP_CACHE_E_MTIME = 96,        /* u64 st_mtim.tv_sec */
    JUMP_CACHE_E_MTIME_NS = 104,    /* u64 st_mtim.tv_nsec */
    JUMP_CACHE_E_CTIME = 112,       /* u64 st_ctim.tv_sec */
    JUMP_CACHE_E_CTIME_NS = 120,    /* u64 st_ctim.tv_nsec */
    JUMP_CACHE_E_OFFSET = 128,      /* u64 the image's copy in this file (page-aligned) */
    JUMP_CACHE_E_HEAD = 136,        /* u64 the copy of the image's first bytes, in the index */
    JUMP_CACHE_E_HEADLEN = 144,     /* u32 how many: min(size, JUMP_CACHE_HEAD_COPY) */
    JUMP_CACHE_E_NOTELEN = 148,     /* u32 the image's PT_NOTE segment: its length, */
    JUMP_CACHE_E_NOTE = 152,        /* u64 its copy, in the index, */
    JUMP_CACHE_E_NOTEOFF = 160,     /* u64 and its offset in the image */
    JUMP_CACHE_E_FLAGS = 168,       /* u32 JUMP_CACHE_ZONED or 0 */
    JUMP_CACHE_E_PAD = 172,         /* u32 zero */
    JUMP_CACHE_ENTRY = 176
};

/* The symbol the loader member defines and every descriptor references, so that a program
 * gets exactly one loader however many stubs it links. */
#define JUMP_LOADER_SYMBOL "__jump_loader_1"

#endif
