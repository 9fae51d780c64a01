# 630-compat-program: verify-shlib --program: what the 1.0 program links and refers to,
# checked against each replacement: a withdrawn function it never calls does not matter, one
# it calls does; a swapped pair it calls breaks it; a program that defines cv_mul itself
# (an override) still depends on what slot 2 means.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/compat.sh"
build10
prog_check() { run "$1" "$2" verify-shlib --program "$3" -l "$4"; }

prog_check 0 p10.out ./prog v10/lib/libcv.so.1.0.0
expect_in p10.out "0 incompatible, 0 compatible, 0 waived: v10/lib/libcv.so.1.0.0 serves, unchanged, ./prog"

# cv_old withdrawn: prog links cva.o (which defines cv_old) but never calls it; progold does.
newver "$PWD/b"
sed -i 's/^00000000 T cv_old/00000000 U cv_old/' b/jump/jump.funcs
cvbuild "$PWD/b" 1.1.0
prog_check 4 pb.out ./prog b/lib/libcv.so.1.1.0
expect_in pb.out "compatible: slot 3 'cv_old' (linked, never called) is withdrawn (the slot traps) [slot:3]" \
    "compatible: the version went up from 1.0.0 to 1.1.0 [version]" "serves, with compatible changes, ./prog"
prog_check 12 pbo.out ./progold b/lib/libcv.so.1.1.0
expect_in pbo.out "incompatible: slot 3 'cv_old' is withdrawn (the slot traps) [slot:3]" "breaks ./progold"

# cv_add and cv_mul swapped: prog calls both.
newver "$PWD/c"
{ funcs10 | sed -n 2p; funcs10 | sed -n 1p; funcs10 | sed -n '3,$p'; } >c/jump/jump.funcs
cvbuild "$PWD/c" 1.1.0
prog_check 12 pc.out ./prog c/lib/libcv.so.1.1.0
expect_in pc.out "incompatible: slot 1 'cv_add' now holds 'cv_mul' [slot:1]" \
    "incompatible: slot 2 'cv_mul' now holds 'cv_add' [slot:2]"
# progold calls neither (cva.o is linked, so both are listed, as never called).
prog_check 4 pco.out ./progold c/lib/libcv.so.1.1.0
expect_in pco.out "compatible: slot 1 'cv_add' (linked, never called) now holds 'cv_mul' [slot:1]"
expect_not_in pco.out "incompatible:"

# A program that overrides cv_mul: the loader re-points slot 2 at it, so slot 2 must still
# be cv_mul's.
cat >ovr.c <<'C'
#include <stdio.h>
int cv_add(int, int);
int cv_mul(int a, int b) { return a * b + 1000; }
int main(void) { printf("%d %d\n", cv_add(1, 2), cv_mul(2, 3)); return 0; }
C
gcc $M -no-pie -o ovr ovr.c v10/libcv.sa || fail "linking ovr"
prog_check 0 po.out ./ovr v10/lib/libcv.so.1.0.0
prog_check 12 poc.out ./ovr c/lib/libcv.so.1.1.0
expect_in poc.out "incompatible: slot 2 'cv_mul' (overridden by the program) now holds 'cv_add' [slot:2]"

