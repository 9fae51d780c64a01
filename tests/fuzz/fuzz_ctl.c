/* Fuzz target: the control-file parser (jump.funcs, jump.vars, jump.import, jump.undefs,
 * chosen by the first byte), and that every line it accepts is written back as a line it
 * accepts again (a mangled write-back loses a user's file). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "ctl.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const jf_kind kinds[] = {JF_FUNCS, JF_VARS, JF_IMPORT, JF_UNDEFS};
    jf_file f, g;
    jerr e;
    buf out = {0};
    if (size < 1)
        return 0;
    jf_kind k = kinds[data[0] % 4];
    int flags = data[0] & 0x10 ? JF_AOUT : 0;
    if (jf_parse("fuzz", (const char *)data + 1, size - 1, k, flags, &f, &e) != 0)
        return 0;
    for (size_t i = 0; i < f.n; i++)
        jf_format(&out, &f.v[i], flags);
    if (jf_parse("again", out.p ? (const char *)out.p : "", out.len, k, 0, &g, &e) != 0)
        __builtin_trap();
    if (g.n != f.n)
        __builtin_trap();
    jf_free(&g);
    jf_free(&f);
    buf_free(&out);
    return 0;
}
