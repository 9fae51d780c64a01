#!/bin/bash
# 501: getfuncs/getvars refuse bad input with file:line, exit 1, and write nothing:
# conflicting log lines, a target that does not parse, a missing jump.log; usage errors exit 2.
. "$TOP/tests/e2e/lib.sh"
unset JUMP_DIR

# Missing log.
expect 1 "getfuncs: error: jump.log not found in $PWD: compile with 'make pre-shlib' first" -- getfuncs
expect 1 "getvars: error: jump.log not found in $PWD/nowhere: compile with 'make pre-shlib' first" -- \
    env JUMP_DIR=$PWD/nowhere getvars

# A name logged as a function and as a variable: both lines named, by both tools.
printf '00000000 T foo libxyz a\n00000000 T bar libxyz a\n00000004 D foo libxyz a\n' > jump.log
expect 1 "getfuncs: jump.log:3: error: symbol 'foo' is logged as a variable here and as a function on line 1" -- getfuncs
expect 1 "getvars: jump.log:3: error: symbol 'foo' is logged as a variable here and as a function on line 1" -- getvars
[ ! -e jump.funcs ] && [ ! -e jump.vars ] || fail "a file was written despite the conflict"

# Two objfiles.
printf '00000000 T foo libxyz a\n# recompiled\n00000000 T foo libxyz b\n' > jump.log
expect 1 "getfuncs: jump.log:3: error: symbol 'foo' is logged from objfile 'b' here and from 'a' on line 1" -- getfuncs

# A logged function already listed as a variable in jump.vars, and the reverse.
printf '00000000 T foo libxyz a\n00000004 D bar libxyz a\n' > jump.log
printf '00000004 D foo libxyz a\n' > jump.vars
expect 1 "getfuncs: jump.log:1: error: function 'foo' is listed in jump.vars:1 as a variable" -- getfuncs
rm jump.vars
printf '00000000 T bar libxyz a\n' > jump.funcs
expect 1 "getvars: jump.log:2: error: variable 'bar' is listed in jump.funcs:1 as a function" -- getvars
[ ! -e jump.vars ] || fail "jump.vars written despite the conflict"

# A bad log line.
printf '00000000 T ok libxyz a\n00000000 Q what libxyz a\n' > jump.log
expect 1 "getfuncs: jump.log:2: error: invalid type 'Q' for symbol 'what' in jump.log" -- getfuncs

# A target that does not parse: file:line, nothing written, no backup.
printf '00000000 T new libxyz a\n' > jump.log
printf '00000000 T bar libxyz a\n00000000 T bar libxyz a\n' > jump.funcs
cp jump.funcs funcs.before
expect 1 "getfuncs: jump.funcs:2: error: symbol 'bar' is listed twice (first on line 1)" -- getfuncs
cmp -s jump.funcs funcs.before || fail "bad jump.funcs was changed"
[ ! -e jump.funcs~ ] || fail "backup written for a target that does not parse"
printf 'zz D v libxyz a\n' > jump.vars
expect 1 "getvars: jump.vars:1: error: invalid size for symbol 'v'" -- getvars

# I/O: a target that cannot be read (a symlink loop), a backup that cannot be written.
rm -f jump.funcs jump.vars
ln -s jump.funcs jump.funcs
expect 2 "getfuncs: error: cannot read 'jump.funcs': Too many levels of symbolic links" -- getfuncs
rm jump.funcs
printf '00000000 T old libxyz a\n' > jump.funcs
mkdir jump.funcs~
expect 2 "" -- getfuncs
grep -qxE "getfuncs: error: cannot rename 'jump\.funcs~\.tmp[A-Za-z0-9]{6}' to 'jump\.funcs~': Is a directory" err.txt ||
    { cat err.txt; fail "getfuncs: no message about the failed backup"; }
cmp -s jump.funcs <(printf '00000000 T old libxyz a\n') || fail "jump.funcs changed though its backup failed"
rmdir jump.funcs~

# Usage.
expect 2 "getfuncs: unexpected argument 'extra'" -- getfuncs extra
expect 2 "getvars: invalid option '-x'" -- getvars -x
getvars --help | grep -q '^Usage: getvars \[-n\]' || fail "getvars --help"
getfuncs --version | grep -q '^getfuncs (jump toolkit) ' || fail "getfuncs --version"
exit 0
