/* vowels.c: the function appended in libxyz 1.1.0. It needs nothing from the C library that
 * 1.0.0 did not already use, so even programs linked statically against 1.0.0 can run the
 * 1.1.0 image (a static program can only provide the C-library functions it contains). */
#include "xyz.h"

int xyz_count_vowels(const char *s)
{
    int n = 0;
    for (; *s; s++) {
        switch (*s | 0x20) {
        case 'a': case 'e': case 'i': case 'o': case 'u':
            n++;
        }
    }
    return n;
}
