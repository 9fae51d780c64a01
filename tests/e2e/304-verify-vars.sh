# 304-verify-vars: GOT cells and variables. mkimage does not place jump.vars variables yet
# (issue B), so the image here has an ordinary variable xyz_counter, and its GOT cell 2 is
# filled by hand in a copy; the stub comes from mkstubs with a jump.vars. Also a stub for
# the other architecture.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/verify.sh"

write_library
vbuild "$PWD/a" jump.funcs.orig
img=a/libxyz.so.1.0.0
counter=$(symval $img xyz_counter)
got=$((ORG + 1024))
cell2=$(printf '0x%x' $((got + 2 * PS)))
cell3=$(printf '0x%x' $((got + 3 * PS)))
data=$(printf '0x%x' $(((got + 1024 + 0xfff) & ~0xfff)))   # the first page after the GOT

# stub DIR JUMP.VARS-LINES...: a stub alone (-m), with the image's jump.funcs.
stub() {
    local dir=$1
    shift
    mkdir -p "$dir/jump" && cp jump.funcs.orig "$dir/jump/jump.funcs"
    printf '%s\n' "$@" >"$dir/jump/jump.vars"
    (cd "$dir" && JUMP_DIR=$dir/jump mkstubs -m $ARCH -l /usr/local/lib/libxyz -v 1.0.0 -a $ORG \
        -j 1024 -g 1024 -- libxyz >/dev/null) || fail "mkstubs in $dir"
}
stub "$PWD/v" "00000004 D xyz_counter	libxyz	math" "00000004 D xyz_missing	libxyz	math"
expect_eq "$(symval v/libxyz.sa __GOT_xyz_counter)" "$cell2" "__GOT_xyz_counter in the stub"
expect_eq "$(symval v/libxyz.sa xyz_counter)" "$data" "xyz_counter in the stub"

run 1 v.out verify-shlib -l $img v/libxyz.sa
expect_in v.out \
    "v/libxyz.sa(__libxyz.o): '__GOT_xyz_counter' is cell $cell2 in the stub, but that cell of the image holds 0x0, not the address of 'xyz_counter' ($counter)" \
    "v/libxyz.sa(__libxyz.o): '__GOT_xyz_missing' is cell $cell3 in the stub, but the image does not define 'xyz_missing'" \
    "v/libxyz.sa(math.o): 'xyz_counter' is variable $data in the stub, but the image has it at $counter" \
    "v/libxyz.sa(math.o): 'xyz_missing' is variable $(printf '0x%x' $((data + 4))) in the stub, but the image does not define it"

# Cell 2 holding xyz_counter's address: that line goes; holding xyz_sum__LOCAL__'s, it names it.
cp $img cell.so
if [ $PS = 8 ]; then
    poke cell.so $cell2 $(le32 $counter) 00 00 00 00
else
    poke cell.so $cell2 $(le32 $counter)
fi
run 1 cell.out verify-shlib -l cell.so v/libxyz.sa
expect_not_in cell.out "__GOT_xyz_counter"
expect_in cell.out "'xyz_counter' is variable $data in the stub"
sum=$(symval $img xyz_sum__LOCAL__)
poke cell.so $cell2 $(le32 $sum)
run 1 cell2.out verify-shlib -l cell.so v/libxyz.sa
expect_in cell2.out "v/libxyz.sa(__libxyz.o): '__GOT_xyz_counter' is cell $cell2 in the stub, but that cell of the image holds $sum ('xyz_sum__LOCAL__'), not the address of 'xyz_counter' ($counter)"

# A cell outside the GOT's variable cells: a stub whose GOT is elsewhere (-d).
mkdir -p d/jump && cp jump.funcs.orig d/jump/jump.funcs && echo "00000004 D xyz_counter	libxyz	math" >d/jump/jump.vars
(cd d && JUMP_DIR=$PWD/jump mkstubs -m $ARCH -l /usr/local/lib/libxyz -v 1.0.0 -a $ORG -j 1024 \
    -g 1024 -d 0x6a390000 -- libxyz >/dev/null) || fail "mkstubs -d"
dcell=$(symval d/libxyz.sa __GOT_xyz_counter)
run 1 d.out verify-shlib -l $img d/libxyz.sa
expect_in d.out "d/libxyz.sa(__libxyz.o): '__GOT_xyz_counter' is $dcell in the stub, which is not a variable cell of the image's GOT ($cell2-$(printf '0x%x' $((got + 1024 - PS))))"

# A variable the image has at the stub's address but larger than the stub reserves: the
# symbol that starts the image's data area (whatever mkimage puts there), reserved 1 byte.
read -r _ size name < <(nm -S $img | awk -v d="${data#0x}" '$1 ~ d"$" && $2 != "" && NF == 4 { print $1, $2, $4; exit }')
[ -n "${name:-}" ] || fail "nm shows no sized symbol at $data in $img"
stub "$PWD/big" "00000001 D $name	libxyz	math"
run 1 big.out verify-shlib -l $img big/libxyz.sa
expect_in big.out "big/libxyz.sa(math.o): '$name' is $((0x$size)) bytes in the image, more than the 1 the stub reserves"

# A stub for the other architecture.
other=$([ $ARCH = i386 ] && echo x86_64 || echo i386)
mkdir -p o/jump && cp jump.funcs.orig o/jump/jump.funcs
(cd o && JUMP_DIR=$PWD/jump mkstubs -m $other -l /usr/local/lib/libxyz -v 1.0.0 -a $ORG -j 1024 \
    -g 1024 -- libxyz >/dev/null) || fail "mkstubs -m $other"
run 1 o.out verify-shlib -l $img o/libxyz.sa
expect_in o.out "o/libxyz.sa: the stub is for $other, but the image is for $ARCH" \
    "1 difference between the stub library and the sharable library."
exit 0
