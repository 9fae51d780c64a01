# run.sh: long (started first when there are no times from an earlier run)
# 010-workflow: the article's workflow through the installed Shared.inc (the same script as
# `make demo`), then checks of what it built: slot addresses, the image's slots, the
# program's output with dynamic and static glibc, the 1.0 program against the 1.1 image.
. "$TOP/tests/e2e/lib.sh"

ARCH=$ARCH STAGE=$STAGE "$TOP/examples/libxyz/demo.sh" "$PWD/demo" >demo.out 2>&1 ||
    { cat demo.out; fail "demo.sh failed"; }
expect_in demo.out \
    "Used address range 0x6a380000-" "be aware! must be unique!" \
    "The stub library and the sharable libraries have identical symbols." \
    "libxyz.so.1 => libxyz.so.1.0.0 (changed)" \
    "libxyz.so.1 => libxyz.so.1.1.0 (changed)"

d=$PWD/demo
lib=$d/lib
# Every exported function's slot is origin + 8 * its index in jump.funcs.
i=0
while read -r size type name rest; do
    case $size in ''|'#'*) continue ;; esac
    i=$((i + 1))
    [ "$type" = T ] || continue
    want=$(printf '%08x' $((0x6a380000 + 8 * i)))
    got=$(stubaddr "$d/libxyz-1.1.0/libxyz.sa" "$name")
    got=${got: -8}
    expect_eq "$got" "$want" "slot address of $name (index $i)"
    # In the image, the slot is a jmp rel32 (e9) to NAME__LOCAL__.
    target=$(objdump -d --start-address=0x$want --stop-address=$((0x$want + 5)) \
        "$lib/libxyz.so.1.1.0" | grep -o "jmp.*<[^>]*>" | head -n 1)
    case $target in *"<${name}__LOCAL__>"*) ;; *) fail "slot $i of the image: '$target', expected a jmp to ${name}__LOCAL__" ;; esac
done <"$d/libxyz-1.1.0/jump/jump.funcs"
[ $i -ge 8 ] || fail "jump.funcs has only $i entries"
# The function added in 1.1.0 was appended: it has the last slot.
expect_eq "$(tail -n 1 "$d/libxyz-1.1.0/jump/jump.funcs" | awk '{print $3}')" xyz_count_vowels "last slot of 1.1.0"
expect_eq "$(head -n $((i - 1)) "$d/libxyz-1.1.0/jump/jump.funcs")" "$(cat "$d/libxyz-1.0.0/jump/jump.funcs")" \
    "1.1.0 keeps every 1.0.0 slot"

# The old program now runs the 1.1.0 image.
cat >want.out <<'OUT'
libxyz version 1.1.0
image constructor ran before the program's: yes
hello, world, from libxyz 1.1.0
greetings: 1
upper: JUMP TABLES
sum: 15, fib(20): 6765
OUT
run 0 prog.out exe "$d/prog"
diff -u want.out prog.out || fail "old program against the 1.1.0 image"

# A program built against 1.1.0 that calls the new function, dynamic and static glibc.
cat >new.c <<'C'
#include <stdio.h>
#include "xyz.h"
int main(void)
{
    xyz_greet("static");
    printf("vowels: %d, ready: %d\n", xyz_count_vowels("drop-in compatible"), xyz_ready());
    return 0;
}
C
for link in "" -static; do
    gcc $M -no-pie $link -DXYZ_1_1 -I"$TOP/examples/libxyz" -o new new.c "$d/libxyz-1.1.0/libxyz.sa" ||
        fail "linking new.c $link"
    run 0 new.out exe ./new
    printf 'hello, static, from libxyz 1.1.0\nvowels: 6, ready: 1\n' >want.out
    diff -u want.out new.out || fail "program built against 1.1.0 ($link)"
done

# The old program with static glibc, against 1.1.0.
gcc $M -no-pie -static -I"$TOP/examples/libxyz" -o old-static "$TOP/examples/libxyz/prog.c" \
    "$d/libxyz-1.0.0/libxyz.sa" || fail "static link"
run 0 s.out exe ./old-static
expect_in s.out "libxyz version 1.1.0" "image constructor ran before the program's: yes" "greetings: 1" \
    "sum: 15, fib(20): 6765"
# The exported variable kept its address from 1.0.0 to 1.1.0.
expect_eq "$(stubaddr "$d/libxyz-1.1.0/libxyz.sa" xyz_greetings)" \
    "$(stubaddr "$d/libxyz-1.0.0/libxyz.sa" xyz_greetings)" "address of xyz_greetings"
expect_in "$d/libxyz-1.1.0/jump/jump.vars" "xyz_greetings"

# ldd mode: through the environment and through jump-ldd.
JUMP_TRACE_LIBRARIES=1 exe "$d/prog" >trace.out 2>&1 || fail "trace mode exited non-zero"
printf '\tlibxyz.so.1 (DLL Jump 1.0) => %s/libxyz.so.1\n' "$lib" >want.out
diff -u want.out trace.out || fail "JUMP_TRACE_LIBRARIES output"
