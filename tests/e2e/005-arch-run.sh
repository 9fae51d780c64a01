#!/bin/bash
# scripts/arch.sh runs an emulated program so that an emulator hang (qemu-user now and then
# never finishes a guest that is done) costs a second run, not the whole test run: the
# stopped run's output is kept back, the second one's is passed on with its status, and two
# hangs in a row are reported. Checked with a stand-in emulator, whatever this machine is.
. "$TOP/tests/e2e/lib.sh"
cat >emu <<'SH'
#!/bin/bash
# A stand-in emulator: prints its arguments and stdin; hangs on the first N calls.
n=$(cat calls 2>/dev/null || echo 0); echo $((n + 1)) >calls
echo "run $((n + 1)): $*"
cat
echo "to stderr" >&2
[ "$n" -lt "${HANGS:-0}" ] && sleep 30
exit 3
SH
chmod +x emu
export JUMP_RUN_fake=$PWD/emu JUMP_EMU_TIMEOUT=1
echo input | HANGS=1 run 3 once.out arch_run fake ./prog a b
printf '%s\n' "arch.sh: $PWD/emu ./prog did not finish in 1 s: run again" "run 2: ./prog a b" input "to stderr" >want.out
diff -u want.out once.out || fail "a run that hung once"
rm -f calls
echo input | HANGS=2 run 124 twice.out arch_run fake ./prog
expect_in twice.out "did not finish in 1 s: run again" "did not finish in 1 s, twice"
rm -f calls
run 3 ok.out arch_run fake ./prog </dev/null
expect_eq "$(head -n 1 ok.out)" "run 1: ./prog" "a run that finishes"
exit 0
