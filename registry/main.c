/* registry: command line of the address-range registry (DESIGN §9). */
#include "cmd.h"

#include "arch.h"
#include "buf.h"
#include "diag.h"
#include "registry.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: registry [-r TABLE] COMMAND [ARGS]\n"
    "Keep the table of address ranges registered by fixed-address jump libraries.\n"
    "\n"
    "Commands:\n"
    "  list                         the table, sorted by address\n"
    "  check                        every overlap, naming both entries; exit 1 if any\n"
    "  add [-f] NAME START END [VERSION [CONTACT...]]\n"
    "                               register [START, END] (END inclusive); refuses an\n"
    "                               overlap or a name already registered unless -f\n"
    "  remove NAME                  delete every range registered to NAME\n"
    "  find SIZE [--align A] [--above ADDR] [--below ADDR | --arch ARCH]\n"
    "                               print the lowest free START END of SIZE bytes at or\n"
    "                               above 0x60000000 that ends below 0x80000000 (usable by\n"
    "                               i386 and x86-64 images alike); --arch i386 allows up to\n"
    "                               0xc0000000; A defaults to 0x10000 (64 KiB)\n"
    "  which ADDR                   the entries containing ADDR; exit 1 if none\n"
    "\n"
    "Options:\n"
    "  -r, --registry TABLE   use TABLE (default: $JUMP_REGISTRY, else the installed\n"
    "                         share/jump/registry.table)\n"
    "  -f, --force            add: register despite overlaps or an existing name\n"
    "      --align A          find: alignment of the start, a power of two\n"
    "      --above ADDR       find: the range must start at or above ADDR (the writable\n"
    "                         parts of split images, mkimage -w, in a zone of their own)\n"
    "      --below ADDR       find: the range must end below ADDR\n"
    "      --arch ARCH        find: i386 (below 0xc0000000) or x86_64 (below 0x80000000)\n"
    "      --help, --version\n"
    "\n"
    "Addresses (START, END, ADDR) are hex, with or without 0x. Sizes (SIZE, A) are decimal,\n"
    "0x-prefixed hex, or decimal with a K or M suffix (64K = 0x10000).\n"
    "Edits lock the table (TABLE.lock beside it) and replace it atomically.\n";

static uint64_t parse_addr_arg(const char *what, const char *s)
{
    uint64_t v;
    if (parse_u64(s, 1, &v) != 0)
        diag_usage("invalid %s '%s' (expected a hex address, like 0x60000000)", what, s);
    return v;
}

static uint64_t parse_size_arg(const char *what, const char *s)
{
    size_t n = strlen(s);
    uint64_t v, mul = 1;
    char *digits;
    int bad;
    if (n > 1 && (s[n - 1] == 'k' || s[n - 1] == 'K' || s[n - 1] == 'm' || s[n - 1] == 'M')) {
        mul = (s[n - 1] == 'k' || s[n - 1] == 'K') ? 1024 : 1024 * 1024;
        n--;
    }
    digits = xstrndup(s, n);
    bad = parse_u64(digits, 0, &v) != 0 || v == 0 || (mul > 1 && !strncmp(digits, "0x", 2)) ||
          v > UINT64_MAX / mul;
    free(digits);
    if (bad)
        diag_usage("invalid %s '%s' (expected a positive size: 65536, 0x10000 or 64K)", what, s);
    return v * mul;
}

/* A field must stay one field of one table line. */
static void check_field(const char *what, const char *s)
{
    if (!*s || strpbrk(s, " \t\r\f\v\n#"))
        diag_usage("invalid %s '%s': it must be one word without white space or '#'", what, s);
}

static void need_args(const char *cmd, int have, int min, int max, const char *synopsis)
{
    if (have < min || (max >= 0 && have > max))
        diag_usage("'%s' expects: registry %s", cmd, synopsis);
}

/* add [-f] NAME START END [VERSION [CONTACT...]]: c->contact is malloc'ed. */
static void parse_add(registry_cmd *c, char **args, int nargs)
{
    c->cmd = RC_ADD;
    need_args("add", nargs, 3, -1, "add [-f] NAME START END [VERSION [CONTACT...]]");
    check_field("name", args[0]);
    c->name = args[0];
    c->start = parse_addr_arg("start address", args[1]);
    c->end = parse_addr_arg("end address", args[2]);
    if (c->end < c->start)
        diag_usage("the range ends (%s) before it starts (%s); END is the last address, inclusive",
                   args[2], args[1]);
    if (nargs > 3) {
        buf b = {0};
        check_field("version", args[3]);
        c->version = args[3];
        for (int i = 4; i < nargs; i++) {
            check_field("contact", args[i]);
            if (i > 4)
                buf_addc(&b, ' ');
            buf_adds(&b, args[i]);
        }
        if (nargs > 4)
            c->contact = buf_cstr(&b);
    }
}

/* find SIZE [--align A] [--above ADDR] [--below ADDR | --arch ARCH]: the range searched is
 * the architecture's (x86-64's ceiling suits both by default), or below ADDR, from 0x60000000
 * or ADDR on. */
