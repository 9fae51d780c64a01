# 306-verify-corrupt: the remaining differences, each made with a real tool on a copy:
# the image's own function symbol missing or moved (objcopy), a table segment cut short
# (program header patched), an absolute symbol of no kind (as), a damaged library record.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/verify.sh"

write_library
vbuild "$PWD/a" jump.funcs.orig
cd a
img=libxyz.so.1.0.0

objcopy --strip-symbol=xyz_sum $img nosym.so || fail "objcopy"
run 1 nosym.out verify-shlib -l nosym.so libxyz.sa
expect_in nosym.out \
    "libxyz.sa(math.o): 'xyz_sum' is slot $(slot 1) in the stub, but the image does not define 'xyz_sum'" \
    "libxyz.sa(__libxyz.o): '__PLT_xyz_sum' is slot $(slot 1) in the stub, but the image does not define 'xyz_sum'" \
    "2 differences"
objcopy --strip-symbol=xyz_sum --add-symbol "xyz_sum=$(slot 2),global,function" $img moved.so || fail "objcopy"
run 1 moved.out verify-shlib -l moved.so libxyz.sa
expect_in moved.out \
    "libxyz.sa(math.o): 'xyz_sum' is slot $(slot 1) in the stub, but the image defines 'xyz_sum' at $(slot 2)" \
    "2 differences"

# The first program header (the jump table and GOT) cut to 0x20 bytes: slots 4 and up and
# every cell are no longer in the image.
phoff=$(readelf -hW $img | sed -n 's/.*Start of program headers: *\([0-9]*\).*/\1/p')
cp $img short.so
if [ $PS = 8 ]; then at=$((phoff + 32)) bytes='\x20\0\0\0\0\0\0\0\x20\0\0\0\0\0\0\0'
else at=$((phoff + 16)) bytes='\x20\0\0\0\x20\0\0\0'; fi
printf "$bytes" | dd of=short.so bs=1 seek=$at conv=notrunc status=none
readelf -lW short.so | grep -q "LOAD .* 0x0*20 0x0*20 R E" || fail "the program header was not patched"
mkdir -p v/jump && cp ../jump.funcs.orig v/jump/jump.funcs
echo "00000004 D xyz_counter	libxyz	math" >v/jump/jump.vars
(cd v && JUMP_DIR=$PWD/jump mkstubs -m $ARCH -l /usr/local/lib/libxyz -v 1.0.0 -a $ORG -j 1024 \
    -g 1024 -- libxyz >/dev/null) || fail "mkstubs"
cell=$(printf '0x%x' $((ORG + 1024 + 2 * PS)))
run 1 short.out verify-shlib -l short.so v/libxyz.sa
expect_in short.out \
    "v/libxyz.sa(strings.o): 'xyz_free' is slot $(slot 4) in the stub, but the image has no bytes there" \
    "v/libxyz.sa(strings.o): 'xyz_len' is slot $(slot 6) in the stub, but the image has no bytes there" \
    "v/libxyz.sa(__libxyz.o): '__GOT_xyz_counter' is cell $cell in the stub, but the image has no bytes there"
expect_not_in short.out "'xyz_sum'"

# An absolute symbol that is neither a function nor a variable, in a member of its own.
printf '\t.globl xyz_odd\n\t.set xyz_odd, %s\n' "$(slot 1)" >odd.s
as $([ $ARCH = i386 ] && echo --32 || echo --64) -o odd.o odd.s || fail "as"
cp libxyz.sa odd.sa && ar q odd.sa odd.o
run 1 odd.out verify-shlib -l $img odd.sa
expect_in odd.out "odd.sa(odd.o): 'xyz_odd' is an absolute symbol ($(slot 1)) that is neither a function nor a variable" \
    "1 difference between"

# The record's magic and format words damaged (found by their bytes, "CERJ" = 0x4a524543,
# in the descriptor, the first member).
off=$(grep -obUa CERJ libxyz.sa | head -n 1 | cut -d: -f1)
[ -n "$off" ] || fail "no record magic in libxyz.sa"
cp libxyz.sa fmt.sa
printf '\x03' | dd of=fmt.sa bs=1 seek=$((off + PS)) conv=notrunc status=none
run 1 fmt.out verify-shlib -l $img fmt.sa
expect_in fmt.out "fmt.sa(__libxyz.o): the library record has format 3, not 2" "1 difference between"
cp libxyz.sa magic.sa
printf 'X' | dd of=magic.sa bs=1 seek=$off conv=notrunc status=none
run 1 magic.out verify-shlib -l $img magic.sa
expect_in magic.out "magic.sa(__libxyz.o): the library record has magic 0x4a524558, not 0x4a524543"
exit 0
