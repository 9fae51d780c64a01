#!/bin/bash
# a.out stubs. mkstubs -F aout writes the classic .sa (an ar archive with a BSD __.SYMDEF
# index of OMAGIC members: the descriptor ___SHARED_LIBRARIES__ record, __PLT__/__GOT__
# symbols, one member per objfile); nothing on Debian 12 links a.out, so it is read back:
# field by field here, and by libinfo, mkcompat, buildimport and verify-shlib. Then a period
# stub built byte by byte in this script from the format's fields (struct exec, nlist, the ar
# header), as the classic tools left it, is what a user holds: libinfo reads it, and mkcompat
# rebuilds control files from it for a drop-in compatible replacement that really runs.
. "$TOP/tests/e2e/lib.sh"
export JUMP_DIR=$PWD/jump JUMP_LIB=libxa
mkdir -p jump lib
ORG=0x6b100000
OPTS="-l /usr/lib/libxa -v 1.2 -a $ORG -j 0x1000 -g 0x1000"

cat >xa.c <<'C'
int xa_count = 40;
const char *xa_name(void) { return "xa"; }
int xa_add(int a, int b) { xa_count++; return a + b; }
C
$JCC -O2 -c xa.c -o xa.o || fail "compile"
(cd jump && getfuncs >/dev/null && getvars >/dev/null && rm jump.log) || fail "getfuncs/getvars"
$JCC -O2 -c xa.c -o xa.o || fail "second compile"
run 0 img.out mkimage $OPTS -- xa.o -lc
if [ "$ARCH" = x86_64 ]; then
    expect 2 "" -- mkstubs $OPTS -F aout -- libxa
    expect_in err.txt "a.out stubs are i386 only (this library is x86_64)"
    [ ! -e libxa.sa ] || fail "a refused stub was written"
    exit 0
fi
run 0 stub.out mkstubs $OPTS -F aout -- libxa
expect_eq "$(cat stub.out)" "libxa.sa: ___libxa_1_200, xa, sequencing, done" "progress line"

word() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
expect_eq "$(head -c 8 libxa.sa)" '!<arch>' "archive magic"
expect_eq "$(tail -c +9 libxa.sa | head -c 16 | tr -d ' ')" "__.SYMDEF" "the first member is the BSD index"
expect_eq "$(ar t libxa.sa | tr '\n' ' ')" "__libxa.o xa.o " "members"
mkdir x && (cd x && ar x ../libxa.sa) || fail "ar x"
for m in x/__libxa.o x/xa.o; do
    expect_eq "$(printf %08x "$(word $m 0)")" 00640107 "$m a_info (OMAGIC 0407, M_386)"
done
# nlist entries of an OMAGIC object: "name type value" lines.
symbols() {
    local f=$1 text data trs drs syms i strx
    text=$(word "$f" 4) data=$(word "$f" 8) syms=$(word "$f" 16) trs=$(word "$f" 24) drs=$(word "$f" 28)
    local so=$((32 + text + data + trs + drs)) st=$((32 + text + data + trs + drs + syms))
    for ((i = 0; i < syms / 12; i++)); do
        strx=$(word "$f" $((so + 12 * i)))
        printf '%s %d %x\n' "$(tail -c +$((st + strx + 1)) "$f" | tr '\0' '\n' | head -n 1)" \
            "$(od -An -tu1 -j $((so + 12 * i + 4)) -N1 "$f" | tr -d ' ')" "$(word "$f" $((so + 12 * i + 8)))"
    done
}
symbols x/__libxa.o >desc.syms
symbols x/xa.o >xa.syms
slot() { awk -v n="$1" '$3 == n { print NR; exit }' jump/jump.funcs; }
expect_in desc.syms "___libxa_1_200 7 " "__NEEDS_SHRLIB_libxa_1 7 " "___SHARED_LIBRARIES__ 25 " \
    "__SHARABLE_CONFLICTS__ 25 " "___CTOR_LIST__ 20 $(printf %x $((ORG + 0x1000 - 8)))" \
    "__PLT__xa_add 3 $(printf %x $((ORG + 8 * $(slot xa_add))))" \
    "__GOT__xa_count 3 $(printf %x $((ORG + 0x1000 + 8)))" "__GOT_SIZE 2 1000" "__PLT_SIZE 2 1000"
