# 600-compat-mkcompat: mkcompat rebuilds jump.funcs and jump.vars from the 1.0 stub alone:
# with the current files reordered (as a fresh getfuncs/getvars would list them), the
# rebuilt library has the 1.0 addresses exactly (verify-shlib --against: identical); with
# a function and a variable gone and new ones added, the lost ones become __DUMMY__
# placeholders and the new ones follow the classic comment lines.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/compat.sh"
build10
cp v10/libcv.sa old.sa   # the stub is all mkcompat gets

# Current control files in another order, with sizes 0 as getvars leaves them.
r=$PWD/r && mkdir -p r/jump
funcs10 | sort -k3 >r/jump/jump.funcs
printf '%s\n' "00000000 D cv_flag	libcv	cvb" "00000000 D cv_label	libcv	cvb" \
    "00000000 D cv_count	libcv	cvb" >r/jump/jump.vars
(cd r/jump && JUMP_DIR=$r/jump mkcompat -f "$OLDPWD/old.sa" >funcs.new 2>../f.err) || fail "mkcompat -f"
(cd r/jump && JUMP_DIR=$r/jump mkcompat -v -- "$OLDPWD/old.sa" >vars.new 2>../v.err) || fail "mkcompat -v"
funcs10 >want.funcs
diff -u want.funcs r/jump/funcs.new || fail "mkcompat -f did not restore the 1.0 order"
vars10 >want.vars
diff -u want.vars r/jump/vars.new || fail "mkcompat -v did not restore the 1.0 offsets and reserves"
[ ! -s r/f.err ] && [ ! -s r/v.err ] || { cat r/f.err r/v.err; fail "notes for an unchanged library"; }
mv r/jump/funcs.new r/jump/jump.funcs && mv r/jump/vars.new r/jump/jump.vars
gvars10 r
cvbuild "$r" 1.0.0
against r 1.0.0 0 r.out
expect_in r.out "is identical to v10/libcv.sa"
runs_ok "$r"

# -l and -L find libcv.sa; the classic "-- -lcv" too.
mkdir -p stubs && cp old.sa stubs/libcv.sa
(cd r/jump && JUMP_DIR=$r/jump mkcompat -f -L "$OLDPWD/stubs" -l cv >l1.out 2>/dev/null) || fail "mkcompat -l"
(cd r/jump && JUMP_DIR=$r/jump mkcompat -f -L "$OLDPWD/stubs" -- -lcv >l2.out 2>/dev/null) || fail "mkcompat -- -lcv"
diff -u want.funcs r/jump/l1.out && diff -u want.funcs r/jump/l2.out || fail "mkcompat through -l"

# Edited: cv_old and cv_label gone, cv_new and cv_extra new (listed first, as getfuncs would).
x=$PWD/x && mkdir -p x/jump
{ echo "00000000 T cv_new	libcv	cvn"; funcs10 | grep -v cv_old; } >x/jump/jump.funcs
printf '%s\n' "00000004 D cv_extra	libcv	cvx" "00000004 D cv_count	libcv	cvb" \
    "00000004 D cv_flag	libcv	cvb" >x/jump/jump.vars
(cd x && JUMP_DIR=$x/jump mkcompat -f ../old.sa >funcs.new 2>f.err) || fail "mkcompat -f (edited)"
(cd x && JUMP_DIR=$x/jump mkcompat -v ../old.sa >vars.new 2>v.err) || fail "mkcompat -v (edited)"
printf '%s\n' "00000000 T cv_add	libcv	cva" "00000000 T cv_mul	libcv	cva" \
    "00000000 U __DUMMY__	libcv	cva" "00000000 t cv_helper	libcv	cva" \
    "00000000 T cv_get	libcv	cvb" "00000000 T cv_name	libcv	cvb" "00000000 T cv_isset	libcv	cvb" \
    "# Anything below this line is new to the old library" \
    "# Note: It is possible that some/all of these could be moved to jump.ignore" \
    "00000000 T cv_new	libcv	cvn" >want.funcs
diff -u want.funcs x/funcs.new || fail "mkcompat -f with a lost and a new function"
printf '%s\n' "Lost function 'cv_old' (slot 3)" "Used 1 placeholder(s) for lost function(s)" \
    "Found 1 new function(s)" >want.err
diff -u want.err x/f.err || fail "mkcompat -f notes"
printf '%s\n' "00000008 D cv_count	libcv	cvb" "00000010 D __DUMMY__	libcv	cvb" \
    "00000004 D cv_flag	libcv	cvb" \
    "# Anything below this line is new to the old library" \
    "# Note: It is possible that some/all of these could be moved to jump.ignore" \
    "00000004 D cv_extra	libcv	cvx" >want.vars
diff -u want.vars x/vars.new || fail "mkcompat -v with a lost and a new variable"
printf '%s\n' "Lost variable 'cv_label' (cell 3, offset 0x8)" \
    "Used 1 placeholder(s) for lost global data(s)" "Found 1 new global(s)" >want.err
