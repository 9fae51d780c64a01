/* Fuzz target: the registry parser, and that a table it accepts is written back as one it
 * accepts again. */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reg_table t, u;
    jerr e;
    buf out = {0};
    if (reg_parse("fuzz", (const char *)data, size, &t, &e) != 0)
        return 0;
    reg_serialize(&t, &out);
    if (reg_parse("again", out.p ? (const char *)out.p : "", out.len, &u, &e) != 0)
        __builtin_trap();
    reg_free(&u);
    reg_free(&t);
    buf_free(&out);
    return 0;
}
