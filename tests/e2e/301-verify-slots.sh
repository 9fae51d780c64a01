# 301-verify-slots: slots patched in copies of a real image are each reported, naming the
# stub, member, symbol and both sides, with the count, and exit 1.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/verify.sh"

write_library
vbuild "$PWD/a" jump.funcs.orig
cd a
prod=$(symval libxyz.so.1.0.0 xyz_prod__LOCAL__)
len=$(symval libxyz.so.1.0.0 xyz_len__LOCAL__)

# Slot 1 (xyz_sum) now jumps to xyz_prod; slot 2 (xyz_prod) to a byte after xyz_len's start,
# where no symbol is; slot 4 (xyz_free) traps; slot 6 (xyz_len) is a plain ret.
cp libxyz.so.1.0.0 bad.so
poke bad.so "$(slot 1)" e9 $(le32 $((prod - $(slot 1) - 5))) 90 90 90
poke bad.so "$(slot 2)" e9 $(le32 $((len + 1 - $(slot 2) - 5))) 90 90 90
poke bad.so "$(slot 4)" 0f 0b cc cc cc cc cc cc
poke bad.so "$(slot 6)" c3 90 90 90 90 90 90 90
nowhere=$(printf '0x%x' $((len + 1)))
# lines MEMBER-OF-MATH MEMBER-OF-STRINGS PREFIX: the four differences, as the symbols of
# the objfile members (no prefix) or the descriptor's __PLT_ symbols would show them.
lines() {
    echo "libxyz.sa($1): '${3}xyz_sum' is slot $(slot 1) in the stub, but that slot of the image jumps to 'xyz_prod__LOCAL__'"
    echo "libxyz.sa($1): '${3}xyz_prod' is slot $(slot 2) in the stub, but that slot of the image jumps to $nowhere, where the image has no symbol (want 'xyz_prod__LOCAL__')"
    echo "libxyz.sa($2): '${3}xyz_free' is slot $(slot 4) in the stub, but that slot of the image is retired (it traps)"
    echo "libxyz.sa($2): '${3}xyz_len' is slot $(slot 6) in the stub, but that slot of the image does not hold a jump (c3 90 90 90 90 90 90 90)"
}
{
    lines math.o strings.o ""
    lines __libxyz.o __libxyz.o __PLT_
} | sort >want.lines
run 1 got.out verify-shlib -l bad.so libxyz.sa
expect_eq "$(head -n 1 got.out)" "Used address range $ORG-$(image_end bad.so) be aware! must be unique!" "first line"
expect_eq "$(tail -n 1 got.out)" "8 differences between the stub library and the sharable library." "count line"
sed '1d;$d' got.out | sort >got.lines
diff -u want.lines got.lines || fail "differences reported"

# The version word at the origin changed to 2.0: the record, the library's own
# __NEEDS_SHRLIB_ marker, and the image's note itself disagree with it.
cp libxyz.so.1.0.0 major.so
poke major.so $ORG 00 00 02 00
run 1 major.out verify-shlib -l major.so libxyz.sa
expect_in major.out \
    "major.so: the note's version word 0x10000 differs from the word 0x20000 at the load address" \
    "libxyz.sa(__libxyz.o): the library record's version word is 0x10000 (1.0), but the image's is 0x20000 (2.0)" \
    "libxyz.sa(__libxyz.o): '__NEEDS_SHRLIB_libxyz_1' names another major version than the image's 2" \
    "3 differences between the stub library and the sharable library."
expect_not_in major.out "identical symbols"

# Two stubs: the count says "libraries".
run 1 two.out verify-shlib -l major.so libxyz.sa libxyz.sa
expect_in two.out "5 differences between the stub libraries and the sharable library."
exit 0
