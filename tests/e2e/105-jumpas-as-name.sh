#!/bin/bash
# jumpas installed as <dir>/as for gcc -B<dir>/: it finds the real as in PATH even when
# <dir> comes first there (it skips itself).
. "$TOP/tests/e2e/lib.sh"
mkdir -p d
ln -s "$STAGE/bin/jumpas" d/as
export JUMP_DIR=$PWD JUMP_LIB=liba PATH=$PWD/d:$PATH
printf 'int av = 3;\nint af(void) { return av; }\n' > a.c
printf '00000000 T af liba a\n' > jump.funcs
gcc $M -O2 -fno-pic -fno-pie -B"$PWD/d/" -c a.c -o a.o || fail "gcc -B$PWD/d/"
nm a.o | grep -q ' T af__LOCAL__$' || fail "af not renamed"
printf '00000004 D av\tliba\ta\n' > want
diff want jump.log || fail "log"
echo ok
