/* imgopts: the shared image options of mkimage and mkstubs. */
#include "imgopts.h"
#include "buf.h"
#include "diag.h"

#include <string.h>

void img_opts_init(img_opts *o)
{
    memset(o, 0, sizeof *o);
    o->jumpsize = 0x4000;
    o->gotsize = 0x1000;
}

static uint64_t num(int c, const char *s)
{
    uint64_t v;
    if (parse_u64(s, 0, &v))
        diag_usage("invalid number '%s' for -%c", s, c);
    return v;
}

int img_opts_option(img_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'l': o->image = arg; return 1;
    case 'v': o->version = arg; return 1;
    case 'a': o->origin = num(c, arg); return 1;
    case 'j': o->jumpsize = num(c, arg); return 1;
    case 'g': o->gotsize = num(c, arg); return 1;
    case 'd': o->dataaddr = num(c, arg); return 1;
    case 'm':
        o->arch = arch_by_name(arg);
        if (!o->arch)
            diag_usage("unknown architecture '%s' (i386 or x86_64)", arg);
        return 1;
    case 'f': o->force = 1; return 1;
    case IMG_OPT_AOUT: o->aout_names = 1; return 1;
    default: return 0;
    }
}

void img_opts_require(const img_opts *o)
{
    if (!o->image)
        diag_usage("missing -l image");
    if (!o->version)
        diag_usage("missing -v version");
    if (!o->origin)
        diag_usage("missing -a address");
}
