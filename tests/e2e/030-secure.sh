# 030-secure: JUMP_LIBRARY_PATH is ignored by set-uid programs (AT_SECURE); the directory
# recorded in the stub still works.
. "$TOP/tests/e2e/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to make a set-uid program"
id nobody >/dev/null 2>&1 || skip "no user 'nobody'"

d=$(mktemp -d /tmp/jump-secure.XXXXXX)
trap 'rm -rf "$d"' EXIT
chmod 755 "$d"
cat >"$d/s.c" <<'C'
int s_f(void) { return 5; }
C
cat >"$d/p.c" <<'C'
#include <stdio.h>
int s_f(void);
int main(void) { printf("s_f=%d\n", s_f()); return 0; }
C
mkjump "$d/v" libs 1.0.0 0x61200000 "$d/s.c"
gcc $M -no-pie -o "$d/p" "$d/p.c" "$d/v/libs.sa" || fail "link"
# Move the image away from the recorded directory; only JUMP_LIBRARY_PATH can find it.
mkdir -p "$d/elsewhere" && mv "$d/v/lib/"* "$d/elsewhere/"
chmod -R a+rX "$d"
JUMP_LIBRARY_PATH=$d/elsewhere run 0 plain.out exe "$d/p"
expect_in plain.out "s_f=5"
# An emulator is an ordinary program: the kernel never starts the set-uid program itself, so
# it never sees AT_SECURE, and what follows cannot be tested that way.
emulated && skip "set-uid (AT_SECURE) cannot be tested with $ARCH programs $(arch_how "$ARCH")"
chown nobody "$d/p" && chmod u+s "$d/p"
mount | grep -q " $(df --output=target "$d" | tail -n 1) .*nosuid" && skip "$d is on a nosuid file system"
JUMP_LIBRARY_PATH=$d/elsewhere run 127 secure.out exe "$d/p"
expect_in secure.out "can't find library 'libs.so.1'"
# Back in the recorded directory, the set-uid program runs.
mv "$d/elsewhere/"* "$d/v/lib/"
JUMP_LIBRARY_PATH=/nonexistent run 0 secure2.out exe "$d/p"
expect_in secure2.out "s_f=5"
