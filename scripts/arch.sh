# arch.sh: the one place that decides how a program of each architecture runs on this
# machine: natively when the kernel executes it, else under Debian's qemu-user. Sourced (bash)
# by the tests, the demo, the bench and deps.sh.
#
#   arch_flag ARCH        the gcc flag for ARCH (-m32, -m64)
#   arch_probe ARCH       decide once per run: sets and exports JUMP_RUN_<ARCH> to "native",
#                         the emulator's name (qemu-i386), or "none: <why>"; a value already in
#                         the environment (from the caller's probe) is kept
#   arch_how ARCH         one phrase for summaries: "natively", "emulated (qemu-i386)", ...
#   arch_emulated ARCH    true when ARCH's programs run under an emulator
#   arch_run ARCH PROG... run PROG the decided way (fails, saying why, when it cannot run)
#   arch_qemu ARCH        the qemu-user program for ARCH (qemu-i386, qemu-x86_64)

arch_flag() {
    case $1 in
        i386) echo -m32 ;;
        x86_64) echo -m64 ;;
        *) echo "arch.sh: unknown architecture '$1' (i386 or x86_64)" >&2; return 2 ;;
    esac
}

arch_qemu() { echo "qemu-$1"; }

arch__asflag() { case $1 in i386) echo --32 ;; x86_64) echo --64 ;; esac; }

# The variable that holds ARCH's decision.
arch__var() { echo "JUMP_RUN_$1"; }

# arch__exit42 ARCH: assembly for a static program that exits with status 42 at once: what
# the probe runs (binutils alone builds it, so the answer does not wait for gcc-multilib).
arch__exit42() {
    case $1 in
        i386) printf '.globl _start\n_start: movl $1, %%eax\n movl $42, %%ebx\n int $0x80\n' ;;
        x86_64) printf '.globl _start\n_start: movl $60, %%eax\n movl $42, %%edi\n syscall\n' ;;
    esac
}

arch_probe() {
    local arch=$1 var t how rc emu
    var=$(arch__var "$arch")
    [ -z "${!var:-}" ] || return 0
    arch_flag "$arch" >/dev/null || return 2
    emu=$(arch_qemu "$arch")
    t=$(mktemp -d "${TMPDIR:-/tmp}/jump-arch.XXXXXX") || return 2
    arch__exit42 "$arch" >"$t/p.s"
    if ! { as "$(arch__asflag "$arch")" -o "$t/p.o" "$t/p.s" && ld -m "elf_$arch" -o "$t/p" "$t/p.o"; } \
        >"$t/log" 2>&1; then
        how="none: binutils cannot build a $arch program: $(head -n 1 "$t/log")"
    else
        rc=0
        "$t/p" 2>/dev/null || rc=$?
        if [ $rc = 42 ]; then
            how=native
        else
            rc=0
            "$emu" "$t/p" 2>/dev/null || rc=$?
            if [ $rc = 42 ]; then
                how=$emu
            else
                how="none: the kernel does not run $arch programs and $emu is not installed (package qemu-user)"
            fi
        fi
    fi
    rm -rf "$t"
    printf -v "$var" '%s' "$how"
    export "${var?}"
}

arch_how() {
    local var
    arch_probe "$1" || return
    var=$(arch__var "$1")
    case ${!var} in
        native) echo natively ;;
        none:*) echo "cannot run (${!var#none: })" ;;
        *) echo "emulated (${!var})" ;;
    esac
}

arch_emulated() {
    local var
    arch_probe "$1" || return
    var=$(arch__var "$1")
    case ${!var} in native | none:*) return 1 ;; esac
}

arch_run() {
    local arch=$1 var
    shift
    arch_probe "$arch" || return
    var=$(arch__var "$arch")
    case ${!var} in
        native) "$@" ;;
        none:*) echo "arch.sh: cannot run $1: ${!var#none: }" >&2; return 126 ;;
        *) arch__emulate "${!var}" "$@" ;;
    esac
}

# arch__emulate EMULATOR PROG ARGS...: an emulated program that does not finish (seen: an
# ASan-instrumented i386 program under qemu-i386 spins in sched_yield forever) is stopped after
# JUMP_EMU_TIMEOUT seconds (120), run once more, and reported if it hangs again, rather than
# hold up the whole test run; the output is kept back until the run that counts, so a stopped
# one leaves nothing behind. Standard input is read once, first.
arch__emulate() {
    local emu=$1 t rc tries=0 limit=${JUMP_EMU_TIMEOUT:-120}
    shift
    t=$(mktemp -d "${TMPDIR:-/tmp}/jump-emu.XXXXXX") || return 126
    if [ -t 0 ]; then : >"$t/in"; else cat >"$t/in" 2>/dev/null || : >"$t/in"; fi
    while :; do
        rc=0
        timeout -k 5 "$limit" "$emu" "$@" <"$t/in" >"$t/out" 2>"$t/err" || rc=$?
        tries=$((tries + 1))
        if [ $rc = 124 ] || [ $rc = 137 ]; then
            if [ $tries -lt 2 ]; then
                echo "arch.sh: $emu $1 did not finish in $limit s: run again" >&2
                continue
            fi
            echo "arch.sh: $emu $1 did not finish in $limit s, twice" >&2
        fi
        break
    done
    cat "$t/out"
    cat "$t/err" >&2
    rm -rf "$t"
    return $rc
}
