# Variables (D, C, K; U and __DUMMY__ keep their offsets), GOT cells, the library record read
# back by a linked program, dependencies (jump.undefs, the needs column) pulling another
# stub's descriptor, -u, one loader for two stubs, --aout-names.
. "$TOP/tests/e2e/stubs.sh"
fake_loader "$PWD/ldr"
export JUMP_LIBDIR=$PWD/ldr

# libdep 2.1.3 at 0x6a400000.
mkdir -p dep/jump xyz/jump
printf '00000000 T depf libdep d1\n' >dep/jump/jump.funcs
(cd dep && JUMP_DIR=$PWD/jump mkstubs -l /opt/dep/lib/libdep -v 2.1.3 -a 0x6a400000 -m $ARCH -- libdep >out) ||
    fail "libdep stub"

export JUMP_DIR=$PWD/xyz/jump
cat >xyz/jump/jump.funcs <<'J'
00000000 T foo libxyz objA
00000000 T bar libxyz objB libdep_2
J
cat >xyz/jump/jump.vars <<'J'
00000004 D var1      libxyz objB
00000010 C cvar      libxyz objA
00000008 U oldvar    libxyz objA
00000004 U __DUMMY__ libxyz objA
00000020 K kon       libxyz objC
J
printf '00000000 D __NEEDS_SHRLIB_libdep_2 libxyz libxyz\t# dir /opt/dep/lib\n' >xyz/jump/jump.undefs
origin=$((0x6a380000))
(cd xyz && mkstubs -l /usr/local/lib/libxyz -v 1.2 -a 0x6a380000 -j 1024 -g 1024 -m $ARCH -u depf \
    -- libxyz >out) || fail "libxyz stub"
expect_eq "$(cat xyz/out)" "libxyz.sa: __libxyz_1_2, objA, objB, objC, cvar, sequencing, done" "progress"
got=$((origin + 1024))
data=$(((got + 1024 + 4095) / 4096 * 4096))
sa=xyz/libxyz.sa
expect_eq "$(nmval $sa var1)" $data "var1 (offset 0)"
expect_eq "$(nmval $sa cvar)" $((data + 4)) "cvar (offset 4)"
expect_eq "$(nmval $sa kon)" $((data + 32)) "kon (offset 32, after U and __DUMMY__)"
expect_eq "$(nmval $sa __GOT_var1)" $((got + 2 * PS)) "__GOT_var1 (cell 2)"
expect_eq "$(nmval $sa __GOT_cvar)" $((got + 3 * PS)) "__GOT_cvar (cell 3)"
expect_eq "$(nmval $sa __GOT_kon)" $((got + 6 * PS)) "__GOT_kon (cell 6)"
expect_eq "$(nmval $sa __LAST_DATA_ADDRESS)" $((data + 64)) "__LAST_DATA_ADDRESS"
nm -S $sa 2>/dev/null | grep -q "^$(hexv $((data + 4))) $(hexv 16) V \(__JUMP_ADDR_\)\?cvar\$" ||
    fail "cvar size 16, weak object"
nm $sa | grep -q ' oldvar$' && fail "a withdrawn variable must not be defined"
if [ $PS = 8 ]; then
    # x86-64: objB's variable is a member of its own (same name, after the functions'), so
    # that a program holds a copy of var1 only if it refers to it.
    expect_eq "$(ar t $sa | tr '\n' ' ')" "__libxyz.o __jump_loader.o objA.o objB.o objB.o objC.o cvar.o " "members"
    mkdir -p m1 m2
    (cd m1 && ar xN 1 ../$sa objB.o) && (cd m2 && ar xN 2 ../$sa objB.o) || fail "ar xN objB.o"
    expect_eq "$(nm --defined-only m1/objB.o | awk '{ print $3 }' | grep -v '^__JUMP' | tr '\n' ' ')" "bar " "objB.o (1) defines"
    expect_eq "$(nm --defined-only m2/objB.o | awk '{ print $3 }' | grep -v '^__JUMP' | tr '\n' ' ')" "var1 " "objB.o (2) defines"
    nm m2/objB.o | grep -q ' U __NEEDS_SHRLIB_libdep_2$' && fail "var1 needs nothing: only bar needs libdep_2"
else
    expect_eq "$(ar t $sa | tr '\n' ' ')" "__libxyz.o __jump_loader.o objA.o objB.o objC.o cvar.o " "members"
