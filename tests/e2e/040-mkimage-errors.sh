# 040-mkimage-errors: every error mkimage reports, each with its exit status, and that a
# failed run leaves no image and the previous outputs intact.
. "$TOP/tests/e2e/lib.sh"
export JUMP_DIR=$PWD/jump JUMP_LIB=libe
mkdir -p jump

cat >e.c <<'C'
#include <stdio.h>
int e_one(int x) { return x + 1; }
int e_two(int x) { printf("%d\n", x); return e_one(x) * 2; }
C
$JCC -c e.c -o e.o && (cd jump && getfuncs >/dev/null && rm -f jump.log) && $JCC -c e.c -o e.o ||
    fail "compiling e.c"
img() { mkimage -l "$PWD/libe" -v 1.0.0 -a 0x62000000 -j 0x1000 -g 0x1000 "$@"; }

run 0 ok.out img -- e.o -lc
[ -f libe.so.1.0.0 ] || fail "no image written"
cp libe.so.1.0.0 good.img

# Usage errors: exit 2.
run 2 u1.out mkimage -v 1.0.0 -a 0x62000000 -- e.o
expect_in u1.out "mkimage: missing -l image" "Try 'mkimage --help'"
run 2 u2.out mkimage -l libe -a 0x62000000 -- e.o
expect_in u2.out "missing -v version"
run 2 u3.out mkimage -l libe -v 1.0.0 -- e.o
expect_in u3.out "missing -a address"
run 2 u4.out mkimage -l libe -v 1.0.0 -a 0x62000000
expect_in u4.out "no objects given (after --)"
run 2 u5.out mkimage -l libe -v 1.0.0 -a 0x62zz -- e.o
expect_in u5.out "invalid number '0x62zz' for -a"
run 2 u6.out mkimage -l libe -v 1.0.0 -a 0x62000000 -m vax -- e.o
expect_in u6.out "unknown architecture 'vax' (i386 or x86_64)"
run 2 u7.out mkimage -l libe -v 1.x -a 0x62000000 -- e.o
expect_in u7.out "mkimage: error: invalid version '1.x': expected M.m or M.m.p (minor and patch 0-99)"
run 2 u8.out mkimage -l "$PWD/" -v 1.0.0 -a 0x62000000 -- e.o
expect_in u8.out "does not name an image"
run 2 u9.out mkimage -l libe -v 1.0.0 -a 0x62000000 -- -lc
expect_in u9.out "cannot tell the architecture from the inputs: pass -m i386|x86_64"
mkimage --help >help.out || fail "--help"
expect_in help.out "Usage: mkimage -l"
mkimage --version >ver.out && expect_in ver.out "mkimage (jump toolkit)"

# Layout errors: exit 1.
run 1 l1.out img -a 0x62000800 -- e.o
expect_in l1.out "load address 0x62000800 is not page-aligned (0x1000)"
run 1 l2.out img -a 0x50000000 -- e.o
expect_in l2.out "load address 0x50000000 is below 0x60000000"
run 1 l3.out img -j 0x1800 -- e.o
expect_in l3.out "jump table size 0x1800 must be a non-zero multiple of 8, and of 0x1000 above 0x1000"
run 1 l4.out img -j 16 -- e.o
expect_in l4.out "jump table size 0x10 leaves no room for a slot"
run 1 l5.out img -g 4 -- e.o
expect_in l5.out "GOT size 0x4 must be a multiple of 8 holding at least two cells"
run 1 l6.out img -d 0x62000800 -- e.o
expect_in l6.out "data address 0x62000800 must be page-aligned and above the jump table and GOT (0x62002000)"

# Control files.
mv jump/jump.funcs funcs.save
run 2 c1.out img -- e.o
expect_in c1.out "cannot open '$JUMP_DIR/jump.funcs'"
printf '00000000 T e_one libe e\nnope T e_two libe e\n' >jump/jump.funcs
run 1 c2.out img -- e.o
expect_in c2.out "mkimage: $JUMP_DIR/jump.funcs:2: error: invalid size for symbol 'e_two'"
mv funcs.save jump/jump.funcs
printf '00000004 D e_counter libe e\n' >jump/jump.vars
run 1 c3.out img -- e.o
expect_in c3.out "$JUMP_DIR/jump.vars:1: error: variable 'e_counter' has no diverted definition ($JUMP_DIR/_GVAR_1.s)"
printf '00000000 U __DUMMY__ libe e\n00000000 U __DUMMY__ libe e\n00000000 U __DUMMY__ libe e\n' >jump/jump.vars
[ "$ARCH" = i386 ] && g=16 || g=32
run 1 c4.out img -g $g -- e.o
expect_in c4.out "GOT table overflow." "3 variables need 5 cells"
rm jump/jump.vars
run 1 c5.out img -j 24 -- e.o
expect_in c5.out "Jump table overflow." "'e_two' would be slot 2; the jump table (-j 0x18) holds 1"

