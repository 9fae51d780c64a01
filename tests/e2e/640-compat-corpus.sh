# run.sh: long (started first when there are no times from an earlier run)
# 640-compat-corpus: the drop-in replacement checks against a corpus of changes (issue I).
# libcv 1.0 and two programs: prog calls cv_add, cv_mul, cv_get, cv_name and reads or writes
# cv_count, cv_label, cv_flag; progold calls cv_old only (it links cva.o: cv_add, cv_mul,
# cv_old). Each kind of change below is one 1.x (or 2.0) build, and beside it the verdict
# each check must give, worked out from what the change does to addresses, not from what
# the tools print:
#   against  verify-shlib --against the 1.0 stub     0 same, 4 compatible, 12 incompatible
#   prog     verify-shlib --program ./prog            (the same grades, for what prog uses)
#   old      verify-shlib --program ./progold
#   run      ./prog against the new image             0 runs correctly, 127 refused/stopped
#   runold   ./progold against the new image
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/compat.sh"
build10
printf 'old 99\n' >progold.want
JUMP_LIBRARY_PATH=$PWD/v10/lib run 0 progold10.out exe ./progold
diff -u progold.want progold10.out || fail "progold against 1.0"

# The edits: each gets the new version's directory (its control files are 1.0's) and may
# set SRCS (the library's sources) and OPTS (mkimage and mkstubs options).
e_same() { :; }
e_patch() { :; }
e_minor() { :; }
e_append_func() { printf '00000000 T cv_new\tlibcv\tcvn\n' >>"$1/jump/jump.funcs"; SRCS="cva.c cvb.c cvn.c"; }
e_insert_func() {
    { funcs10 | sed -n 1,4p; printf '00000000 T cv_new\tlibcv\tcvn\n'; funcs10 | sed -n '5,$p'; } >"$1/jump/jump.funcs"
    SRCS="cva.c cvb.c cvn.c"
}
e_append_var() {
    printf '00000004 D cv_extra\tlibcv\tcvx\n' >>"$1/jump/jump.vars"
    gvar "$1" 4 cv_extra 4 '\t.long 7'
    SRCS="cva.c cvb.c cvx.c"
}
e_withdraw_u() { sed -i 's/^00000000 T cv_old/00000000 U cv_old/' "$1/jump/jump.funcs"; }
e_withdraw_dummy() { sed -i 's/^00000000 T cv_old\t/00000000 U __DUMMY__\t/' "$1/jump/jump.funcs"; }
e_withdraw_used() { sed -i 's/^00000000 T cv_mul/00000000 U cv_mul/' "$1/jump/jump.funcs"; }
e_swap_cva() { { funcs10 | sed -n 2p; funcs10 | sed -n 1p; funcs10 | sed -n '3,$p'; } >"$1/jump/jump.funcs"; }
e_swap_cvb() { { funcs10 | sed -n 1,4p; funcs10 | sed -n 6p; funcs10 | sed -n 5p; funcs10 | sed -n 7p; } >"$1/jump/jump.funcs"; }
e_export_helper() { sed -i 's/^00000000 t cv_helper/00000000 T cv_helper/' "$1/jump/jump.funcs"; }
e_unexport() { sed -i 's/^00000000 T cv_isset/00000000 t cv_isset/' "$1/jump/jump.funcs"; }
e_grow_within() { gvar "$1" 1 cv_count 8 '\t.long 5\n\t.long 0'; }
e_grow_reserve() { sed -i 's/^00000008 D cv_count/00000010 D cv_count/' "$1/jump/jump.vars"; }
e_shrink_reserve() { sed -i 's/^00000010 D cv_label/00000008 D cv_label/' "$1/jump/jump.vars"; }
e_const() { sed -i 's/^00000004 D cv_flag/00000004 K cv_flag/' "$1/jump/jump.vars"; }
e_origin() { OPTS="-a 0x6b010000 -j 0x1000 -g 0x1000"; }
e_jump_grow() { OPTS="-j 0x2000 -g 0x1000"; }
e_jump_shrink() { OPTS="-j 0x800 -g 0x1000"; }
e_got_grow() { OPTS="-j 0x1000 -g 0x2000"; }
e_got_shrink() { OPTS="-j 0x1000 -g 0xc00"; }
e_data_origin() { OPTS="-j 0x1000 -g 0x1000 -d $(printf '0x%x' $((ORG + 0x8000)))"; }
e_major() { :; }
e_reordered_srcs() { SRCS="cvb.c cva.c"; }
e_mkcompat() {
    funcs10 | sort -k3 >"$1/jump/jump.funcs"
    (cd "$1/jump" && JUMP_DIR=$1/jump mkcompat -f "$OLDPWD/v10/libcv.sa" >funcs.new 2>/dev/null &&
        mv funcs.new jump.funcs) || fail "mkcompat for $1"
}
e_range() {
    printf '00100000 D cv_big\tlibcv\tcvb\n' >>"$1/jump/jump.vars"
    gvar "$1" 4 cv_big 0x100000 '\t.zero 0x100000'
    OPTS="-j 0x1000 -g 0x1000 -f"
}
e_swap_and_append() { e_swap_cva "$1"; e_append_func "$1"; }
e_append_both() { e_append_func "$1"; e_append_var "$1"; SRCS="cva.c cvb.c cvn.c cvx.c"; }
e_export_and_append() { e_export_helper "$1"; e_append_var "$1"; }
e_swap_vars() {
    { vars10 | sed -n 3p; vars10 | sed -n 2p; vars10 | sed -n 1p; } >"$1/jump/jump.vars"
    gvar "$1" 1 cv_flag 4 '\t.long 1'
    gvar "$1" 3 cv_count 4 '\t.long 5'
}