fi
nm -A $sa 2>/dev/null | grep -q 'objB.o: *U __NEEDS_SHRLIB_libdep_2$' || fail "objB needs libdep_2"
nm -A $sa 2>/dev/null | grep -q '__libxyz.o: *U depf$' || fail "-u depf"
nm -A $sa 2>/dev/null | grep -q '__libxyz.o: *U __NEEDS_SHRLIB_libdep_2$' || fail "descriptor needs libdep"

cat >prog.c <<'C'
#include <stdint.h>
#include <stdio.h>
extern const uintptr_t __start_jump_libs[], __stop_jump_libs[];
extern int var1, cvar;
extern char kon[];
extern void bar(void);
int main(void)
{
    printf("%p %p %p %p\n", (void *)&var1, (void *)&cvar, (void *)kon, (void *)bar);
    for (const uintptr_t *r = __start_jump_libs; r < __stop_jump_libs; r += 14) {
        printf("%lx %lu %s|%s|%s %lx %lx %lu %lx", (unsigned long)r[0], (unsigned long)r[1],
               (char *)r[2], (char *)r[3], (char *)r[4], (unsigned long)r[5], (unsigned long)r[6],
               (unsigned long)r[7], (unsigned long)r[8]);
        for (const uintptr_t *n = (const uintptr_t *)r[9]; *n; n++)
            printf(" needs %s", (char *)*n);
        /* overrides: how many, and whether the table is there; then the unused words */
        printf(" %lu %s", (unsigned long)r[10], r[11] ? "table" : "none");
        /* the layout digest (checked exactly by the unit test), then where each needed
         * library is installed, as jump.undefs said (JR_NEEDDIRS) */
        printf(" %s", r[12] ? "digest" : "none");
        if (r[13])
            for (const uintptr_t *n = (const uintptr_t *)r[9], *d = (const uintptr_t *)r[13]; *n; n++, d++)
                printf(" in %s", *d ? (char *)*d : "(unknown)");
        else
            printf(" 0");
        printf("\n");
    }
    return 0;
}
C
gcc $M -no-pie prog.c $sa dep/libdep.sa -o prog || fail "link"
# -u depf: the descriptor's reference pulls libdep's member defining depf, as ld -u would.
expect_eq "$(nmval prog depf)" $((0x6a400008)) "depf pulled in by -u"
expect_eq "$(nm prog | grep -c ' __jump_loader_1$')" 1 "one loader for two stubs"
exe ./prog >run.out || fail "run"
# The program reaches bar through its entry in the program; on x86-64 it holds copies
# of the variables (i386 programs use the image's addresses themselves).
pv() { printf '0x%x' "0x$(nm prog | awk -v n="$1" '$3 == n { print $1; exit }')"; }
if [ $ARCH = x86_64 ]; then
    want="$(pv var1) $(pv cvar) $(pv kon) $(pv bar)"
    [ "$(pv var1)" != "$(printf '0x%x' $data)" ] || fail "var1 must be the program's copy"
else
    want="$(printf '0x%x 0x%x 0x%x' $data $((data + 4)) $((data + 32))) $(pv bar)"
fi
expect_eq "$(sed -n 1p run.out)" "$want" "addresses in the program"
# One record per library (the dependency's pulled in by __NEEDS_SHRLIB_libdep_2), in any order.
sed 1d run.out | sort >records
magic=4a524543
expect_eq "$(cat records)" \
"$magic 2 libdep.so.2|DLL Jump 2.1pl3|/opt/dep/lib 6a400000 $(printf %x $(((2 << 16) + 103))) 0 0 1 table digest 0
$magic 2 libxyz.so.1|DLL Jump 1.2|/usr/local/lib 6a380000 $(printf %x $(((1 << 16) + 200))) 0 0 needs libdep.so.2 5 table digest in /opt/dep/lib" \
    "library records"

# --aout-names: control files with a.out names.
mkdir -p aout/jump
printf '00000000 T _afunc libaout objA\n00000000 T _bfunc libaout objA\n' >aout/jump/jump.funcs
(cd aout && JUMP_DIR=$PWD/jump mkstubs -l libaout -v 1.0 -a 0x6a500000 -m $ARCH --aout-names -- libaout >out) ||
    fail "aout stub"
expect_eq "$(nmval aout/libaout.sa bfunc)" $((0x6a500000 + 16)) "a.out name _bfunc is bfunc"
# An image name without a directory records an empty directory.
ar p aout/libaout.sa __libaout.o >d.o
objcopy -O binary -j .rodata d.o ro.bin
printf 'libaout.so.1\0DLL Jump 1.0\0\0' | cmp - ro.bin || fail "strings: soname, desc, empty dir"
exit 0
