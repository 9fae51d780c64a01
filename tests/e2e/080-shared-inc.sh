#!/bin/bash
# Shared.inc in a library's own Makefile, as a user has it: an ordinary build first; the
# logging pass compiles every object through jumpas whatever the timestamps; the jump
# compiler applies to LIBOBJECTS only (the library's test program keeps the Makefile's CC);
# a library without exported variables goes through the README's getsize step; make shlib
# compiles nothing when the control files' content did not change; a compiler cache in the
# jump compiler is not used for jump compiles (it would skip jumpas).
. "$TOP/tests/e2e/lib.sh"
mkdir -p src && cd src
cat > one.c <<'C'
int one(int x) { return x + 1; }
C
cat > two.c <<'C'
int one(int);
int two(int x) { return one(one(x)); }
C
cat > t.c <<'C'
#include <stdio.h>
int two(int);
int main(void) { printf("two(1) = %d\n", two(1)); return two(1) != 3; }
C
cat > Makefile <<MK
CC = gcc $M
CFLAGS = -O2
LIBOBJECTS = one.o two.o
all: libt.a t
libt.a: \$(LIBOBJECTS)
	ar rcs \$@ \$^
t: t.o libt.a
	\$(CC) -no-pie -o \$@ t.o libt.a
t-jump: t.o
	\$(CC) -no-pie -o \$@ t.o libt.sa
clean:
	rm -f *.o *.a t t-jump
SL_NAME = libt
SL_PATH = $PWD/lib
SL_VERSION = 1.0.0
SL_LOAD_ADDRESS = 0x61300000
SL_JUMP_TABLE_SIZE = 0x1000
SL_GOT_SIZE = 0x1000
SL_EXTRA_LIBS = -lc
SL_ARCH = $ARCH
JUMP_PREFIX = $STAGE
include $STAGE/share/jump/Shared.inc
MK
export JUMP_DIR=$PWD/jump JUMP_LIB=libt
mkdir -p jump
# A cc1 first in COMPILER_PATH (jumpcc1 runs the first it finds there) counts the
# runs: "cc1" for a compile, "E" for a preprocess.
mkdir -p ../spy
cat >../spy/cc1 <<SH
#!/bin/sh
case " \$* " in *" -E "*) echo E ;; *) echo cc1 ;; esac >>$PWD/../spy.log
exec $(gcc -print-prog-name=cc1) "\$@"
SH
chmod +x ../spy/cc1
export COMPILER_PATH=$PWD/../spy
cc1_runs() { # cc1_runs: how many compiles and preprocesses since the last call
    local c e
    c=$(grep -cx cc1 ../spy.log 2>/dev/null)
    e=$(grep -cx E ../spy.log 2>/dev/null)
    rm -f ../spy.log
    echo "${c:-0} ${e:-0}"
}

# An ordinary build: no jumpas anywhere.
run 0 ../make0.out make
expect_not_in ../make0.out "-B$STAGE/bin/jump"
run 0 ../t0.out exe ./t
expect_in ../t0.out "two(1) = 3"

# The logging pass compiles both objects although they are up to date.
run 0 ../pre1.out make pre-shlib
expect_in ../pre1.out "gcc -B$STAGE/bin/jump $M -O2   -c -o one.o one.c" "gcc -B$STAGE/bin/jump $M -O2   -c -o two.o two.c"
(cd jump && getvars && getfuncs && rm -f jump.log) >../get.out || fail "getvars/getfuncs"
expect_eq "$(awk '{ print $3 }' jump/jump.funcs | tr '\n' ' ')" "one two " "jump.funcs"
[ -f jump/jump.vars ] || fail "getvars did not create jump.vars for a library without variables"
run 0 ../imp.out make shlib-import
cc1_runs >/dev/null
run 0 ../pre2.out make pre-shlib
expect_in ../pre2.out "-c -o one.o one.c" "-c -o two.o two.c"
expect_eq "$(cc1_runs)" "0 0" "cc1 runs in the second pass"
# The README's getsize step, word for word, for a library without exported variables.
shlib_steps ../v1
# The library's test program was compiled with the Makefile's CC, not through jumpas.
rm -f t.o t
run 0 ../t.out make t-jump
expect_not_in ../t.out "-B$STAGE/bin/jump"
[ ! -s jump/jump.log ] || fail "the test program went through jumpas: $(cat jump/jump.log)"
run 0 ../tj.out exe ./t-jump
expect_in ../tj.out "two(1) = 3"
# make shlib-install ran jump-ldconfig, which wrote the directory's image cache: the program
# maps the image from there.
[ -f lib/jump.cache ] || fail "make shlib-install left no image cache in $PWD/lib"
JUMP_TRACE_CACHE=1 run 0 ../tjc.out exe ./t-jump
expect_in ../tjc.out "two(1) = 3" "jump: libt.so.1: $PWD/lib/jump.cache: from the cache"
# The second pass took cc1's output from the cache (jumpcc1) without running cc1: one entry
# and one manifest (the files the compile read) per object, and the same objects as a compile
# without it.
expect_eq "$(ls jump/cc1-cache/*.s | wc -l) $(ls jump/cc1-cache/*.m | wc -l)" "2 2" "cc1-cache entries and manifests after two passes"
for o in one two; do cp $o.o $o.cached.o; done
cc1_runs >/dev/null
run 0 ../pre3.out make pre-shlib
expect_eq "$(cc1_runs)" "0 0" "cc1 runs for unchanged sources"
for o in one two; do cmp $o.o $o.cached.o || fail "$o.o differs after a cache hit"; done
JUMP_NO_CC1_CACHE=1 run 0 ../nocache.out make pre-shlib
expect_eq "$(cc1_runs)" "2 0" "cc1 runs with JUMP_NO_CC1_CACHE"
for o in one two; do cmp $o.o $o.cached.o || fail "$o.o differs with and without the cc1 cache"; done
# A changed header is a new entry, not a stale hit; the same header again hits the old entry.
printf '#define STEP 1\n' >step.h
sed -i '1i #include "step.h"' one.c && sed -i 's/return x + 1;/return x + STEP;/' one.c
run 0 ../h1.out make pre-shlib
expect_eq "$(cc1_runs)" "1 0" "cc1 runs after one.c changed"
cp one.o one.h1.o
printf '#define STEP 5\n' >step.h
run 0 ../h2.out make pre-shlib
expect_eq "$(cc1_runs)" "1 0" "cc1 runs after step.h changed"
cmp -s one.o one.h1.o && fail "a changed header gave the cached object"
expect_eq "$(ls jump/cc1-cache/*.s | wc -l)" 4 "cc1-cache entries after a header changed twice"
printf '#define STEP 1\n' >step.h
run 0 ../h3.out make pre-shlib
expect_eq "$(cc1_runs)" "0 0" "cc1 runs with step.h as it was"
cmp one.o one.h1.o || fail "the same header again: not the same object"
# A header that cannot be read any more is a miss (cc1 then says what is wrong).
mv step.h step.h.away
run 2 ../h4.out make pre-shlib
expect_in ../h4.out "step.h: No such file or directory"
mv step.h.away step.h
cc1_runs >/dev/null
# The build's own dependency files (-MMD): the key is the preprocessed source, and the file
# is written on a hit as well.
run 0 ../d1.out make CFLAGS="-O2 -MMD" pre-shlib
rm -f one.d two.d
cc1_runs >/dev/null
run 0 ../d2.out make CFLAGS="-O2 -MMD" pre-shlib
expect_eq "$(cc1_runs)" "0 2" "cc1 runs for a second -MMD pass"
expect_in one.d "one.o: one.c step.h"
[ -f two.d ] || fail "no two.d from a cached -MMD compile"
cmp one.o one.h1.o || fail "-MMD changed the object"
# A file that changed after the compile began (here: dated in the future) leaves no entry: cc1
# may have read it as it was before.
printf '#define STEP 7\n' >step.h && touch -d '+1 hour' step.h
for round in 1 2; do
    run 0 ../f$round.out make pre-shlib
    expect_eq "$(cc1_runs)" "1 0" "cc1 runs with a header from the future, round $round"
