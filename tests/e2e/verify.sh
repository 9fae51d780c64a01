# verify.sh: helpers for the verify-shlib, buildimport and jump-ldd scenarios (300-399),
# sourced after lib.sh. The library is compiled as jumpas leaves it (every exported function
# renamed to NAME__LOCAL__) so that each scenario controls jump.funcs exactly.
ORG=0x6a380000
CC_LIB="gcc $M -fno-pic -fno-pie -O2"
[ "$ARCH" = x86_64 ] && CC_LIB="$CC_LIB -mcmodel=small -mno-red-zone"

# The article's libxyz, small: slot 1 xyz_sum, 2 xyz_prod, 3 retired, 4 xyz_free,
# 5 xyz_hidden (t: a slot, not exported), 6 xyz_len (calls the C library).
write_library() {
    cat >math.c <<'C'
int xyz_sum__LOCAL__(int a, int b) { return a + b; }
int xyz_prod__LOCAL__(int a, int b) { return a * b; }
int xyz_counter = 7; /* an ordinary variable of the image (not in jump.vars) */
C
    cat >strings.c <<'C'
#include <stdlib.h>
#include <string.h>
void xyz_free__LOCAL__(void *p) { free(p); }
int xyz_hidden__LOCAL__(void) { return 5; }
unsigned long xyz_len__LOCAL__(const char *s) { return strlen(s); }
C
    printf '%s\n' \
        "00000000 T xyz_sum	libxyz	math" \
        "00000000 T xyz_prod	libxyz	math" \
        "00000000 U __DUMMY__	libxyz	math" \
        "00000000 T xyz_free	libxyz	strings" \
        "00000000 t xyz_hidden	libxyz	strings" \
        "00000000 T xyz_len	libxyz	strings" >jump.funcs.orig
}

# slot K: the address of slot K, as verify-shlib prints it.
slot() { printf '0x%x' $((ORG + 8 * $1)); }

# vbuild DIR FUNCS [MKSTUBS OPTIONS...]: in DIR (its own JUMP_DIR), the image libxyz.so.1.0.0
# and the stub libxyz.sa; the stub gets the extra options (another -a, -v, -m ...).
vbuild() {
    local dir=$1 funcs=$2
    shift 2
    mkdir -p "$dir/jump"
    cp "$funcs" "$dir/jump/jump.funcs"
    (
        export JUMP_DIR=$dir/jump JUMP_LIB=libxyz
        cd "$dir" || exit 1
        $CC_LIB -c "$OLDPWD/math.c" "$OLDPWD/strings.c" || exit 1
        mkimage -l /usr/local/lib/libxyz -v 1.0.0 -a $ORG -j 1024 -g 1024 -- math.o strings.o -lc ||
            exit 1
        mkstubs -l /usr/local/lib/libxyz -v 1.0.0 -a $ORG -j 1024 -g 1024 "$@" -- libxyz >/dev/null ||
            exit 1
    ) || fail "building libxyz in $dir failed"
}

# symval FILE SYM: SYM's value as nm gives it, 0x-prefixed and without leading zeros.
symval() {
    local v
    v=$(stubaddr "$1" "$2")
    [ -n "$v" ] || fail "no symbol $2 in $1"
    printf '0x%x' "0x$v"
}

# file_offset FILE VADDR: where the byte at VADDR lies in FILE (from readelf's PT_LOADs).
file_offset() {
    local a=$(($2)) type off va pa fs ms rest
    while read -r type off va pa fs ms rest; do
        [ "$type" = LOAD ] || continue
        if [ $a -ge $((va)) ] && [ $a -lt $((va + fs)) ]; then
            echo $((off + a - va))
            return
        fi
    done < <(readelf -lW "$1")
}

# image_end FILE: one past the highest PT_LOAD byte, 0x-prefixed.
image_end() {
    local type off va pa fs ms rest m=0
    while read -r type off va pa fs ms rest; do
        [ "$type" = LOAD ] && [ $((va + ms)) -gt $m ] && m=$((va + ms))
    done < <(readelf -lW "$1")
    printf '0x%x' $m
}

# poke FILE VADDR BYTES...: overwrite bytes (given as two hex digits each) at VADDR.
poke() {
    local f=$1 off esc="" b
    off=$(file_offset "$1" "$2")
    [ -n "$off" ] || fail "address $2 is not in $1"
    shift 2
    for b in "$@"; do esc="$esc\\x$b"; done
    printf "$esc" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none || fail "patching $f"
}

# le32 N: N's four bytes, little-endian, as poke wants them.
le32() { local n=$(($1 & 0xffffffff)); printf '%02x %02x %02x %02x' $((n & 255)) $((n >> 8 & 255)) $((n >> 16 & 255)) $((n >> 24 & 255)); }
