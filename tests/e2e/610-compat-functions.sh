# 610-compat-functions: replacements of libcv 1.0 that change its functions, each graded by
# verify-shlib --against (findings and exit status) and each run by the 1.0 program: an
# appended function is compatible and the program runs; a withdrawn one (U, __DUMMY__) is
# incompatible (programs calling it break; the 1.0 program, which does not, runs); two swapped
# functions are incompatible, and the program must never call the wrong one.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/compat.sh"
build10
# The old stub's slots are 1-7 in jump.funcs order (cv_helper, slot 4, is not exported).
expect_eq "$(nm v10/libcv.sa | awk '$3 == "__PLT_cv_isset" { print substr($1, length($1) - 7) }')" \
    "$(printf '%08x' $((ORG + 8 * 7)))" "slot of cv_isset in the 1.0 stub"

# The same library again, same version: identical.
newver "$PWD/same"
cvbuild "$PWD/same" 1.0.0
against same 1.0.0 0 same.out
expect_in same.out "0 incompatible, 0 compatible, 0 waived: same/lib/libcv.so.1.0.0 is identical to v10/libcv.sa"

# A: a function appended, in a new objfile.
newver "$PWD/a"
printf '00000000 T cv_new\tlibcv\tcvn\n' >>a/jump/jump.funcs
SRCS="cva.c cvb.c cvn.c" cvbuild "$PWD/a" 1.1.0
against a 1.1.0 4 a.out
expect_in a.out "compatible: slot 8 'cv_new' added [slot:8]" \
    "compatible: the version went up from 1.0.0 to 1.1.0 [version]" \
    "0 incompatible, " "is a compatible replacement for v10/libcv.sa"
expect_not_in a.out "incompatible:"
runs_ok a

# B: cv_old withdrawn as U, and (B2) as a __DUMMY__ placeholder: the slot traps.
for how in U DUMMY; do
    d=$PWD/b$how
    newver "$d"
    if [ $how = U ]; then
        sed -i 's/^00000000 T cv_old/00000000 U cv_old/' "$d/jump/jump.funcs"
    else
        sed -i 's/^00000000 T cv_old\t/00000000 U __DUMMY__\t/' "$d/jump/jump.funcs"
    fi
    grep -q "U cv_old\|U __DUMMY__" "$d/jump/jump.funcs" || fail "editing jump.funcs for $how"
    cvbuild "$d" 1.1.0
    # Withdrawn: every program that calls it breaks (issue I); --program tells which do.
    against "b$how" 1.1.0 12 "b$how.out"
    expect_in "b$how.out" "incompatible: slot 3 'cv_old' is withdrawn (the slot traps) [slot:3]" "1 incompatible, "
    runs_ok "$d"
    # The program that calls cv_old stops there, saying so: it never runs another function.
    JUMP_LIBRARY_PATH=$d/lib run 127 "b$how.old.out" exe ./progold
    expect_in "b$how.old.out" "./progold: libcv.so.1: cv_old was withdrawn (slot 3)"
    grep -q '^old ' "b$how.old.out" && fail "progold ran another function through a withdrawn slot ($how)"
done

# C: cv_add and cv_mul swapped.
newver "$PWD/c"
{ funcs10 | sed -n 2p; funcs10 | sed -n 1p; funcs10 | sed -n '3,$p'; } >c/jump/jump.funcs
cvbuild "$PWD/c" 1.1.0
against c 1.1.0 12 c.out
expect_in c.out "incompatible: slot 1 'cv_add' now holds 'cv_mul' [slot:1]" \
    "incompatible: slot 2 'cv_mul' now holds 'cv_add' [slot:2]" \
    "2 incompatible, 1 compatible, 0 waived: c/lib/libcv.so.1.1.0 is NOT a compatible replacement for v10/libcv.sa"
refused "$PWD/c" cv_add

# D: the image is a faithful 1.1 (A's), but its new stub was made from a reordered jump.funcs:
# programs linked with that stub would call the wrong slots. --against compares the new stub
# with the new image too (issue I).
mkdir -p d/jump d/lib && cp a/lib/libcv.so.1.1.0 d/lib/ && cp a/lib/libcv.so.1.1.0 d/
{ funcs10 | sed -n 2p; funcs10 | sed -n 1p; funcs10 | sed -n '3,$p'; } >d/jump/jump.funcs
cp a/jump/jump.vars d/jump/
(cd d && JUMP_DIR=$PWD/jump mkstubs -l "$PWD/lib/libcv" -v 1.1.0 -a $ORG -j 0x1000 -g 0x1000 -- libcv >/dev/null) ||
    fail "mkstubs for d"
against d 1.1.0 12 d.out
expect_in d.out "incompatible: the new stub does not describe the new image: " "cv_add" "NOT a compatible replacement"
exit 0
