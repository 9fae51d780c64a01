#!/bin/bash
# The rewritten text reaches as through a pipe (as's standard input), not a temporary file:
# no temporary file is needed for one input, the object is the one as makes from the same
# text in a file, as's messages name the user's file and line, a large input is written
# whole, and every way the pipe can fail is reported with its status.
. "$TOP/tests/e2e/lib.sh"
m=$M flag=$ASF
J=$STAGE/bin/jumpas
export JUMP_DIR=$PWD/ctl JUMP_LIB=libp
mkdir -p ctl

# A large file (well over a pipe's 64 KiB), every function renamed.
awk 'BEGIN { for (i = 0; i < 2000; i++) printf "int f%d(int x);\n", i; for (i = 0; i < 2000; i++) printf "int f%d(int x) { return x * %d + f%d(x); }\n", i, i, (i + 1) % 2000 }' > big.c
gcc $m -O2 -fno-pic -fno-pie -S -o big.s big.c || fail "compiling big.c"
awk 'BEGIN { for (i = 0; i < 2000; i++) printf "00000000 T f%d libp big\n", i }' > ctl/jump.funcs
[ "$(wc -c < big.s)" -gt 200000 ] || fail "big.s is too small to test the pipe"

# No temporary file for one input: TMPDIR need not even exist.
TMPDIR=$PWD/notthere expect 0 "" -- "$J" $flag -o big.o big.s
# The text as reads: each definition renamed (labels, .globl, .type, .size; calls stay),
# after a line marker naming the file; the object is the one as makes from it in a file.
sed -E '/^(\t\.(globl|type|size)\t|f[0-9]+:)/ s/\<(f[0-9]+)\>/\1__LOCAL__/g' big.s |
    sed '1i # 1 "big.s"' > want.s
grep -q $'\tcall\tf[0-9]*__LOCAL__' want.s && fail "the expected text renames calls"
grep -q $'\tcall\tf[0-9]' want.s || fail "the expected text has no calls"
as $flag -o want.o want.s || fail "as on want.s"
cmp big.o want.o || fail "big.o differs from as on the rewritten text in a file"
[ "$(nm big.o | grep -c ' T f[0-9]*__LOCAL__$')" = 2000 ] || fail "not every definition renamed"

# as's errors name the user's file and line through the pipe; standard input too.
printf '\t.text\n\t.globl f1\nf1:\n\tbogus %%eax\n' > bad.s
expect 1 "bad.s:4: Error: no such instruction: \`bogus %eax'" -- "$J" $flag -o bad.o bad.s
[ -e bad.o ] && fail "as left an object behind"
expect 1 "{standard input}:4: Error: no such instruction: \`bogus %eax'" -- "$J" $flag -o bad.o - < bad.s

# An as that stops reading: its non-zero status passes through (as said why), and one that
# exits 0 without reading everything is an error.
printf '#!/bin/sh\nexit 4\n' > four; chmod +x four
JUMP_AS=$PWD/four expect 4 "" -- "$J" $flag -o big.o big.s
[ -s err.txt ] && fail "jumpas added a message to as's exit status 4: $(cat err.txt)"
printf '#!/bin/sh\nexit 0\n' > lazy; chmod +x lazy
JUMP_AS=$PWD/lazy expect 2 "jumpas: error: cannot write to lazy: Broken pipe" -- "$J" $flag -o big.o big.s
printf '#!/bin/sh\nhead -c 1000 > /dev/null; kill -TERM $$\n' > quitter; chmod +x quitter
JUMP_AS=$PWD/quitter expect 2 "jumpas: error: quitter was killed by signal 15 (Terminated)" -- "$J" $flag -o big.o big.s
# What as is run with: its standard input in place of the file.
printf '#!/bin/sh\necho "$@"; exec cat > fed.s\n' > show; chmod +x show
JUMP_AS=$PWD/show expect 0 "" -- "$J" $flag -o big.o big.s
grep -qxE -- "$flag -o \.big\.o\.jumpas[A-Za-z0-9]{6} -" out.txt || fail "as's arguments: $(cat out.txt)"
cmp -s fed.s want.s || fail "the text fed to as differs from the expected rewrite"
ls -A | grep -q '^\.big\.o\.jumpas' && fail "the temporary object was left behind"
# -oFILE is given the temporary the same way.
JUMP_AS=$PWD/show expect 0 "" -- "$J" $flag -obig.o big.s
grep -qxE -- "$flag -o\.big\.o\.jumpas[A-Za-z0-9]{6} -" out.txt || fail "as's arguments for -oFILE: $(cat out.txt)"
# An output that is no regular file is written by as itself.
JUMP_AS=$PWD/show expect 0 "" -- "$J" $flag -o /dev/null big.s
grep -qx -- "$flag -o /dev/null -" out.txt || fail "as's arguments for /dev/null: $(cat out.txt)"

# The object cannot take the output's place (here a directory appeared there meanwhile): an
# error naming both, and no temporary left behind.
printf '#!/bin/sh\ncat > /dev/null; mkdir dirout.o; : > dirout.o/x\n' > mkdirer; chmod +x mkdirer
JUMP_AS=$PWD/mkdirer expect 2 "" -- "$J" $flag -o dirout.o big.s
grep -qxE "jumpas: error: cannot rename \.dirout\.o\.jumpas[A-Za-z0-9]{6} to dirout\.o: Is a directory" err.txt ||
    { cat err.txt; fail "the failed rename's message"; }
ls -A | grep -q '^\.dirout\.o\.jumpas' && fail "the temporary object of a failed rename was left behind"

# jumpas dies while as reads the pipe: as still writes an object (here from the whole text it
# is given, as it would from the truncated part), but under the temporary name, so nothing
# takes the output's place for make to trust.
rm -f big.o as.done
printf '#!/bin/sh\nhead -c 4096 > /dev/null; kill -KILL $PPID; as "$@" < want.s; echo $? > as.done\n' > killer
chmod +x killer
( JUMP_AS=$PWD/killer exec "$J" $flag -o big.o big.s ) > out.txt 2> err.txt
rc=$?
[ $rc = 137 ] || fail "jumpas was not killed: exit status $rc"
for _ in $(seq 100); do [ -s as.done ] && break; sleep 0.1; done
[ "$(cat as.done 2>/dev/null)" = 0 ] || fail "as did not assemble"
[ -e big.o ] && fail "an object was left as big.o by an as whose jumpas died"
nm .big.o.jumpas* 2>/dev/null | grep -q ' T f0__LOCAL__$' || fail "as did not write the temporary object"
rm -f .big.o.jumpas*

# The pipe cannot be made (no descriptors left), as cannot be run.
( ulimit -n 4; exec "$J" $flag -o big.o big.s ) > out.txt 2> err.txt
rc=$?
[ $rc = 2 ] && grep -qxF "jumpas: error: cannot create a pipe for as: Too many open files" err.txt ||
    { cat err.txt; fail "no pipe: exit status $rc"; }
printf 'not a program\n' > noexec
JUMP_AS=$PWD/noexec expect 2 "jumpas: error: cannot run $PWD/noexec: Permission denied" -- "$J" $flag -o big.o big.s
echo ok
