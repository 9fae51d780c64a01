#!/bin/bash
# The load-time check refuses a replacement only for names the program refers to: a stub
# member defines every function of its objfile, but a program that calls acc_add alone runs
# against an image in which acc_scale, from the same member, moved; a program that calls
# acc_scale (or takes its address) is refused, naming it. Dynamic and static programs.
. "$TOP/tests/e2e/lib.sh"
unset JUMP_LIBRARY_PATH
cat >acc.c <<'C'
int acc_add(int a, int b) { return a + b; }
int acc_scale(int a) { return 10 * a; }
int acc_neg(int a) { return -a; }
C
cat >add.c <<'C'
#include <stdio.h>
int acc_add(int, int);
int main(void) { printf("%d\n", acc_add(2, 3)); return 0; }
C
cat >scale.c <<'C'
#include <stdio.h>
int acc_scale(int);
int main(void) { printf("%d\n", acc_scale(4)); return 0; }
C
cat >ptr.c <<'C'
#include <stdio.h>
int acc_add(int, int), acc_scale(int);
int (*volatile keep)(int) = acc_scale;
int main(void) { printf("%d\n", acc_add(1, 1)); return 0; }
C
# Four bytes that would reach acc_scale's entry as a rel32 but follow no instruction that
# takes one (after a nop): not a use. The same bytes after a call opcode are one.
cat >stray.c <<'C'
#include <stdio.h>
int acc_add(int, int), acc_scale(int);
__asm__(".pushsection .text\n.byte 0x90\n.long acc_scale - . - 4\n.popsection");
int main(void) { printf("%d\n", acc_add(2, 2)); return 0; }
C
sed 's/0x90/0xe8/' stray.c >call.c
printf '%s\n' "00000000 T acc_add libacc acc" "00000000 T acc_scale libacc acc" "00000000 T acc_neg libacc acc" \
    >funcs1
mkdir -p v1/jump && cp funcs1 v1/jump/jump.funcs
mkjump "$PWD/v1" libacc 1.0.0 0x61b00000 acc.c
# 1.1: acc_scale and acc_neg change places; acc_add stays in slot 1.
mkdir -p v2/jump && cp v1/jump/jump.params v2/jump/
printf '%s\n' "00000000 T acc_add libacc acc" "00000000 T acc_neg libacc acc" "00000000 T acc_scale libacc acc" \
    >v2/jump/jump.funcs
mkjump "$PWD/v2" libacc 1.1.0 0x61b00000 acc.c
for link in "" -static; do
    for p in add scale ptr stray call; do
        gcc $M -no-pie $link -o $p $p.c v1/libacc.sa || fail "link $p ($link)"
    done
    JUMP_LIBRARY_PATH=$PWD/v2/lib run 0 "add$link.out" exe ./add
    expect_eq "$(cat "add$link.out")" 5 "acc_add against the image where acc_scale moved ($link)"
    JUMP_LIBRARY_PATH=$PWD/v2/lib run 127 "scale$link.out" exe ./scale
    expect_in "scale$link.out" "./scale: can't load library '$PWD/v2/lib/libacc.so.1'" \
        "'acc_scale' is no longer in slot 2: the image is not a compatible replacement"
    JUMP_LIBRARY_PATH=$PWD/v2/lib run 127 "ptr$link.out" exe ./ptr
    expect_in "ptr$link.out" "'acc_scale' is no longer in slot 2"
    JUMP_LIBRARY_PATH=$PWD/v2/lib run 0 "stray$link.out" exe ./stray
    expect_eq "$(cat "stray$link.out")" 4 "stray bytes are no reference ($link)"
    JUMP_LIBRARY_PATH=$PWD/v2/lib run 127 "call$link.out" exe ./call
    expect_in "call$link.out" "'acc_scale' is no longer in slot 2"
    # verify-shlib --program reads the program as the loader does.
    run 4 "vstray$link.out" verify-shlib --program ./stray -l v2/lib/libacc.so.1.1.0
    expect_in "vstray$link.out" "slot 2 'acc_scale' (linked, never called) now holds 'acc_neg'"
    run 12 "vcall$link.out" verify-shlib --program ./call -l v2/lib/libacc.so.1.1.0
    expect_in "vcall$link.out" "incompatible: slot 2 'acc_scale' now holds 'acc_neg' [slot:2]"
done
exit 0
