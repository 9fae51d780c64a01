#!/bin/bash
# Every message jumpas can print, each with its exit status: control-file and jump.vars
# errors (1), as's own errors passed through with as's status, a killed as named (2), I/O
# and usage errors (2), and the JUMP_DIR / JUMP_LIB warnings.
. "$TOP/tests/e2e/lib.sh"
m=$M flag=$ASF
J=$STAGE/bin/jumpas
export JUMP_DIR=$PWD/ctl JUMP_LIB=libe
mkdir -p ctl

printf '\t.text\n\t.globl foo\n\t.type foo, @function\nfoo:\n\tret\n\t.globl bar\nbar:\tret\n' > t.s
printf '\t.data\n\t.globl dv\ndv:\t.long 1\n' > d.s

# A function listed in jump.vars: file and line of its definition; nothing is assembled.
printf '00000004 D foo libe t\n' > ctl/jump.vars
expect 1 "jumpas: t.s:4: error: Function foo incorrectly listed in jump.vars" -- "$J" $flag -o t.o t.s
[ -e t.o ] && fail "an object was written despite the error"
printf 'void foo(void) {}\n' > foo.c
expect 1 "" -- gcc $m -B"$STAGE/bin/jump" -c foo.c -o foo.o
grep -Eq '^jumpas: .*:[0-9]+: error: Function foo incorrectly listed in jump.vars$' err.txt || fail "via gcc: $(cat err.txt)"
rm ctl/jump.vars

# Thread-local storage, at the first compile (nothing logged, nothing assembled): the C file
# and line when the assembly has them (-g), which variable, what to do.
tls_msg="a jump image is mapped at a fixed address with no thread-local storage of its own; make it an ordinary variable, or build the library without TLS (e2fsprogs: configure --disable-tls)"
printf 'int plain = 1;\n__thread int counter = 3;\nint next_count(void)\n{\n    return ++counter;\n}\n' > tls.c
expect 1 "jumpas: tls.c:5: error: thread-local variable 'counter' used: $tls_msg" -- \
    gcc $m -g -O2 -B"$STAGE/bin/jump" -c tls.c -o tls.o
[ -e tls.o ] && fail "an object was written for a thread-local variable"
[ -s ctl/jump.log ] && fail "jumpas logged a file it refused: $(cat ctl/jump.log)"
printf '__thread int counter;\n' > tdef.c
expect 1 "" -- gcc $m -O2 -B"$STAGE/bin/jump" -c tdef.c -o tdef.o
{ grep -Eq "^jumpas: error: tdef.c \(assembly line [0-9]+\): thread-local variable 'counter' defined: " err.txt &&
    grep -qF "$tls_msg" err.txt; } ||
    fail "a thread-local definition without -g: $(cat err.txt)"
printf '\t.section .tbss,"awT",@nobits\n\t.globl t\nt:\t.zero 4\n' > tls.s
expect 1 "jumpas: tls.s:3: error: thread-local variable 't' defined: $tls_msg" -- "$J" $flag -o tls.o tls.s

# A malformed control file: its path and line.
printf '00000000 T ok libe t\n00000000 T broken libe\n' > ctl/jump.funcs
expect 1 "jumpas: $JUMP_DIR/jump.funcs:2: error: expected 'size type name library objfile [needs]', found 4 fields" -- "$J" $flag -o t.o t.s
printf '00000000 T foo libe t\n' > ctl/jump.funcs
printf 'zz D v libe t\n' > ctl/jump.ignore
expect 1 "jumpas: $JUMP_DIR/jump.ignore:1: error: invalid size for symbol 'v'" -- "$J" $flag -o t.o t.s
rm ctl/jump.ignore

# as's own error passes through with its status; with a rename, it still names the file and line.
printf '\t.text\n\t.globl foo\nfoo:\n\tbogus %%eax\n' > bad.s
expect 1 "bad.s:4: Error: no such instruction: \`bogus %eax'" -- "$J" $flag -o bad.o bad.s
grep -q jumpas err.txt && fail "as's error mentions jumpas: $(cat err.txt)"
printf '#!/bin/sh\nexit 3\n' > three; chmod +x three
JUMP_AS=$PWD/three expect 3 "" -- "$J" $flag -o t.o t.s
[ -s err.txt ] && fail "jumpas added a message to as's exit status 3: $(cat err.txt)"