# Variables: the larger GOT moves them; prog reads and writes them.
newver "$PWD/g"
cvbuild "$PWD/g" 1.1.0 -j 0x1000 -g 0x2000
prog_check 12 pg.out ./prog g/lib/libcv.so.1.1.0
expect_in pg.out "incompatible: variable 'cv_count' moved from $(printf '0x%x' $((ORG + 0x2000))) to $(printf '0x%x' $((ORG + 0x3000))) [var:cv_count]"
# The origin moved: nothing else is compared.
newver "$PWD/h"
cvbuild "$PWD/h" 1.1.0 -a 0x6b010000 -j 0x1000 -g 0x1000
prog_check 12 ph.out ./prog h/lib/libcv.so.1.1.0
expect_in ph.out "incompatible: the load address moved from 0x6b000000 to 0x6b010000 [origin]"
expect_not_in ph.out "[slot:"
# Uses inside a variable and %rip operands followed by an immediate count (issue I): a
# program that only reads cv_label[3] and stores 4 into cv_flag uses both; when they move
# (cv_count's reserve grows) it breaks, and says so.
cat >uses.c <<'C'
extern char cv_label[];
extern int cv_flag;
int main(void) { cv_flag = 4; return cv_label[3]; }
C
gcc $M -o uses uses.c v10/libcv.sa || fail "linking uses"
newver "$PWD/mv"
sed -i 's/^00000008 D cv_count/00000010 D cv_count/' mv/jump/jump.vars
grep -q "^00000010 D cv_count" mv/jump/jump.vars || fail "editing jump.vars for mv"
cvbuild "$PWD/mv" 1.1.0
prog_check 12 pu.out ./uses mv/lib/libcv.so.1.1.0
expect_in pu.out "incompatible: variable 'cv_label' moved" "incompatible: variable 'cv_flag' moved" "breaks ./uses"
expect_not_in pu.out "(linked, never used)"
# A new major: the finding, not an error.
newver "$PWD/m2"
cvbuild "$PWD/m2" 2.0.0
prog_check 12 pm.out ./prog m2/lib/libcv.so.2.0.0
expect_in pm.out "incompatible: the program was linked with libcv.so.1, the image is libcv.so.2: the major version changed [major]"
# --json for a program.
run 12 pj.out verify-shlib --program ./prog --json -l c/lib/libcv.so.1.1.0
expect_in pj.out '"program": "./prog"' '"verdict": "incompatible", "status": 12'

# Errors.
run 1 e1.out verify-shlib --program nosuch -l v10/lib/libcv.so.1.0.0
expect_in e1.out "verify-shlib: error: cannot open 'nosuch'"
cp prog stripped && strip stripped
run 1 e2.out verify-shlib --program ./stripped -l v10/lib/libcv.so.1.0.0
expect_in e2.out "verify-shlib: error: ./stripped: the program has no symbol table (was it stripped?): its names are needed"
objcopy --strip-symbol=cv_add prog noadd
run 1 e2b.out verify-shlib --program ./noadd -l v10/lib/libcv.so.1.0.0
expect_in e2b.out "verify-shlib: error: ./noadd: no symbol names the function of slot $(printf '0x%x' $((ORG + 8)))"
echo 'int main(void){return 0;}' >plain.c && gcc $M -no-pie -o plain plain.c
run 1 e3.out verify-shlib --program ./plain -l v10/lib/libcv.so.1.0.0
expect_in e3.out "verify-shlib: error: ./plain: the program has no jump_libs section: it links no jump library"
mkdir -p u/jump && printf '00000000 T u_f\tlibu\tu\n' >u/jump/jump.funcs && echo 'int u_f(void){return 1;}' >u.c
(export JUMP_DIR=$PWD/u/jump JUMP_LIB=libu; $JCC -c u.c -o u/u.o && cd u &&
    mkimage -l "$PWD/libu" -v 1.0 -a 0x6b600000 -j 0x1000 -g 0x1000 -- u.o -lc) >u.out 2>&1 || { cat u.out; fail "libu"; }
run 1 e4.out verify-shlib --program ./prog -l u/libu.so.1.0
expect_in e4.out "verify-shlib: error: ./prog does not use libu.so.1 (no library record names it)"
# The same program linked PIE (gcc's default) gets the same verdicts as linked -no-pie.
gcc $M -o pie prog.c v10/libcv.sa || fail "linking prog PIE"
file pie | grep -q "pie executable" || fail "pie is not PIE: $(file pie)"
for v in v10/lib/libcv.so.1.0.0 b/lib/libcv.so.1.1.0; do
    verify-shlib --program ./prog -l $v >nopie.out 2>&1
    s1=$?
    verify-shlib --program ./pie -l $v >pie.out 2>&1
    s2=$?
    expect_eq "$s2" "$s1" "exit status for the PIE program against $v"
    diff -u <(sed 's|\./prog|PROG|g' nopie.out) <(sed 's|\./pie|PROG|g' pie.out) || fail "PIE verdicts against $v"
done
other=$([ "$ARCH" = i386 ] && echo -m64 || echo -m32)
gcc $other -no-pie -o otherarch plain.c
run 1 e6.out verify-shlib --program ./otherarch -l v10/lib/libcv.so.1.0.0
expect_in e6.out "verify-shlib: error: ./otherarch is a"
run 2 e7.out verify-shlib --program ./prog -l v10/lib/libcv.so.1.0.0 v10/libcv.sa
expect_in e7.out "verify-shlib: --program takes no stub libraries"
exit 0
