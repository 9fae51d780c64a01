# 512-image-protections: once the loader has run, every page of an image has exactly the
# protection its program header gives (the jump table, the GOT and the code read and execute,
# the variables read and write, never writable and executable at once), whether the image was
# mapped with its final protections (the program changes nothing in it) or writable as a
# whole and sealed afterwards (the program overrides a function, and on x86-64 holds a copy
# of a variable, so the loader writes the jump table and the GOT); from the image file and
# from the image cache alike.
. "$TOP/tests/e2e/lib.sh"
unset JUMP_LIBRARY_PATH JUMP_NO_CACHE
emulated && skip "the protections an emulator shows in /proc/self/maps are its own ($ARCH programs $(arch_how "$ARCH"))"

cat >pr.c <<'C'
int pr_count = 3;
int pr_buf[2000];
int pr_helper(int x) { return x + pr_count; }
int pr_call(int x) { pr_buf[1999] = x; return pr_helper(x) * 2; }
C
ORG=0x62c00000
mkjump "$PWD/v" libpr 1.0.0 $ORG pr.c

# A program printing the mappings inside the library's range: "start end perms".
maps_h 0x62c00000 0x62c10000 >maps.h
cat >plain.c <<'C'
#include "maps.h"
int pr_call(int x);
int main(void) { printf("%d\n", pr_call(1)); show_maps(); return 0; }
C
cat >over.c <<'C'
#include "maps.h"
int pr_call(int x);
extern int pr_count;
int pr_helper(int x) { return 100 * x; } /* the library's calls reach this one */
int main(void) { pr_count = 7; printf("%d\n", pr_call(1)); show_maps(); return 0; }
C
for p in plain over; do
    gcc $M -no-pie -o $p $p.c v/libpr.sa || fail "link $p"
done

# The protection of every page of the image, from its program headers: "page perms".
readelf -lW v/lib/libpr.so.1.0.0 | awk '$1 == "LOAD" && $6 !~ /^0x0+$/ {
    f = ""; for (i = 7; i < NF; i++) f = f $i
    print $3, $6, (f ~ /R/ ? "r" : "-") (f ~ /W/ ? "w" : "-") (f ~ /E/ ? "x" : "-") }' >segs || fail "readelf"
while read -r va sz p; do
    for ((a = va - va % 4096; a < va + sz; a += 4096)); do printf '%x %s\n' $a "$p"; done
done <segs >want
[ -s want ] || fail "no segments read from the image"
grep -q ' r-x$' want && grep -q ' rw-$' want || fail "the image should have r-x and rw- segments: $(cat want)"

# pages OUT: the same list from a program's output (the mappings it printed).
pages() {
    sed 1d "$1" | while read -r a b p; do
        for ((x = 0x$a; x < 0x$b; x += 4096)); do printf '%x %s\n' $x "$p"; done
    done
}
check() { # check PROG WHAT EXPECTED-OUTPUT
    JUMP_LIBRARY_PATH=$PWD/v/lib run 0 "$1.$2.out" exe "./$1"
    expect_eq "$(head -n 1 "$1.$2.out")" "$3" "$1 ($2)"
    pages "$1.$2.out" >"$1.$2.pages"
    grep -q 'w.x\|wx' "$1.$2.pages" && fail "$1 ($2): a page writable and executable: $(cat "$1.$2.pages")"
    cmp -s want "$1.$2.pages" || { diff want "$1.$2.pages"; fail "$1 ($2): the pages' protections are not the program headers'"; }
}
# plain: pr_call(1) = (1 + 3) * 2; over: the library's pr_call reaches the program's pr_helper
# and the program's pr_count: 100 * 1 * 2.
check plain file 8
check over file 200
jump-ldconfig -n v/lib >/dev/null || fail "jump-ldconfig"
[ -f v/lib/jump.cache ] || fail "no jump.cache"
JUMP_TRACE_CACHE=1 JUMP_LIBRARY_PATH=$PWD/v/lib exe ./plain 2>trace >/dev/null
expect_in trace "libpr.so.1: $PWD/v/lib/jump.cache: from the cache"
check plain cache 8
check over cache 200
exit 0
