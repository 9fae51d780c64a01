#!/bin/bash
# gcc -pipe hands jumpas the assembly on stdin; gcc -g adds debug directives. Both log and
# rename as usual, and a renamed file's debug information and as's messages still name the
# original file, never jumpas's temporary copy.
. "$TOP/tests/e2e/lib.sh"
CC="gcc $M -O2 $JSPECS"
export JUMP_DIR=$PWD JUMP_LIB=libp

cat > p.c <<'C'
int pv = 1;
__attribute__((noinline)) int pf(int x) { return x + pv; }
int pg(int x) { return pf(x) + 1; }
C
# -pipe without control files: the same object as plain gcc -pipe.
$CC -pipe -c p.c -o plain.o || fail "plain gcc -pipe"
$CC -pipe -B"$STAGE/bin/jump" -c p.c -o p.o || fail "jumpas -pipe"
cmp plain.o p.o || fail "-pipe object differs from plain gcc's"
printf '00000000 T pf\tlibp\tp\n00000000 T pg\tlibp\tp\n00000004 D pv\tlibp\tp\n' | sort > want
sort jump.log > got
diff want got || fail "-pipe log"

# -pipe with a rename.
rm -f jump.log
printf '00000000 T pf libp p\n' > jump.funcs
$CC -pipe -B"$STAGE/bin/jump" -c p.c -o p.o || fail "jumpas -pipe with jump.funcs"
nm p.o | grep -q ' T pf__LOCAL__$' || fail "-pipe: pf not renamed"
nm p.o | grep -q ' U pf$' || fail "-pipe: pf not undefined"

# -g with a rename: the debug information names p.c and the renamed body.
$CC -g -B"$STAGE/bin/jump" -c p.c -o pg.o || fail "jumpas -g"
nm pg.o | grep -q ' T pf__LOCAL__$' || fail "-g: pf not renamed"
objdump --dwarf=info pg.o > info.txt 2>&1
grep -q 'DW_AT_name.*: p\.c' info.txt || fail "-g: the compile unit is not p.c"
grep -Eq 'jumpas[A-Za-z0-9]{6}\.s' info.txt && fail "-g: debug information names a jumpas temporary file"

# A hand-written assembly file, as gcc -g -c x.s assembles it: line information names x.s.
if [ "$ARCH" = i386 ]; then ret='movl 4(%esp), %eax'; else ret='movl %edi, %eax'; fi
printf '\t.text\n\t.globl pf\n\t.type pf, @function\npf:\n\t%s\n\tret\n\t.size pf, .-pf\n' "$ret" > x.s
gcc $M -g -c x.s -o plainx.o || fail "plain gcc -g x.s"
gcc $M -g -B"$STAGE/bin/jump" -c x.s -o x.o || fail "jumpas -g x.s"
nm x.o | grep -q ' T pf__LOCAL__$' || fail "x.s: pf not renamed"
objdump --dwarf=decodedline x.o > lines.txt 2>&1
grep -q '^x\.s ' lines.txt || { cat lines.txt; fail "x.s: line table does not name x.s"; }
grep -Eq 'jumpas[A-Za-z0-9]{6}\.s' lines.txt && fail "x.s: line table names a temporary file"
# Apart from the name, the code and line table are those of the plain object.
[ "$(objdump -d x.o | tail -n +3 | sed 's/pf__LOCAL__/pf/')" = "$(objdump -d plainx.o | tail -n +3)" ] ||
    fail "x.s: code differs from plain gcc's"
[ "$(objdump --dwarf=decodedline plainx.o | tail -n +3)" = "$(tail -n +3 lines.txt)" ] ||
    fail "x.s: line table differs from plain gcc's"
echo ok
