# 050-mkimage-registry: mkimage consults the address registry: an overlap with another
# library's registration (libX11's classic range) is refused unless forced; a range from
# `registry find`, once added, is accepted quietly; outgrowing it is a warning.
. "$TOP/tests/e2e/lib.sh"
cp "$STAGE/share/jump/registry.table" table
export JUMP_REGISTRY=$PWD/table JUMP_DIR=$PWD/jump JUMP_LIB=libr
mkdir -p jump
cat >r.c <<'C'
int r_f(int x) { return 3 * x; }
C
$JCC -c r.c -o r.o && (cd jump && getfuncs >/dev/null && rm -f jump.log) && $JCC -c r.c -o r.o || fail "compile"
img() { mkimage -l "$PWD/libr" -v 1.0.0 -j 0x1000 -g 0x1000 "$@" -- r.o -lc; }

run 1 x11.out img -a 0x60200000
expect_in x11.out "mkimage: error: libr would use 0x60200000-" "which overlaps libX11's registration 0x60200000-0x6029ffff"
[ ! -f libr.so.1.0.0 ] || fail "an image was written despite the overlap"
# A classic name is not obvious: the message says whose range it is (the table's comment).
run 1 et.out img -a 0x66800000
expect_in et.out "which overlaps libet's registration 0x66800000-0x6687ffff (libcom_err, e2fsprogs' common error-message library (et = error table); traditional: up to libss; $PWD/table:"
rm -f jump/jump.params
run 0 forced.out img -a 0x60200000 -f
expect_in forced.out "overlaps libX11's registration" "(forced)"
[ -f libr.so.1.0.0 ] || fail "-f wrote no image"
rm -f jump/jump.params libr.so.1.0.0

# Unregistered: a warning that says how to register.
range=$(registry find 0x10000) || fail "registry find"
start=${range%% *}
run 0 unreg.out img -a "$start"
expect_in unreg.out "mkimage: warning: libr is not in the registry $PWD/table; run 'registry find"
rm -f jump/jump.params

# Registered with room to spare: no warning at all.
registry add libr $range 1.0.0 >/dev/null || fail "registry add $range"
run 0 reg.out img -a "$start"
[ ! -s reg.out ] || { cat reg.out; fail "mkimage warned about a registered image"; }

# A registration smaller than the image: a warning naming both sizes.
registry remove libr >/dev/null && registry add libr "$start" $(printf '0x%x' $((start + 0xfff))) >/dev/null ||
    fail "re-registering"
run 0 small.out img -a "$start"
expect_in small.out "mkimage: warning: libr uses"

# A mkimage outside any installation, with no JUMP_REGISTRY: it says it cannot check.
mkdir -p alone/bin && cp "$STAGE/bin/mkimage" alone/bin/
rm -f jump/jump.params
JUMP_REGISTRY= run 0 alone.out alone/bin/mkimage -l "$PWD/libr" -v 1.0.0 -j 0x1000 -g 0x1000 -a "$start" -- r.o -lc
expect_in alone.out "mkimage: warning: no registry table at $PWD/alone/bin/../share/jump/registry.table: overlaps with other libraries are not checked"
