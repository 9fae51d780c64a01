# 613-compat-types: changes that keep every address but break programs all the same (issue I):
# a struct's members swapped at the same size, a parameter's type widened. With both images
# built with -g, verify-shlib --against --old-image compares their types with libabigail's
# abidiff and reports each as a finding of grade "type" (status + 16); without debug
# information it says plainly that the types were not compared.
. "$TOP/tests/e2e/lib.sh"
command -v abidiff >/dev/null || skip "abidiff is not installed (apt-get install abigail-tools)"
cat >s1.c <<'C'
struct pt { int x; int y; };
int pt_sum(struct pt *p) { return p->x + 2 * p->y; }
int scale(int a, int b) { return a * b; }
int same(int a) { return a + 1; }
C
cat >s2.c <<'C'
struct pt { int y; int x; };
int pt_sum(struct pt *p) { return p->x + 2 * p->y; }
int scale(int a, long b) { return a * (int)b; }
int same(int a) { return a + 1; }
C
MKJUMP_CFLAGS="-g -O2" mkjump "$PWD/v1" libty 1.0.0 0x61900000 s1.c
cp v1/jump/jump.funcs s2.funcs
mkdir -p v2/jump && cp s2.funcs v2/jump/jump.funcs
MKJUMP_CFLAGS="-g -O2" mkjump "$PWD/v2" libty 1.1.0 0x61900000 s2.c
grep -c ' T ' v2/jump/jump.funcs | grep -qx 3 || fail "v2 should keep v1's three slots"
# Every address is kept: compatible for the addresses (the version went up)...
run 4 a.out verify-shlib --against v1/libty.sa -l v2/libty.so.1.1.0 v2/libty.sa
expect_not_in a.out "type"
# ... and two type changes, each named.
run 20 t.out verify-shlib --against v1/libty.sa --old-image v1/libty.so.1.0.0 -l v2/libty.so.1.1.0 v2/libty.sa
expect_in t.out "type: changed: function int pt_sum(pt*) (abidiff) [type:function int pt_sum(pt*)]" \
    "type: changed: function int scale(int, int) (abidiff)" "2 type changes; 0 incompatible, 1 compatible"
expect_not_in t.out "same("
# The same image against itself: nothing at all.
run 0 s.out verify-shlib --against v1/libty.sa --old-image v1/libty.so.1.0.0 -l v1/libty.so.1.0.0 v1/libty.sa
expect_in s.out "0 type changes; 0 incompatible, 0 compatible, 0 waived"
# Without debug information: said plainly, not counted.
MKJUMP_CFLAGS="-O2" mkjump "$PWD/n2" libty 1.1.0 0x61900000 s2.c
run 4 n.out verify-shlib --against v1/libty.sa --old-image v1/libty.so.1.0.0 -l n2/libty.so.1.1.0 n2/libty.sa
expect_in n.out "note: types not compared: n2/libty.so.1.1.0 has no debug information (build it with -g) [types]" \
    "0 type changes;"
run 2 u.out verify-shlib --program ./x --old-image v1/libty.so.1.0.0 -l v1/libty.so.1.0.0
expect_in u.out "--old-image goes with --against"
exit 0
