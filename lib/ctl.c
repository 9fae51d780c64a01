/* ctl: reading, checking and writing the jump.* control files and jump.params. */
#include "ctl.h"
#include "buf.h"
#include "diag.h"
#include "fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *jf_kind_name(jf_kind kind)
{
    static const char *names[] = {"jump.funcs", "jump.vars", "jump.import", "jump.ignore",
                                  "jump.log", "jump.undefs"};
    return names[kind];
}

int jf_type_ok(jf_kind kind, char type)
{
    switch (kind) {
    case JF_FUNCS: return strchr("TtU", type) != NULL;
    case JF_VARS: return strchr("DCKU", type) != NULL;
    case JF_LOG: return strchr("TtDCK", type) != NULL;
    case JF_UNDEFS: return type == 'D' || type == 'U';
    default: return type != 0;
    }
}

size_t jf_add(jf_file *f, uint64_t size, char type, const char *name, const char *library,
              const char *objfile, const char *needs)
{
    jf_entry *x;
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->v = xrealloc(f->v, f->cap * sizeof *f->v);
        /* Keys point into entries' strings, which do not move: the map stays valid. */
    }
    x = &f->v[f->n++];
    x->size = size;
    x->type = type;
    x->name = xstrdup(name);
    x->library = xstrdup(library ? library : "");
    x->objfile = xstrdup(objfile ? objfile : "");
    x->needs = needs ? xstrdup(needs) : NULL;
    x->line = 0;
    x->hidden = 0;
    x->dir = NULL;
    if (strcmp(name, JF_DUMMY) && !strmap_get(&f->byname, x->name, NULL))
        strmap_put(&f->byname, x->name, f->n);
    return f->n;
}

size_t jf_index(const jf_file *f, const char *name)
{
    uintptr_t v;
    return strmap_get(&f->byname, name, &v) ? (size_t)v : 0;
}

struct load_ctx {
    jf_file *f;
    int flags;
};

/* An a.out control-file name to the toolkit's: the leading '_' off (__DUMMY__ kept). -1 if
 * there is no '_' to take off, or nothing after it. */
static int aout_name(const char **name)
{
    if (!strcmp(*name, JF_DUMMY))
        return 0;
    if ((*name)[0] != '_' || !(*name)[1])
        return -1;
    (*name)++;
    return 0;
}

const char *jf_aout_hint(const char *name, int flags)
{
    if ((flags & JF_AOUT) || name[0] != '_' || !strcmp(name, JF_DUMMY))
        return "";
    return "; if the control files carry a.out names (_foo), set JUMP_AOUT_NAMES=1 for the whole "
           "workflow, jumpas's compiles included";
}

int jf_env_flags(void)
{
    const char *v = getenv("JUMP_AOUT_NAMES");
    return v && *v && strcmp(v, "0") ? JF_AOUT : 0;
}

/* One line of a nm -o listing: "lib.sa(member.o):value A name" or "lib.sa:member.o:value A
 * name" (jump.import only). Fills library/objfile from the first field. */
static int nm_form(jf_file *f, const fields_line *l, int flags, jerr *e)
{
    char *first = l->f[0], *lib, *obj, *val, *p;
    uint64_t size = 0;
    const char *name = l->f[2];
    if (strlen(l->f[1]) != 1)
        return jerr_at(e, EXIT_BAD, f->path, l->line, 0, "expected 'size type name library objfile'");
    lib = xstrdup(first);
    p = strchr(lib, '(');
    if (p) { /* lib.sa(member.o):value */
        *p++ = 0;
        obj = p;
        p = strchr(obj, ')');
        if (!p || p[1] != ':')
            goto bad;
        *p = 0;
        val = p + 2;
    } else { /* lib.sa:member.o:value */
        obj = strchr(lib, ':');
        if (!obj)
            goto bad;
        *obj++ = 0;
        val = strchr(obj, ':');
        if (!val)
            goto bad;
        *val++ = 0;
    }
    if (parse_u64(val, 1, &size))
        goto bad;
    if ((p = strrchr(obj, '.')) && !strcmp(p, ".o"))
        *p = 0;
    if ((p = strrchr(lib, '/')))
        memmove(lib, p + 1, strlen(p + 1) + 1);
    if ((p = strrchr(lib, '.')) && !strcmp(p, ".sa"))
        *p = 0;
    /* an empty library or member would be written back as a line nobody reads */
    if (!lib[0] || !obj[0])
        goto bad;
    if (flags & JF_AOUT) {
        if (aout_name(&name) != 0)
            goto bad;
    } else if (!name[0])
        goto bad;
    jf_add(f, 0, l->f[1][0], name, lib, obj, NULL);
    f->v[f->n - 1].line = l->line;
    free(lib);
    return 0;
bad:
    free(lib);
    return jerr_at(e, EXIT_BAD, f->path, l->line, 0, "cannot read nm line '%s'", first);
}

