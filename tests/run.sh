#!/bin/bash
# run.sh: run every unit test binary, then every end-to-end scenario for each architecture,
# JOBS at a time (default: the number of cores); each scenario has its own scratch directory.
# Longest first by the last run's times; results are printed as the jobs finish.
# Usage: tests/run.sh [PATTERN...]   (PATTERN filters test names, e.g. "e2e/010")
# Environment: B (build dir, relative to the top of the tree), STAGE (staged install prefix), ARCHES (default "i386 x86_64"),
# JOBS (parallel jobs).
set -u
cd "$(dirname "$0")/.." || exit 2
B=${B:-build}
STAGE=${STAGE:-$PWD/$B/stage}
ARCHES=${ARCHES:-"i386 x86_64"}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
top=$PWD
. "$top/scripts/arch.sh"
# The toolkit's own build flags (make san's -fsanitize, make's command-line variables) are not
# the scenarios': a library a scenario builds with its own configure or Makefile must not get
# them (an i386 program instrumented by ASan spins forever under qemu-i386).
unset CFLAGS CPPFLAGS LDFLAGS SANFLAGS MAKEFLAGS MFLAGS MAKELEVEL
pass=0 fail=0 skip=0
failed=()
skipped=()
selected() {
    local name=$1; shift
    [ ${#PATTERNS[@]} -eq 0 ] && return 0
    for p in "${PATTERNS[@]}"; do [[ $name == *"$p"* ]] && return 0; done
    return 1
}
PATTERNS=("$@")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/jump-tests.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# How each architecture's programs run is decided once here; the scenarios inherit it.
for arch in $ARCHES; do
    arch_probe "$arch"
    echo "$arch programs run $(arch_how "$arch")"
done

# The jobs: NAME and the command for each, in the order results are reported.
names=() kinds=() what=()
for t in "$B"/tests/test_*; do
    [ -x "$t" ] || continue
    name=unit/$(basename "$t")
    selected "$name" || continue
    names+=("$name") kinds+=(unit) what+=("$t")
done
for arch in $ARCHES; do
    for s in tests/e2e/[0-9]*.sh; do
        [ -f "$s" ] || continue
        name=e2e/$(basename "$s" .sh)/$arch
        selected "$name" || continue
        names+=("$name") kinds+=("$arch") what+=("$s")
    done
done

# start I: run job I in the background; its output goes to $scratch/I.out, its status to
# $scratch/I.rc with its time in tenths of a second (written last, so its presence means the
# job is over).
start() {
    local i=$1 dir t0
    (
        t0=$(date +%s%N)
        if [ "${kinds[i]}" = unit ]; then
            dir=$scratch/unit-$i
            mkdir -p "$dir" && cd "$dir" && "$top/${what[i]}"
        else
            # A TMPDIR of its own: what one scenario leaves there never meets another's.
            dir=$scratch/$(basename "${what[i]}" .sh)-${kinds[i]}
            mkdir -p "$dir/.tmp" && cd "$dir" && ARCH=${kinds[i]} STAGE=$STAGE TOP=$top B=$B \
                TMPDIR=$dir/.tmp PATH=$STAGE/bin:$PATH bash "$top/${what[i]}"
        fi >"$scratch/$i.out" 2>&1
        echo "$? $((($(date +%s%N) - t0) / 100000000))" >"$scratch/$i.rc.tmp" &&
            mv "$scratch/$i.rc.tmp" "$scratch/$i.rc"
    ) &
}

# report I: print job I's result and count it.
report() {
    local i=$1 rc ds name=${names[$1]}
    read -r rc ds <"$scratch/$i.rc"
    if [ "$rc" = 0 ]; then
        pass=$((pass + 1)); echo "ok   $name ($((ds / 10)).$((ds % 10)) s)"
    elif [ "$rc" = 77 ]; then
        skip=$((skip + 1)); skipped+=("$name: $(tail -n 1 "$scratch/$i.out")")
        echo "skip $name: $(tail -n 1 "$scratch/$i.out")"
    else
        fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name"
        tail -n 40 "$scratch/$i.out" | sed 's/^/    /'
    fi
}

# Longest first (times of the last run, kept in $B/tests/times; without one, the scenarios
# whose header says "# run.sh: long" first, then the rest in order), so that a long scenario
# never starts last; results are printed as jobs finish.
times=$B/tests/times
order=$(for i in "${!names[@]}"; do
    t=$(awk -v n="${names[i]}" '$1 == n { print $2 }' "$times" 2>/dev/null)
    if [ -z "$t" ]; then
        t=0
        [ "${kinds[i]}" != unit ] && grep -q '^# run.sh: long' "${what[i]}" && t=999999
    fi
    echo "$t $i"
done | sort -k1,1nr -k2,2n | awk '{ print $2 }')
order=($order)
n=${#order[@]} next=0 done_=0
declare -A reported=()
case $JOBS in '' | *[!0-9]* | 0) JOBS=1 ;; esac
while [ $done_ -lt $n ]; do
    running=0
    for ((k = 0; k < next; k++)); do
        i=${order[k]}
        [ -n "${reported[$i]:-}" ] && continue
        if [ -f "$scratch/$i.rc" ]; then
            report "$i"
            reported[$i]=1 done_=$((done_ + 1))
        else
            running=$((running + 1))
        fi
    done
    while [ $running -lt "$JOBS" ] && [ $next -lt $n ]; do
        start "${order[next]}"
        next=$((next + 1)) running=$((running + 1))
    done
    [ $done_ -lt $n ] && { wait -n 2>/dev/null || sleep 0.1; }
done
wait
# This run's times, for the next run's order (a partial run keeps the others' old times).
for i in "${!names[@]}"; do echo "${names[i]} $(awk '{ print $2 }' "$scratch/$i.rc")"; done >"$scratch/times"
mkdir -p "$(dirname "$times")"
if [ -f "$times" ]; then
    awk 'NR == FNR { seen[$1] = 1; print; next } !($1 in seen)' "$scratch/times" "$times"
else
    cat "$scratch/times"
fi >"$times.tmp" && mv "$times.tmp" "$times"

[ ${#failed[@]} -eq 0 ] || printf 'failed: %s\n' "${failed[@]}" | sort
[ ${#skipped[@]} -eq 0 ] || printf 'skipped: %s\n' "${skipped[@]}" | sort
for arch in $ARCHES; do printf '%s programs ran %s\n' "$arch" "$(arch_how "$arch")"; done
if [ $skip -gt 0 ]; then
    echo "check: $pass passed, $fail failed, $skip skipped"
else
    echo "check: $pass passed, $fail failed"
fi
[ $fail -eq 0 ]
