# 513-split-images: mkimage -w (issue J). A split image keeps its jump table, GOT and text in
# one read-execute segment at the load address and its variables, data and bss in one
# read-write segment at the writable origin. Three libraries placed each right after the one
# before run from their files and from the image cache, where the loader maps the three
# neighbours with one mapping per protection; a replacement put in place without jump-ldconfig
# is loaded from its file; a program holding a copy of a variable gets it; the tools say what
# they refuse.
. "$TOP/tests/e2e/lib.sh"
unset JUMP_LIBRARY_PATH JUMP_NO_CACHE

cat >sa.c <<'C'
int sa_count = 5;
int sa_big[3000];
int sa_f(int x) { sa_big[2999] = x; return x + sa_count; }
C
cat >sb1.c <<'C'
int sb_f(int x) { return 2 * x; }
C
cat >sb2.c <<'C'
int sb_f(int x) { return 2 * x + 100; }
int sb_g(void) { return 9; }
C
cat >sc.c <<'C'
static char sc_name[] = "third";
int sc_f(void) { return (int)sizeof sc_name; }
C
# the mappings between 0x64000000 and 0x6c000000, "map start end perms", after the output
maps_h 0x64000000 0x6c000000 "map " >maps.h
cat >prog.c <<'C'
#include <string.h>
#include "maps.h"
int sa_f(int), sb_f(int), sc_f(void);
int main(int argc, char **argv)
{
    printf("sa_f(1) = %d, sb_f(2) = %d, sc_f() = %d\n", sa_f(1), sb_f(2), sc_f());
    if (argc > 1 && !strcmp(argv[1], "maps"))
        show_maps();
    return 0;
}
C
cat >copy.c <<'C'
#include <stdio.h>
extern int sa_count;
int sa_f(int);
int main(void) { sa_count = 40; printf("sa_f(1) = %d\n", sa_f(1)); return 0; }
C

# split DIR NAME VERSION TEXT WRITABLE SRC: a split library
split() {
    MKIMAGE_OPTS="-j 0x1000 -g 0x1000 -w $5" mkjump "$1" "$2" "$3" "$4" "$6"
}
T0=0x64000000 W0=0x6a000000
split "$PWD/A" libsa 1.0.0 $T0 $W0 sa.c
img=A/lib/libsa.so.1.0.0
readelf -lW $img >a.phdrs
[ "$(grep -c ' LOAD ' a.phdrs)" = 2 ] || { cat a.phdrs; fail "a split image has two PT_LOADs"; }
# "vaddr flags" of each PT_LOAD (readelf pads addresses to the class's width)
expect_eq "$(awk '$1 == "LOAD" { v = $3; sub(/^0x0*/, "", v); f = ""; for (i = 7; i < NF; i++) f = f $i; print v, f }' a.phdrs)" \
    "64000000 RE
6a000000 RW" "read-execute part at the load address, read-write part at the writable origin"
grep -q "^Writable=0x6a000000$" A/jump/jump.params || fail "jump.params records the writable origin"
# the variables at their jump.vars offsets from the writable origin
off=0
while read -r size _ name _; do
    [ "$name" = sa_count ] && break
    off=$((off + 0x$size))
done <A/jump/jump.vars
expect_eq "$(nm $img | awk '$3 == "sa_count" { sub(/^0*/, "", $1); print $1 }')" "$(printf '%x' $((0x6a000000 + off)))" "sa_count at its offset in the writable part"
read -r tb wb < <(parts_end $img 4096 $W0)
split "$PWD/B" libsb 1.0.0 $tb $wb sb1.c
read -r tc wc < <(parts_end B/lib/libsb.so.1.0.0 4096 $wb)
split "$PWD/C" libsc 1.0.0 $tc $wc sc.c
read -r tend wend < <(parts_end C/lib/libsc.so.1.0.0 4096 $wc)

# the tools read split images and stubs
run 0 v.out verify-shlib -l $img A/libsa.sa
expect_in v.out "Used address ranges 0x64000000-0x" " and 0x6a000000-0x"
run 0 i.out libinfo A/libsa.sa
expect_in i.out "Used address ranges 0x64000000-... and 0x6a000000-"

