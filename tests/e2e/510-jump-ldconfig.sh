#!/bin/bash
# 510: jump-ldconfig points <lib>.so.<M> at the newest jump image of each major (numeric
# order: 1.0.10 after 1.0.9), says "(changed)" only when it changed the link, replaces links
# atomically, never replaces a regular file, and ignores everything that is not a jump image.
. "$TOP/tests/e2e/lib.sh"

# mkimg FILE SONAME MAJOR MINOR PATCH [raw]: a hand-made ELF object carrying the jump note
# (lib/jumpfmt.h) as mkimage writes it; "raw" leaves the soname without its NUL.
mkimg() {
    local file=$1 so=$2 word=$(( ($3 << 16) + $4 * 100 + $5 )) str=.asciz
    [ "${6:-}" = raw ] && str=.ascii
    cat > img.s <<ASM
	.text
	.globl start
start:	ret
	.section .note.jump,"a",@note
	.balign 4
	.long 5
	.long 2f-1f
	.long 0x4a4d5031
	.asciz "JUMP"
	.balign 4
1:	.long 1, $word, $PS, 0x400, 0x400, 0
	.quad 0x6a380000, 0x6a380400, 0x6a381000, 0x6a395020, 0x6a382000
	$str "$so"
	.balign 4
2:
ASM
    gcc $M -c -o "$file" img.s || fail "cannot assemble $file"
}
# lines EXPECTED: stdout of the last run must be exactly EXPECTED.
check_out() { [ "$(cat out)" = "$1" ] || fail "output was:
$(cat out)
expected:
$1"; }
target() { readlink "$1" || echo "(no link)"; }
T=$'\t'

mkdir lib
mkimg lib/libxyz.so.1.0.0 libxyz.so.1 1 0 0
jump-ldconfig -v -n lib >out 2>err || fail "first run failed: $(cat err)"
check_out "lib:
${T}libxyz.so.1 => libxyz.so.1.0.0 (changed)"
[ "$(target lib/libxyz.so.1)" = libxyz.so.1.0.0 ] || fail "link is $(target lib/libxyz.so.1)"
[ ! -s err ] || fail "unexpected stderr: $(cat err)"

# Nothing to do: no "(changed)", the link itself untouched (same inode).
ino=$(stat -c %i lib/libxyz.so.1)
jump-ldconfig -v -n lib >out 2>err || fail "second run failed"
check_out "lib:
${T}libxyz.so.1 => libxyz.so.1.0.0"
[ "$(stat -c %i lib/libxyz.so.1)" = "$ino" ] || fail "an unchanged link was rewritten"

# Without -v: silent.
mkimg lib/libxyz.so.1.1.0 libxyz.so.1 1 1 0
jump-ldconfig -n lib >out 2>err || fail "run with 1.1.0 failed"
[ ! -s out ] && [ ! -s err ] || fail "output without -v: $(cat out err)"
[ "$(target lib/libxyz.so.1)" = libxyz.so.1.1.0 ] || fail "link is $(target lib/libxyz.so.1), want 1.1.0"

# 1.0.10 is older than 1.1.0: nothing changes.
mkimg lib/libxyz.so.1.0.10 libxyz.so.1 1 0 10
jump-ldconfig -v -n lib >out 2>err || fail "run with 1.0.10 failed"
check_out "lib:
${T}libxyz.so.1 => libxyz.so.1.1.0"

# Numeric, not lexicographic: 1.0.10 beats 1.0.9 (and 1.0.2); another major gets its own link.
mkdir lib2
mkimg lib2/libxyz.so.1.0.9 libxyz.so.1 1 0 9
mkimg lib2/libxyz.so.1.0.2 libxyz.so.1 1 0 2
jump-ldconfig -n lib2 >out 2>err || fail "lib2 run failed"
[ "$(target lib2/libxyz.so.1)" = libxyz.so.1.0.9 ] || fail "lib2 link is $(target lib2/libxyz.so.1), want 1.0.9"
mkimg lib2/libxyz.so.1.0.10 libxyz.so.1 1 0 10
mkimg lib2/libxyz.so.2.0 libxyz.so.2 2 0 0
jump-ldconfig -v -n lib2 >out 2>err || fail "lib2 second run failed"
check_out "lib2:
${T}libxyz.so.1 => libxyz.so.1.0.10 (changed)
${T}libxyz.so.2 => libxyz.so.2.0 (changed)"
[ "$(target lib2/libxyz.so.1)" = libxyz.so.1.0.10 ] || fail "lib2 link is $(target lib2/libxyz.so.1), want 1.0.10"
[ "$(target lib2/libxyz.so.2)" = libxyz.so.2.0 ] || fail "lib2 major 2 link is $(target lib2/libxyz.so.2)"
# No temporary names left behind.
[ -z "$(ls -A lib2 | grep -v '^libxyz\.so\.')" ] || fail "leftovers in lib2: $(ls -A lib2)"

# -N reports what it would do and changes nothing; a link to elsewhere is re-pointed.
rm lib2/libxyz.so.2
ln -sfn libxyz.so.1.0.2 lib2/libxyz.so.1
jump-ldconfig -N -v -n lib2 >out 2>err || fail "-N run failed"
check_out "lib2:
${T}libxyz.so.1 => libxyz.so.1.0.10 (changed)
${T}libxyz.so.2 => libxyz.so.2.0 (changed)"
[ "$(target lib2/libxyz.so.1)" = libxyz.so.1.0.2 ] || fail "-N changed the link"
[ ! -e lib2/libxyz.so.2 ] && [ ! -L lib2/libxyz.so.2 ] || fail "-N created a link"

# Several directories, in the order named.
jump-ldconfig -v -n lib2 lib >out 2>err || fail "two-directory run failed"
check_out "lib2:
${T}libxyz.so.1 => libxyz.so.1.0.10 (changed)
${T}libxyz.so.2 => libxyz.so.2.0 (changed)
lib:
${T}libxyz.so.1 => libxyz.so.1.1.0"

# A regular file named like the link is never replaced.
mkdir lib3
mkimg lib3/libreg.so.1.0.0 libreg.so.1 1 0 0
echo "hand-installed" > lib3/libreg.so.1
jump-ldconfig -v -n lib3 >out 2>err || fail "run with a regular file failed"
grep -qxF "jump-ldconfig: warning: lib3/libreg.so.1 is not a symbolic link: not replaced by a link to libreg.so.1.0.0" err ||
    fail "no warning for the regular file: $(cat err)"
[ ! -L lib3/libreg.so.1 ] && [ "$(cat lib3/libreg.so.1)" = hand-installed ] || fail "the regular file was replaced"
check_out "lib3:"

# Not images: text, ELF without the note, a symlink to an image, an image of another library,
# a note without a name, names that are not <lib>.so.M.m[.p]. None gets a link.
mkdir lib4
echo "not ELF" > lib4/libtxt.so.1.0.0
echo 'int f(void) { return 1; }' > plain.c && gcc $M -c -o lib4/libplain.so.1.0.0 plain.c
mkimg real.img libsym.so.1 1 0 0 && ln -s ../real.img lib4/libsym.so.1.0.0
mkimg lib4/libother.so.1.0.0 libxyz.so.1 1 0 0
mkimg lib4/libnoname.so.1.0.0 libnonam 1 0 0 raw  # 8 bytes: no NUL even after padding
mkimg lib4/libxyz.so.1 libxyz.so.1 1 0 0
mkimg lib4/libxyz.so.1.0.0.0 libxyz.so.1 1 0 0
mkimg lib4/libxyz.so.1.x libxyz.so.1 1 0 0
mkdir lib4/libdir.so.1.0.0
ls -A lib4 > before
jump-ldconfig -v -n lib4 >out 2>err || fail "run on non-images failed: $(cat err)"
check_out "lib4:"
grep -qxF "jump-ldconfig: warning: lib4/libother.so.1.0.0: jump image of 'libxyz.so.1', not of 'libother.so.1': skipped" err ||
    fail "no warning for the image of another library: $(cat err)"
grep -qxF "jump-ldconfig: warning: lib4/libnoname.so.1.0.0: jump note without a library name: skipped" err ||
    fail "no warning for the note without a name: $(cat err)"
[ "$(wc -l < err)" = 2 ] || fail "unexpected warnings: $(cat err)"
ls -A lib4 | cmp -s - before || fail "lib4 changed: $(ls -A lib4)"

# Errors: a directory that cannot be read (exit 1, the others still done), a link that cannot
# be made (exit 2), usage.
rm lib/libxyz.so.1
jump-ldconfig -n missing lib >out 2>err; rc=$?
[ $rc = 1 ] || fail "missing directory: exit $rc"
grep -qxF "jump-ldconfig: error: cannot read directory 'missing': No such file or directory" err ||
    fail "missing directory message: $(cat err)"
[ "$(target lib/libxyz.so.1)" = libxyz.so.1.1.0 ] || fail "the readable directory was not done"

rm lib/libxyz.so.1
# The temporary name is <dir>/.<link>.jump-ldconfig.<pid>: occupy it (exec keeps the pid).
sh -c 'mkdir -p lib/.libxyz.so.1.jump-ldconfig.$$/full && exec jump-ldconfig -n lib' >out 2>err; rc=$?
[ $rc = 2 ] || fail "blocked link: exit $rc"
grep -qxE "jump-ldconfig: error: cannot make the symbolic link 'lib/libxyz\.so\.1' -> 'libxyz\.so\.1\.1\.0' \(through 'lib/\.libxyz\.so\.1\.jump-ldconfig\.[0-9]+'\): File exists" err ||
    fail "blocked link message: $(cat err)"
[ ! -e lib/libxyz.so.1 ] && [ ! -L lib/libxyz.so.1 ] || fail "a link appeared though it could not be made"

jump-ldconfig -n >out 2>err; rc=$?
[ $rc = 2 ] && grep -qxF "jump-ldconfig: -n needs at least one directory" err || fail "-n without directories: $rc $(cat err)"
jump-ldconfig -x >out 2>err; rc=$?
[ $rc = 2 ] && grep -qxF "jump-ldconfig: invalid option '-x'" err || fail "unknown option: $rc $(cat err)"
# getopt's own message is off: one line says it, and the next where to look
[ "$(wc -l <err)" = 2 ] && grep -qxF "Try 'jump-ldconfig --help' for more information." err || fail "usage lines: $(cat err)"
jump-ldconfig -n -v lib2 >/dev/full 2>err; rc=$?
[ $rc = 2 ] && grep -qxF "jump-ldconfig: error: cannot write the standard output" err || fail "/dev/full: $rc $(cat err)"

# Without -n the default directories follow the named ones (-N: look, never touch).
jump-ldconfig -N -v lib2 >out 2>err || fail "default directories: $(cat err)"
head -n 1 out | grep -qxF "lib2:" || fail "named directory not first: $(cat out)"
grep -qxF "/usr/lib:" out || fail "default /usr/lib not listed: $(cat out)"
jump-ldconfig --help | grep -q '^Usage: jump-ldconfig \[-v\] \[-n\] \[-N\] \[-C\] \[dir\.\.\.\]' || fail "--help"
exit 0