static void parse_find(registry_cmd *c, char **args, int nargs, const char *align, const char *above,
                       const char *below, const char *archname)
{
    const arch *ar = &arch_x86_64;
    c->cmd = RC_FIND;
    need_args("find", nargs, 1, 1, "find SIZE [--align A] [--above ADDR] [--below ADDR | --arch ARCH]");
    c->size = parse_size_arg("size", args[0]);
    c->align = align ? parse_size_arg("alignment", align) : REG_ALIGN;
    if (c->align & (c->align - 1))
        diag_usage("invalid alignment '%s': not a power of two", align);
    if (archname && !(ar = arch_by_name(archname)))
        diag_usage("unknown architecture '%s' (i386 or x86_64)", archname);
    if (archname && below)
        diag_usage("--below and --arch both set the ceiling: give one");
    c->lo = ar->min_origin;
    c->hi = ar->max_end - 1;
    if (below) {
        uint64_t b = parse_addr_arg("--below address", below);
        if (b <= c->lo)
            diag_usage("--below %s leaves no room above 0x%llx", below, (unsigned long long)c->lo);
        c->hi = b - 1;
    }
    if (above) {
        uint64_t a = parse_addr_arg("--above address", above);
        if (a > c->hi)
            diag_usage("--above %s leaves no room below 0x%llx", above, (unsigned long long)c->hi + 1);
        if (a > c->lo)
            c->lo = a;
    }
}

int main(int argc, char **argv)
{
    enum { OPT_ALIGN = 256, OPT_BELOW, OPT_ABOVE, OPT_ARCH, OPT_HELP, OPT_VERSION };
    static const struct option longopts[] = {
        {"registry", required_argument, NULL, 'r'}, {"force", no_argument, NULL, 'f'},
        {"align", required_argument, NULL, OPT_ALIGN}, {"below", required_argument, NULL, OPT_BELOW},
        {"above", required_argument, NULL, OPT_ABOVE},
        {"arch", required_argument, NULL, OPT_ARCH},   {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0},
    };
    registry_cmd c;
    const char *table = NULL, *below = NULL, *above = NULL, *align = NULL, *archname = NULL, *cmd;
    char **args;
    int nargs, opt, rc;
    jerr e;

    diag_init(argv[0]);
    diag_std_options(argc, argv, usage);
    memset(&c, 0, sizeof c);
    while ((opt = getopt_long(argc, argv, "r:f", longopts, NULL)) != -1) {
        switch (opt) {
        case 'r':
            table = optarg;
            break;
        case 'f':
            c.force = 1;
            break;
        case OPT_ALIGN:
            align = optarg;
            break;
        case OPT_BELOW:
            below = optarg;
            break;
        case OPT_ABOVE:
            above = optarg;
            break;
        case OPT_ARCH:
            archname = optarg;
            break;
        case OPT_HELP:
            fputs(usage, stdout);
            return EXIT_OK;
        case OPT_VERSION:
            printf("%s (jump toolkit) %s\n", diag_prog, JUMP_TOOLKIT_VERSION);
            return EXIT_OK;
        default:
            diag_bad_option(argv, "r:f");
        }
    }
    if (optind >= argc)
        diag_usage("no command given (list, check, add, remove, find or which)");
    cmd = argv[optind];
    args = argv + optind + 1;
    nargs = argc - optind - 1;

    if (!strcmp(cmd, "list") || !strcmp(cmd, "check")) {
        c.cmd = cmd[0] == 'l' ? RC_LIST : RC_CHECK;
        need_args(cmd, nargs, 0, 0, cmd);
    } else if (!strcmp(cmd, "add")) {
        parse_add(&c, args, nargs);
    } else if (!strcmp(cmd, "remove")) {
        c.cmd = RC_REMOVE;
        need_args(cmd, nargs, 1, 1, "remove NAME");
        c.name = args[0];
    } else if (!strcmp(cmd, "find")) {
        parse_find(&c, args, nargs, align, above, below, archname);
    } else if (!strcmp(cmd, "which")) {
        c.cmd = RC_WHICH;
        need_args(cmd, nargs, 1, 1, "which ADDR");
        c.addr = parse_addr_arg("address", args[0]);
    } else {
        diag_usage("unknown command '%s' (list, check, add, remove, find or which)", cmd);
    }
    if (c.force && c.cmd != RC_ADD)
        diag_usage("-f applies only to 'add'");
    if ((align || above || below || archname) && c.cmd != RC_FIND)
        diag_usage("--align, --above, --below and --arch apply only to 'find'");

    c.table = reg_default_path(table);
    rc = registry_run(&c, stdout, &e);
    free((char *)c.table);
    free((char *)c.contact);
    if (rc < 0)
        diag_die_err(&e);
    if (fflush(stdout) != 0 || ferror(stdout))
        diag_die(EXIT_USAGE, "cannot write the output");
    return rc;
}
