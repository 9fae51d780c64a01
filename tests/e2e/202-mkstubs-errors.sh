# Every mkstubs error: usage, bad -v, unknown arch, no architecture, missing jump.funcs, bad
# jump.undefs, overflows, jump.params mismatch (and -f), missing loader, images that are not
# jump images or are of the other architecture; a failed run leaves the old stub intact.
. "$TOP/tests/e2e/stubs.sh"
fake_loader "$PWD/ldr"
export JUMP_LIBDIR=$PWD/ldr JUMP_DIR=$PWD
printf '00000000 T a libxyz o\n00000000 T b libxyz o\n00000000 T c libxyz o\n' >jump.funcs
ok=(-l libxyz -v 1.0 -a 0x6a380000 -j 1024 -g 1024 -m $ARCH)
run 0 out mkstubs "${ok[@]}" -- libxyz
cp libxyz.sa good.sa
same() { cmp -s good.sa libxyz.sa || fail "a failed run changed libxyz.sa"; }

run 2 out mkstubs -l libxyz -v 1.x -a 0x6a380000 -m $ARCH -- libxyz
expect_in out "invalid version '1.x': expected M.m or M.m.p (minor and patch 0-99)"
run 2 out mkstubs -l libxyz -v 1.100 -a 0x6a380000 -m $ARCH -- libxyz
expect_in out "invalid version '1.100'"
run 2 out mkstubs -l libxyz -v 1.0 -a 0x6a380000 -m vax -- libxyz
expect_in out "unknown architecture 'vax' (i386 or x86_64)"
run 2 out mkstubs -l libxyz -v 1.0 -a 0x6a380000 -- libxyz
expect_in out "cannot tell the architecture: build the image libxyz.so.1.0 first or pass -m i386|x86_64"
run 2 out mkstubs -l libxyz -v 1.0 -a junk -m $ARCH -- libxyz
expect_in out "invalid number 'junk' for -a"
run 2 out mkstubs -v 1.0 -a 0x6a380000 -- libxyz
expect_in out "missing -l image"
run 2 out mkstubs -l libxyz -a 0x6a380000 -- libxyz
expect_in out "missing -v version"
run 2 out mkstubs -l libxyz -v 1.0 -- libxyz
expect_in out "missing -a address"
run 2 out mkstubs -l libxyz -v 1.0 -a 0x6a380000 -m $ARCH
expect_in out "no stub names given (after --)"
run 2 out mkstubs -l /usr/lib/ -v 1.0 -a 0x6a380000 -m $ARCH -- libxyz
expect_in out "invalid image name '/usr/lib/': no file name after the directory"
run 2 out mkstubs "${ok[@]}" -- sub/
expect_in out "invalid stub name 'sub/'"
run 1 out mkstubs -l libxyz -v 1.0 -a 0x6a380001 -m $ARCH -- libxyz
expect_in out "load address 0x6a380001 is not page-aligned"
same

# Control files.
run 2 out env JUMP_DIR=$PWD/nowhere mkstubs "${ok[@]}" -- libxyz
expect_in out "cannot open '$PWD/nowhere/jump.funcs'"
(mkdir -p nodir && cd nodir && cp ../jump.funcs . && env -u JUMP_DIR mkstubs "${ok[@]}" -- libxyz >out 2>&1) ||
    fail "JUMP_DIR unset"
expect_in nodir/out "JUMP_DIR is not set; using the current directory"
printf '00000000 D __NEEDS_SHRLIB_libc libxyz x\n' >jump.undefs
run 1 out mkstubs "${ok[@]}" -- libxyz
expect_in out "jump.undefs:1:" "'__NEEDS_SHRLIB_libc' is not of the form __NEEDS_SHRLIB_<lib>_<major>"
rm jump.undefs
run 1 out mkstubs -l libxyz -v 1.0 -a 0x6a380000 -j 32 -g 1024 -m $ARCH -- libxyz
expect_in out "Jump table overflow." "jump.funcs:3:" "'c' would be slot 3; the jump table (-j 0x20) holds 2"
for i in 1 2 3 4 5 6 7; do printf '00000004 D v%d libxyz o\n' $i; done >jump.vars
cells=$((32 / PS))
run 1 out mkstubs -l libxyz -v 1.0 -a 0x6a380000 -j 1024 -g 32 -m $ARCH -- libxyz
expect_in out "GOT table overflow." "jump.vars:$((cells - 1)):" "'v$((cells - 1))' would be cell $cells; the GOT (-g 0x20) holds $cells cells, 2 of them reserved"
rm jump.vars
same

# jump.params: a change needs -f.
run 1 out mkstubs -l libxyz -v 1.0 -a 0x6a390000 -j 2048 -g 1024 -m $ARCH -- libxyz
expect_in out "the load address has changed from 0x6a380000 to 0x6a390000" \
    "the jump table size has changed from 0x400 to 0x800" "Use -f switch to force the change."
same
expect_in jump.params "Text=0x6a380000"
run 0 out mkstubs -l libxyz -v 1.0 -a 0x6a390000 -j 2048 -g 1024 -m $ARCH -f -- libxyz
expect_in jump.params "Text=0x6a390000" "Jump=0x00000800"
expect_eq "$(stubaddr libxyz.sa a)" "$(hexv $((0x6a390000 + 8)))" "-f: new addresses"
cp libxyz.sa good.sa
# A new version with the same parameters is fine.
run 0 out mkstubs -l libxyz -v 1.1 -a 0x6a390000 -j 2048 -g 1024 -m $ARCH -- libxyz
expect_in jump.params "Version=1.1"
cp libxyz.sa good.sa

# The loader object.
run 2 out env JUMP_LIBDIR=$PWD/none mkstubs -l libxyz -v 1.1 -a 0x6a390000 -j 2048 -g 1024 -m $ARCH -- libxyz
expect_in out "missing loader object $PWD/none/loader-$ARCH.o"
same

# Images mkstubs cannot use.
echo 'int main(void) { return 0; }' >x.c
gcc $M x.c -o libxyz.so.1.1 || fail "gcc"
run 1 out mkstubs -l libxyz -v 1.1 -a 0x6a390000 -j 2048 -g 1024 -- libxyz
expect_in out "libxyz.so.1.1: not a jump image (no JUMP note)"
if [ $ARCH = i386 ]; then other=-m64 oname=x86_64; else other=-m32 oname=i386; fi
gcc $other x.c -o libxyz.so.1.1 || fail "gcc $other"
run 1 out mkstubs -l libxyz -v 1.1 -a 0x6a390000 -j 2048 -g 1024 -m $ARCH -- libxyz
expect_in out "libxyz.so.1.1 is an $oname image, but -m says $ARCH"
echo garbage >libxyz.so.1.1
run 1 out mkstubs -l libxyz -v 1.1 -a 0x6a390000 -j 2048 -g 1024 -m $ARCH -- libxyz
expect_in out "libxyz.so.1.1: not an ELF file"
same
exit 0
