# 611-compat-variables: replacements of libcv 1.0 that change its variables: one grown
# within its reserve (compatible), one grown beyond it (mkimage refuses while the reserve
# stays; with a larger reserve the later variables move: incompatible), one appended
# (compatible). The 1.0 program runs against the compatible ones.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/compat.sh"
build10
data=$((ORG + 0x2000))   # the first page after the GOT (-j 0x1000 -g 0x1000)
expect_eq "$(stubaddr v10/libcv.sa cv_label | awk '{ print substr($1, length($1) - 7) }')" \
    "$(printf '%08x' $((data + 8)))" "cv_label in the 1.0 stub (offset 8)"

# D: cv_count grows from 4 to 8 bytes, inside its reserve of 8.
newver "$PWD/d"
gvar d 1 cv_count 8 '\t.long 5\n\t.long 0'
cvbuild "$PWD/d" 1.1.0
expect_eq "$(nm -S d/lib/libcv.so.1.1.0 | awk '$4 == "cv_count" { print $2 }' | sed 's/^0*//')" 8 "size of cv_count in 1.1"
against d 1.1.0 4 d.out
expect_in d.out "compatible: the version went up from 1.0.0 to 1.1.0 [version]" \
    "0 incompatible, 1 compatible, 0 waived"
runs_ok "$PWD/d"

# E: cv_count grows to 12 bytes. Its reserve (8) cannot hold it: mkimage refuses.
newver "$PWD/e"
gvar e 1 cv_count 12 '\t.long 5\n\t.long 0\n\t.long 0'
(
    export JUMP_DIR=$PWD/e/jump JUMP_LIB=libcv
    $JCC -O2 -c cva.c -o e/cva.o && $JCC -O2 -c cvb.c -o e/cvb.o || exit 1
    cd e && mkimage -l "$PWD/lib/libcv" -v 1.1.0 -a $ORG -j 0x1000 -g 0x1000 -- cva.o cvb.o -lc
) >e.mkimage.out 2>&1 && fail "mkimage accepted a variable larger than its reserve"
expect_in e.mkimage.out "variable 'cv_count' is 12 bytes but jump.vars reserves 8"
# With the reserve raised to 12, every later variable moves.
sed -i 's/^00000008 D cv_count/0000000c D cv_count/' e/jump/jump.vars
cvbuild "$PWD/e" 1.1.0
against e 1.1.0 12 e.out
expect_in e.out \
    "incompatible: variable 'cv_count' is now 12 bytes, more than the 8 the old library reserved [var:cv_count]" \
    "incompatible: variable 'cv_label' moved from $(printf '0x%x' $((data + 8))) to $(printf '0x%x' $((data + 12))) [var:cv_label]" \
    "incompatible: variable 'cv_flag' moved from $(printf '0x%x' $((data + 24))) to $(printf '0x%x' $((data + 28))) [var:cv_flag]" \
    "3 incompatible, 1 compatible, 0 waived"
refused "$PWD/e" cv_label

# F: a variable appended, with a function that reads it.
newver "$PWD/f"
printf '00000004 D cv_extra\tlibcv\tcvx\n' >>f/jump/jump.vars
printf '00000000 T cv_getextra\tlibcv\tcvx\n' >>f/jump/jump.funcs
gvar f 4 cv_extra 4 '\t.long 7'
SRCS="cva.c cvb.c cvx.c" cvbuild "$PWD/f" 1.1.0
against f 1.1.0 4 f.out
expect_in f.out "compatible: cell 5 'cv_extra' added [cell:5]" \
    "compatible: slot 8 'cv_getextra' added [slot:8]" "0 incompatible, 3 compatible, 0 waived"
runs_ok "$PWD/f"
# A program of 1.1 uses the new variable and function.
cat >new.c <<'C'
#include <stdio.h>
extern int cv_extra;
int cv_getextra(void);
int main(void) { cv_extra++; printf("%d %d\n", cv_extra, cv_getextra()); return 0; }
C
gcc $M -no-pie -o new new.c f/libcv.sa || fail "linking new"
JUMP_LIBRARY_PATH=$PWD/f/lib run 0 new.out exe ./new
expect_eq "$(cat new.out)" "8 8" "the 1.1 program's use of cv_extra"

# K: cv_flag made a constant (K): it keeps its address, but the library may now fold its
# value, so the old program's writes would no longer reach it (issue I).
newver "$PWD/k"
sed -i 's/^00000004 D cv_flag/00000004 K cv_flag/' k/jump/jump.vars
grep -q "^00000004 K cv_flag" k/jump/jump.vars || fail "editing jump.vars for k"
cvbuild "$PWD/k" 1.1.0
against k 1.1.0 12 k.out
expect_in k.out "incompatible: variable 'cv_flag' changed from data to a constant (K) [kind:cv_flag]"
nm k/libcv.sa | grep -q " __JUMP_CONST_cv_flag$" || fail "the stub does not mark cv_flag constant"
(cd k && JUMP_DIR=$PWD/nodir mkcompat -v libcv.sa >k.vars 2>/dev/null) || fail "mkcompat -v for k"
grep -q "^00000004 K cv_flag" k/k.vars || fail "mkcompat does not restore K: $(cat k/k.vars)"
# A stale diverted definition left by an earlier jump.vars (a _GCMN_ beside cv_label's
# _GVAR_): mkimage removes it, saying so, instead of stopping (issue I).
newver "$PWD/st"
cp st/jump/_GVAR_2.s st/jump/_GCMN_2.s
cvbuild "$PWD/st" 1.1.0
expect_in st/mkimage.out "st/jump/jump.vars:2: warning: removed $PWD/st/jump/_GCMN_2.s, a stale diverted definition"
[ ! -e st/jump/_GCMN_2.s ] || fail "the stale _GCMN_2.s is still there"
exit 0
