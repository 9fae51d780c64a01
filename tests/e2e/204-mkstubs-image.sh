# With a real image from mkimage: mkstubs takes the architecture from it (no -m), lists the
# C library functions the image imports as references in the descriptor, and takes
# __LAST_DATA_ADDRESS from the image's note. Needs the rest of the toolkit (skips without it).
. "$TOP/tests/e2e/stubs.sh"
[ -x "$STAGE/bin/mkimage" ] && [ -x "$STAGE/bin/jumpas" ] && [ -f "$TOP/tests/e2e/lib.sh" ] ||
    skip "mkimage/jumpas not staged"
[ -f "$STAGE/lib/jump/loader-$ARCH.o" ] || skip "no installed loader"
. "$TOP/tests/e2e/lib.sh"
d=$PWD
cat >s.c <<'C'
#include <stdio.h>
#include <string.h>
int s_len(const char *s) { printf("s_len %s\n", s); return (int)strlen(s); }
int s_two(void) { return 2; }
C
mkjump "$d/v" libs 1.0.0 0x61400000 "$d/s.c"
sa=v/libs.sa
nm -A $sa 2>/dev/null >nm.out
grep -q '__libs.o: *U printf$' nm.out || fail "printf is a host import"
grep -q '__libs.o: *U strlen$' nm.out || fail "strlen is a host import"
s1=$(awk '!/^#/ && NF { i++ } $3 == "s_len" { print i }' v/jump/jump.funcs)
expect_eq "$(nmval $sa s_len)" $((0x61400000 + 8 * s1)) "s_len at its slot"
# __LAST_DATA_ADDRESS: the note's end field (descriptor offset 48), read here with od.
(cd v && JUMP_DIR=$d/v/jump mkstubs -l "$d/v/lib/libs" -v 1.0.0 -a 0x61400000 -j 0x1000 -g 0x1000 -- libs >out) || fail "rerun"
objcopy -O binary -j .note.jump v/libs.so.1.0.0 note.bin || fail "no .note.jump"
end=$(od -An -tu8 -j $((20 + 48)) -N8 note.bin | tr -d ' ')
expect_eq "$(nmval v/libs.sa __LAST_DATA_ADDRESS)" "$end" "__LAST_DATA_ADDRESS from the note"
if [ $ARCH = i386 ]; then other=x86_64; else other=i386; fi
(cd v && JUMP_DIR=$d/v/jump mkstubs -l "$d/v/lib/libs" -v 1.0.0 -a 0x61400000 -j 0x1000 -g 0x1000 -m $other -- libs >out 2>&1) &&
    fail "-m $other must be refused"
expect_in v/out "libs.so.1.0.0 is an $ARCH image, but -m says $other"
exit 0
