# 303-verify-params: stubs made with another load address (-a) or another major version (-v)
# than the image: the record, every slot and the size symbols are reported.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/verify.sh"

write_library
vbuild "$PWD/a" jump.funcs.orig
img=a/libxyz.so.1.0.0
end=$(image_end $img)

# stub DIR MKSTUBS-OPTIONS...: a stub alone (no image beside it, so -m), own JUMP_DIR.
stub() {
    local dir=$1
    shift
    mkdir -p "$dir/jump" && cp jump.funcs.orig "$dir/jump/jump.funcs"
    (cd "$dir" && JUMP_DIR=$dir/jump mkstubs -m $ARCH -l /usr/local/lib/libxyz "$@" \
        -- libxyz >/dev/null) || fail "mkstubs $*"
}

stub "$PWD/moved" -v 1.0.0 -a 0x6a390000 -j 1024 -g 1024
last=$(symval moved/libxyz.sa __LAST_DATA_ADDRESS)
run 1 moved.out verify-shlib -l $img moved/libxyz.sa
expect_in moved.out \
    "moved/libxyz.sa(__libxyz.o): the library record's load address is 0x6a390000, but the image's is $ORG" \
    "moved/libxyz.sa(__libxyz.o): '__PLT_xyz_sum' is 0x6a390008 in the stub, which is not a slot of the image ($(slot 1)-$(slot 126))" \
    "moved/libxyz.sa(strings.o): 'xyz_len' is 0x6a390030 in the stub, which is not a slot of the image ($(slot 1)-$(slot 126))" \
    "moved/libxyz.sa(__libxyz.o): '__LAST_DATA_ADDRESS' is $last in the stub, but the image's end address is $end"
# 1 record + 4 exported functions twice + __LAST_DATA_ADDRESS.
expect_eq "$(tail -n 1 moved.out)" "10 differences between the stub library and the sharable library." "count"

stub "$PWD/major" -v 2.0 -a $ORG -j 1024 -g 1024
last=$(symval major/libxyz.sa __LAST_DATA_ADDRESS)
run 1 major.out verify-shlib -l $img major/libxyz.sa
printf '%s\n' \
    "Used address range $ORG-$end be aware! must be unique!" \
    "major/libxyz.sa(__libxyz.o): the library record's version word is 0x20000 (2.0), but the image's is 0x10000 (1.0)" \
    "major/libxyz.sa(__libxyz.o): the library record names 'libxyz.so.2', but the image is 'libxyz.so.1'" >want.out
sed -n 1,3p major.out >got.out
diff -u want.out got.out || fail "record differences"
expect_in major.out \
    "major/libxyz.sa(__libxyz.o): '__NEEDS_SHRLIB_libxyz_2' names another major version than the image's 1" \
    "major/libxyz.sa(__libxyz.o): '__LAST_DATA_ADDRESS' is $last in the stub, but the image's end address is $end" \
    "4 differences between the stub library and the sharable library."
expect_eq "$(wc -l <major.out)" 6 "lines of output"

# Another jump table and GOT size: the slots stay where they were, the sizes differ.
stub "$PWD/sizes" -v 1.0.0 -a $ORG -j 2048 -g 2048
run 1 sizes.out verify-shlib -l $img sizes/libxyz.sa
expect_in sizes.out \
    "sizes/libxyz.sa(__libxyz.o): '__PLT_SIZE' is 0x800 in the stub, but the image's jump table size is 0x400" \
    "sizes/libxyz.sa(__libxyz.o): '__GOT_SIZE' is 0x800 in the stub, but the image's GOT size is 0x400"
expect_not_in sizes.out "slot"
exit 0
