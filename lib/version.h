/* version: the M.m[.p] versions of the classic tools and the version word stored at an
 * image's origin, (M << 16) + m*100 + p. */
#ifndef JUMP_VERSION_H
#define JUMP_VERSION_H

#include <stdint.h>

/* Parse "M.m" or "M.m.p" (major below 0x8000, minor and patch 0-99). -1 if malformed. */
int jump_version_parse(const char *v, unsigned *major, unsigned *minor, unsigned *patch);
uint32_t jump_version_word(unsigned major, unsigned minor, unsigned patch);

#endif
