#!/bin/bash
# 511: the image cache (issue J). jump-ldconfig writes <dir>/jump.cache with a copy of the
# images its links point at; the loader maps an image from there while the image file is the
# one copied, and from the file otherwise: a replaced image (new file and link, or rewritten
# in place) is never shadowed by the copy, a removed one is not brought back, a damaged cache
# is left aside or named, and JUMP_NO_CACHE=1 bypasses it.
. "$TOP/tests/e2e/lib.sh"

cat >a1.c <<'C'
int a_value = 7;
int a_f(int x) { return x + a_value; }
C
cat >a2.c <<'C'
int a_value = 7;
int a_f(int x) { return x + a_value + 1000; }
int a_g(void) { return 2; }
C
cat >b.c <<'C'
int b_f(int x) { return 2 * x; }
C
cat >prog.c <<'C'
#include <stdio.h>
int a_f(int), b_f(int);
int main(void) { printf("a_f(1) = %d, b_f(2) = %d\n", a_f(1), b_f(2)); return 0; }
C
mkjump "$PWD/A" liba 1.0.0 0x61800000 a1.c
# liba 1.1.0: the same slots and variable, one function appended (a drop-in replacement)
cp -r A A2 && (cd A2/jump && printf '00000000 T a_g liba a2\n' >>jump.funcs)
mkjump "$PWD/A2" liba 1.1.0 0x61800000 a2.c
mkjump "$PWD/B" libb 1.0.0 0x61900000 b.c
# one directory holds both images, as an installation does
mkdir inst && cp A/lib/liba.so.1.0.0 B/lib/libb.so.1.0.0 inst/
gcc $M -o prog prog.c A/liba.sa B/libb.sa || fail "linking prog"
export JUMP_LIBRARY_PATH=$PWD/inst
lib=$PWD/inst

run 0 ldc1.out jump-ldconfig -v -n "$lib"
expect_eq "$(cat ldc1.out)" "$lib:
	liba.so.1 => liba.so.1.0.0 (changed)
	libb.so.1 => libb.so.1.0.0 (changed)" "jump-ldconfig -v output (the cache adds no line)"
[ -f "$lib/jump.cache" ] || fail "no jump.cache written"

# from the cache: both images, one open of the cache
JUMP_TRACE_CACHE=1 run 0 c1.out exe ./prog
expect_in c1.out "a_f(1) = 8, b_f(2) = 4" "jump: liba.so.1: $lib/jump.cache: from the cache" \
    "jump: libb.so.1: $lib/jump.cache: from the cache"
# the trace of the libraries names the image, not the cache
JUMP_TRACE_LIBRARIES=1 run 0 t1.out exe ./prog
expect_eq "$(head -n 1 t1.out)" "	liba.so.1 (DLL Jump 1.0) => $lib/liba.so.1" "trace with a cache"
JUMP_NO_CACHE=1 JUMP_TRACE_CACHE=1 run 0 c2.out exe ./prog
expect_in c2.out "a_f(1) = 8, b_f(2) = 4"
expect_not_in c2.out "from the cache"

# A new image and its link put in place by hand, without jump-ldconfig: the file, not the copy.
cp A2/lib/liba.so.1.1.0 "$lib/" && ln -sfn liba.so.1.1.0 "$lib/liba.so.1"
JUMP_TRACE_CACHE=1 run 0 c3.out exe ./prog
expect_in c3.out "a_f(1) = 1008, b_f(2) = 4" \
    "jump: liba.so.1: $lib/jump.cache: the image file changed since jump-ldconfig wrote the cache: the file" \
    "jump: libb.so.1: $lib/jump.cache: from the cache"
run 0 ldc2.out jump-ldconfig -n "$lib"
JUMP_TRACE_CACHE=1 run 0 c4.out exe ./prog
expect_in c4.out "a_f(1) = 1008, b_f(2) = 4" "jump: liba.so.1: $lib/jump.cache: from the cache"

# An image rewritten in place (same file, same size: the old version's bytes copied over it).
[ "$(stat -c %s A/lib/liba.so.1.0.0)" = "$(stat -c %s "$lib/liba.so.1.1.0")" ] ||
    echo "note: the two versions differ in size; the in-place case also changes the size"
