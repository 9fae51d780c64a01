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
#   arch_prefix ARCH      the command to put before ARCH's programs: empty when they run
#                         natively, else the emulator (for Makefiles' QEMU_RUN and the like)

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
        *) "${!var}" "$@" ;;
    esac
}

arch_prefix() {
    local var
    arch_probe "$1" || return
    var=$(arch__var "$1")
    case ${!var} in native | none:*) ;; *) echo "${!var}" ;; esac
}