diff -u want.err x/v.err || fail "mkcompat -v notes"
# Built, it keeps every surviving address; the lost ones are withdrawn, which breaks the
# programs that use them: incompatible, each named (issue I).
cat >cvb.c <<'C'
extern int cv_count;
extern int cv_flag;
int cv_helper(int);
int cv_get(void) { return cv_helper(cv_count) - 1; }
const char *cv_name(void) { return "gone"; }
int cv_isset(void) { return cv_flag; }
C
mv x/funcs.new x/jump/jump.funcs && mv x/vars.new x/jump/jump.vars
gvar x 1 cv_count 4 '\t.long 5'
gvar x 3 cv_flag 4 '\t.long 1'
gvar x 4 cv_extra 4 '\t.long 7'
SRCS="cva.c cvb.c cvn.c cvx.c" cvbuild "$x" 1.1.0
against x 1.1.0 12 x.out
expect_in x.out "incompatible: slot 3 'cv_old' is withdrawn (the slot traps) [slot:3]" \
    "incompatible: cell 3 'cv_label' is withdrawn [cell:3]" \
    "incompatible: variable 'cv_label' is withdrawn (the new image has no such symbol) [var:cv_label]" \
    "compatible: slot 8 'cv_new' added [slot:8]" "compatible: cell 5 'cv_extra' added [cell:5]" \
    "3 incompatible, "

# A variable the current file says is larger than the old reserve: the reserve is kept,
# the note says so, exit 1.
printf '%s\n' "0000000c D cv_count	libcv	cvb" >x/jump/jump.vars
run 1 over.out env JUMP_DIR=$x/jump mkcompat -v old.sa
expect_in over.out "Variable 'cv_count' needs 0xc bytes, more than the 0x8 the old library reserved (cell 2): kept the reserve" \
    "00000008 D cv_count	libcv	cvb"

# Errors.
run 2 e1.out mkcompat old.sa
expect_in e1.out "mkcompat: give -f (jump.funcs) or -v (jump.vars)"
run 2 e2.out mkcompat -f -v old.sa
expect_in e2.out "mkcompat: give only one of -f and -v"
run 2 e3.out env JUMP_DIR=$x/jump mkcompat -f
expect_in e3.out "mkcompat: no stub library given"
run 2 e4.out env JUMP_DIR=$x/jump mkcompat -f nosuch.sa
expect_in e4.out "mkcompat: error: cannot find the stub 'nosuch.sa'"
run 2 e5.out env JUMP_DIR=$x/jump mkcompat -f -l nosuch
expect_in e5.out "mkcompat: error: cannot find libnosuch.sa in the -L directories or the current directory"
run 2 e5b.out env JUMP_DIR=$x/jump mkcompat -f -- -lnosuch
expect_in e5b.out "mkcompat: error: cannot find the stub 'nosuch' (lib<name>.sa in the -L directories)"
# No jump.funcs at all: the stub alone says what it holds (issue L).
run 0 e6.out env JUMP_DIR=$PWD/nodir mkcompat -f old.sa
expect_in e6.out "00000000 T cv_add	libcv	cva" "00000000 T cv_isset	libcv	cvb"
echo "not a stub" >bad.sa
run 2 e7.out env JUMP_DIR=$x/jump mkcompat -f bad.sa
expect_in e7.out "mkcompat: error: bad.sa: not a stub library (not an ar archive)"
run 0 e8.out env -u JUMP_DIR mkcompat -f old.sa
expect_in e8.out "mkcompat: warning: JUMP_DIR is not set; using the current directory"
run 2 e9.out env JUMP_DIR=$x/jump mkcompat -f -q old.sa
expect_in e9.out "invalid option"
# Stubs of two different libraries.
mkdir -p other/jump && funcs10 >other/jump/jump.funcs && vars10 >other/jump/jump.vars && gvars10 other
cvbuild "$PWD/other" 1.0.0 -a 0x6b400000 -j 0x1000 -g 0x1000 -f
run 1 e10.out env JUMP_DIR=$x/jump mkcompat -f old.sa other/libcv.sa
expect_in e10.out "other/libcv.sa: the stub is for $ARCH libcv.so.1 at 0x6b400000 (version word 0x10000), the first for $ARCH libcv.so.1 at 0x6b000000 (0x10000): give stubs of one image only"
# From the stub alone, run in the jump directory as the README shows it: the shell empties
# jump.funcs before mkcompat starts, and mkcompat never reads the file it writes. Slot 4 held
# the unexported cv_helper, which the stub cannot know: a placeholder.
s=$PWD/s && mkdir -p s/jump && cp old.sa s/ && funcs10 >s/jump/jump.funcs && vars10 >s/jump/jump.vars
funcs10 | sed 's/^00000000 t cv_helper	/00000000 U __DUMMY__	/' >want.alone
(cd s/jump && JUMP_DIR=$s/jump mkcompat -f ../old.sa >jump.funcs 2>../sf.err) || { cat s/sf.err; fail "mkcompat -f >jump.funcs"; }
diff -u want.alone s/jump/jump.funcs || fail "mkcompat -f >jump.funcs lost the names"
expect_in s/sf.err "jump.funcs is the output: rebuilt from the stub alone"
(cd s/jump && JUMP_DIR=$s/jump mkcompat -v ../old.sa >jump.vars 2>../sv.err) || { cat s/sv.err; fail "mkcompat -v >jump.vars"; }
vars10 >want.alonev
diff -u want.alonev s/jump/jump.vars || fail "mkcompat -v >jump.vars lost the names"
# Without any control file: the same, silently.
rm s/jump/jump.funcs s/jump/jump.vars
(cd s/jump && JUMP_DIR=$s/jump mkcompat -f ../old.sa >funcs.out 2>../sn.err) || { cat s/sn.err; fail "mkcompat -f without jump.funcs"; }
diff -u want.alone s/jump/funcs.out || fail "mkcompat -f without jump.funcs"
[ -s s/sn.err ] && { cat s/sn.err; fail "notes without jump.funcs"; }
exit 0