cat A/lib/liba.so.1.0.0 >"$lib/liba.so.1.1.0"
JUMP_NOWARN=1 JUMP_TRACE_CACHE=1 run 0 c5.out exe ./prog
expect_in c5.out "a_f(1) = 8, b_f(2) = 4" "jump: liba.so.1: $lib/jump.cache: the image file changed"
cp A2/lib/liba.so.1.1.0 "$lib/" && run 0 ldc3.out jump-ldconfig -n "$lib"

# A removed image is not brought back by its copy (the directory the stub recorded is moved
# away too, so no other liba.so.1 is found).
mv "$lib/liba.so.1.1.0" "$lib/liba.so.1.0.0" ./ && mv A/lib A/lib.away
rm "$lib/liba.so.1"
run 127 c6.out exe ./prog
expect_in c6.out "can't find library 'liba.so.1'"
mv liba.so.1.1.0 liba.so.1.0.0 "$lib/" && mv A/lib.away A/lib && run 0 ldc4.out jump-ldconfig -n "$lib"

# A damaged cache: a bad header is left aside (the files are used); a damaged copy of an
# image is refused like a damaged image, naming the cache and the ways out.
cp "$lib/jump.cache" cache.good
printf 'X' | dd of="$lib/jump.cache" bs=1 seek=0 conv=notrunc 2>/dev/null
JUMP_TRACE_CACHE=1 run 0 c7.out exe ./prog
expect_in c7.out "a_f(1) = 1008, b_f(2) = 4" "jump: $lib/jump.cache: not used: not an image cache (bad magic)"
cp cache.good "$lib/jump.cache" && truncate -s -1 "$lib/jump.cache"
JUMP_TRACE_CACHE=1 run 0 c8.out exe ./prog
expect_in c8.out "a_f(1) = 1008" "jump: $lib/jump.cache: not used: truncated or grown since it was written"
# the copy of liba's ELF header (the first entry's head copy) made invalid
cp cache.good "$lib/jump.cache"
head_at=$(od -An -tu8 -j $((48 + 136)) -N8 "$lib/jump.cache" | tr -d ' ')
printf 'XXXX' | dd of="$lib/jump.cache" bs=1 seek="$head_at" conv=notrunc 2>/dev/null
run 127 c9.out exe ./prog
expect_in c9.out "can't load library '$lib/liba.so.1'" \
    "(its copy in $lib/jump.cache: run jump-ldconfig on that directory, or set JUMP_NO_CACHE=1)"
JUMP_NO_CACHE=1 run 0 c10.out exe ./prog
expect_in c10.out "a_f(1) = 1008"
run 0 ldc5.out jump-ldconfig -n "$lib"
run 0 c11.out exe ./prog

# -N writes nothing; -C removes the cache; a directory without images has none.
rm "$lib/jump.cache"
run 0 ldc6.out jump-ldconfig -N -n "$lib"
[ ! -e "$lib/jump.cache" ] || fail "-N wrote a cache"
run 0 ldc7.out jump-ldconfig -n "$lib"
[ -f "$lib/jump.cache" ] || fail "no cache after a plain run"
run 0 ldc8.out jump-ldconfig -C -n "$lib"
[ ! -e "$lib/jump.cache" ] || fail "-C left the cache"
run 0 ldc9.out jump-ldconfig -n "$lib"
# A cache that cannot be written is a warning: the links are done, the loader uses the files.
rm "$lib/jump.cache" && mkdir "$lib/jump.cache"
run 0 ldc11.out jump-ldconfig -n "$lib"
expect_in ldc11.out "jump-ldconfig: warning: " "jump.cache" ": programs load the image files"
JUMP_TRACE_CACHE=1 run 0 c12.out exe ./prog
expect_in c12.out "a_f(1) = 1008"
expect_not_in c12.out "from the cache"
rmdir "$lib/jump.cache" && run 0 ldc12.out jump-ldconfig -n "$lib"
mkdir empty && cp "$lib/jump.cache" empty/
run 0 ldc10.out jump-ldconfig -n empty
[ ! -e empty/jump.cache ] || fail "a cache left in a directory without images"
# An old cache that cannot be removed is a warning too (here a directory in its place).
mkdir -p empty2/jump.cache/inside
run 0 ldc13.out jump-ldconfig -n empty2
expect_in ldc13.out "jump-ldconfig: warning: cannot remove 'empty2/jump.cache': "
exit 0