# jump.params: a changed parameter is refused without -f, then accepted with it.
run 1 p1.out img -a 0x62100000 -- e.o
expect_in p1.out "the load address has changed from 0x62000000 to 0x62100000" "Use -f switch to force the change."
cmp -s libe.so.1.0.0 good.img || fail "a refused run changed the image"
run 0 p2.out img -a 0x62100000 -f -- e.o
expect_in jump/jump.params "Text=0x62100000"
run 0 p3.out img -a 0x62000000 -f -- e.o

# Symbols.
cat >m.c <<'C'
double e_sin(double x) { return x; }
int e_missing(void);
int e_calls_missing(void) { return e_missing(); }
C
cp jump/jump.funcs funcs.save
printf '00000000 T e_sin libe m\n00000000 T e_calls_missing libe m\n' >>jump/jump.funcs
$JCC -c m.c -o m.o || fail "compiling m.c"
run 1 s1.out img -- e.o m.o -lc
expect_in s1.out "undefined symbol 'e_missing' (referenced by m.o): add the library that defines it"
cat >m.c <<'C'
double sin(double);
double e_sin(double x) { return sin(x); }
int e_calls_missing(void) { return 0; }
C
$JCC -c m.c -o m.o || fail "compiling m.c"
run 1 s2.out img -- e.o m.o -lc
expect_in s2.out "undefined symbol 'sin' (referenced by m.o): it is in the math library: add -lm to the inputs"
run 0 s3.out img -- e.o m.o -lc -lm
# jumpas routes C-library variables through GOT cells; code assembled without it reads
# stdout directly, which an image cannot do.
if [ "$ARCH" = i386 ]; then ld_stdout="movl stdout, %eax"; else ld_stdout="movq stdout(%rip), %rax"; fi
printf '\t.text\n\t.globl e_out__LOCAL__\ne_out__LOCAL__:\n\t%s\n\tret\n\t.section .note.GNU-stack,"",@progbits\n' \
    "$ld_stdout" >v.s
printf '00000000 T e_out libe v\n' >>jump/jump.funcs
as --${M#-m} -o v.o v.s || fail "assembling v.s"
run 1 s4.out img -- e.o m.o v.o -lc -lm
expect_in s4.out "the library uses the C library variable 'stdout' (referenced by v.o) directly: list it in jump.import"
cp funcs.save jump/jump.funcs
printf '00000000 T e_plain libe plain\n' >>jump/jump.funcs
echo 'int e_plain(void) { return 1; }' >plain.c && gcc $M -fno-pic -c plain.c -o plain.o
run 1 s5.out img -- e.o plain.o -lc
expect_in s5.out "function 'e_plain' is not defined as 'e_plain__LOCAL__' by any input: the object was not compiled by jumpas"
printf '00000000 T e_gone libe gone\n' >>jump/jump.funcs
run 1 s6.out img -- e.o -lc
expect_in s6.out "function 'e_plain' is not defined as 'e_plain__LOCAL__' by any input"
cp funcs.save jump/jump.funcs
# (jumpas refuses thread-local variables at compile time; an object compiled otherwise, as from
# a static library, meets mkimage's check.)
echo '__thread int e_tls; int e_get(void) { return e_tls; }' >tls.c && gcc $M -fno-pic -fno-pie -c tls.c -o tls.o
run 1 s7.out img -- e.o tls.o -lc
expect_in s7.out "'e_tls' is a thread-local variable: thread-local storage is not supported in a jump image"

# Things only the final link or its output reveal.
cp libe.so.1.0.0 before-failures.img
cat >if.c <<'C'
static int impl(void) { return 3; }
static int (*resolve(void))(void) { return impl; }
int e_ifunc(void) __attribute__((ifunc("resolve")));
int e_use(void) { return e_ifunc(); }
C
$JCC -c if.c -o if.o || fail "compiling if.c"
run 1 o1.out img -- e.o if.o -lc
expect_in o1.out "the image would need run-time relocation"
run 2 o2.out img -- e.o missing.o -lc
expect_in o2.out "mkimage: error: ld failed with exit status 1"
if [ "$ARCH" = x86_64 ]; then
    rm -f jump/jump.params
    run 1 o3.out mkimage -l "$PWD/libe" -v 1.0.0 -a 0x7ffff000 -j 0x800 -g 0x800 -- e.o -lc
    expect_in o3.out "above the x86_64 limit 0x80000000"
fi
cmp -s libe.so.1.0.0 before-failures.img || fail "failed runs changed the image"
# run.sh gives each scenario a TMPDIR of its own, so no other test's mkimage shows up here.
[ -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'mkimage.*' -newer good.img)" ] ||
    fail "mkimage left temporary directories behind"


# No room for scratch files.
TMPDIR=$PWD/no/such/dir run 2 tmp.out img -- e.o -lc
expect_in tmp.out "cannot create a temporary directory $PWD/no/such/dir/mkimage."
