# 351-buildimport-errors: arguments that are not stubs, unreadable files and an unwritable
# output: exit 2 naming the file, and the previous jump.import left as it was.
. "$TOP/tests/e2e/lib.sh"
T=$'\t'
mkdir -p s/jump jd
printf '00000000 T abc_get\tlibabc\tstate\n' >s/jump/jump.funcs
printf '00000004 D counter\tlibabc\tstate\n' >s/jump/jump.vars
(cd s && JUMP_DIR=$PWD/jump mkstubs -m $ARCH -l /usr/lib/libabc -v 1.0 -a 0x62000000 -- libabc >/dev/null) ||
    fail "mkstubs"
export JUMP_DIR=$PWD/jd
echo "keep me" >jd/jump.import
echo "text" >text.txt
echo 'int x;' >x.c && gcc $M -c x.c -o x.o && ar rc plain.a x.o
cp s/libabc.sa text.sa && ar q text.sa text.txt

# err WANT ARGS...: exit 2, the message, jump.import untouched.
err() {
    local want=$1
    shift
    run 2 e.out buildimport "$@"
    expect_in e.out "$want"
    expect_eq "$(cat jd/jump.import)" "keep me" "jump.import after '$*'"
}
err "buildimport: error: text.txt: not a stub library (not an ar archive)" s/libabc.sa text.txt
err "buildimport: error: x.o: not a stub library (not an ar archive)" x.o
err "buildimport: error: plain.a: not a stub library (no member holds a jump_libs record)" plain.a
err "buildimport: error: text.sa(text.txt): not a stub library: the member is not an ELF object" text.sa
err "buildimport: error: cannot open 'missing.sa'" missing.sa
err "buildimport: invalid option" -x s/libabc.sa
run 2 e.out buildimport -o nodir/jump.import s/libabc.sa
expect_in e.out "buildimport: error: " "nodir/jump.import"
[ -e nodir ] && fail "nodir created"
JUMP_DIR=$PWD/nodir run 2 e2.out buildimport s/libabc.sa
expect_in e2.out "nodir/jump.import"
# And it works once the input is right.
run 0 ok.out buildimport --no-host s/libabc.sa
expect_eq "$(cat jd/jump.import)" "00000004 D counter${T}libabc${T}state" "jump.import"
exit 0
