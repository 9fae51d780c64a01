#!/bin/bash
# Classic control files carry a.out names (`00000000 T _foo libfoo foo`, as e2fsprogs and
# XFree86 shipped them). With the one switch JUMP_AOUT_NAMES=1 (or --aout-names on the tools
# that take options) jumpas renames and diverts for them, jump.log and getfuncs/getvars/getsize
# write a.out names (no plain duplicates), mkimage and mkstubs build from them, and a program
# runs against the result at the slots the files give.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/xa.sh"
export JUMP_DIR=$PWD/jump JUMP_LIB=libxa
mkdir -p jump lib

xa_sources
# The maintainer's files, classic spelling: a retired slot kept as __DUMMY__.
printf '00000000 T _xa_add\tlibxa\txa\n00000000 T __DUMMY__\tlibxa\txa\n00000000 T _xa_name\tlibxa\txa\n' \
    >jump/jump.funcs
printf '00000004 D _xa_count\tlibxa\txa\n' >jump/jump.vars

# Without the switch these names match nothing: a.out names are never guessed.
$JCC -O2 -c xa.c -o plain.o || fail "compiling without the switch"
nm plain.o | grep -q ' T xa_add$' || fail "without the switch, xa_add should stay as it is"
rm -f jump/jump.log

export JUMP_AOUT_NAMES=1
$JCC -O2 -c xa.c -o xa.o || fail "compiling with JUMP_AOUT_NAMES=1"
nm xa.o >nm.out
grep -q ' T xa_add__LOCAL__$' nm.out || { cat nm.out; fail "xa_add not renamed for _xa_add"; }
grep -q ' U xa_add$' nm.out || { cat nm.out; fail "the call to xa_add does not go through its slot"; }
grep -q ' xa_count$' nm.out && ! grep -q ' U xa_count$' nm.out && { cat nm.out; fail "xa_count still defined in xa.o"; }
[ -s jump/_GVAR_1.s ] || fail "xa_count not diverted to _GVAR_1.s"
# jump.log: the one new function, in a.out spelling.
expect_eq "$(awk '{print $2, $3}' jump/jump.log)" "T _xa_twice" "jump.log"

(cd jump && getfuncs && getvars) >get.out 2>&1 || { cat get.out; fail "getfuncs/getvars"; }
expect_in get.out "1 new function in jump.funcs (0 already listed" "0 new variables in jump.vars"
printf '00000000 T _xa_add\tlibxa\txa\n00000000 T __DUMMY__\tlibxa\txa\n00000000 T _xa_name\tlibxa\txa\n00000000 T _xa_twice\tlibxa\txa\n' \
    >want.funcs
diff -u want.funcs jump/jump.funcs || fail "getfuncs must append _xa_twice and nothing else"
rm jump/jump.log
(cd jump && getsize >vars.new) || fail "getsize"
expect_eq "$(cat jump/vars.new)" "$(printf '00000004 D _xa_count\tlibxa\txa')" "getsize output"

$JCC -O2 -c xa.c -o xa.o || fail "second compile"
# mkimage and mkstubs take the switch as an option too.
unset JUMP_AOUT_NAMES
run 0 mkimage.out mkimage -l "$PWD/lib/libxa" -v 1.0 -a 0x6b100000 -j 0x1000 -g 0x1000 --aout-names -- xa.o -lc
run 0 mkstubs.out mkstubs -l "$PWD/lib/libxa" -v 1.0 -a 0x6b100000 -j 0x1000 -g 0x1000 --aout-names -- libxa
cp libxa.so.1.0 lib/ && ln -sf libxa.so.1.0 lib/libxa.so.1
slot() { local a; a=$(stubaddr libxa.sa "$1"); expect_eq "${a: -8}" "$(printf %08x $((0x6b100000 + 8 * $2)))" "slot of $1"; }
slot xa_add 1
slot xa_name 3 # after __DUMMY__
slot xa_twice 4

gcc $M -no-pie -o prog prog.c libxa.sa || fail "linking the program"
JUMP_LIBRARY_PATH=$PWD/lib run 0 prog.out exe ./prog
expect_eq "$(cat prog.out)" "xa 42 41" "the program's output"

