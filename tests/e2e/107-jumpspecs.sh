#!/bin/bash
# gcc -B<prefix>/bin/jump reads the installed <prefix>/bin/jumpspecs: a Makefile that sets
# CC and its own CFLAGS (-O2 -fPIC here, no jump flags at all) still gets code for a
# fixed-address image: not position-independent, and no exported function inlined into its
# callers (each call must go through the slot, or an override would be bypassed).
. "$TOP/tests/e2e/lib.sh"
export JUMP_DIR=$PWD JUMP_LIB=libspec
[ -f "$STAGE/bin/jumpspecs" ] || fail "no jumpspecs installed beside jumpas"
cat > lib.c <<'C'
int counter;
int f(int x) { return x + 1; }
int g(int x) { return f(x) * 2 + counter; }
C
gcc $M -v -B"$STAGE/bin/jump" -O2 -fPIC -c lib.c -o log.o 2>v.txt || { cat v.txt; fail "first compile"; }
expect_in v.txt "Reading specs from $STAGE/bin/jumpspecs"
cc1=$(grep -E '/(jump)?cc1 ' v.txt)
for flag in $JSPECS; do
    [[ " $cc1 " == *" $flag "* ]] || fail "cc1 was not given $flag: $cc1"
done
# The specs' flags come after the Makefile's: -fPIC loses.
[[ $cc1 == *"-fPIC"*"-fno-pic"* ]] || fail "-fno-pic must follow the Makefile's -fPIC: $cc1"
(getfuncs && getvars) >/dev/null || fail "getfuncs/getvars"
rm -f jump.log
gcc $M -B"$STAGE/bin/jump" -O2 -fPIC -c lib.c -o lib.o || fail "second compile"
# g still calls f (through its slot): not inlined, though -O2 would inline it.
objdump -dr --no-show-raw-insn lib.o | sed -n '/<g__LOCAL__>:/,/^$/p' >g.dis
grep -Eq 'R_(386|X86_64)_(PC32|PLT32)[[:space:]]+f(-0x4)?$' g.dis || { cat g.dis; fail "f was inlined into g"; }
# Nothing position-independent: no GOT or PLT relocations of the compiler's own.
readelf -rW lib.o >rel.txt
grep -Eq 'R_(386|X86_64)_(GOTPC|GOTOFF|GOT32|GOTPCREL|REX_GOTPCRELX|GOTPCRELX)' rel.txt &&
    { cat rel.txt; fail "position-independent code in a jump compile"; }
# Without -B the same flags make ordinary code: the specs belong to the jump compiler only.
gcc $M -v -O2 -c lib.c -o plain.o 2>v2.txt || fail "plain compile"
expect_not_in v2.txt "Reading specs from"
exit 0