# An as killed by a signal is named. The temporary copies are gone after every failure.
printf '#!/bin/sh\nkill -SEGV $$\n' > killer; chmod +x killer
mkdir -p tmp
TMPDIR=$PWD/tmp JUMP_AS=$PWD/killer expect 2 "jumpas: error: killer was killed by signal 11 (Segmentation fault)" -- "$J" $flag -o t.o t.s
TMPDIR=$PWD/tmp expect 1 "{standard input}:4: Error: no such instruction: \`bogus %eax'" -- "$J" $flag -o bad.o - < bad.s
[ -z "$(ls tmp)" ] || fail "temporary files left: $(ls tmp)"

# Usage and I/O.
expect 2 "jumpas: option '-o' requires an argument" -- "$J" $flag t.s -o
expect 2 "jumpas: error: cannot open nothere.s: No such file or directory" -- "$J" $flag -o t.o nothere.s
mkdir -p adir
expect 2 "jumpas: error: cannot read adir: Is a directory" -- "$J" $flag -o t.o adir
expect 2 "jumpas: error: cannot read standard input: Is a directory" -- "$J" $flag -o t.o - < adir
expect 2 "jumpas: error: cannot find the real 'as' in PATH" -- env PATH="$STAGE/bin" "$J" $flag -o t.o t.s
# The first rewritten input reaches as through a pipe, the others through temporary files.
TMPDIR=$PWD/notthere expect 2 "jumpas: error: cannot create a temporary file in $PWD/notthere: No such file or directory" -- "$J" $flag -o t.o t.s - < d.s
(   # no file can grow (stderr goes to a pipe): the temporary copy cannot be written
    trap '' XFSZ
    ulimit -f 0
    msg=$("$J" $flag -o t.o t.s - < d.s 2>&1 >/dev/null)
    rc=$?
    [ $rc = 2 ] || fail "temp write: exit status $rc: $msg"
    [[ $msg =~ ^jumpas:\ error:\ cannot\ write\ .*/jumpas[A-Za-z0-9]{6}\.s:\ File\ too\ large$ ]] ||
        fail "temp write: $msg"
) || exit 1
for i in $(seq 1 66); do printf '\t.text\n\t.globl f%d\nf%d: ret\n' $i $i > many$i.s; printf '0 T f%d libe many\n' $i; done > ctl/jump.funcs
expect 2 "jumpas: error: too many input files" -- "$J" $flag -o many.o many*.s
rm ctl/jump.funcs

# The log: a directory in its place, a full device.
mkdir -p ctl2/jump.log
JUMP_DIR=$PWD/ctl2 expect 2 "jumpas: error: cannot open $PWD/ctl2/jump.log: Is a directory" -- "$J" $flag -o t.o t.s
mkdir -p ctl3 && ln -s /dev/full ctl3/jump.log
JUMP_DIR=$PWD/ctl3 expect 2 "jumpas: error: cannot write $PWD/ctl3/jump.log: No space left on device" -- "$J" $flag -o t.o t.s

# Warnings: JUMP_DIR unset (control files and log in the current directory), JUMP_LIB unset.
mkdir -p here && cd here
printf '00000000 T foo unknown t\n' > jump.funcs
env -u JUMP_DIR -u JUMP_LIB "$J" $flag -o t.o ../t.s 2> err.txt || fail "unset variables: $(cat err.txt)"
grep -qxF "jumpas: warning: JUMP_DIR is not set; using the current directory" err.txt || fail "no JUMP_DIR warning: $(cat err.txt)"
grep -qxF "jumpas: warning: JUMP_LIB is not set" err.txt || fail "no JUMP_LIB warning: $(cat err.txt)"
printf '00000000 T bar\tunknown\tt\n' > want
diff want jump.log || fail "log in the current directory"
nm t.o | grep -q ' T foo__LOCAL__$' || fail "jump.funcs in the current directory not used"
cd ..

# --help, --version.
"$J" --help | grep -q '^Usage: jumpas' || fail "--help"
"$J" --version | grep -q '^jumpas (jump toolkit) ' || fail "--version"
echo ok
