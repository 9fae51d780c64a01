# run.sh: long (started first when there are no times from an earlier run)
# A second real library on top of the first: Debian's zlib and libpng, fetched at test time,
# each built through Shared.inc the way its own Makefile builds it (zlib: configure; libpng:
# its scripts/makefile.linux), libpng's image linked against zlib's jump stub and importing
# through it. libpng's own test, pngtest, linked the way gcc links by default (PIE) against
# both stubs, reads and rewrites pngtest.png and passes; the loader maps zlib first.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/scripts/debsrc.sh"
cache=${JUMP_DEBSRC_CACHE:-$TOP/$B/debsrc}
case $cache in /*) ;; *) cache=$TOP/$cache ;; esac
debsrc_fetch zlib "$PWD/zlib" "$cache" 2>why.txt || skip "$(cat why.txt)"
debsrc_fetch libpng1.6 "$PWD/libpng" "$cache" 2>why.txt || skip "$(cat why.txt)"
top=$PWD
# jump_build DIR: the classic steps after the library's own build.
jump_build() {
    (
        cd "$1" || exit 1
        make pre-shlib && (cd jump && getvars && getfuncs && rm -f jump.log) && make shlib-import &&
            make pre-shlib &&
            (cd jump && getsize >jump.vars-new && mv jump.vars jump.vars-old && mv jump.vars-new jump.vars) &&
            make shlib && make shlib-install
    ) >"$1.log" 2>&1 || { tail -n 30 "$1.log"; fail "building $(basename "$1") through Shared.inc"; }
    expect_in "$1.log" "The stub library and the sharable libraries have identical symbols."
}

cd "$top/zlib" && mkdir -p jump lib
export JUMP_DIR=$PWD/jump JUMP_LIB=libz
CC="gcc $M" ./configure >configure.out 2>&1 || { cat configure.out; fail "zlib's configure"; }
shared_inc libz 1.2.13 0x61400000 '$(OBJC)'
run 0 ../zlib-build.out make -j2 static
jump_build "$top/zlib"

cd "$top/libpng" && mkdir -p jump lib
export JUMP_DIR=$PWD/jump JUMP_LIB=libpng16
cp scripts/makefile.linux Makefile
printf '\nCC = gcc %s\nZLIBLIB = ../zlib\nZLIBINC = ../zlib\n' "$M" >>Makefile
shared_inc libpng16 16.39.0 0x61500000 '$(OBJS)' "$top/zlib/libz.sa -lm -lc" "$top/zlib/libz.sa"
run 0 ../png-build.out make pnglibconf.h libpng.a
jump_build "$top/libpng"
grep -q "^00000000 T png_create_read_struct	" jump/jump.funcs || fail "png_create_read_struct not exported"
expect_in jump/jump.undefs "__NEEDS_SHRLIB_libz_1"

# pngtest, compiled as upstream does, linked against the two stubs.
gcc $M -I../zlib -c pngtest.c -o pngtest.o || fail "compiling pngtest"
gcc $M -o pngtest-jump pngtest.o libpng16.sa ../zlib/libz.sa -lm || fail "linking pngtest against the stubs"
nm pngtest-jump | grep -q ' __jump_loader_1$' || fail "pngtest was not linked against the stubs"
JUMP_TRACE_LIBRARIES=1 run 0 ../trace.out exe ./pngtest-jump
expect_eq "$(head -n 1 ../trace.out)" "	libz.so.1 (DLL Jump 1.2pl13) => $top/zlib/lib/libz.so.1" "zlib mapped first"
expect_in ../trace.out "libpng16.so.16 (DLL Jump 16.39) => $top/libpng/lib/libpng16.so.16"
run 0 ../pngtest.out exe ./pngtest-jump pngtest.png
expect_in ../pngtest.out "PASS (" "libpng passes test"
[ -s pngout.png ] || fail "pngtest wrote no pngout.png"
exit 0
