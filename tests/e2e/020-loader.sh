# 020-loader: what the run-time loader refuses and says, each with its exit status.
. "$TOP/tests/e2e/lib.sh"

cat >t1.c <<'C'
#include <stdio.h>
int t_add(int a, int b) { return a + b; }
void t_hello(const char *s) { printf("t says %s\n", s); }
C
cat >t2.c <<'C'
#include <unistd.h>
long t_pid(void) { return (long)getpid(); }  /* a C-library function the 1.0 program never names */
C
cat >prog.c <<'C'
#include <stdio.h>
int t_add(int, int);
void t_hello(const char *);
int main(void) { t_hello("hi"); printf("%d\n", t_add(2, 40)); return 0; }
C
v1=$PWD/v1
mkjump "$v1" libt 1.0.0 0x61000000 t1.c
gcc $M -no-pie -o prog prog.c "$v1/libt.sa" || fail "link prog"
gcc $M -no-pie -static -o prog-static prog.c "$v1/libt.sa" || fail "link prog-static"
run 0 ok.out exe ./prog
printf 't says hi\n42\n' >want.out
diff -u want.out ok.out || fail "prog output"

# A newer minor with a function that imports getpid: dynamic programs find it in libc's
# dynamic symbols; a static program cannot, and is refused with the name.
v11=$PWD/v11
cp -r "$v1/jump" "$v11-jump" && mkdir -p "$v11" && mv "$v11-jump" "$v11/jump"
mkjump "$v11" libt 1.1.0 0x61000000 t1.c t2.c
JUMP_LIBRARY_PATH=$v11/lib run 0 dyn.out exe ./prog
diff -u want.out dyn.out || fail "1.0 program against 1.1 image"
JUMP_LIBRARY_PATH=$v11/lib run 127 static.out exe ./prog-static
expect_in static.out "./prog-static: can't load library '$v11/lib/libt.so.1'" "undefined symbol 'getpid'"

# Major version 2 where major 1 is wanted.
v2=$PWD/v2
mkdir -p "$v2" && cp -r "$v1/jump" "$v2/"
mkjump "$v2" libt 2.0.0 0x61000000 t1.c
ln -sf libt.so.2.0.0 "$v2/lib/libt.so.1"
JUMP_LIBRARY_PATH=$v2/lib run 127 major.out exe ./prog
printf "./prog: incompatible library '%s/lib/libt.so.1'\n\tRequire major version 1 and found 2\n" "$v2" >want.out
diff -u want.out major.out || fail "major mismatch message"

# An older minor than the program was linked with: a warning, unless JUMP_NOWARN.
gcc $M -no-pie -o prog11 prog.c "$v11/libt.sa" || fail "link prog11"
JUMP_LIBRARY_PATH=$v1/lib run 0 minor.out exe ./prog11
expect_in minor.out "./prog11: warning: using older library version '$v1/lib/libt.so.1'" \
    "Require version 1.1.0 and found 1.0.0" "t says hi"
JUMP_NOWARN=1 JUMP_LIBRARY_PATH=$v1/lib run 0 nowarn.out exe ./prog11
expect_not_in nowarn.out warning

# Search order: JUMP_LIBRARY_PATH first, then the directory recorded in the stub.
JUMP_LIBRARY_PATH=/nonexistent:$v11/lib JUMP_TRACE_LIBRARIES=1 run 0 tr.out exe ./prog
expect_in tr.out "libt.so.1 (DLL Jump 1.0) => $v11/lib/libt.so.1"
JUMP_TRACE_LIBRARIES=1 run 0 tr2.out exe ./prog
expect_in tr2.out "libt.so.1 (DLL Jump 1.0) => $v1/lib/libt.so.1"

# No image anywhere.
mv "$v1/lib" "$v1/gone"
JUMP_LIBRARY_PATH=/nonexistent run 127 missing.out exe ./prog
printf "./prog: can't find library 'libt.so.1'\n" >want.out
diff -u want.out missing.out || fail "missing library message"
JUMP_TRACE_LIBRARIES=1 run 0 tr3.out exe ./prog
expect_in tr3.out "libt.so.1 (DLL Jump 1.0) => not found"
mv "$v1/gone" "$v1/lib"

# Files that are not the right image.
bad=$PWD/bad && mkdir -p "$bad"
echo "not an image" >"$bad/libt.so.1"
JUMP_LIBRARY_PATH=$bad run 127 b1.out exe ./prog
expect_in b1.out "./prog: can't load library '$bad/libt.so.1'" "not an ELF file"
echo 'int f(void){return 0;}' >so.c && gcc $M -shared -fPIC -o "$bad/libt.so.1" so.c
JUMP_LIBRARY_PATH=$bad run 127 b2.out exe ./prog
expect_in b2.out "not a jump image (bad ELF header)"
other=$([ "$ARCH" = i386 ] && echo -m64 || echo -m32)
gcc $other -shared -fPIC -o "$bad/libt.so.1" so.c
JUMP_LIBRARY_PATH=$bad run 127 b3.out exe ./prog
expect_in b3.out "built for another architecture"
echo 'int main(void){return 0;}' >m.c && gcc $M -no-pie -o "$bad/libt.so.1" m.c
JUMP_LIBRARY_PATH=$bad run 127 b4.out exe ./prog
expect_in b4.out "not a jump image (no jump note)"
cp "$v1/lib/libt.so.1.0.0" "$bad/libt.so.1"
mkdir -p u && cat >u/u.c <<'C'
int u_f(void) { return 7; }
C
mkjump "$PWD/u" libu 1.0.0 0x61800000 u/u.c
cp "$PWD/u/lib/libu.so.1.0.0" "$bad/libt.so.1"
JUMP_LIBRARY_PATH=$bad run 127 b5.out exe ./prog
expect_in b5.out "the image is another library (its name differs)"

# The same library built for another address.
moved=$PWD/moved && mkdir -p "$moved" && cp -r "$v1/jump" "$moved/" && rm -f "$moved/jump/jump.params"
mkjump "$moved" libt 1.0.0 0x61100000 t1.c
JUMP_LIBRARY_PATH=$moved/lib run 127 moved.out exe ./prog
expect_in moved.out "the program was linked for address 0x61000000 but the image is built for 0x61100000"

# Two images whose ranges overlap: the second is refused, naming both.
w=$PWD/w && mkdir -p w
cat >w/w.c <<'C'
int w_f(void) { return 9; }
C
mkjump "$w" libw 1.0.0 0x61001000 w/w.c
cat >both.c <<'C'
#include <stdio.h>
int t_add(int, int);
int w_f(void);
int main(void) { printf("%d\n", t_add(1, w_f())); return 0; }
C
gcc $M -no-pie -o both both.c "$v1/libt.sa" "$w/libw.sa" || fail "link both"
run 127 clash.out exe ./both
expect_in clash.out "./both: can't load library '$w/lib/libw.so.1'" \
    "of libw.so.1 is already occupied by libt.so.1 ($v1/lib/libt.so.1)"

# An image whose range the program itself occupies.
gcc $M -no-pie -Wl,-Ttext-segment=0x61000000 -o self prog.c "$v1/libt.sa" || fail "link self"
run 127 self.out exe ./self
expect_in self.out "./self: can't load library '$v1/lib/libt.so.1'" "is already occupied by $PWD/self"
