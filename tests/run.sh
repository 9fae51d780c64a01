#!/bin/bash
# run.sh: run every unit test binary, then every end-to-end scenario for each architecture.
# Usage: tests/run.sh [PATTERN...]   (PATTERN filters test names, e.g. "e2e/010")
# Environment: B (build dir), STAGE (staged install prefix), ARCHES (default "i386 x86_64").
set -u
B=${B:-build}
STAGE=${STAGE:-$PWD/$B/stage}
ARCHES=${ARCHES:-"i386 x86_64"}
top=$PWD
pass=0 fail=0 skip=0
failed=()
selected() {
    local name=$1; shift
    [ ${#PATTERNS[@]} -eq 0 ] && return 0
    for p in "${PATTERNS[@]}"; do [[ $name == *"$p"* ]] && return 0; done
    return 1
}
PATTERNS=("$@")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/jump-tests.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

for t in "$B"/tests/test_*; do
    [ -x "$t" ] || continue
    name=unit/$(basename "$t")
    selected "$name" || continue
    if "$t" >"$scratch/out" 2>&1; then
        pass=$((pass + 1)); echo "ok   $name"
    else
        fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name"; sed 's/^/    /' "$scratch/out"
    fi
done

for arch in $ARCHES; do
    for s in tests/e2e/[0-9]*.sh; do
        [ -f "$s" ] || continue
        name=e2e/$(basename "$s" .sh)/$arch
        selected "$name" || continue
        dir=$scratch/$(basename "$s" .sh)-$arch
        mkdir -p "$dir"
        ( cd "$dir" && ARCH=$arch STAGE=$STAGE TOP=$top B=$B PATH=$STAGE/bin:$PATH \
            bash "$top/$s" ) >"$scratch/out" 2>&1
        rc=$?
        if [ $rc = 0 ]; then
            pass=$((pass + 1)); echo "ok   $name"
        elif [ $rc = 77 ]; then
            skip=$((skip + 1)); echo "skip $name: $(tail -n 1 "$scratch/out")"
        else
            fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name"; tail -n 40 "$scratch/out" | sed 's/^/    /'
        fi
    done
done

[ ${#failed[@]} -eq 0 ] || printf 'failed: %s\n' "${failed[@]}"
if [ $skip -gt 0 ]; then
    echo "check: $pass passed, $fail failed, $skip skipped"
else
    echo "check: $pass passed, $fail failed"
fi
[ $fail -eq 0 ]