#    kind             version  against prog old run runold
corpus='
same              1.0.0    0       0    0   0   0
patch             1.0.1    4       4    4   0   0
minor             1.1.0    4       4    4   0   0
append_func       1.1.0    4       4    4   0   0
insert_func       1.1.0    12      12   4   127 0
append_var        1.1.0    4       4    4   0   0
withdraw_u        1.1.0    12      4    12  0   127
withdraw_dummy    1.1.0    12      4    12  0   127
withdraw_used     1.1.0    12      12   4   127 0
swap_cva          1.1.0    12      12   4   127 0
swap_cvb          1.1.0    12      12   4   127 0
swap_and_append   1.1.0    12      12   4   127 0
export_helper     1.1.0    4       4    4   0   0
unexport          1.1.0    4       4    4   0   0
grow_within       1.1.0    4       4    4   0   0
grow_reserve      1.1.0    12      12   4   127 0
shrink_reserve    1.1.0    12      12   4   127 0
const             1.1.0    12      4    4   0   0
origin            1.1.0    12      12   12  127 127
jump_grow         1.1.0    12      12   4   127 0
jump_shrink       1.1.0    12      12   4   127 0
got_grow          1.1.0    12      12   4   127 0
got_shrink        1.1.0    4       4    4   0   0
data_origin       1.1.0    12      12   4   127 0
major             2.0.0    12      12   12  0   0
reordered_srcs    1.1.0    4       4    4   0   0
mkcompat          1.1.0    4       4    4   0   0
range             1.1.0    12      4    4   0   0
append_both       1.1.0    4       4    4   0   0
export_and_append 1.1.0    4       4    4   0   0
swap_vars         1.1.0    12      12   4   127 0
'
# (major: the 2.0 image is not libcv.so.1, so the old programs keep the installed 1.0.)
n=0 bad=0
while read -r kind ver w_against w_prog w_old w_run w_runold <&3; do
    [ -n "$kind" ] || continue
    n=$((n + 1))
    d=$PWD/k_$kind
    newver "$d"
    SRCS= OPTS=
    "e_$kind" "$d"
    # shellcheck disable=SC2086
    SRCS=${SRCS:-cva.c cvb.c} cvbuild "$d" "$ver" ${OPTS:-}
    got_against=0 got_prog=0 got_old=0 got_run=0 got_runold=0
    verify-shlib --against v10/libcv.sa -l "$d/lib/libcv.so.$ver" "$d/libcv.sa" >"$d.against" 2>&1 || got_against=$?
    verify-shlib --program ./prog -l "$d/lib/libcv.so.$ver" >"$d.prog" 2>&1 || got_prog=$?
    verify-shlib --program ./progold -l "$d/lib/libcv.so.$ver" >"$d.old" 2>&1 || got_old=$?
    (JUMP_LIBRARY_PATH=$d/lib exe ./prog >"$d.run" 2>&1 </dev/null) 2>/dev/null || got_run=$?
    (JUMP_LIBRARY_PATH=$d/lib exe ./progold >"$d.runold" 2>&1 </dev/null) 2>/dev/null || got_runold=$?
    # A program that runs must run correctly.
    [ "$got_run" = 0 ] && ! diff -q prog.want "$d.run" >/dev/null && got_run=wrong
    [ "$got_runold" = 0 ] && ! diff -q progold.want "$d.runold" >/dev/null && got_runold=wrong
    want="$w_against $w_prog $w_old $w_run $w_runold"
    got="$got_against $got_prog $got_old $got_run $got_runold"
    if [ "$want" != "$got" ]; then
        echo "$kind: expected (against prog old run runold) $want, got $got"
        for f in against prog old run runold; do sed "s/^/    $f: /" "$d.$f"; done
        bad=$((bad + 1))
    fi
done 3< <(printf '%s\n' "$corpus")
[ $n -ge 30 ] || fail "the corpus has only $n kinds of change"
# The moved GOT is refused before anything runs, saying why.
expect_in k_jump_shrink.run "through GOT cell" "which this image uses otherwise: the image is not a compatible replacement"
[ $bad = 0 ] || fail "$bad of $n kinds of change got another verdict"
exit 0
