# 305-verify-errors: files that are not images or stubs, malformed notes, unreadable files
# and usage errors: exit 2, the file named, nothing claimed identical.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/verify.sh"

write_library
vbuild "$PWD/a" jump.funcs.orig
img=a/libxyz.so.1.0.0
stub=a/libxyz.sa
echo "just text" >text.txt
$CC_LIB -c math.c -o math.o
echo 'int main(void) { return 0; }' >main.c && gcc $M -no-pie -o plain main.c

# err OUT WANT CMD...: exit 2, the message on stderr, and no verdict.
err() {
    local out=$1 want=$2
    shift 2
    run 2 "$out" "$@"
    expect_in "$out" "$want"
    expect_not_in "$out" "identical symbols"
}

# Not images.
err i1.out "verify-shlib: error: text.txt: not a jump image: not an ELF or a.out file" verify-shlib -l text.txt $stub
err i2.out "verify-shlib: error: math.o: not a jump image: not an ELF executable" verify-shlib -l math.o $stub
err i3.out "verify-shlib: error: plain: not a jump image: no JUMP note (was it made by mkimage?)" verify-shlib -l plain $stub
err i4.out "verify-shlib: error: cannot open 'missing.so'" verify-shlib -l missing.so $stub
head -c 200 $img >trunc.so
err i5.out "verify-shlib: error: trunc.so: " verify-shlib -l trunc.so $stub
expect_not_in i5.out "Used address range"

strip -o stripped.so $img || fail "strip"
err i6.out "verify-shlib: error: stripped.so: the image has no symbol table (was it stripped?): verify the image as mkimage wrote it" \
    verify-shlib -l stripped.so $stub

# Malformed notes (patched in copies): the descriptor starts 20 bytes into .note.jump.
note=$(readelf -SW $img | sed -n 's/.*\] \.note\.jump  *[A-Z]*  *\([0-9a-f]*\) .*/0x\1/p')
[ -n "$note" ] || fail "no .note.jump section in $img"
desc=$((note + 20))
bad() { cp $img "$1"; poke "$@"; }
bad n1.so $desc 02 00 00 00
err n1.out "n1.so: not a jump image: the jump note has format 2, not 1" verify-shlib -l n1.so $stub
bad n2.so $((desc + 8)) 02 00 00 00
err n2.out "n2.so: not a jump image: the note's cell size 2 is not the $ARCH pointer size $PS" verify-shlib -l n2.so $stub
bad n3.so $((desc + 12)) 00 00 00 00
err n3.out "n3.so: not a jump image: jump table size 0x0 must be a non-zero multiple of 8" verify-shlib -l n3.so $stub
# A GOT not right after the table means -d: the GOT then ends at the data origin.
bad n4.so $((desc + 32)) $(le32 $((ORG + 1024 + 8)))
err n4.out "n4.so: not a jump image: the note puts the GOT at $(printf '0x%x' $((ORG + 1032))) and the data at $(printf '0x%x' $((ORG + 0x1000))), but its sizes put them at $(printf '0x%x' $((ORG + 0x1000 - 1024))) and $(printf '0x%x' $((ORG + 0x1000)))" \
    verify-shlib -l n4.so $stub
# The whole layout moved to 0x70000000, where the image has no bytes.
bad n5.so $((desc + 24)) 00 00 00 70
poke n5.so $((desc + 32)) $(le32 0x70000400)
poke n5.so $((desc + 40)) $(le32 0x70001000)
err n5.out "n5.so: not a jump image: no loaded bytes at the origin 0x70000000" verify-shlib -l n5.so $stub

# Not stubs: the range line comes first, then the error.
err s1.out "verify-shlib: error: text.txt: not a stub library (not an ar archive)" verify-shlib -l $img text.txt
expect_eq "$(head -n 1 s1.out)" "Used address range $ORG-$(image_end $img) be aware! must be unique!" "first line"
err s2.out "verify-shlib: error: cannot open 'missing.sa'" verify-shlib -l $img missing.sa
ar rc plain.a math.o
err s3.out "verify-shlib: error: plain.a: not a stub library (no member holds a jump_libs record)" verify-shlib -l $img plain.a
cp $stub text.sa && ar q text.sa text.txt
err s4.out "verify-shlib: error: text.sa(text.txt): not a stub library: the member is not an ELF object" verify-shlib -l $img text.sa
cp $stub exe.sa && ar q exe.sa plain
err s5.out "verify-shlib: error: exe.sa(plain): not a stub library: the member is not a relocatable object" verify-shlib -l $img exe.sa
other=$([ $ARCH = i386 ] && echo -m64 || echo -m32)
otherarch=$([ $ARCH = i386 ] && echo x86_64 || echo i386)
gcc $other -c main.c -o other.o
cp $stub mixed.sa && ar q mixed.sa other.o
err s6.out "verify-shlib: error: mixed.sa(other.o): the member is $otherarch, the others $ARCH" verify-shlib -l $img mixed.sa
head -c 60 math.o >cut.o
cp $stub cut.sa && ar q cut.sa cut.o
err s7.out "verify-shlib: error: cut.sa(cut.o): " verify-shlib -l $img cut.sa
# A good stub before a bad one: still exit 2, no verdict.
err s8.out "text.txt: not a stub library" verify-shlib -l $img $stub text.txt

# Usage.
run 2 u1.out verify-shlib $stub
expect_in u1.out "verify-shlib: missing -l image" "Try 'verify-shlib --help'"
run 2 u2.out verify-shlib -l $img
expect_in u2.out "verify-shlib: no stub libraries given"
run 2 u3.out verify-shlib -q -l $img $stub
expect_in u3.out "verify-shlib: invalid option"
exit 0
