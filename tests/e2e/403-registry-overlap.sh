# 403: add refuses an overlap naming the occupant; -f forces it; check lists every overlap
# with both names; remove deletes the line and keeps the comments.
. "$TOP/tests/e2e/lib.sh"
cp "$STAGE/share/jump/registry.table" t.table
cp t.table orig.table
registry -r t.table add libnew 0x60290000 0x602bffff >out 2>err && fail "an overlap with libX11 was accepted"
[ $? = 1 ] || fail "want exit 1 for a refused overlap"
grep -qF "registry: error: t.table: 0x60290000-0x602bffff overlaps libX11 0x60200000-0x6029ffff (line " err \
    || fail "refusal must name libX11 and both ranges: $(cat err)"
grep -qF ", libXt 0x602a0000-0x602fffff (line " err || fail "refusal must name libXt too: $(cat err)"
cmp -s t.table orig.table || fail "a refused add changed the table"
# Adjacent is not overlapping: libX11 ends at 0x6029ffff... but libXt starts at 0x602a0000.
registry -r t.table add libgap 0x60100000 0x601fffff || fail "the hole between libc and libX11"
registry -r t.table add libgap 0x60380000 0x6038ffff 2>err && fail "a second range for a name without -f"
grep -qF "error: libgap is already registered at 0x60100000-0x601fffff (t.table:" err || fail "dup name: $(cat err)"

# -f: registered anyway, with a warning naming the occupants.
registry -r t.table add -f libnew 0x60290000 0x602bffff 1.0 Jane Doe 2>err || fail "-f did not force"
grep -qF "registry: warning: t.table: 0x60290000-0x602bffff overlaps libX11 0x60200000-0x6029ffff" err \
    || fail "forced add must warn: $(cat err)"
tail -n 1 t.table | grep -qxF "0x60290000 0x602bffff libnew 1.0 Jane Doe" || fail "forced line: $(tail -n 1 t.table)"
registry -r t.table add -f libgap 0x60380000 0x6038ffff 2>err || fail "-f for a second range"
grep -qF "warning: libgap is already registered" err || fail "second-range warning: $(cat err)"
registry -r t.table add libold 0x1000 0x1fff 2>err || fail "add below 0x60000000"
grep -qF "warning: 0x00001000 is below 0x60000000, the lowest address of a jump image" err || fail "low warning"

# check: both overlaps of libnew, each naming both entries, later line first; exit 1.
registry -r t.table check >out 2>err && fail "check passed with overlaps"
[ $? = 1 ] || fail "check: want exit 1"
newline=$(grep -n ' libnew ' t.table | cut -d: -f1)
x11line=$(grep -n ' libX11 ' t.table | cut -d: -f1)
xtline=$(grep -n ' libXt ' t.table | cut -d: -f1)
want="t.table:$newline: libnew 0x60290000-0x602bffff overlaps libX11 0x60200000-0x6029ffff (line $x11line)
t.table:$newline: libnew 0x60290000-0x602bffff overlaps libXt 0x602a0000-0x602fffff (line $xtline)"
[ "$(cat out)" = "$want" ] || fail "check listed: $(cat out)"
grep -qxF "registry: error: t.table: 2 overlapping pairs" err || fail "check summary: $(cat err)"

# remove: every line of the name goes, everything else stays byte for byte.
registry -r t.table remove libnew || fail "remove libnew"
registry -r t.table remove libgap || fail "remove libgap"
registry -r t.table remove libold || fail "remove libold"
cmp -s t.table orig.table || fail "after removing what was added the table differs: $(diff orig.table t.table)"
registry -r t.table remove libnew 2>err && fail "removing an unregistered name succeeded"
grep -qxF "registry: error: t.table: libnew is not registered" err || fail "remove message: $(cat err)"
registry -r t.table check >/dev/null || fail "check after cleanup"
# A table reached through a symbolic link is edited in place: the link stays a link.
mkdir real && cp orig.table real/r.table && ln -s real/r.table link.table
registry -r link.table add liblink 0x70000000 0x7000ffff || fail "add through a link"
[ -L link.table ] || fail "the link was replaced by a file"
tail -n 1 real/r.table | grep -qxF "0x70000000 0x7000ffff liblink" || fail "the linked file was not edited"
[ -e real/r.table.lock ] || fail "the lock belongs beside the real file"
echo "ok"