done
touch step.h
run 0 ../f3.out make pre-shlib
run 0 ../f4.out make pre-shlib
expect_eq "$(cc1_runs)" "1 0" "cc1 runs once the header's time is past"
printf '#define STEP 1\n' >step.h
# __DATE__ and __TIME__ make every compile a new one: no manifest, cc1 runs each time.
mkdir -p ../dated/jump && cat >../dated/d.c <<'C'
const char *built(void) { return __DATE__ " " __TIME__; }
C
for round in 1 2; do
    (cd ../dated && JUMP_DIR=$PWD/jump JUMP_LIB=libd gcc -B$STAGE/bin/jump $M -O2 -c d.c) ||
        fail "a compile using __TIME__"
done
expect_eq "$(cc1_runs) $(ls ../dated/jump/cc1-cache | wc -l)" "2 0 0" "cc1 runs and cache files for __TIME__"
unset COMPILER_PATH

# The Makefile's own build after the jump build compiles the objects its way again (a static
# library of jump objects would be broken), and make shlib goes back to jump objects.
run 0 ../make1.out make
expect_in ../make1.out "gcc $M -O2   -c -o one.o one.c"
expect_not_in ../make1.out "-B$STAGE/bin/jump"
run 0 ../t1.out exe ./t
expect_in ../t1.out "two(1) = 3"
run 0 ../shlib2.out make shlib
expect_in ../shlib2.out "gcc -B$STAGE/bin/jump $M -O2   -c -o one.o one.c" \
    "The stub library and the sharable libraries have identical symbols."
# A changed control file (content) recompiles; a rewritten identical one does not.
touch jump/jump.funcs
run 0 ../again.out make shlib
expect_not_in ../again.out "gcc -B"
printf '# a comment changes nothing jumpas reads\n' >>jump/jump.ignore
run 0 ../again2.out make shlib
expect_not_in ../again2.out "gcc -B"
printf '00000000 T elsewhere libt other\n' >>jump/jump.ignore
run 0 ../again3.out make shlib
expect_in ../again3.out "-c -o one.o one.c"

# A compiler cache as the jump compiler: not used for jump compiles, so every compile runs
# jumpas (a hit would give back an object without the log lines and renames).
if command -v ccache >/dev/null; then
    export CCACHE_DIR=$PWD/ccache
    # The first pass's state (no control files): every compile must log its globals; a
    # cache hit would skip jumpas and log nothing.
    mkdir -p saved && mv jump/jump.funcs jump/jump.vars jump/jump.ignore saved/
    for round in 1 2; do
        rm -f jump/jump.log
        run 0 "../cc$round.out" make JUMP_CC="ccache gcc -B$STAGE/bin/jump $M" pre-shlib
        expect_in jump/jump.log "T one	libt	one" "T two	libt	two"
    done
    mv saved/* jump/
else
    echo "ccache not installed: the compiler-cache part was not run" >&2
fi
# distcc would run jumpas elsewhere: refused at once, with the way out.
run 2 ../distcc.out make JUMP_CC="distcc gcc -B$STAGE/bin/jump $M" pre-shlib
expect_in ../distcc.out "jump compiles cannot be distributed (jumpas must read and write $JUMP_DIR on this machine); set JUMP_CC without distcc"
exit 0