expect_in xa.syms "_xa_add 3 $(printf %x $((ORG + 8 * $(slot xa_add))))" "_xa_count 3 $(printf %x $((ORG + 0x2000)))" \
    "___libxa_1_200 1 0"
# The record the ___SHARED_LIBRARIES__ element points at: {path, description, origin, version}.
text=$(word x/__libxa.o 4)
rec=$(awk '$1 == "___SHARED_LIBRARIES__" { print $3 }' desc.syms)
expect_eq "$(tail -c +$((32 + $(word x/__libxa.o $((32 + 0x$rec))) + 1)) x/__libxa.o | tr '\0' '\n' | head -n 1)" \
    /usr/lib/libxa.so.1 "the record's path"
expect_eq "$(printf %x "$(word x/__libxa.o $((32 + 0x$rec + 8)))")/$(word x/__libxa.o $((32 + 0x$rec + 12)))" \
    "6b100000/$(((1 << 16) + 200))" "the record's origin and version word"

# Read back by the tools.
run 0 info.out libinfo libxa.sa
expect_in info.out "Library version is 1.2.0 (libxa.so.1, DLL Jump 1.2)" "Start address of library is 0x6b100000" \
    "Encountered 2 function(s) and 1 global var(s) in stub"
run 0 ver.out verify-shlib -l libxa.so.1.2 -- libxa.sa
expect_in ver.out "The stub library and the sharable libraries have identical symbols."
run 0 bi.out buildimport -o imp --no-host libxa.sa
expect_eq "$(awk '{print $2, $3, $4, $5}' imp)" "D xa_count libxa xa" "buildimport from the a.out stub"
run 0 mkf.out mkcompat -f libxa.sa
expect_eq "$(awk '{print $3}' mkf.out | tr '\n' ' ')" "$(awk '{print $3}' jump/jump.funcs | tr '\n' ' ')" "mkcompat -f"

