# mkstubs with -m (no image): member order, progress line, every T symbol at origin + 8*index,
# nothing for t/U/__DUMMY__, a program linked against the stub sees the slot address,
# deterministic bytes, jump.params written.
. "$TOP/tests/e2e/stubs.sh"
export JUMP_DIR=$PWD/jump
mkdir -p jump
fake_loader "$PWD/ldr"
export JUMP_LIBDIR=$PWD/ldr
cat >jump/jump.funcs <<'J'
# index: 1 foo, 2 helper, 3 gone, 4 dummy, 5 bar, 6 baz, 7 other
00000000 T foo      libxyz objA
00000000 t helper   libxyz objA
00000000 U gone     libxyz objB
00000000 U __DUMMY__ libxyz objB
00000000 T bar      libxyz objB
00000000 T baz      libxyz objA
00000000 T other    libother objC
J
origin=0x6a380000
run 0 out mkstubs -l /usr/local/lib/libxyz -v 1.0 -a $origin -j 1024 -g 1024 -m $ARCH -- libxyz
expect_eq "$(cat out)" "libxyz.sa: __libxyz_1_0, objA, objB, sequencing, done" "progress"
expect_eq "$(ar t libxyz.sa | tr '\n' ' ')" "__libxyz.o __jump_loader.o objA.o objB.o " "members"

# Slots, computed here: origin + 8*index.
for fi in foo:1 bar:5 baz:6; do
    f=${fi%:*} i=${fi#*:}
    expect_eq "$(stubaddr libxyz.sa "$f")" "$(hexv $((origin + 8 * i)))" "$f at slot $i"
    expect_eq "$(nmval libxyz.sa __PLT_$f)" $((origin + 8 * i)) "__PLT_$f"
done
nm libxyz.sa >nm.out
for f in helper gone __DUMMY__ other; do
    grep -q " $f\$" nm.out && fail "$f must not be in the stub"
done
expect_eq "$(nmval libxyz.sa __NEEDS_SHRLIB_libxyz_1)" $((1 << 16)) "version word"
expect_eq "$(nmval libxyz.sa __PLT_SIZE)" 1024 "__PLT_SIZE"
expect_eq "$(nmval libxyz.sa __GOT_SIZE)" 1024 "__GOT_SIZE"
# Each objfile member pulls the descriptor in.
expect_eq "$(nm -A libxyz.sa 2>/dev/null | grep -c 'U __libxyz_1_0$')" 2 "descriptor references"
expect_in jump/jump.params "Name=libxyz" "Text=0x6a380000" "Jump=0x00000400" "GOT=0x00000400" "Version=1.0"

# A program that takes the address of bar (not calling it: there is no image): its entry in
# the program, which the stub's member put there for slot 5.
cat >prog.c <<'C'
#include <stdio.h>
extern void bar(void);
int main(void) { printf("%p\n", (void *)bar); return 0; }
C
gcc $M -no-pie prog.c libxyz.sa -o prog || fail "link against the stub"
expect_eq "$(exe ./prog)" "$(printf '0x%x' "0x$(nm prog | awk '$3 == "bar" { print $1 }')")" "address of bar in the program"
expect_eq "$(stubaddr prog bar)" "$(hexv $((origin + 8 * 5)))" "bar's slot in the program"
# A definition in the program wins over the stub's weak one.
printf 'void bar(void) {}\n' >mine.c
gcc $M -no-pie prog.c mine.c libxyz.sa -o prog2 || fail "override link"
[ "$(exe ./prog2)" != "$(printf '0x%x' $((origin + 40)))" ] || fail "the program's own bar must win"

# Deterministic output.
cp libxyz.sa first.sa
run 0 out mkstubs -l /usr/local/lib/libxyz -v 1.0 -a $origin -j 1024 -g 1024 -m $ARCH -- libxyz
cmp first.sa libxyz.sa || fail "two runs differ"

# Several stubs from one control file; a stub name may carry .sa.
run 0 out mkstubs -l /usr/local/lib/libxyz -v 1.0 -a $origin -j 1024 -g 1024 -m $ARCH -- libxyz libother.sa
expect_in out "libother.sa: __libxyz_1_0, objC, sequencing, done"
expect_eq "$(stubaddr libother.sa other)" "$(hexv $((origin + 56)))" "other in libother.sa"

# The installed loader, when the toolkit has one, is found without JUMP_LIBDIR.
if [ -f "$STAGE/lib/jump/loader-$ARCH.o" ]; then
    run 0 out env -u JUMP_LIBDIR mkstubs -l /usr/local/lib/libxyz -v 1.0 -a $origin -j 1024 -g 1024 -m $ARCH -- libxyz
    ar p libxyz.sa __jump_loader.o | cmp - "$STAGE/lib/jump/loader-$ARCH.o" || fail "loader member is not the installed one"
fi
mkstubs --help | grep -q -- '-u symbol' || fail "--help"
mkstubs --version | grep -q . || fail "--version"
exit 0
