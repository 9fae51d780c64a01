/* imgopts: the shared image options of mkimage and mkstubs. */
#include "imgopts.h"
#include "ctl.h"
#include "buf.h"
#include "diag.h"
#include "layout.h"

#include <string.h>

void img_opts_init(img_opts *o)
{
    memset(o, 0, sizeof *o);
    o->jumpsize = 0x4000;
    o->gotsize = 0x1000;
    o->aout_names = jf_env_flags() != 0; /* --aout-names sets it too */
}

static int num(int c, const char *s, uint64_t *v, jerr *e)
{
    if (parse_u64(s, 0, v))
        return jerr_set(e, EXIT_USAGE, "invalid number '%s' for -%c", s, c);
    return 0;
}

int img_opts_option(img_opts *o, int c, const char *arg, jerr *e)
{
    switch (c) {
    case 'l': o->image = arg; return 1;
    case 'v': o->version = arg; return 1;
    case 'a': return num(c, arg, &o->origin, e) ? -1 : 1;
    case 'j': return num(c, arg, &o->jumpsize, e) ? -1 : 1;
    case 'g': return num(c, arg, &o->gotsize, e) ? -1 : 1;
    case 'd': return num(c, arg, &o->dataaddr, e) ? -1 : 1;
    case 'w': return num(c, arg, &o->waddr, e) ? -1 : 1;
    case 'm':
        o->arch = arch_by_name(arg);
        if (!o->arch)
            return jerr_set(e, EXIT_USAGE, "unknown architecture '%s' (i386 or x86_64)", arg);
        return 1;
    case 'f': o->force = 1; return 1;
    case 'F':
        if (strcmp(arg, "elf") && strcmp(arg, "aout") && strcmp(arg, "a.out"))
            return jerr_set(e, EXIT_USAGE, "unknown format '%s' for -F (elf or aout)", arg);
        o->aout = strcmp(arg, "elf") != 0;
        return 1;
    case IMG_OPT_AOUT: o->aout_names = 1; return 1;
    default: return 0;
    }
}

int img_opts_require(const img_opts *o, jerr *e)
{
    if (!o->image)
        return jerr_set(e, EXIT_USAGE, "missing -l image");
    if (!o->version)
        return jerr_set(e, EXIT_USAGE, "missing -v version");
    if (!o->origin)
        return jerr_set(e, EXIT_USAGE, "missing -a address");
    return 0;
}

int img_opts_layout(const img_opts *o, layout *l, unsigned cellsize, uint64_t min_origin, jerr *e)
{
    if (o->dataaddr && o->waddr)
        return jerr_set(e, EXIT_USAGE, "-d and -w exclude each other: a data origin, or a writable origin");
    if (layout_init(l, o->origin, o->jumpsize, o->gotsize, o->dataaddr, cellsize, min_origin, e) != 0)
        return -1;
    return o->waddr ? layout_split(l, o->waddr, e) : 0;
}