# ---- a period stub, byte by byte ----
le32() { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"; }
# aobj OUT TEXT DATA DRELOCS name:type:value...: an OMAGIC object.
aobj() {
    local out=$1 tf=$2 df=$3 rf=$4 off=4 n=0 name type val s
    shift 4
    : >o.syms
    : >o.strs
    for s in "$@"; do
        IFS=: read -r name type val <<<"$s"
        { le32 $off; printf "$(printf '\\%03o' "$type")\\0\\0\\0"; le32 $((val)); } >>o.syms
        printf '%s\0' "$name" >>o.strs
        off=$((off + ${#name} + 1)) n=$((n + 1))
    done
    { le32 $((0x00640107)); le32 "$(stat -c %s "$tf")"; le32 "$(stat -c %s "$df")"; le32 0; le32 $((12 * n))
      le32 0; le32 0; le32 "$(stat -c %s "$rf")"; cat "$tf" "$df" "$rf" o.syms; le32 $off; cat o.strs; } >"$out"
}
# arch OUT MEMBER...: an ar archive.
archive() {
    local out=$1 m size
    shift
    printf '!<arch>\n' >"$out"
    for m; do
        size=$(stat -c %s "$m")
        printf '%-16s%-12s%-6s%-6s%-8s%-10s`\n' "$(basename "$m")/" 0 0 0 644 "$size" >>"$out"
        cat "$m" >>"$out"
        [ $((size % 2)) = 0 ] || printf '\n' >>"$out"
    done
}
O=0x6b200000
printf '/usr/lib/libold.so.2\0DLL Jump 2.1\0\0\0' >t.bin # 36 bytes
{ le32 0; le32 21; le32 $O; le32 $(((2 << 16) + 100)); le32 $((O + 0x1000)); } >d.bin
{ le32 0; le32 $((0x04000004)); le32 4; le32 $((0x04000004)); } >r.bin
: >empty
aobj __libold.o t.bin d.bin r.bin ___libold_2_100:7:36 __NEEDS_SHRLIB_libold_2:7:36 ___SHARED_LIBRARIES__:25:36 \
    __SHARABLE_CONFLICTS__:25:52 ___CTOR_LIST__:20:$((O + 0xff8)) __PLT__old_a:3:$((O + 8)) __PLT__old_b:3:$((O + 24)) \
    __GOT__old_v:3:$((O + 0x1008)) __GOT_SIZE:2:4096 __PLT_SIZE:2:4096 __LAST_DATA_ADDRESS:2:$((O + 0x2004))
aobj old.o empty empty empty _old_a:3:$((O + 8)) _old_b:3:$((O + 24)) _old_v:3:$((O + 0x2000)) ___libold_2_100:1:0
mkdir -p period
archive period/libold.sa __libold.o old.o

# The period image beside it (QMAGIC at 0x6b200000 - 0x1000): header page; the jump table page
# (version word 2.1, slot 1 jmp _old_a__LOCAL__, slot 2 retired, slot 3 jmp _old_b__LOCAL__,
# the bodies after the table); the GOT page {conflicts, 0xfeeb1ed3, &_old_v}; the data page
# with _old_v. Symbols as the period ld left them.
{
    le32 $((0x006400cc)); le32 $((0x3000)); le32 $((0x1000)); le32 0; le32 $((12 * 7)); le32 $((O - 0x1000 + 0x20)); le32 0; le32 0
    head -c $((0x1000 - 32)) /dev/zero
    le32 $(((2 << 16) + 100)); le32 0                               # the version word
    printf '\351'; le32 $((0x100 - 13)); printf '\220\220\220'   # slot 1: jmp origin+0x100
    le32 0; le32 0                                                  # slot 2: retired
    printf '\351'; le32 $((0x110 - 29)); printf '\220\220\220'   # slot 3: jmp origin+0x110
    head -c $((0x100 - 32)) /dev/zero
    printf '\270\010\000\000\000\303'; head -c 10 /dev/zero      # old_a: mov $8,%eax; ret
    printf '\270\036\000\000\000\303'; head -c 10 /dev/zero      # old_b: mov $30,%eax; ret
    head -c $((0x1000 - 0x120)) /dev/zero
    le32 0; le32 $((0xfeeb1ed3)); le32 $((O + 0x2000)); head -c $((0x1000 - 12)) /dev/zero   # the GOT
    le32 7; head -c $((0x1000 - 4)) /dev/zero                       # old_v
} >period/libold.so.2.1
{
    sym() { le32 "$1"; printf "$(printf '\\%03o' "$2")\\0\\0\\0"; le32 $(($3)); }
    sym 4 5 $((O + 8)); sym 11 5 $((O + 24)); sym 18 5 $((O + 0x100)); sym 34 5 $((O + 0x110))
    sym 50 5 $((O + 0x1008)); sym 63 7 $((O + 0x2000)); sym 70 23 $((O + 0x1004))
    le32 93
    printf '_old_a\0_old_b\0_old_a__LOCAL__\0_old_b__LOCAL__\0__GOT__old_v\0_old_v\0__SHARABLE_CONFLICTS__\0'
} >>period/libold.so.2.1
run 0 over.out verify-shlib -l period/libold.so.2.1 -- period/libold.sa
expect_in over.out "The stub library and the sharable libraries have identical symbols."
# Slot 3 jumping to old_a's body instead: a difference, named.
mkdir moved && cp period/libold.so.2.1 moved/
le32 $((0x100 - 29)) | dd of=moved/libold.so.2.1 bs=1 seek=$((0x1000 + 25)) conv=notrunc status=none
expect 1 "" -- verify-shlib -l moved/libold.so.2.1 -- period/libold.sa
expect_in out.txt "'old_b' is slot 0x6b200018 in the stub, but that slot of the image jumps to 'old_a__LOCAL__'" \
    "2 differences between the stub library and the sharable library."
# A period stub whose __LAST_DATA_ADDRESS lies past the period image: named.
aobj __libold.o t.bin d.bin r.bin ___libold_2_100:7:36 ___SHARED_LIBRARIES__:25:36 __PLT__old_a:3:$((O + 8)) \
    __PLT__old_b:3:$((O + 24)) __GOT__old_v:3:$((O + 0x1008)) __GOT_SIZE:2:4096 __PLT_SIZE:2:4096 \
    __LAST_DATA_ADDRESS:2:$((O + 0x5000))
mkdir -p past && archive past/libold.sa __libold.o old.o
expect 1 "" -- verify-shlib -l period/libold.so.2.1 -- past/libold.sa
expect_in out.txt "'__LAST_DATA_ADDRESS' is 0x6b205000 in the stub, outside the image's data 0x6b202000-0x6b203000"

run 0 oinfo.out libinfo period/libold.sa
expect_in oinfo.out "Library version is 2.1.0 (libold.so.2, DLL Jump 2.1)" "Start address of library is 0x6b200000" \
    "Encountered 2 function(s) and 1 global var(s) in stub"

# The replacement: the maintainer's current files list old_c first; mkcompat keeps the
# period slots (old_a 1, a placeholder at 2, old_b 3) and offsets, and appends old_c.
mkdir -p new/jump new/lib
cd new
export JUMP_DIR=$PWD/jump JUMP_LIB=libold
cat >old.c <<'C'
int old_v = 7;
int old_c(void) { return 3; }
int old_a(void) { return old_v + 1; }
int old_b(void) { return old_c() * 10; }
C
printf '00000000 T old_c\tlibold\told\n00000000 T old_a\tlibold\told\n00000000 T old_b\tlibold\told\n' >jump/jump.funcs
printf '00000004 D old_v\tlibold\told\n' >jump/jump.vars
(cd jump && mkcompat -f ../../period/libold.sa >f.new 2>f.notes && mv f.new jump.funcs &&
    mkcompat -v ../../period/libold.sa >v.new 2>v.notes && mv v.new jump.vars) || fail "mkcompat from the period stub"
expect_eq "$(grep -v '^#' jump/jump.funcs | awk '{print $2 $3}' | tr '\n' ' ')" "Told_a U__DUMMY__ Told_b Told_c " \
    "jump.funcs rebuilt from the period stub"
expect_eq "$(awk '{print $1, $3}' jump/jump.vars)" "00000004 old_v" "jump.vars rebuilt from the period stub"
$JCC -O2 -c old.c -o old.o || fail "compile the replacement"
run 0 nimg.out mkimage -l "$PWD/lib/libold" -v 2.2 -a $O -j 0x1000 -g 0x1000 -- old.o -lc
run 0 nstub.out mkstubs -l "$PWD/lib/libold" -v 2.2 -a $O -j 0x1000 -g 0x1000 -- libold
for n in old_a:$((O + 8)) old_b:$((O + 24)) old_v:$((O + 0x2000)); do
    a=$(stubaddr libold.sa "${n%%:*}")
    expect_eq "${a: -8}" "$(printf %08x "${n#*:}")" "${n%%:*}: the period stub's address"
done
cp libold.so.2.2 lib/ && ln -sf libold.so.2.2 lib/libold.so.2
printf '#include <stdio.h>\nextern int old_v; int old_a(void); int old_b(void);\nint main(void) { printf("%%d %%d %%d\\n", old_a(), old_b(), old_v); return 0; }\n' >p.c
gcc $M -no-pie -o p p.c libold.sa || fail "link against the replacement"
JUMP_LIBRARY_PATH=$PWD/lib run 0 p.out exe ./p
expect_eq "$(cat p.out)" "8 30 7" "a program against the replacement"

# Damage: a descriptor whose record points outside its data is refused, naming the stub.
cd ..
{ le32 0; le32 21; le32 $O; le32 $(((2 << 16) + 100)); } >d2.bin
aobj __libold.o t.bin d2.bin r.bin ___SHARED_LIBRARIES__:25:$((36 + 40))
archive bad.sa __libold.o old.o
expect 1 "" -- libinfo bad.sa
expect_in err.txt "bad.sa(__libold.o): the ___SHARED_LIBRARIES__ element does not point at a record in the data"
