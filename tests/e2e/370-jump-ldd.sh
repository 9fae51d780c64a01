# 370-jump-ldd: real programs linked against a real stub, listed without running main;
# programs without the jump loader are not run; several programs get headers.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/verify.sh"

write_library
vbuild "$PWD/a" jump.funcs.orig
mkdir -p lib && cp a/libxyz.so.1.0.0 lib/ && ln -s libxyz.so.1.0.0 lib/libxyz.so.1
# A second library, stub only (its image is nowhere): "not found".
mkdir -p b/jump && printf '00000000 T abc_get\tlibabc\tabc\n' >b/jump/jump.funcs
(cd b && JUMP_DIR=$PWD/jump mkstubs -m $ARCH -l /opt/none/libabc -v 2.1 -a 0x62000000 -- libabc >/dev/null) ||
    fail "mkstubs libabc"

# Every program would leave a file "ran-NAME" if its main ran.
cat >prog.c <<'C'
#include <stdio.h>
int xyz_sum(int, int);
int main(int argc, char **argv) { fclose(fopen("ran-prog", "w")); return xyz_sum(argc, 1) == 0 && argv; }
C
cat >two.c <<'C'
#include <stdio.h>
int xyz_sum(int, int);
int abc_get(void);
int main(void) { fclose(fopen("ran-two", "w")); return xyz_sum(1, 2) + abc_get(); }
C
gcc $M -no-pie -o prog prog.c a/libxyz.sa || fail "link prog"
gcc $M -no-pie -static -o prog-static prog.c a/libxyz.sa || fail "link prog-static"
gcc $M -no-pie -o two two.c a/libxyz.sa b/libabc.sa || fail "link two"

run 0 l1.out env JUMP_LIBRARY_PATH=$PWD/lib jump-ldd ./prog
printf '\tlibxyz.so.1 (DLL Jump 1.0) => %s/lib/libxyz.so.1\n' "$PWD" >want.out
diff -u want.out l1.out || fail "jump-ldd ./prog"
run 0 l2.out env JUMP_LIBRARY_PATH=$PWD/lib jump-ldd prog-static
diff -u want.out l2.out || fail "jump-ldd prog-static"
run 0 l3.out env -u JUMP_LIBRARY_PATH jump-ldd prog
printf '\tlibxyz.so.1 (DLL Jump 1.0) => not found\n' >want3.out
diff -u want3.out l3.out || fail "jump-ldd without the image"
run 0 l4.out env JUMP_LIBRARY_PATH=$PWD/lib jump-ldd two
expect_in l4.out "$(printf '\tlibxyz.so.1 (DLL Jump 1.0) => %s/lib/libxyz.so.1' "$PWD")" \
    "$(printf '\tlibabc.so.2 (DLL Jump 2.1) => not found')"
expect_eq "$(wc -l <l4.out)" 2 "lines for two"
ls ran-* 2>/dev/null && fail "a program's main ran"

# Programs that lack half of the loader, or all of it, are not run.
cat >fake1.c <<'C'
#include <stdio.h>
const int __jump_loader_1 = 1;   /* the symbol, but no jump_libs section */
int main(void) { fclose(fopen("ran-fake1", "w")); return 0; }
C
cat >fake2.c <<'C'
#include <stdio.h>
__attribute__((used, section("jump_libs"))) static const long rec[2] = {1, 2};
int main(void) { fclose(fopen("ran-fake2", "w")); return 0; }   /* no loader symbol */
C
gcc $M -no-pie -o fake1 fake1.c && gcc $M -no-pie -o fake2 fake2.c || fail "link fakes"
readelf -SW fake2 | grep -q ' jump_libs ' || fail "fake2 has no jump_libs section"
nm fake1 | grep -q ' __jump_loader_1$' || fail "fake1 has no __jump_loader_1"
echo "#!/bin/sh" >script.sh && chmod +x script.sh
for p in fake1 fake2 script.sh /bin/true; do
    run 1 n.out jump-ldd $p
    printf '\tnot a jump program\n' >wantn.out
    diff -u wantn.out n.out || fail "jump-ldd $p"
done
ls ran-* 2>/dev/null && fail "a program without the loader ran"

# Several programs: a header each, the worst status.
run 1 m.out env JUMP_LIBRARY_PATH=$PWD/lib jump-ldd prog fake1 prog-static
printf '%s\n' "prog:" "	libxyz.so.1 (DLL Jump 1.0) => $PWD/lib/libxyz.so.1" "fake1:" "	not a jump program" \
    "prog-static:" "	libxyz.so.1 (DLL Jump 1.0) => $PWD/lib/libxyz.so.1" >wantm.out
diff -u wantm.out m.out || fail "several programs"

# A bare name is a file here, not a command in PATH.
cp prog true
run 0 t.out env JUMP_LIBRARY_PATH=$PWD/lib jump-ldd true
diff -u want.out t.out || fail "jump-ldd true"
exit 0
