# 160-vars-two-libs: exported and imported data (issue B). libA exports variables and
# functions; libB imports a variable of libA through libA's stub and calls it. Programs that
# override a variable and a function of each library; getsize's overflow; a libA 1.1 that
# appends a variable keeps every old address, and the old programs run against it.
. "$TOP/tests/e2e/lib.sh"

cat >a.c <<'C'
#include <stdio.h>
int a_count = 10;
int a_table[3] = {1, 2, 3};
int *a_ptr = &a_count;                  /* an address constant: follows an override */
int a_helper(int x) { return x + 1; }
int a_get(void) { return a_count; }
int a_twice(int x) { return a_helper(x) * 2; }
int a_sum(void) { return a_table[0] + a_table[1] + a_table[2]; }
C
cat >b.c <<'C'
extern int a_count;
int a_get(void);
int b_value = 100;
int b_sum(void) { return a_count + b_value + a_get(); }
int b_twice(void) { return b_sum() * 2; }
void b_bump_a(void) { a_count += 5; }
C
# build DIR NAME VERSION ORIGIN SRC [STUBS...]: the Shared.inc steps by hand, with getsize
# and buildimport; the image goes to DIR/lib.
build() {
    local dir=$1 name=$2 ver=$3 org=$4 src=$5
    shift 5
    mkdir -p "$dir/jump" "$dir/lib"
    (
        cd "$dir" && export JUMP_DIR=$dir/jump JUMP_LIB=$name
        buildimport "$@" >/dev/null || exit 1
        $JCC -O2 -c "$src" -o obj.o && (cd jump && getvars >/dev/null && getfuncs >/dev/null && rm -f jump.log) &&
            $JCC -O2 -c "$src" -o obj.o || exit 1
        (cd jump && getsize >vars.new 2>getsize.err && mv vars.new jump.vars) || { cat jump/getsize.err; exit 1; }
        mkimage -l "$dir/lib/$name" -v "$ver" -a "$org" -j 0x1000 -g 0x1000 -- obj.o "$@" -lc 2>mkimage.err ||
            { cat mkimage.err; exit 1; }
        mkstubs -l "$dir/lib/$name" -v "$ver" -a "$org" -j 0x1000 -g 0x1000 -- "$name" >/dev/null &&
            verify-shlib -l "$name.so.$ver" "$name.sa" >/dev/null &&
            cp "$name.so.$ver" lib/ && ln -sf "$name.so.$ver" "lib/$name.so.${ver%%.*}"
    ) || fail "building $name $ver"
}
A=$PWD/A B=$PWD/B
build "$A" libA 1.0.0 0x61000000 "$PWD/a.c"
build "$B" libB 1.0.0 0x61100000 "$PWD/b.c" "$A/libA.sa"
expect_in "$B/jump/jump.import" "a_count"
expect_in "$B/jump/jump.undefs" "__NEEDS_SHRLIB_libA_1"

cat >plain.c <<'C'
#include <stdio.h>
extern int a_count, b_value, *a_ptr;
int a_get(void), a_twice(int), b_sum(void), b_twice(void);
void b_bump_a(void);
int main(void)
{
    printf("%d %d %d %d\n", a_get(), a_twice(1), b_sum(), b_twice());
    b_bump_a();
    printf("%d %d %d %d\n", a_count, a_get(), b_sum(), *a_ptr);
    return 0;
}
C
cat >override.c <<'C'
#include <stdio.h>
int a_count = 1000;                           /* libA's variable */
int a_helper(int x) { return x + 100; }       /* libA's function, called inside libA */
int b_value = 7;                              /* libB's variable */
int b_sum(void) { return -1; }                /* libB's function, called inside libB */
extern int *a_ptr;
int a_get(void), a_twice(int), b_twice(void);
void b_bump_a(void);
int main(void)
{
    printf("%d %d %d\n", a_get(), a_twice(1), b_twice());
    b_bump_a();
    printf("%d %d %d\n", a_count, a_get(), a_ptr == &a_count);
    return 0;
}
C
for link in "" -static; do
    gcc $M -no-pie $link -o plain plain.c "$B/libB.sa" "$A/libA.sa" || fail "link plain $link"
    run 0 plain.out exe ./plain
    # a_count 10: a_get 10, a_twice(1) = (1+1)*2, b_sum = 10+100+10, b_twice = 240; then +5.
    printf '10 4 120 240\n15 15 130 15\n' >want.out
    diff -u want.out plain.out || fail "plain program ($link)"
    gcc $M -no-pie $link -o override override.c "$B/libB.sa" "$A/libA.sa" || fail "link override $link"
    run 0 override.out exe ./override
    # a_get reads the program's 1000; a_twice reaches the program's a_helper: (1+100)*2;
    # b_twice calls the program's b_sum: -2; b_bump_a adds 5 to the program's a_count;
    # libA's a_ptr was corrected to point at the program's a_count.
    printf '1000 202 -2\n1005 1005 1\n' >want.out
    diff -u want.out override.out || fail "overriding program ($link)"
