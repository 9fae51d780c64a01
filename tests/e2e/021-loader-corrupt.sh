# run.sh: long (started first when there are no times from an earlier run)
# 021-loader-corrupt: the loader's checks of damaged images and programs, one message each.
. "$TOP/tests/e2e/lib.sh"

cat >c.c <<'C'
int c_f(void) { return 11; }
C
cat >p.c <<'C'
#include <stdio.h>
int c_f(void);
int main(void) { printf("%d\n", c_f()); return 0; }
C
mkjump "$PWD/v" libc9 1.0.0 0x61400000 c.c
gcc $M -no-pie -o p p.c v/libc9.sa || fail "link"
run 0 ok.out exe ./p
expect_in ok.out 11
img=$PWD/v/lib/libc9.so.1.0.0

# patch FILE OFFSET HEXBYTES: overwrite bytes in place.
patch() { printf "$(echo "$3" | sed 's/\(..\)/\\x\1/g')" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none; }
# fresh NAME: a copy of the good image as NAME/libc9.so.1
fresh() { mkdir -p "$1" && cp "$img" "$1/libc9.so.1"; }
phoff=$(readelf -hW "$img" | awk '/Start of program headers/ {print $5}')
noteoff=$(readelf -lW "$img" | awk '$1 == "NOTE" {print $2}')

fresh ver && patch ver/libc9.so.1 0x1000 ffffffff
JUMP_LIBRARY_PATH=$PWD/ver run 127 ver.out exe ./p
expect_in ver.out "./p: can't load library '$PWD/ver/libc9.so.1'" "the version word at its load address does not match its note"

fresh info && patch info/libc9.so.1 $((0x1000 + 0x1000)) 00000000   # GOT cell 0 (-j 0x1000)
[ "$ARCH" = x86_64 ] && patch info/libc9.so.1 $((0x1000 + 0x1000 + 4)) 00000000
JUMP_LIBRARY_PATH=$PWD/info run 127 info.out exe ./p
expect_in info.out "corrupt image information block"
infooff=$(objdump -h "$img" | awk '$2 == ".jump.info" {print "0x" $6}')
fresh magic && patch magic/libc9.so.1 $infooff 00000000
JUMP_LIBRARY_PATH=$PWD/magic run 127 magic.out exe ./p
expect_in magic.out "corrupt image information block"

fresh range && patch range/libc9.so.1 $((noteoff + 20 + 48)) 00004061   # note 'end' = origin + 0x4000 - lower than the segments
JUMP_LIBRARY_PATH=$PWD/range run 127 range.out exe ./p
expect_in range.out "segments lie outside the range its note gives"

# The first program header's p_offset (4 bytes in, in ELF32 and ELF64 alike... ELF64 has
# p_flags first: offset field at +8).
[ "$ARCH" = i386 ] && off=$((phoff + 4)) || off=$((phoff + 8))
fresh align && patch align/libc9.so.1 $off 04100000
JUMP_LIBRARY_PATH=$PWD/align run 127 align.out exe ./p
expect_in align.out "a segment is not page-aligned in the file"

mkdir -p trunc1 && head -c $((phoff + 8)) "$img" >trunc1/libc9.so.1
JUMP_LIBRARY_PATH=$PWD/trunc1 run 127 t1.out exe ./p
expect_in t1.out "truncated program headers"
mkdir -p trunc2 && head -c $((noteoff + 8)) "$img" >trunc2/libc9.so.1
JUMP_LIBRARY_PATH=$PWD/trunc2 run 127 t2.out exe ./p
expect_in t2.out "truncated file"

# A program with a damaged library record.
cat >rec.s <<'S'
	.section jump_libs,"aw",@progbits
	.balign 8
	.long 0x12345678, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
	.long 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
	.section .note.GNU-stack,"",@progbits
S
as --${M#-m} -o rec.o rec.s || fail "as"
gcc $M -no-pie -o badrec p.c rec.o v/libc9.sa || fail "link badrec"
run 127 rec.out exe ./badrec
expect_in rec.out "corrupt library record: the program was linked with an incompatible stub"

# A list of used names that does not start with a member's group head.
[ "$ARCH" = i386 ] && word=.long || word=.quad
cat >used.s <<S
	.section jump_used,"aw",@progbits
	.balign 8
	$word 0, 0, 1, 1, 0, 0
	.section .note.GNU-stack,"",@progbits
S
as --${M#-m} -o used.o used.s || fail "as used.s"
gcc $M -no-pie -o badused p.c used.o v/libc9.sa || fail "link badused"
run 127 used.out exe ./badused
expect_in used.out "corrupt list of used names: the program was linked with an incompatible stub"

# Two libraries that need each other.
export JUMP_LIB=x
mk_dep() { # NAME ADDRESS NEEDS
    mkdir -p "$1/jump"
    printf '00000000 T %s_f %s %s\n' "$1" "$1" "$1" >"$1/jump/jump.funcs"
    printf '00000000 D __NEEDS_SHRLIB_%s_1 %s %s\n' "$3" "$1" "$1" >"$1/jump/jump.undefs"
    (cd "$1" && JUMP_DIR=$PWD/jump mkstubs -m $ARCH -l "$PWD/lib/$1" -v 1.0.0 -a "$2" -j 0x1000 -g 0x1000 -- "$1" >/dev/null) ||
        fail "mkstubs $1"
}
mk_dep liba 0x61500000 libb
mk_dep libb 0x61600000 liba
printf 'int liba_f(void); int libb_f(void);\nint main(void) { return liba_f() + libb_f(); }\n' >ab.c
gcc $M -no-pie -o ab ab.c liba/liba.sa libb/libb.sa || fail "link ab"
run 127 ab.out exe ./ab
expect_in ab.out "circular dependency between jump libraries"

# More libraries than the loader's table holds (256).
calls=""
stubs=()
for i in $(seq 1 257); do
    n=libn$i
    mkdir -p "$n/jump"
    printf '00000000 T n%d_f %s %s\n' $i $n $n >"$n/jump/jump.funcs"
    (cd "$n" && JUMP_DIR=$PWD/jump mkstubs -m $ARCH -l "$PWD/lib/$n" -v 1.0.0 -a $((0x62000000 + i * 0x10000)) \
        -j 0x1000 -g 0x1000 -- $n >/dev/null) || fail "mkstubs $n"
    calls="$calls n${i}_f();"
    echo "void n${i}_f(void);" >>many.c
    stubs+=("$n/$n.sa")
done
echo "int main(void) { $calls return 0; }" >>many.c
gcc $M -no-pie -o many many.c "${stubs[@]}" || fail "link many"
run 127 many.out exe ./many
expect_in many.out "too many jump libraries"
