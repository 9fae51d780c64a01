#!/bin/bash
# Functions the C library provides only statically (libc_nonshared.a: atexit, at_quick_exit,
# pthread_atfork) work from an image: mkimage links them in, like libgcc's helpers. A drop-in
# image that newly calls atexit must run under a dynamic program linked against the old stub
# (which never listed atexit, and whose libc.so.6 exports none); a program linked against the
# new stub runs the handler, dynamic or static.
. "$TOP/tests/e2e/lib.sh"
cat >t1.c <<'C'
int t_register(void) { return 0; }
C
cat >t2.c <<'C'
#include <stdio.h>
#include <stdlib.h>
static void bye(void) { puts("bye from the image"); }
int t_register(void) { return atexit(bye); }
C
cat >p.c <<'C'
#include <stdio.h>
int t_register(void);
int main(void) { printf("registered: %d\n", t_register()); return 0; }
C
mkjump "$PWD/v1" libt 1.0.0 0x61500000 t1.c
gcc $M -no-pie -o old p.c v1/libt.sa || fail "link against 1.0.0"
mkdir -p v2/jump && cp v1/jump/jump.funcs v1/jump/jump.params v2/jump/
mkjump "$PWD/v2" libt 1.1.0 0x61500000 t2.c
printf 'registered: 0\nbye from the image\n' >want.out
JUMP_LIBRARY_PATH=$PWD/v2/lib run 0 old.out exe ./old
diff -u want.out old.out || fail "the old program against the image that newly calls atexit"
for link in "" -static; do
    gcc $M -no-pie $link -o p p.c v2/libt.sa || fail "link ($link)"
    run 0 "p$link.out" exe ./p
    diff -u want.out "p$link.out" || fail "the image's exit handler ($link)"
done
exit 0