/* jumpas marks a symbol of hidden or internal visibility with the comment "# hidden". */
static int is_hidden_comment(const char *c)
{
    size_t n;
    c += strspn(c, " \t");
    n = strcspn(c, " \t\r");
    return n == strlen(JF_HIDDEN_NOTE) && !memcmp(c, JF_HIDDEN_NOTE, n) && !c[n + strspn(c + n, " \t\r")];
}

static int on_line(void *vctx, const fields_line *l, jerr *e)
{
    struct load_ctx *c = vctx;
    jf_file *f = c->f;
    uint64_t size;
    const char *name;
    if (l->n == 0)
        return 0;
    if (l->n == 3 && f->kind == JF_IMPORT && strchr(l->f[0], ':'))
        return nm_form(f, l, c->flags, e);
    if (l->n < 5 || l->n > 6)
        return jerr_at(e, EXIT_BAD, f->path, l->line, 0,
                       "expected 'size type name library objfile [needs]', found %d field%s", l->n,
                       l->n == 1 ? "" : "s");
    name = l->f[2];
    if ((c->flags & JF_AOUT) && aout_name(&name) != 0)
        return jerr_at(e, EXIT_BAD, f->path, l->line, 0,
                       name[0] == '_' ? "the symbol name '%s' is empty without its a.out '_'"
                                      : "'%s' is not an a.out name (no leading '_'), and the control files "
                                        "are read with a.out names (JUMP_AOUT_NAMES or --aout-names): "
                                        "write it as '_%s', or leave the switch off if all names are ELF names",
                       l->f[2], l->f[2]);
    if (parse_u64(l->f[0], 1, &size))
        return jerr_at(e, EXIT_BAD, f->path, l->line, 0, "invalid size for symbol '%s'", name);
    if (strlen(l->f[1]) != 1 || !jf_type_ok(f->kind, l->f[1][0]))
        return jerr_at(e, EXIT_BAD, f->path, l->line, 0, "invalid type '%s' for symbol '%s' in %s", l->f[1],
                       name, jf_kind_name(f->kind));
    if (f->kind != JF_IMPORT && f->kind != JF_IGNORE && f->kind != JF_LOG &&
        strcmp(name, JF_DUMMY) && jf_index(f, name)) {
        return jerr_at(e, EXIT_BAD, f->path, l->line, 0, "symbol '%s' is listed twice (first on line %u)",
                       name, f->v[jf_index(f, name) - 1].line);
    }
    jf_add(f, size, l->f[1][0], name, l->f[3], l->f[4], l->n == 6 ? l->f[5] : NULL);
    f->v[f->n - 1].line = l->line;
    if (f->kind == JF_LOG && l->comment)
        f->v[f->n - 1].hidden = is_hidden_comment(l->comment);
    if (f->kind == JF_UNDEFS && l->comment) {
        const char *c0 = l->comment + strspn(l->comment, " \t");
        size_t n;
        if (!strncmp(c0, "dir ", 4)) {
            c0 += 4;
            n = strlen(c0);
            while (n && strchr(" \t\r", c0[n - 1]))
                n--;
            if (n)
                f->v[f->n - 1].dir = xstrndup(c0, n);
        }
    }
    return 0;
}