done
# libB is loaded after libA, which it needs.
JUMP_TRACE_LIBRARIES=1 exe ./plain >trace.out
expect_eq "$(awk '{print $1}' trace.out | tr '\n' ' ')" "libA.so.1 libB.so.1 " "load order"

# A variable that outgrows its reserve: getsize says so, mkimage refuses.
A2=$PWD/A2 && mkdir -p "$A2" && cp -r "$A/jump" "$A2/"
sed 's/int a_table\[3\] = {1, 2, 3};/int a_table[5] = {1, 2, 3, 4, 5};/' a.c >a2.c
(
    cd "$A2" && export JUMP_DIR=$A2/jump JUMP_LIB=libA
    $JCC -O2 -c ../a2.c -o obj.o || exit 1
    cd jump && getsize >vars.new 2>getsize.err
    echo "getsize=$?"
) >overflow.out || fail "compiling a2.c"
expect_in overflow.out "getsize=1"
expect_in "$A2/jump/getsize.err" "** Overflow ** 'a_table' is 0x14 bytes but has 0xc reserved"
expect_in "$A2/jump/vars.new" "# ** Overflow ** (needs 0x14)"
(cd "$A2" && JUMP_DIR=$A2/jump mkimage -l "$A2/lib/libA" -v 1.1.0 -a 0x61000000 -j 0x1000 -g 0x1000 \
    -- obj.o -lc) >mk.out 2>&1 && fail "mkimage accepted an overflowing variable"
expect_in mk.out "variable 'a_table' is 20 bytes but jump.vars reserves 12: run getsize"

# libA 1.1.0 appends a variable: every old address stays, old programs run against it.
A11=$PWD/A11 && mkdir -p "$A11" && cp -r "$A/jump" "$A11/" && rm -f "$A11"/jump/_G*
cat a.c >a11.c && echo 'int a_new = 77; int a_new_get(void) { return a_new + a_count; }' >>a11.c
build "$A11" libA 1.1.0 0x61000000 "$PWD/a11.c"
expect_eq "$(tail -n 1 "$A11/jump/jump.vars" | awk '{print $3}')" a_new "appended variable"
for sym in a_count a_table a_get a_helper __GOT_a_count __GOT_a_table; do
    old=$(nm "$A/libA.sa" | awk -v s=$sym '$3 == s {print $1; exit}')
    new=$(nm "$A11/libA.sa" | awk -v s=$sym '$3 == s {print $1; exit}')
    [ -n "$old" ] || fail "$sym missing from the 1.0 stub"
    expect_eq "$new" "$old" "address of $sym in 1.1.0"
done
JUMP_LIBRARY_PATH=$A11/lib run 0 plain11.out exe ./plain
printf '10 4 120 240\n15 15 130 15\n' >want.out
diff -u want.out plain11.out || fail "1.0 program against libA 1.1.0"
JUMP_LIBRARY_PATH=$A11/lib run 0 override11.out exe ./override
printf '1000 202 -2\n1005 1005 1\n' >want.out
diff -u want.out override11.out || fail "1.0 overriding program against libA 1.1.0"
