/* jumpas/args.c: gas's command line as jumpas reads it, and the control files it loads. */
#include "jumpas.h"
#include "jumpas_int.h"
#include "arch.h"
#include "buf.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

/* ---- arguments ---- */

/* gas's long options (getopt_long_only: one or two dashes) that take their value as the next
 * argument when it is not attached with '='. From as --help and gas's option tables. */
static const char *const long_with_arg[] = {
    "defsym", "debug-prefix-map", "MD", "hash-size", "listing-lhs-width", "listing-lhs-width2",
    "listing-rhs-width", "listing-cont-lines", "size-check", "elf-stt-common",
    "generate-missing-build-notes", "multibyte-handling", "gdwarf-cie-version", "march",
    "mtune", "mmnemonic", "msyntax", "msse-check", "moperand-check", "mavxscalar", "mvexwig",
    "mevexlig", "mevexwig", "mevexrcig", "momit-lock-prefix", "mfence-as-lock-add",
    "mrelax-relocations", "mx86-used-note", "mlfence-after-load",
    "mlfence-before-indirect-branch", "mlfence-before-ret", "malign-branch-boundary",
    "malign-branch-prefix-size", "malign-branch", "mtls-check", NULL,
};

static int takes_separate_arg(const char *opt)
{
    const char *body = opt + 1 + (opt[1] == '-');
    if (strchr(body, '='))
        return 0;
    for (size_t i = 0; long_with_arg[i]; i++)
        if (!strcmp(body, long_with_arg[i]))
            return 1;
    /* Short options with a value: -o FILE, -I DIR, -Q y (attached or separate). */
    return opt[1] != '-' && strchr("oIQ", opt[1]) && opt[2] == 0;
}

int jumpas_parse_args(int argc, char **argv, jumpas_args *a, jerr *e)
{
    int only_files = 0;
    memset(a, 0, sizeof *a);
    a->argc = argc;
    a->argv = argv;
    a->output_at = -1;
    a->arch = arch_host();
    a->input = xmalloc((size_t)(argc + 1) * sizeof *a->input);
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (only_files || s[0] != '-' || s[1] == 0) {
            a->input[a->ninput++] = (size_t)i;
            continue;
        }
        if (!strcmp(s, "--")) {
            only_files = 1;
        } else if (arch_by_as_flag(s)) {
            a->arch = arch_by_as_flag(s);
        } else if (!strcmp(s, "-v")) {
            a->verbose = 1;
        } else if (!strcmp(s, "-f")) {
            a->no_preprocess = 1;
        } else if (takes_separate_arg(s)) {
            if (i + 1 >= argc) {
                jumpas_args_free(a);
                return jerr_set(e, EXIT_USAGE, "option '%s' requires an argument", s);
            }
            if (!strcmp(s, "-o")) {
                a->output = argv[i + 1];
                a->output_at = i + 1;
            }
            i++;
        } else if (s[1] == 'o') {
            a->output = s + 2; /* -oFILE */
            a->output_at = i;
        }
    }
    return 0;
}

void jumpas_args_free(jumpas_args *a)
{
    free(a->input);
    a->input = NULL;
    a->ninput = 0;
}

/* ---- control files ---- */

int jumpas_ctl_load(const char *dir, jumpas_ctl *c, jerr *e)
{
    struct { const char *file; jf_kind kind; jf_file *f; } t[] = {
        {"jump.funcs", JF_FUNCS, &c->funcs},
        {"jump.vars", JF_VARS, &c->vars},
        {"jump.ignore", JF_IGNORE, &c->ignore},
        {"jump.import", JF_IMPORT, &c->import},
    };
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char *path = xasprintf("%s/%s", dir ? dir : ".", t[i].file);
        int rc = jf_load(path, t[i].kind, JF_MISSING_OK | jf_env_flags(), t[i].f, e);
        free(path);
        if (rc != 0) {
            jumpas_ctl_free(c);
            return -1;
        }
    }
    return 0;
}

void jumpas_ctl_free(jumpas_ctl *c)
{
    jf_free(&c->funcs);
    jf_free(&c->vars);
    jf_free(&c->ignore);
    jf_free(&c->import);
}
