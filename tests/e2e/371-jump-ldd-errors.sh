# 371-jump-ldd-errors: unreadable and malformed files, a program that cannot be run, usage.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/verify.sh"

write_library
vbuild "$PWD/a" jump.funcs.orig
echo 'int xyz_sum(int, int); int main(void) { return xyz_sum(1, 2); }' >prog.c
gcc $M -no-pie -o prog prog.c a/libxyz.sa || fail "link prog"

run 2 e1.out jump-ldd missing
expect_in e1.out "jump-ldd: error: cannot open 'missing'"
cp prog noexec && chmod -x noexec
run 2 e2.out jump-ldd noexec
expect_in e2.out "jump-ldd: error: cannot run ./noexec"
# A program the kernel refuses runs under qemu-<arch> (370 shows it working); without the
# emulator, the message names what to install.
if emulated; then
    mkdir -p noemu
    PATH=$PWD/noemu run 2 e5.out "$STAGE/bin/jump-ldd" prog
    expect_in e5.out "jump-ldd: error: cannot run ./prog: this kernel does not execute $ARCH programs, and qemu-$ARCH, which would emulate it, is not installed (apt-get install qemu-user)"
fi
head -c 100 prog >trunc
run 2 e3.out jump-ldd trunc
expect_in e3.out "jump-ldd: error: trunc: "
# An error does not stop the others; the status is the worst.
run 2 e4.out jump-ldd missing prog
expect_in e4.out "missing:" "prog:" "libxyz.so.1 (DLL Jump 1.0) =>"
run 2 u1.out jump-ldd
expect_in u1.out "jump-ldd: no programs given" "Try 'jump-ldd --help'"
run 2 u2.out jump-ldd -x prog
expect_in u2.out "jump-ldd: invalid option"
run 0 h.out jump-ldd --help
expect_in h.out "Usage: jump-ldd program..."
run 0 v.out jump-ldd --version
expect_in v.out "jump-ldd (jump toolkit)"
exit 0
