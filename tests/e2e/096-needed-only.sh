#!/bin/bash
# A library that the program gets only through another: libb is built against liba.sa, the
# program links libb.sa alone. The loader finds liba by the same rules as a directly linked
# library: JUMP_LIBRARY_PATH, then the directory liba's own stub recorded (passed on by
# libb's stub), then the standard directories; jump-ldd says where.
. "$TOP/tests/e2e/lib.sh"
unset JUMP_LIBRARY_PATH
cat >a.c <<'C'
int a_twice(int x) { return 2 * x; }
C
cat >b.c <<'C'
int a_twice(int);
int b_use(int x) { return a_twice(x) + 1; }
C
cat >p.c <<'C'
#include <stdio.h>
int b_use(int);
int main(void) { printf("b_use(20) = %d\n", b_use(20)); return 0; }
C
mkjump "$PWD/a" liba 1.0.0 0x61600000 a.c
MKJUMP_INPUTS=$PWD/a/liba.sa mkjump "$PWD/b" libb 1.0.0 0x61700000 b.c
grep -q "__NEEDS_SHRLIB_liba_1.*# dir $PWD/a/lib\$" b/jump/jump.undefs ||
    fail "jump.undefs does not carry liba's directory: $(cat b/jump/jump.undefs)"
for link in "" -static; do
    gcc $M -no-pie $link -o p p.c b/libb.sa || fail "link ($link)"
    JUMP_TRACE_LIBRARIES=1 run 0 "trace$link.out" exe ./p
    printf '\tliba.so.1 => %s/a/lib/liba.so.1\n\tlibb.so.1 (DLL Jump 1.0) => %s/b/lib/libb.so.1\n' "$PWD" "$PWD" >want.out
    diff -u want.out "trace$link.out" || fail "where the loader finds liba ($link)"
    run 0 "p$link.out" exe ./p
    expect_in "p$link.out" "b_use(20) = 41"
done
# JUMP_LIBRARY_PATH still comes first for it.
mkdir -p elsewhere && cp a/lib/liba.so.1.0.0 elsewhere/liba.so.1
JUMP_LIBRARY_PATH=$PWD/elsewhere JUMP_TRACE_LIBRARIES=1 run 0 env.out exe ./p
expect_in env.out "liba.so.1 => $PWD/elsewhere/liba.so.1"
# Moved away from every place: named as before.
mv a/lib a/gone
run 127 gone.out exe ./p
expect_in gone.out "./p: can't find library 'liba.so.1'"
exit 0