# mkcompat with the switch writes a.out names back, keeping the slots.
JUMP_AOUT_NAMES=1 run 0 compat.out mkcompat -f libxa.sa
head -n 4 compat.out | awk '{print $3}' >names
expect_eq "$(tr '\n' ' ' <names)" "_xa_add __DUMMY__ _xa_name _xa_twice " "mkcompat -f names"

# With the switch, a name without the a.out '_' is an error naming file and line.
printf '00000000 T _xa_add\tlibxa\txa\n00000000 T xa_name\tlibxa\txa\n' >jump/jump.funcs
JUMP_AOUT_NAMES=1 expect 1 "" -- $JCC -O2 -c xa.c -o bad.o
expect_in err.txt "jump.funcs:2:" "'xa_name' is not an a.out name"

# buildimport writes a.out names under the switch: jumpas of a library importing from libxa
# reads them back.
JUMP_AOUT_NAMES=1 run 0 bi.out buildimport -o imp.a --no-host libxa.sa
expect_eq "$(awk '{print $2, $3}' imp.a)" "D _xa_count" "buildimport with the switch"
run 0 bi.out buildimport -o imp.e --no-host libxa.sa
expect_eq "$(awk '{print $2, $3}' imp.e)" "D xa_count" "buildimport without the switch"

# The same library through Shared.inc, the classic files and JUMP_AOUT_NAMES in the
# environment of every step (make's and the getfuncs/getvars/getsize ones); on i386 the image
# in the classic a.out format (SL_IMAGE_FORMAT=aout), which the program runs against.
mkdir -p inc/jump && cd inc
export JUMP_DIR=$PWD/jump JUMP_AOUT_NAMES=1
cp ../xa.c .
printf '00000000 T _xa_add\tlibxa\txa\n00000000 T __DUMMY__\tlibxa\txa\n00000000 T _xa_name\tlibxa\txa\n' >jump/jump.funcs
printf '00000004 D _xa_count\tlibxa\txa\n' >jump/jump.vars
fmt=elf
[ "$ARCH" = i386 ] && fmt=aout
printf 'CC = gcc %s\nCFLAGS = -O2\nSL_IMAGE_FORMAT = %s\n' "$M" "$fmt" >Makefile
shared_inc libxa 1.0.0 0x6b100000 xa.o
run 0 pre1.out make pre-shlib
(cd jump && getvars && getfuncs && rm -f jump.log) >get2.out 2>&1 || { cat get2.out; fail "getvars/getfuncs"; }
expect_eq "$(awk '{print $3}' jump/jump.funcs | tr '\n' ' ')" "_xa_add __DUMMY__ _xa_name _xa_twice " "jump.funcs after getfuncs"
run 0 import.out make shlib-import
run 0 pre2.out make pre-shlib
shlib_steps inc
expect_eq "$(awk '{print $3}' jump/jump.vars)" "_xa_count" "jump.vars after getsize"
expect_in inc.shlib "-F $fmt"
[ "$fmt" = elf ] || expect_eq "$(od -An -tx4 -N4 lib/libxa.so.1.0.0 | tr -d ' ')" 006400cc "the installed image is QMAGIC"
gcc $M -no-pie -o prog ../prog.c libxa.sa || fail "linking against the Shared.inc build"
JUMP_LIBRARY_PATH=$PWD/lib run 0 prog.out exe ./prog
expect_eq "$(cat prog.out)" "xa 42 41" "the program against the Shared.inc build"

# The files read without the switch: the a.out names divert nothing, and the tools say why.
cd ..
mkdir -p noswitch/jump && cd noswitch
unset JUMP_AOUT_NAMES
export JUMP_DIR=$PWD/jump
printf '00000000 T _xa_add\tlibxa\txa\n' >jump/jump.funcs
printf '00000004 D _xa_count\tlibxa\txa\n' >jump/jump.vars
$JCC -O2 -c ../xa.c -o xa.o || fail "compile without the switch"
expect 1 "" -- mkimage -l "$PWD/libxa" -v 1.0 -a 0x6b100000 -j 0x1000 -g 0x1000 -- xa.o -lc
expect_in err.txt "variable '_xa_count' has no diverted definition" "set JUMP_AOUT_NAMES=1 for the whole workflow"
(cd jump && getsize) >gs.out 2>&1 && fail "getsize without diverted definitions"
expect_in gs.out "'_xa_count' has no diverted definition" "set JUMP_AOUT_NAMES=1"
