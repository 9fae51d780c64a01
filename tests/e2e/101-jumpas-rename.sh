#!/bin/bash
# A function listed in jump.funcs is renamed f__LOCAL__ where this file defines it; every
# call, the one from the same file included, then goes through the slot "f".
. "$TOP/tests/e2e/lib.sh"
CC="gcc $M -O2 -fno-pic -fno-pie"
export JUMP_DIR=$PWD JUMP_LIB=libxyz

cat > lib.c <<'C'
__attribute__((noinline)) int f(int x) { return x + 1; }
int g(int x) { return f(x) * 2; }
C
printf '00000000 T f\tlibxyz\tlib\n' > jump.funcs
$CC -B"$STAGE/bin/jump" -c lib.c -o lib.o || fail "compiling lib.c"

nm lib.o > nm.out
grep -qx '0\+ T f__LOCAL__' nm.out || { cat nm.out; fail "f__LOCAL__ is not defined T"; }
grep -qx ' \+U f' nm.out || { cat nm.out; fail "f is not undefined"; }
grep -q ' T g$' nm.out || fail "g is not defined"
grep -q ' f$' nm.out && ! grep -q ' U f$' nm.out && fail "f is defined"
# g's call is a relocation against the slot f, not the local body.
objdump -dr --no-show-raw-insn lib.o | sed -n '/<g>:/,$p' > g.dis
grep -Eq 'R_(386|X86_64)_(PC32|PLT32)[[:space:]]+f(-0x4)?$' g.dis || { cat g.dis; fail "g does not call f through a relocation"; }
printf '00000000 T g\tlibxyz\tlib\n' > want
diff want jump.log || fail "only g should be logged"

# Link with a slot that counts its calls and jumps to the body.
if [ "$ARCH" = i386 ]; then inc='incl slot_hits'; else inc='incl slot_hits(%rip)'; fi
cat > slot.s <<S
	.text
	.globl f
f:	$inc
	jmp f__LOCAL__
	.data
	.globl slot_hits
slot_hits: .long 0
S
cat > main.c <<'C'
#include <stdio.h>
extern int slot_hits;
int g(int);
int main(void) { int r = g(3); printf("%d %d\n", r, slot_hits); return 0; }
C
$CC -no-pie -o prog main.c lib.o slot.s || fail "linking"
[ "$(exe ./prog)" = "8 1" ] || fail "expected '8 1' (g(3) = 8 through one slot call), got '$(exe ./prog)'"
echo ok
