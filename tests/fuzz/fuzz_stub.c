/* Fuzz target: a stub library (ELF or a.out) read whole: jstub_open and its record, then the
 * map every stub reader builds on (smap_load). The readers take a path: the input is written
 * to a file in $TMPDIR first. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "diag.h"
#include "image.h"
#include "stubmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[4096];
    char *p = path;
    FILE *f;
    jstub s;
    jerr e;
    jrec r;
    stubmap m;
    if (!path[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/fuzz-stub-%d.sa", t && *t ? t : "/tmp", (int)getpid());
    }
    if (!(f = fopen(path, "wb")))
        return 0;
    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return 0;
    }
    fclose(f);
    if (jstub_open(&s, path, &e) == 0) {
        (void)jstub_record(&s, &r, &e);
        jstub_close(&s);
    }
    (void)smap_load(&m, &p, 1, &e);
    smap_free(&m);
    unlink(path);
    return 0;
}
