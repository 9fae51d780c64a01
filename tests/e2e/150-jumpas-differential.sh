# run.sh: long (started first when there are no times from an earlier run)
# The differential test of issue B: generated C libraries (tests/gen/varlib.c, one per seed)
# that export variables of every kind and read, write, increment, index, take the address
# of, compare and pass them, built (a) plainly and (b) through jumpas (definitions diverted
# into _GVAR_/_GCMN_ files, every reference through a __GOT_ cell, every function renamed
# behind a jump slot), at -O0 -O1 -O2 -Os: the programs must print the same bytes.
# (c) An override: a program that defines its own copy of an exported variable gets the
# library reading and writing that copy once the cell points at it (what the loader does).
# JUMP_DIFF_SEEDS (default 4) seeds per level; JUMP_DIFF_LEVELS to choose levels. make check
# keeps to 4 so the suite stays fast; JUMP_DIFF_SEEDS=100 make check TESTS=e2e/150 for more.
. "$TOP/tests/e2e/lib.sh"
SEEDS=${JUMP_DIFF_SEEDS:-4}
LEVELS=${JUMP_DIFF_LEVELS:-"-O0 -O1 -O2 -Os"}
as_flag=$ASF cell=.long
[ "$ARCH" = x86_64 ] && cell=.quad
CFLAGS_ARCH="$M -fno-pic -fno-pie"
[ "$ARCH" = x86_64 ] && CFLAGS_ARCH="$CFLAGS_ARCH -mcmodel=small -mno-red-zone"
gcc -O1 -w -o varlib "$TOP/tests/gen/varlib.c" || fail "cannot build the generator"

# got.s for an object: a cell "__GOT_v: .long v" for every __GOT_ symbol it references, and
# a jump slot "f: jmp f__LOCAL__" for every function in funcs.list.
write_got() {
    local obj=$1 funcs=$2
    echo '.data'
    nm "$obj" | awk '$1 == "U" && $2 ~ /^__GOT_/ { print substr($2, 7) }' | while read -r v; do
        printf '\t.globl __GOT_%s\n__GOT_%s:\t%s %s\n' "$v" "$v" "$cell" "$v"
    done
    echo '.text'
    while read -r f; do printf '\t.globl %s\n%s:\tjmp %s__LOCAL__\n' "$f" "$f" "$f"; done < "$funcs"
    echo '.section .note.GNU-stack,"",@progbits'
}

# one LEVEL SEED: build both ways in its own directory; print why on failure.
one() {
    local O=$1 seed=$2 d=$PWD/s$seed$1 cc i n t sz g objs=()
    mkdir -p "$d/jd" && cd "$d" || return 1
    cc="gcc $CFLAGS_ARCH $O -w"
    ../varlib "$seed" . || { echo "varlib $seed failed"; return 1; }
    $cc -c lib.c -o plain.o && $cc -c main.c -o main.o && $cc -no-pie plain.o main.o -o plain ||
        { echo "plain build failed"; return 1; }
    exe ./plain > plain.out || { echo "plain program failed"; return 1; }
    # jump.vars (sizes from the plain object; a withdrawn entry and a retired slot first, so
    # indexes count every line) and jump.funcs.
    local -A size=()
    while read -r _ sz _ n; do [ -n "$n" ] && size[$n]=$sz; done < <(nm -S plain.o)
    { printf '00000004 U gone libv lib\n00000004 D __DUMMY__ libv lib\n'
      while read -r n t; do
          sz=${size[$n]:-0}
          printf '%08x %s %s libv lib\n' "$((16#$sz))" "$t" "$n"
      done < vars.list; } > jd/jump.vars
    while read -r n; do printf '00000000 T %s libv lib\n' "$n"; done < funcs.list > jd/jump.funcs
    # Odd seeds in implied-import mode: the same result (nothing is imported here; functions
    # called or listed in jump.funcs are not variables).
    JUMP_IMPLIED_IMPORT=$((seed % 2)) JUMP_DIR=$d/jd JUMP_LIB=libv \
        $cc -B"$STAGE/bin/jump" -c lib.c -o lib.o ||
        { echo "compile through jumpas failed"; return 1; }
    # Every exported variable was diverted to the file its index names, and nothing in the
    # library's code refers to one directly any more.
    objdump -dr lib.o > lib.dis
    nm lib.o > lib.nm
    i=2
    while read -r n t; do
        i=$((i + 1))
        g=jd/_GVAR_$i.s
        [ "$t" = C ] && g=jd/_GCMN_$i.s
        [ -f "$g" ] || { echo "$n: no $g"; return 1; }
        as $as_flag -o "${g%.s}.o" "$g" || { echo "$g does not assemble"; return 1; }
        objs+=("${g%.s}.o")
        printf '%s:[0-9a-f]+ [DdBbRr] %s\n' "${g%.s}.o" "$n" >>defs.want
        printf '%s\n' "$n" >>names.want
    done < vars.list
    # Each diversion file defines its variable; lib.o neither defines nor refers to one directly.
    nm -A "${objs[@]}" > gvar.nm
    while read -r re; do grep -Eq "^$re\$" gvar.nm || { echo "not defined: $re"; return 1; }; done < defs.want
    if [ -s names.want ]; then
        if grep -E "R_(386|X86_64)_[A-Z0-9]+[[:space:]]+($(paste -sd'|' names.want))([-+]0x[0-9a-f]+)?\$" lib.dis > direct.txt; then
            echo "lib.o still refers to exported variables directly:"; cat direct.txt; return 1
        fi
        grep -E " [DdBbRrCc] ($(paste -sd'|' names.want))\$" lib.nm > defined.txt &&
            { echo "lib.o still defines:"; cat defined.txt; return 1; }
    fi
    [ "$(ls jd/_G*.s | wc -l)" = "$(wc -l < vars.list)" ] || { echo "extra diversion files: $(ls jd)"; return 1; }
    write_got lib.o funcs.list > got.s
    as $as_flag -o got.o got.s || { echo "got.s does not assemble"; return 1; }
    $cc -no-pie lib.o "${objs[@]}" got.o main.o -o jump || { echo "jump build does not link"; return 1; }
    exe ./jump > jump.out || { echo "jump program failed"; return 1; }
    cmp -s plain.out jump.out || { echo "outputs differ:"; diff plain.out jump.out | head -20; return 1; }
    cd .. && rm -rf "$d"
}

