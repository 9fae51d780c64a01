/* replay: run a fuzz target's entry point over files, without libFuzzer, so that make check
 * replays every seed and every input that ever crashed a target (tests/fuzz/README). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        uint8_t *p = NULL;
        size_t n = 0, cap = 0, r;
        if (!f) {
            perror(argv[i]);
            bad = 1;
            continue;
        }
        do {
            if (n == cap) {
                cap = cap ? 2 * cap : 65536;
                p = realloc(p, cap);
                if (!p)
                    abort();
            }
            r = fread(p + n, 1, cap - n, f);
            n += r;
        } while (r > 0);
        fclose(f);
        LLVMFuzzerTestOneInput(p, n);
        free(p);
    }
    printf("replayed %d input(s)\n", argc - 1);
    return bad;
}
