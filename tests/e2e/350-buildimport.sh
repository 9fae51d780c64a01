# 350-buildimport: jump.import from stubs made by mkstubs with a jump.vars: one line per
# __GOT_ symbol in cell (jump.vars) order, size and member from the variable's symbol; no
# stubs gives an empty file; JUMP_DIR unset, -o.
. "$TOP/tests/e2e/lib.sh"
arch=$ARCH
T=$'\t'

# mkstub ROOT ORIGIN FUNCS-LINES VARS-LINES: ROOT.sa here, from its own JUMP_DIR.
mkstub() {
    mkdir -p "$1/jump"
    printf '%s\n' "$3" >"$1/jump/jump.funcs"
    printf '%s' "$4" >"$1/jump/jump.vars"
    (cd "$1" && JUMP_DIR=$PWD/jump mkstubs -m $arch -l /usr/lib/$1 -v 1.2 -a $2 -- $1 >/dev/null) ||
        fail "mkstubs $1"
    cp "$1/$1.sa" .
}
mkstub libabc 0x62000000 "00000000 T abc_get${T}libabc${T}state" \
"00000004 D counter${T}libabc${T}state
00000010 D table${T}libabc${T}state
00000008 U __DUMMY__${T}libabc${T}state
00000008 C buf${T}libabc${T}buf
00000004 K konst${T}libabc${T}consts
"
mkstub libdef 0x62400000 "00000000 T def_f${T}libdef${T}tables" "00000020 D def_table${T}libdef${T}tables
"
mkstub libnov 0x62800000 "00000000 T nov_f${T}libnov${T}nov" ""

printf '%s\n' \
    "00000004 D counter${T}libabc${T}state" \
    "00000010 D table${T}libabc${T}state" \
    "00000008 D buf${T}libabc${T}buf" \
    "00000004 D konst${T}libabc${T}consts" \
    "00000020 D def_table${T}libdef${T}tables" >want.import
mkdir jd
run 0 b1.out env JUMP_DIR=$PWD/jd buildimport --no-host libabc.sa libnov.sa libdef.sa
[ -s b1.out ] && fail "unexpected output: $(cat b1.out)"
cmp want.import jd/jump.import || { diff -u want.import jd/jump.import; fail "jump.import"; }
# That is the cells' order too (nm, independently of buildimport).
order=$(nm libabc.sa | awk '$3 ~ /^__GOT_/ && $3 != "__GOT_SIZE" { print $1, substr($3, 7) }' | sort | cut -d' ' -f2 | tr '\n' ' ')
expect_eq "$order" "counter table buf konst " "cell order"

# No stubs: an empty file replaces the old one.
run 0 b2.out env JUMP_DIR=$PWD/jd buildimport --no-host
[ -f jd/jump.import ] && [ ! -s jd/jump.import ] || fail "jump.import not empty"

# By default the C library's variables follow the stubs' (the classic libc.sa in SL_IMPORT):
# exactly the data objects (not thread-local: errno) without a leading underscore that
# libc.so.6 defines, checked here with readelf independently of buildimport.
run 0 b5.out env JUMP_DIR=$PWD/jd buildimport -m $ARCH libdef.sa
libc=$(gcc $M -print-file-name=libc.so.6)
readelf -W --dyn-syms "$libc" | awk '$4 == "OBJECT" && $7 != "UND" && $7 != "ABS" && $8 !~ /^_/ { sub(/@.*/, "", $8); print $8 }' |
    sort -u | awk -v T="$T" '{ print "00000000 D " $1 T "libc" T "host" }' >want.host
{ echo "00000020 D def_table${T}libdef${T}tables"; cat want.host; } >want.all
cmp want.all jd/jump.import || { diff -u want.all jd/jump.import | head -20; fail "jump.import with the C library's variables"; }
expect_in jd/jump.import "D stdout${T}libc${T}host" "D environ${T}libc${T}host"
run 2 b6.out buildimport -m vax
expect_in b6.out "buildimport: unknown architecture 'vax' (i386 or x86_64)"

# A stub whose variable members are gone: size 0 and the member holding __GOT_. (On x86-64 an
# object file's variables and functions are two members of one name: delete every state.o.)
cp libabc.sa libcut.sa
while ar t libcut.sa | grep -qx state.o; do ar d libcut.sa state.o; done
run 0 b3.out env -u JUMP_DIR buildimport --no-host -o cut.import libcut.sa
[ -s b3.out ] && fail "-o needs no JUMP_DIR, yet: $(cat b3.out)"
printf '%s\n' \
    "00000000 D counter${T}libcut${T}__libabc" \
    "00000000 D table${T}libcut${T}__libabc" \
    "00000008 D buf${T}libcut${T}buf" \
    "00000004 D konst${T}libcut${T}consts" >want.cut
cmp want.cut cut.import || { diff -u want.cut cut.import; fail "cut.import"; }
[ -e jump.import ] && fail "-o also wrote ./jump.import"

# JUMP_DIR unset: the current directory, with the warning.
run 0 b4.out env -u JUMP_DIR buildimport --no-host libdef.sa
expect_in b4.out "buildimport: warning: JUMP_DIR is not set; using the current directory"
expect_eq "$(cat jump.import)" "00000020 D def_table${T}libdef${T}tables" "./jump.import"

run 0 h.out buildimport --help
expect_in h.out "Usage: buildimport [-o file] [-m arch] [--no-host] [stub.sa...]"
run 0 v.out buildimport --version
expect_in v.out "buildimport (jump toolkit)"
exit 0