# Two at a time (the machine has two cores).
failures=0 n=0 lvl=0
for O in $LEVELS; do
    lvl=$((lvl + 1))
    for seed in $(seq 1 "$SEEDS"); do
        s=$((lvl * 1000 + seed))
        ( one "$O" "$s" > "log$s$O" 2>&1 ) &
        n=$((n + 1))
        if [ $((n % 2)) = 0 ]; then wait; fi
    done
done
wait
for f in log*; do
    [ -s "$f" ] || continue
    echo "--- ${f#log}:"; cat "$f"
    failures=$((failures + 1))
done
[ "$failures" = 0 ] || fail "$failures of $n builds differ (directories s<seed><level> kept)"

# (c) An override. The library's definition is weak (as in a stub) and the program's wins;
# the cell points at the program's copy, and the library reads and writes it.
mkdir -p ovr/jd && cd ovr || exit 1
cat > lib.c <<'C'
int ovr = 5;
int keep = 11;
int get_ovr(void) { return ovr + keep * 0; }
void set_ovr(int x) { ovr = x; }
int *addr_ovr(void) { return &ovr; }
int get_keep(void) { return keep; }
C
cat > main.c <<'C'
#include <stdio.h>
int ovr = 77;
extern int keep;
int get_ovr(void); void set_ovr(int); int *addr_ovr(void); int get_keep(void);
int main(void)
{
    int before = get_ovr();
    set_ovr(9);
    printf("%d %d %d %d\n", before, ovr, addr_ovr() == &ovr, get_keep() + keep);
    return 0;
}
C
printf '00000004 D ovr libo lib\n00000004 D keep libo lib\n' > jd/jump.vars
printf '%s\n' get_ovr set_ovr addr_ovr get_keep > funcs.list
while read -r f; do printf '00000000 T %s libo lib\n' "$f"; done < funcs.list > jd/jump.funcs
cc="gcc $CFLAGS_ARCH -O2"
JUMP_DIR=$PWD/jd JUMP_LIB=libo $cc -B"$STAGE/bin/jump" -c lib.c -o lib.o || fail "override: compile"
as $as_flag -o gv1.o jd/_GVAR_1.s && as $as_flag -o gv2.o jd/_GVAR_2.s || fail "override: assemble"
objcopy --weaken-symbol=ovr gv1.o || fail "objcopy"
write_got lib.o funcs.list > got.s
as $as_flag -o got.o got.s || fail "override: got.s"
$cc -c main.c -o main.o && $cc -no-pie lib.o gv1.o gv2.o got.o main.o -o prog || fail "override: link"
expect_eq "$(exe ./prog)" "77 9 1 22" "the library reads and writes the program's copy"
# Without the rewrite, the two definitions clash: the indirection is what made it work.
$cc -c lib.c -o plain.o
$cc -no-pie plain.o main.o -o clash 2> clash.txt && fail "plain build with two definitions linked"
expect_in clash.txt "multiple definition of \`ovr'"
echo ok
