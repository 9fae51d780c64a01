#!/bin/bash
# Which undefined names become GOT references. Explicit mode (the default): those listed in
# jump.import, plus the C library's variables (stdout, environ, ...). Implied mode
# (JUMP_IMPLIED_IMPORT=1): every name the file references but neither defines nor calls,
# unless jump.funcs or jump.ignore lists it. Never: the file's own globals and statics.
. "$TOP/tests/e2e/lib.sh"
export JUMP_DIR=$PWD JUMP_LIB=libi
cat > lib.c <<'C'
#include <stdio.h>
extern char **environ;
extern int ext_data, ext_arr[], ignored_data, listed_fn_addr(void);
extern int ext_func(int);
int lib_own = 3;
static int st;
int f(void)
{
    return ext_data + ext_arr[2] + ignored_data + ext_func(1) + lib_own + st++ +
           (stdout != 0) + (environ != 0);
}
int (*g(void))(void) { return listed_fn_addr; }
C
printf '00000000 T f libi lib\n00000000 T g libi lib\n00000000 T listed_fn_addr libi other\n' > jump.funcs
printf '00000004 D ignored_data libi lib\n' > jump.ignore
# cells OBJ: the names OBJ reaches through __GOT_ cells, sorted, on one line.
cells() { nm "$1" | awk '$1 == "U" && $2 ~ /^__GOT_/ { print substr($2, 7) }' | sort | tr '\n' ' '; }
# direct OBJ: the undefined names OBJ still uses directly.
direct() { nm "$1" | awk '$1 == "U" && $2 !~ /^__GOT_/ { print $2 }' | sort | tr '\n' ' '; }

run 0 cc.txt $JCC -O2 -c lib.c -o explicit.o
expect_eq "$(cells explicit.o)" "environ stdout " "explicit mode, no jump.import"
printf '00000004 D ext_arr libx x\n' > jump.import
run 0 cc.txt $JCC -O2 -c lib.c -o import.o
expect_eq "$(cells import.o)" "environ ext_arr stdout " "explicit mode with jump.import"
JUMP_IMPLIED_IMPORT=0 run 0 cc.txt $JCC -O2 -c lib.c -o zero.o
expect_eq "$(cells zero.o)" "environ ext_arr stdout " "JUMP_IMPLIED_IMPORT=0 is explicit"
rm jump.import
JUMP_IMPLIED_IMPORT=1 run 0 cc.txt $JCC -O2 -c lib.c -o implied.o
expect_eq "$(cells implied.o)" "environ ext_arr ext_data stdout " "implied mode"
d=$(direct implied.o)
for n in ext_func ignored_data listed_fn_addr; do
    [[ " $d" == *" $n "* ]] || fail "implied mode: $n should stay direct, got: $d"
done
grep -q ' D lib_own$' <(nm implied.o) || fail "lib_own"
# The C library's variable listed in jump.ignore is left alone.
printf '00000004 D stdout libi lib\n' >> jump.ignore
run 0 cc.txt $JCC -O2 -c lib.c -o ign.o
expect_eq "$(cells ign.o)" "environ " "stdout in jump.ignore"
echo ok
