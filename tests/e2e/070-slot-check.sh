# 070-slot-check: the loader refuses a replacement image in which a slot the program uses
# holds another name or is gone, naming the symbol, before the image runs (a withdrawn slot
# stops the program with a message when called);
# changes to slots the program does not use (each function here has its own stub member) and
# appended functions are fine.
. "$TOP/tests/e2e/lib.sh"
for f in a b c; do
    printf '#include <stdio.h>\nint k_%s(void) { puts("k_%s here"); return 0; }\n' $f $f >k$f.c
done
cat >p.c <<'C'
int k_a(void), k_b(void);
int main(void) { k_a(); k_b(); return 0; }
C
v1=$PWD/v1
mkjump "$v1" libk 1.0.0 0x61300000 ka.c kb.c kc.c
gcc $M -no-pie -o p p.c "$v1/libk.sa" || fail "link"
run 0 ok.out exe ./p
printf 'k_a here\nk_b here\n' >want.out
diff -u want.out ok.out || fail "1.0 program"

# variant NAME JUMP.FUNCS-LINES...: libk 1.1.0 built from this jump.funcs (and the sources
# in SRCS, default all three).
variant() {
    local d=$PWD/$1
    shift
    mkdir -p "$d/jump" && cp "$v1/jump/jump.params" "$d/jump/"
    printf '%s\n' "$@" >"$d/jump/jump.funcs"
    mkjump "$d" libk 1.1.0 0x61300000 ${SRCS:-ka.c kb.c kc.c}
}
variant swap "00000000 T k_b libk kb" "00000000 T k_a libk ka" "00000000 T k_c libk kc"
JUMP_LIBRARY_PATH=$PWD/swap/lib run 127 swap.out exe ./p
expect_in swap.out "./p: can't load library '$PWD/swap/lib/libk.so.1'" \
    "'k_a' is no longer in slot 1: the image is not a compatible replacement"
expect_not_in swap.out "here"

# A withdrawn slot, if called, stops the program saying which library and which function,
# exit 127: never another function, never a bare SIGILL. The loader lets it be at start-up,
# since the program may not call it at all (a stub member lists all its names).
variant gone "00000000 T k_a libk ka" "00000000 U k_b libk kb" "00000000 T k_c libk kc"
JUMP_LIBRARY_PATH=$PWD/gone/lib run 127 gone.out exe ./p
expect_in gone.out "./p: libk.so.1: k_b was withdrawn (slot 2): the program needs a version of the library that has it"
expect_not_in gone.out "k_b here"
# The same for a slot retired as __DUMMY__, from a static program.
variant dummy "00000000 T k_a libk ka" "00000000 U __DUMMY__ libk kb" "00000000 T k_c libk kc"
gcc $M -no-pie -static -o ps p.c "$v1/libk.sa" || fail "static link"
JUMP_LIBRARY_PATH=$PWD/dummy/lib run 127 dummy.out exe ./ps
expect_in dummy.out "./ps: libk.so.1: k_b was withdrawn (slot 2)"

variant unused "00000000 T k_a libk ka" "00000000 T k_b libk kb" "00000000 U __DUMMY__ libk kc"
JUMP_LIBRARY_PATH=$PWD/unused/lib run 0 unused.out exe ./p
diff -u want.out unused.out || fail "withdrawing a function the program does not use"

SRCS=ka.c variant short "00000000 T k_a libk ka"
JUMP_LIBRARY_PATH=$PWD/short/lib run 127 short.out exe ./p
expect_in short.out "'k_b' needs slot 2, which the image does not have"

printf 'int k_d(void) { return 4; }\n' >kd.c
SRCS="ka.c kb.c kc.c kd.c" variant more "00000000 T k_a libk ka" "00000000 T k_b libk kb" \
    "00000000 T k_c libk kc" "00000000 T k_d libk kd"
JUMP_LIBRARY_PATH=$PWD/more/lib run 0 more.out exe ./p
diff -u want.out more.out || fail "an appended function"