int jf_parse(const char *path, const char *text, size_t len, jf_kind kind, int flags,
             jf_file *out, jerr *e)
{
    struct load_ctx c;
    if (kind == JF_UNDEFS) /* mkimage's own record, in the toolkit's names either way */
        flags &= ~JF_AOUT;
    memset(out, 0, sizeof *out);
    out->path = xstrdup(path);
    out->kind = kind;
    out->exists = 1;
    out->flags = flags & JF_AOUT;
    c.f = out;
    c.flags = flags;
    if (fields_parse(path, text, len, on_line, &c, e) != 0) {
        jf_free(out);
        return -1;
    }
    return 0;
}

int jf_load(const char *path, jf_kind kind, int flags, jf_file *out, jerr *e)
{
    blob b;
    int rc;
    FILE *probe = fopen(path, "r");
    if (!probe && (flags & JF_MISSING_OK)) {
        memset(out, 0, sizeof *out);
        out->path = xstrdup(path);
        out->kind = kind;
        out->flags = flags & JF_AOUT;
        return 0;
    }
    if (probe)
        fclose(probe);
    if (blob_read(path, &b, e) != 0)
        return -1;
    rc = jf_parse(path, (const char *)b.p, b.len, kind, flags, out, e);
    blob_free(&b);
    return rc;
}

void jf_free(jf_file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].name);
        free(f->v[i].library);
        free(f->v[i].objfile);
        free(f->v[i].needs);
        free(f->v[i].dir);
    }
    free(f->v);
    free(f->path);
    strmap_free(&f->byname);
    memset(f, 0, sizeof *f);
}

void jf_format(buf *b, const jf_entry *x, int flags)
{
    const char *u = (flags & JF_AOUT) && strcmp(x->name, JF_DUMMY) ? "_" : "";
    buf_printf(b, "%08llx %c %s%s\t%s\t%s", (unsigned long long)x->size, x->type, u, x->name,
               x->library, x->objfile);
    if (x->needs)
        buf_printf(b, "\t%s", x->needs);
    if (x->hidden)
        buf_printf(b, "\t# %s", JF_HIDDEN_NOTE);
    else if (x->dir)
        buf_printf(b, "\t# dir %s", x->dir);
    buf_addc(b, '\n');
}

int jf_save(const char *path, const jf_file *f, jerr *e)
{
    buf b = {0};
    int rc;
    for (size_t i = 0; i < f->n; i++)
        jf_format(&b, &f->v[i], f->flags);
    rc = file_commit(path, b.p ? b.p : (uint8_t *)"", b.len, 0644, e);
    buf_free(&b);
    return rc;
}

/* ---- jump.params ---- */

struct jp_ctx {
    jparams *p;
    unsigned seen;
};

static int jp_line(void *vctx, const fields_line *l, jerr *e)
{
    static const char *keys[] = {"Name", "Text", "Data", "Jump", "GOT", "Version", "Writable"};
    struct jp_ctx *c = vctx;
    const char *eq;
    size_t klen;
    int k;
    if (l->n == 0)
        return 0;
    eq = l->n == 1 ? strchr(l->f[0], '=') : NULL;
    if (!eq)
        return jerr_set(e, EXIT_BAD, "jump.params:%u: expected 'Key=value'", l->line);
    klen = (size_t)(eq - l->f[0]);
    for (k = 0; k < 7; k++)
        if (strlen(keys[k]) == klen && !strncmp(keys[k], l->f[0], klen))
            break;
    if (k == 7)
        return jerr_set(e, EXIT_BAD, "jump.params:%u: unknown key '%.*s'", l->line, (int)klen, l->f[0]);
    eq++;
    if (k == 0 || k == 5) {
        char *dst = k == 0 ? c->p->name : c->p->version;
        size_t cap = k == 0 ? sizeof c->p->name : sizeof c->p->version;
        if (strlen(eq) >= cap)
            return jerr_set(e, EXIT_BAD, "jump.params:%u: value too long", l->line);
        strcpy(dst, eq);
    } else {
        uint64_t *dst[] = {NULL, &c->p->text, &c->p->data, &c->p->jump, &c->p->got, NULL, &c->p->writable};
        if (parse_u64(eq, 1, dst[k]))
            return jerr_set(e, EXIT_BAD, "jump.params:%u: invalid number '%s'", l->line, eq);
    }
    c->seen |= 1u << k;
    return 0;
}

