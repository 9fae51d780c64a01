#!/bin/bash
# jumpas logs every global definition with its type, size, library and objfile; statics and
# symbols already described are not logged; without control files the object is exactly
# what plain gcc makes.
. "$TOP/tests/e2e/lib.sh"
CC="gcc $M -O2 $JSPECS"
export JUMP_DIR=$PWD/ctl JUMP_LIB=libxyz
mkdir -p ctl sub plain

cat > one.c <<'C'
int counter = 5;
short pair[2] = {1, 2};
double big[16];
const char name[10] = "xyz";
static int hidden_var = 1;
static int helper(int x) { return x + hidden_var; }
int add(int a, int b) { return helper(a) + b; }
char *get_name(void) { return (char *)name; }
C
cat > two.c <<'C'
int commoned;
long lng = 7;
int described = 1;
int ignored(void) { return 0; }
__attribute__((visibility("hidden"))) int internal_fn(void) { return 1; }
__attribute__((visibility("hidden"))) int internal_var = 3;
__attribute__((visibility("protected"))) int protected_fn(void) { return 2; }
C

$CC -B"$STAGE/bin/jump" -c one.c -o sub/one.o || fail "compiling one.c"
printf '# described elsewhere\n00000004 D described libxyz two\n' > ctl/jump.vars
printf '00000000 T ignored libxyz two\n' > ctl/jump.ignore
$CC -fcommon -B"$STAGE/bin/jump" -c two.c -o two.o || fail "compiling two.c"

sort > want <<W
00000000 T add	libxyz	one
00000000 T get_name	libxyz	one
00000004 D counter	libxyz	one
00000004 D pair	libxyz	one
00000080 C big	libxyz	one
0000000a K name	libxyz	one
00000004 C commoned	libxyz	two
0000000$PS D lng	libxyz	two
00000000 T internal_fn	libxyz	two	# hidden
00000004 D internal_var	libxyz	two	# hidden
00000000 T protected_fn	libxyz	two
W
sort ctl/jump.log > got
diff want got || fail "jump.log differs from the expected lines"

# No control files: the object is what plain gcc makes, byte for byte.
rm -f ctl/jump.*
for f in one two; do
    $CC -fcommon -c $f.c -o plain/$f.o || fail "plain gcc $f.c"
    $CC -fcommon -B"$STAGE/bin/jump" -c $f.c -o $f.o || fail "jumpas $f.c"
    cmp plain/$f.o $f.o || fail "$f.o differs from plain gcc's"
    [ "$(objdump -d $f.o | tail -n +3)" = "$(objdump -d plain/$f.o | tail -n +3)" ] || fail "objdump -d differs"
    [ "$(nm $f.o)" = "$(nm plain/$f.o)" ] || fail "nm differs"
done
[ "$(wc -l < ctl/jump.log)" = 13 ] || fail "second round should log 13 lines (nothing described now)"
echo ok