mkdir inst && cp A/lib/libsa.so.1.0.0 B/lib/libsb.so.1.0.0 C/lib/libsc.so.1.0.0 inst/
gcc $M -o prog prog.c A/libsa.sa B/libsb.sa C/libsc.sa || fail "linking prog"
gcc $M -o copyprog copy.c A/libsa.sa || fail "linking copyprog"
export JUMP_LIBRARY_PATH=$PWD/inst
run 0 ldc.out jump-ldconfig -n inst
want="sa_f(1) = 6, sb_f(2) = 4, sc_f() = 6"

# From the files: two mappings per image (the writable part grows past its file: bss).
JUMP_NO_CACHE=1 run 0 f.out exe ./prog maps
expect_in f.out "$want"
# From the cache: the three neighbours' read-only parts in one mapping, their writable parts
# in another, exactly the ranges the images cover.
JUMP_TRACE_CACHE=1 run 0 c.out exe ./prog maps
expect_in c.out "$want" "jump: libsa.so.1: $PWD/inst/jump.cache: from the cache" \
    "jump: libsc.so.1: $PWD/inst/jump.cache: from the cache"
if ! emulated; then
    expect_eq "$(grep '^map ' c.out)" "map 64000000 ${tend#0x} r-x
map 6a000000 ${wend#0x} rw-" "the mappings of the three images from the cache"
    [ "$(grep -c '^map ' f.out)" -gt 2 ] || { cat f.out; fail "from the files, one mapping per part at least"; }
fi
# A zoned entry whose headers put libsa's first segment past the end of the cache: refused,
# naming the cache and the ways out, as any damaged copy.
cp inst/jump.cache cache.good
count=$(od -An -tu4 -j 12 -N 4 inst/jump.cache | tr -d ' ')
for ((i = 0; i < count; i++)); do
    [ "$(dd if=inst/jump.cache bs=1 skip=$((48 + i * 176 + 8)) count=64 2>/dev/null | tr -d '\0')" = libsa.so.1 ] && break
done
head_at=$(od -An -tu8 -j $((48 + i * 176 + 136)) -N8 inst/jump.cache | tr -d ' ')
if [ $PS = 8 ]; then
    phoff=$(od -An -tu8 -j $((head_at + 32)) -N8 inst/jump.cache | tr -d ' ') field=8
else
    phoff=$(od -An -tu4 -j $((head_at + 28)) -N4 inst/jump.cache | tr -d ' ') field=4
fi
printf '\377\377\377\177' | dd of=inst/jump.cache bs=1 seek=$((head_at + phoff + field)) conv=notrunc 2>/dev/null
run 127 dmg.out exe ./prog
expect_in dmg.out "can't load library '$PWD/inst/libsa.so.1'" \
    "(its copy in $PWD/inst/jump.cache: run jump-ldconfig on that directory, or set JUMP_NO_CACHE=1)"
JUMP_NO_CACHE=1 run 0 dmg2.out exe ./prog
expect_in dmg2.out "$want"
cp cache.good inst/jump.cache

# A program holding a copy of sa_count (x86-64) or writing the library's own: either way the
# library sees the value.
run 0 cp.out exe ./copyprog
expect_in cp.out "sa_f(1) = 41"
JUMP_NO_CACHE=1 run 0 cp2.out exe ./copyprog
expect_in cp2.out "sa_f(1) = 41"

# libsb 1.1.0 at the same two addresses put in place by hand: its file, not the copy; the
# other two still from the cache.
cp -r B B2 && (cd B2/jump && printf '00000000 T sb_g libsb sb2\n' >>jump.funcs)
split "$PWD/B2" libsb 1.1.0 $tb $wb sb2.c
cp B2/lib/libsb.so.1.1.0 inst/ && ln -sfn libsb.so.1.1.0 inst/libsb.so.1
JUMP_TRACE_CACHE=1 run 0 r.out exe ./prog maps
expect_in r.out "sa_f(1) = 6, sb_f(2) = 104, sc_f() = 6" \
    "jump: libsb.so.1: $PWD/inst/jump.cache: the image file changed since jump-ldconfig wrote the cache: the file" \
    "jump: libsc.so.1: $PWD/inst/jump.cache: from the cache"
run 0 ldc2.out jump-ldconfig -n inst
JUMP_TRACE_CACHE=1 run 0 r2.out exe ./prog maps
expect_in r2.out "sa_f(1) = 6, sb_f(2) = 104, sc_f() = 6" "jump: libsb.so.1: $PWD/inst/jump.cache: from the cache"
if ! emulated; then
    expect_eq "$(grep -c '^map ' r2.out)" 2 "the replacement is a neighbour again once cached"
fi

# The article's workflow through Shared.inc with SL_WRITABLE_ADDRESS (demo.sh): 1.0.0, then
# 1.1.0 from the saved control files, which the 1.0.0 program runs.
ARCH=$ARCH STAGE=$STAGE SL_WRITABLE_ADDRESS=0x6a3c0000 "$TOP/examples/libxyz/demo.sh" "$PWD/demo" >demo.out 2>&1 ||
    { cat demo.out; fail "demo.sh with SL_WRITABLE_ADDRESS failed"; }
expect_in demo.out "Used address ranges 0x6a380000-0x" " and 0x6a3c0000-0x" \
    "The stub library and the sharable libraries have identical symbols." \
    "the program built against 1.0.0, not relinked, now runs the 1.1.0 image" "hello, world, from libxyz 1.1.0"
grep -q "^Writable=0x6a3c0000$" demo/libxyz-1.1.0/jump/jump.params || fail "Shared.inc passed -w to mkimage"
expect_eq "$(readelf -lW demo/lib/libxyz.so.1.1.0 | awk '$1 == "LOAD" { v = $3; sub(/^0x0*/, "", v); print v }' | tail -n 1)" \
    6a3c0000 "the 1.1.0 image's writable part"

# Refusals: -w with -d, unaligned, below the GOT, under the text; a changed -w without -f.
cd A
export JUMP_DIR=$PWD/jump JUMP_LIB=libsa
refused() { # STATUS TEXT -- CMD...: exit status STATUS, TEXT in the error
    local want=$1 text=$2
    shift 3
    expect "$want" "" -- "$@"
    grep -qF -- "$text" err.txt || { cat err.txt; fail "'$*': missing '$text'"; }
}
refused 2 "-d and -w exclude each other" -- mkimage -l libsa -v 1.0.0 -a $T0 -j 0x1000 -g 0x1000 -d 0x6b000000 -w $W0 -- sa.o -lc
refused 2 "-F aout cannot hold a split image (-w): an a.out image is one range" -- \
    mkimage -l libsa -v 1.0.0 -a $T0 -j 0x1000 -g 0x1000 -w $W0 -F aout -- sa.o -lc
refused 1 "writable origin 0x6a000804 must be a multiple of 16 on a page above the jump table and GOT (0x64002000)" -- \
    mkimage -l libsa -v 1.0.0 -a $T0 -j 0x1000 -g 0x1000 -w 0x6a000804 -- sa.o -lc
refused 1 "writable origin 0x64001000 must be a multiple of 16 on a page above" -- mkimage -l libsa -v 1.0.0 -a $T0 -j 0x1000 -g 0x1000 -w 0x64001000 -- sa.o -lc
refused 2 "the image's read-only part runs into the page of its writable origin 0x64002000: move -w up" -- mkimage -f -l libsa -v 1.0.0 -a $T0 -j 0x1000 -g 0x1000 -w 0x64002000 -- sa.o -lc
refused 1 "the writable origin has changed from 0x6a000000 to 0x6b000000" -- \
    mkimage -l libsa -v 1.0.0 -a $T0 -j 0x1000 -g 0x1000 -w 0x6b000000 -- sa.o -lc
grep -q "^Writable=0x6a000000$" jump/jump.params || fail "a refused build left jump.params as it was"
exit 0
