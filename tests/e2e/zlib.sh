# zlib.sh: Debian's zlib built the way its own Makefile builds it, with the Shared.inc lines
# appended to its Makefile, tested with zlib's own static test against the stub, then
# replaced by the next patch level (sourced by e2e 090 and 515 after lib.sh). The caller may
# set ZLIB_WRITABLE (SL_WRITABLE_ADDRESS: a split image) and define zlib_first_built (its own
# checks once the first image runs).
. "$TOP/scripts/debsrc.sh"
debsrc_fetch zlib "$PWD/zlib" "${JUMP_DEBSRC_CACHE:-$TOP/$B/debsrc}" 2>why.txt || skip "$(cat why.txt)"
cd zlib
export JUMP_DIR=$PWD/jump JUMP_LIB=libz
mkdir -p jump lib
CC="gcc $M" ./configure >configure.out 2>&1 || { cat configure.out; fail "zlib's configure"; }
grep -q 'HAVE_HIDDEN' Makefile || fail "configure did not turn on hidden visibility (ZLIB_INTERNAL)"
shared_inc libz 1.2.13 0x61400000 '$(OBJC)'
[ -z "${ZLIB_WRITABLE:-}" ] || echo "SL_WRITABLE_ADDRESS = $ZLIB_WRITABLE" >>Makefile
# zlib runs its test programs through QEMU_RUN: the same way as exe.
emu="$TOP/scripts/arch-run $ARCH"
# zlib's own build and test, as upstream runs them.
run 0 ../build.out make -j2 static
run 0 ../test0.out make teststatic QEMU_RUN="$emu"
expect_in ../test0.out "*** zlib test OK ***"

run 0 ../pre1.out make pre-shlib
(cd jump && getvars && getfuncs && rm -f jump.log) >../get.out || { cat ../get.out; fail "getvars/getfuncs"; }
# The public API is exported; ZLIB_INTERNAL functions are not (jump.ignore, with the note).
for f in deflate inflate compress2 uncompress crc32 adler32 gzopen zlibVersion; do
    grep -q "^00000000 T $f	" jump/jump.funcs || fail "$f not exported"
done
for f in inflate_fast _tr_init zcalloc inflate_table; do
    grep -q " $f	" jump/jump.funcs && fail "internal $f exported"
    grep -q "^00000000 T $f	.*# hidden$" jump/jump.ignore || fail "internal $f not in jump.ignore"
done
expect_in ../get.out "getfuncs: jump table: " "leaves room to grow"
run 0 ../imp.out make shlib-import
run 0 ../pre2.out make pre-shlib
shlib_steps ../v1
cp libz.sa ../libz-1.sa

# zlib's own test programs against the stub (compiled with zlib's CC, not through jumpas).
rm -f example minigzip example.o minigzip.o
# (linked the way gcc links by default: PIE)
run 0 ../test1.out make teststatic QEMU_RUN="$emu" STATICLIB=libz.sa TEST_LDFLAGS="libz.sa"
expect_in ../test1.out "*** zlib test OK ***"
nm example | grep -q ' __jump_loader_1$' || fail "example was not linked against the stub"
[ ! -s jump/jump.log ] || fail "zlib's tests went through jumpas: $(head -n 3 jump/jump.log)"
JUMP_TRACE_LIBRARIES=1 run 0 ../trace.out exe ./example
expect_in ../trace.out "libz.so.1 (DLL Jump 1.2pl13) => $PWD/lib/libz.so.1"
# the caller's own checks of the first build (in zlib's directory)
if declare -F zlib_first_built >/dev/null; then zlib_first_built; fi

# A rebuilt image (the next patch level, from the saved control files) replaces the first one:
# the programs linked against 1.2.13 run unchanged against it.
run 0 ../pre3.out make pre-shlib SL_VERSION=1.2.14
[ ! -s jump/jump.log ] || fail "nothing should be new: $(cat jump/jump.log)"
run 0 ../shlib3.out make shlib SL_VERSION=1.2.14
run 0 ../inst3.out make shlib-install SL_VERSION=1.2.14
expect_in ../inst3.out "libz.so.1 => libz.so.1.2.14 (changed)"
run 4 ../verify3.out verify-shlib --against ../libz-1.sa -l libz.so.1.2.14 libz.sa
expect_in ../verify3.out "0 incompatible, 1 compatible, 0 waived: libz.so.1.2.14 is a compatible replacement for ../libz-1.sa"
run 0 ../old.out sh -c "echo drop-in | $emu ./minigzip | $emu ./minigzip -d"
expect_eq "$(cat ../old.out)" "drop-in" "minigzip round trip against the new image"
run 0 ../old2.out exe ./example tmpfile
JUMP_TRACE_LIBRARIES=1 run 0 ../trace2.out exe ./example
expect_in ../trace2.out "libz.so.1 (DLL Jump 1.2pl13) => $PWD/lib/libz.so.1"
