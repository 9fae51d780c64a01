# 401: 20 concurrent `registry add` calls on one table all land, and nothing else changes.
. "$TOP/tests/e2e/lib.sh"
cp "$STAGE/share/jump/registry.table" t.table
cp t.table orig.table
pids=()
for i in $(seq 0 19); do
    start=$((0x70000000 + i * 0x10000))
    registry -r t.table add "libc$i" "$(printf '0x%08x' $start)" "$(printf '0x%08x' $((start + 0xffff)))" 1.$i \
        >"out.$i" 2>&1 &
    pids+=($!)
done
for i in $(seq 0 19); do
    wait "${pids[$i]}" || fail "add $i failed: $(cat out.$i)"
done
for i in $(seq 0 19); do
    start=$((0x70000000 + i * 0x10000))
    line=$(printf '0x%08x 0x%08x libc%d 1.%d' $start $((start + 0xffff)) $i $i)
    [ "$(grep -cxF "$line" t.table)" = 1 ] || fail "missing or doubled: $line"
done
[ "$(wc -l <t.table)" = $(($(wc -l <orig.table) + 20)) ] || fail "expected exactly 20 new lines"
# The original lines are untouched, in order, at the top.
head -n "$(wc -l <orig.table)" t.table | cmp -s - orig.table || fail "the original lines changed"
registry -r t.table check >/dev/null || fail "the result has overlaps"
ls t.table.tmp* 2>/dev/null && fail "temporary files left behind"
echo "ok"
