/* mkstubs: write the stub libraries (<stub>.sa) programs link against to use a jump image
 * (DESIGN §6): a descriptor with the library record, the loader, and one member per objfile
 * defining the exported names as weak absolute symbols. */
#ifndef JUMP_MKSTUBS_H
#define JUMP_MKSTUBS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arch.h"
#include "imgopts.h"
#include "ctl.h"
#include "layout.h"

struct jerr;
struct buf;

typedef struct mkstubs_opts {
    img_opts p;             /* -l -v -a -j -g -d -m -F -f --aout-names; -m: else from the image */
    char **undefs;          /* -u symbols */
    size_t nundefs;
    char **stubs;           /* stub names after "--" */
    size_t nstubs;
} mkstubs_opts;

/* Everything a stub is made from: options, control files and what the image says. */
typedef struct mkstubs_lib {
    const arch *a;
    layout l;
    char *root;             /* "libxyz" */
    char *dir;              /* "/usr/local/lib", or "" */
    unsigned major, minor, patch;
    uint32_t vword;
    char *soname;           /* "libxyz.so.1" */
    char *desc;             /* "DLL Jump 1.0" ("DLL Jump 1.0pl3" with a patch level) */
    char *id;               /* "__libxyz_1_0": defined by the descriptor, pulls it in */
    jf_file funcs, vars, undefs;
    uint64_t *var_offset;   /* per jump.vars entry: running sum of earlier sizes */
    uint64_t last_data;     /* __LAST_DATA_ADDRESS */
    char **imports;         /* host imports of the image (names), in its order */
    size_t nimports;
    char **extra;           /* -u symbols (referenced by the descriptor) */
    size_t nextra;
} mkstubs_lib;

/* Set up L from the options: version, architecture, layout, the control files in $JUMP_DIR,
 * the image's host imports; checks table overflows. -1 with e set. Free with mkstubs_free. */
int mkstubs_load(mkstubs_lib *L, const mkstubs_opts *o, struct jerr *e);
void mkstubs_free(mkstubs_lib *L);

/* Does a library column ("libA,libB") name the stub `root`? */
int mkstubs_in_stub(const char *library, const char *root);

/* The descriptor object __<root>.o for stub `stub` (appended to out). */
void mkstubs_descriptor(const mkstubs_lib *L, const char *stub, struct buf *out);

/* The whole archive for stub `stub` (root name, without .sa) into out. `loader` holds the
 * loader object's bytes. Progress text ("libxyz.sa: __libxyz_1_0, objA, ..., sequencing,
 * done\n") is appended to `progress` if not NULL. */
void mkstubs_archive(const mkstubs_lib *L, const char *stub, const void *loader, size_t loader_len,
                     struct buf *out, struct buf *progress);

/* The classic a.out stub for `stub` (-F aout, i386): an ar archive with a BSD __.SYMDEF index
 * of OMAGIC members, the descriptor __<root>.o first, the symbols in a.out spelling (lib/aout.h);
 * no loader (a period ld.so maps the image). Progress as mkstubs_archive. */
void mkstubs_aout_archive(const mkstubs_lib *L, const char *stub, struct buf *out, struct buf *progress);

/* The loader object path: $JUMP_LIBDIR/loader-<arch>.o, else the installed one. malloc'ed. */
char *mkstubs_loader_path(const arch *a);

/* The whole tool: checks, jump.params, every stub written atomically (all built in memory
 * first, so an error leaves no output changed). Progress goes to `progress` (may be NULL).
 * 0, or -1 with e set. */
int mkstubs_run(const mkstubs_opts *o, FILE *progress, struct jerr *e);

#endif