int jp_load(const char *path, jparams *p, jerr *e)
{
    blob b;
    struct jp_ctx c = {p, 0};
    FILE *probe = fopen(path, "r");
    memset(p, 0, sizeof *p);
    if (!probe)
        return 0;
    fclose(probe);
    if (blob_read(path, &b, e) != 0)
        return -1;
    if (fields_parse(path, (const char *)b.p, b.len, jp_line, &c, e) != 0) {
        blob_free(&b);
        return -1;
    }
    blob_free(&b);
    if ((c.seen & 0x3f) != 0x3f)
        return jerr_set(e, EXIT_BAD, "%s: incomplete: needs the six lines Name= Text= Data= Jump= GOT= Version=",
                        path);
    return 1;
}

int jp_save(const char *path, const jparams *p, jerr *e)
{
    buf b = {0};
    int rc;
    buf_printf(&b, "Name=%s\nText=0x%08llx\nData=0x%08llx\nJump=0x%08llx\nGOT=0x%08llx\nVersion=%s\n",
               p->name, (unsigned long long)p->text, (unsigned long long)p->data,
               (unsigned long long)p->jump, (unsigned long long)p->got, p->version);
    if (p->writable) /* a split image (-w); classic files keep their six lines */
        buf_printf(&b, "Writable=0x%08llx\n", (unsigned long long)p->writable);
    rc = file_commit(path, b.p, b.len, 0644, e);
    buf_free(&b);
    return rc;
}

int jp_compare(const jparams *old, const jparams *want, buf *msgs)
{
    int n = 0;
    struct { const char *what; uint64_t a, b; } nums[] = {
        {"the load address", old->text, want->text},
        {"the data address", old->data, want->data},
        {"the jump table size", old->jump, want->jump},
        {"the GOT size", old->got, want->got},
        {"the writable origin", old->writable, want->writable},
    };
    if (strcmp(old->name, want->name)) {
        if (msgs)
            buf_printf(msgs, "the library name has changed from %s to %s\n", old->name, want->name);
        n++;
    }
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        if (nums[i].a != nums[i].b) {
            if (msgs)
                buf_printf(msgs, "%s has changed from 0x%llx to 0x%llx\n", nums[i].what,
                       (unsigned long long)nums[i].a, (unsigned long long)nums[i].b);
            n++;
        }
    }
    return n;
}

int jp_check_update(const char *path, const jparams *want, int force, jerr *e)
{
    jparams old;
    buf msgs = {0};
    int have = jp_load(path, &old, e);
    if (have < 0)
        return -1;
    if (have && jp_compare(&old, want, &msgs) > 0 && !force) {
        buf_adds(&msgs, "Use -f switch to force the change.");
        buf_addc(&msgs, 0);
        jerr_set(e, EXIT_BAD, "%s: parameters differ from the last build:\n%s", path, (char *)msgs.p);
        buf_free(&msgs);
        return -1;
    }
    buf_free(&msgs);
    if (have && !strcmp(old.version, want->version) && jp_compare(&old, want, NULL) == 0)
        return 0;
    return jp_save(path, want, e);
}

const char *jump_dir(int *was_set)
{
    const char *d = getenv("JUMP_DIR");
    if (was_set)
        *was_set = d && *d;
    return d && *d ? d : ".";
}

char *jump_dir_file(const char *file) { return xasprintf("%s/%s", jump_dir(NULL), file); }
