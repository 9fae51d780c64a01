/* build.h: the state of one mkimage run, shared by its modules (mkimage.c: driver, generated
 * assembly and linker script; vars.c: diverted variables and fixups; stubs.c: other jump
 * libraries' stubs among the inputs). */
#ifndef JUMP_MKIMAGE_BUILD_H
#define JUMP_MKIMAGE_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "buf.h"
#include "ctl.h"
#include "layout.h"
#include "mkimage.h"
#include "strmap.h"

struct jerr;

/* One jump.vars entry as placed in the image. */
typedef struct mvar {
    const jf_entry *x;
    size_t index;           /* 1-based line index in jump.vars: GOT cell index + 1 */
    uint64_t offset;        /* running sum of the earlier entries' sizes */
    uint64_t addr;          /* where the variable lives */
    int exported;           /* D, C or K (not U / __DUMMY__) */
    int in_text;            /* K with -d: after the jump table, read-only */
    char *src;              /* $JUMP_DIR/_GVAR_<n>.s or _GCMN_<n>.s */
    char *obj;              /* its assembled object in the scratch directory */
} mvar;

/* An address constant in exported data that points at a variable: the loader rewrites it
 * from the variable's GOT cell after overrides (classic builtin fixups). */
typedef struct mfixup {
    uint64_t where;
    char *cell;             /* symbol of the GOT cell: __GOT_<v> */
    int64_t addend;
} mfixup;

/* Another jump library's stub among the inputs. */
typedef struct mstub {
    char *path;
    char *needs;            /* "__NEEDS_SHRLIB_<root>_<M>", from its descriptor */
    char *dir;              /* the directory its record names (where the image is installed),
                             * or NULL */
    int used;               /* the library refers to one of its symbols */
} mstub;

typedef struct build {
    const mkimage_opts *o;
    const arch *a;
    layout l;
    char *root;            /* basename of -l */
    char *soname;          /* root.so.M */
    char *outname;         /* root.so.<version> */
    uint32_t vword;
    unsigned major, minor, patch;
    jf_file funcs, vars;
    mvar *mv;              /* one per jump.vars line */
    uint64_t walign;       /* the strictest alignment of a variable placed from the data origin */
    mfixup *fix;
    size_t nfix;
    size_t nlate;          /* the last nlate fixups are in the library's own data: their
                            * `where` is known once the image is linked */
    char *tmpdir;
    char **ld_inputs;      /* inputs for ld: host libraries and stubs removed */
    int nld;
    int want_libm;
    blob hostfiles[3];     /* the bytes the host maps' keys point into */
    int nhostfiles;
    strmap host;           /* C-library symbol -> STT type + 1 */
    strmap hostm;          /* libm symbols */
    char **imports;        /* host functions the image calls */
    size_t nimports;
    char **dimports;       /* host variables reached through a __GOT_<name> cell */
    size_t ndimports;
    mstub *stubs;
    size_t nstubs;
    strmap stubsyms;       /* absolute symbol of a stub -> index into stubvals */
    uint64_t *stubvals;
    size_t *stubof;        /* which stub defines it */
    size_t nstubsyms;
    int need_dso_handle;
} build;

/* vars.c */
/* Lay out jump.vars: offsets, addresses, which _GVAR_/_GCMN_ file defines each exported
 * variable. Checks that the data fits. */
int vars_layout(build *b, struct jerr *e);
/* Assemble every diverted definition into the scratch directory and check it: the symbol
 * is there, fits its reserved size and its alignment divides its offset; collect fixups. */
int vars_assemble(build *b, struct jerr *e);
/* The linker-script output sections that place the variables: constants after the jump
 * table (K with -d), and the variables in the data area. */
void vars_script_text(const build *b, buf *s);
void vars_script_data(const build *b, buf *s);
/* "EXCLUDE_FILE(...) " naming every exported variable's object, for a statement that must not
 * claim their sections (nothing when there is none). */
void vars_exclude(const build *b, buf *s);
/* Does the data area hold any variable (so the image needs its segment)? */
int vars_any_data(const build *b);
/* Is `name` an exported variable of this library (jump.vars D/C/K)? */
int vars_exported(const build *b, const char *name);
/* Address constants to variables in the library's own data, which follow the variables'
 * cells as well: reserve a fixup for each relocation of the relocatable library that makes
 * one, then, in the image linked with its relocations kept (ld -q), write their places. */
int vars_reserve_late_fixups(build *b, const char *relobj, struct jerr *e);
int vars_fill_late_fixups(build *b, const char *linked, struct jerr *e);
void vars_free(build *b);

/* stubs.c */
/* Take the stubs (.sa) out of the inputs and read their absolute symbols. */
int stubs_load(build *b, struct jerr *e);
/* Mark the stubs whose symbols the library uses; 1 if `name` is defined by a stub. */
int stubs_provides(build *b, const char *name);
/* PROVIDE() lines for the linker script. */
void stubs_script(const build *b, buf *s);
/* Write $JUMP_DIR/jump.undefs: one line per stub the library uses. */
int stubs_write_undefs(const build *b, struct jerr *e);
void stubs_free(build *b);

#endif
