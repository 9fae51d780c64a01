#!/bin/bash
# mkimage -F aout: the classic i386 QMAGIC image (lib/aout.h). Its header fields are read
# back byte by byte from the format's definition (struct exec, nlist), its memory is the ELF
# image's byte for byte, and real programs linked with the ELF stub run against it, from the
# file and from jump-ldconfig's cache; verify-shlib, mkstubs and jump-ldd read it. The loader
# refuses one whose header does not agree with its segments. x86-64: refused, a.out is i386.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/xa.sh"
export JUMP_DIR=$PWD/jump JUMP_LIB=libxa
mkdir -p jump lib
ORG=0x6b100000
OPTS="-l $PWD/lib/libxa -v 1.2 -a $ORG -j 0x1000 -g 0x1000"

xa_sources
$JCC -O2 -c xa.c -o xa.o || fail "compile"
(cd jump && getfuncs >/dev/null && getvars >/dev/null && rm jump.log) || fail "getfuncs/getvars"
$JCC -O2 -c xa.c -o xa.o || fail "second compile"

if [ "$ARCH" = x86_64 ]; then
    expect 2 "" -- mkimage $OPTS -F aout -- xa.o -lc
    expect_in err.txt "a.out images are i386 only (this image is x86_64)"
    [ ! -e libxa.so.1.2 ] || fail "a refused a.out image was written"
    exit 0
fi
expect 2 "mkimage: unknown format 'coff' for -F (elf or aout)" -- mkimage $OPTS -F coff -- xa.o -lc

# A data origin away from the image cannot be one piece of a.out: refused, nothing written.
expect 2 "" -- mkimage $OPTS -d 0x6c000000 -F aout -- xa.o -lc
expect_in err.txt "an a.out image is one piece of file mapped at one address" "leave out -d or -F aout"
[ ! -e libxa.so.1.2 ] && [ ! -e jump/jump.params ] || fail "the refused image left files behind"
run 0 elf.out mkimage $OPTS -- xa.o -lc
mv libxa.so.1.2 elf.img
run 0 aout.out mkimage $OPTS -F aout -- xa.o -lc
# mkstubs reads the a.out image like an ELF one (it takes -m from it).
run 0 stubs.out mkstubs $OPTS -- libxa

# struct exec, little-endian 32-bit words.
word() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
info=$(word libxa.so.1.2 0) text=$(word libxa.so.1.2 4) data=$(word libxa.so.1.2 8)
bss=$(word libxa.so.1.2 12) syms=$(word libxa.so.1.2 16) entry=$(word libxa.so.1.2 20)
expect_eq "$(printf %x "$info")" 6400cc "a_info (QMAGIC 0314, machine M_386 100)"
expect_eq "$(printf %x "$entry")" "$(printf %x $((ORG - 0x1000 + 0x20)))" "a_entry (0x20 into the page below the load address)"
expect_eq "$(word libxa.so.1.2 24)/$(word libxa.so.1.2 28)" 0/0 "a_trsize/a_drsize"
[ $((text % 4096)) = 0 ] && [ $((data % 4096)) = 0 ] || fail "a_text $text and a_data $data must be whole pages"
[ "$bss" -ge 100000 ] || fail "a_bss $bss: the library's 100000-byte buffer is bss"
# The version word at the load address (file offset 0x1000 in QMAGIC): 1.2 is (1 << 16) + 200.
expect_eq "$(word libxa.so.1.2 4096)" $(((1 << 16) + 200)) "version word at the load address"
# Every segment of the ELF image lies at the same file offset in the a.out image, byte for
# byte (QMAGIC maps file offset 0x1000 at the load address, as mkimage lays ELF images out).
nseg=0
while read -r type off va pa fsz rest; do
    [ "$type" = LOAD ] && [ $((fsz)) -gt 0 ] || continue
    cmp <(tail -c +$((off + 1)) libxa.so.1.2 | head -c $((fsz))) <(tail -c +$((off + 1)) elf.img | head -c $((fsz))) ||
        fail "the segment at $va differs between the a.out and the ELF image"
    [ $((off + fsz)) -le $((text + data)) ] || fail "the segment at $va lies outside a_text + a_data"
    nseg=$((nseg + 1))
done < <(readelf -lW elf.img)
[ $nseg -ge 3 ] || fail "only $nseg segments compared"
size=$(stat -c %s libxa.so.1.2)
strsize=$(word libxa.so.1.2 $((text + data + syms)))
expect_eq "$size" $((text + data + syms + strsize)) "file size: text + data + symbols + strings"
# The symbol table: _xa_add is N_TEXT|N_EXT (5) at its slot, __GOT__xa_count at its cell, and
# the classic __SHARABLE_CONFLICTS__ set element (N_SETT|N_EXT, 23) at _GLOBAL_OFFSET_TABLE_.
symbol() { # NAME: "type value" of the first nlist entry named NAME
    local i strx name
    for ((i = 0; i < syms / 12; i++)); do
        strx=$(word libxa.so.1.2 $((text + data + 12 * i)))
        name=$(tail -c +$((text + data + syms + strx + 1)) libxa.so.1.2 | head -c 200 | tr '\0' '\n' | head -n 1)
        if [ "$name" = "$1" ]; then
            echo "$(od -An -tu1 -j $((text + data + 12 * i + 4)) -N1 libxa.so.1.2 | tr -d ' ') $(printf %x "$(word libxa.so.1.2 $((text + data + 12 * i + 8)))")"
            return
        fi
    done
}
slot=$(stubaddr libxa.sa xa_add)
expect_eq "$(symbol _xa_add)" "5 ${slot: -8}" "nlist of _xa_add"
expect_eq "$(symbol __GOT__xa_count)" "5 $(printf %x $((ORG + 0x1000 + 8)))" "nlist of __GOT__xa_count (cell 2)"
expect_eq "$(symbol __SHARABLE_CONFLICTS__)" "23 $(printf %x $((ORG + 0x1000 + 4)))" "nlist of __SHARABLE_CONFLICTS__"

run 0 verify.out verify-shlib -l libxa.so.1.2 -- libxa.sa
expect_in verify.out "The stub library and the sharable libraries have identical symbols."

cp libxa.so.1.2 lib/ && ln -sf libxa.so.1.2 lib/libxa.so.1
gcc $M -no-pie -o prog prog.c libxa.sa || fail "link"
export JUMP_LIBRARY_PATH=$PWD/lib
run 0 prog.out exe ./prog
expect_eq "$(cat prog.out)" "xa 42 41" "the program against the a.out image"
run 0 ldd.out jump-ldd ./prog
expect_in ldd.out "libxa.so.1 (DLL Jump 1.2) => $PWD/lib/libxa.so.1"
# Through the image cache.
run 0 ldc.out jump-ldconfig -n lib
[ -s lib/jump.cache ] || fail "jump-ldconfig made no cache of the a.out image"
JUMP_TRACE_CACHE=1 run 0 prog.out exe ./prog
expect_in prog.out "xa 42 41" "libxa.so.1: $PWD/lib/jump.cache: from the cache"

# A header that does not agree with the segments: refused, naming what is wrong.
rm lib/jump.cache
cp libxa.so.1.2 lib/libxa.so.1.2
printf '\x40' | dd of=lib/libxa.so.1.2 bs=1 seek=20 conv=notrunc status=none # a_entry
run 127 bad.out exe ./prog
expect_in bad.out "its a.out entry is not 0x20 into the page below its load address"
