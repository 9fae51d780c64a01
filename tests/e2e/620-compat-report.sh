# 620-compat-report: verify-shlib --against's machine-readable output (--json, checked with
# python's json module), waivers, and every usage and input error of the new modes.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/compat.sh"
build10
newver "$PWD/c"
{ funcs10 | sed -n 2p; funcs10 | sed -n 1p; funcs10 | sed -n '3,$p'; } >c/jump/jump.funcs
printf '00000000 T cv_new\tlibcv\tcvn\n' >>c/jump/jump.funcs
SRCS="cva.c cvb.c cvn.c" cvbuild "$PWD/c" 1.1.0

run 12 j.out verify-shlib --against v10/libcv.sa --json -l c/lib/libcv.so.1.1.0 c/libcv.sa
python3 - j.out <<'PY' || fail "the JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["verdict"] == "incompatible" and r["status"] == 12, r
assert r["old"] == "v10/libcv.sa" and r["image"] == "c/lib/libcv.so.1.1.0", r
assert (r["incompatible"], r["compatible"], r["waived"]) == (2, 2, 0), r
f = {x["key"]: x for x in r["findings"]}
assert f["slot:1"]["grade"] == "incompatible" and f["slot:1"]["message"] == "slot 1 'cv_add' now holds 'cv_mul'", f
assert f["slot:8"]["grade"] == "compatible" and f["slot:8"]["message"] == "slot 8 'cv_new' added", f
assert f["version"]["waived"] is False
PY

# Waivers: the two swapped slots silenced (comments and blanks allowed): compatible only.
printf '# we know\nslot:1\n  slot:2   # and this one\n\n' >w.txt
run 4 w.out verify-shlib --against v10/libcv.sa --waivers w.txt -l c/lib/libcv.so.1.1.0 c/libcv.sa
expect_in w.out "waived: incompatible: slot 1 'cv_add' now holds 'cv_mul' [slot:1]" \
    "waived: incompatible: slot 2 'cv_mul' now holds 'cv_add' [slot:2]" \
    "0 incompatible, 2 compatible, 2 waived: c/lib/libcv.so.1.1.0 is a compatible replacement for v10/libcv.sa"
run 4 wj.out verify-shlib --against v10/libcv.sa --json --waivers w.txt -l c/lib/libcv.so.1.1.0 c/libcv.sa
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["waived"]==2 and r["status"]==4 and [x["waived"] for x in r["findings"] if x["key"]=="slot:1"]==[True], r' wj.out ||
    fail "waivers in JSON"
# All of them: identical as far as the status goes.
printf 'slot:1\nslot:2\nslot:8\nversion\nrange\n' >all.txt
run 0 all.out verify-shlib --against v10/libcv.sa --waivers all.txt -l c/lib/libcv.so.1.1.0 c/libcv.sa
expect_in all.out "verify-shlib: all.txt:5: warning: the waiver 'range' matches no finding" \
    "0 incompatible, 0 compatible, 4 waived: c/lib/libcv.so.1.1.0 is, with every finding waived, a replacement for v10/libcv.sa"
printf 'slot 1\n' >badw.txt
run 1 bw.out verify-shlib --against v10/libcv.sa --waivers badw.txt -l c/lib/libcv.so.1.1.0 c/libcv.sa
expect_in bw.out "verify-shlib: badw.txt:1: error: 'slot 1' is not a finding key (one key per line)"
run 1 nw.out verify-shlib --against v10/libcv.sa --waivers nosuch.txt -l c/lib/libcv.so.1.1.0 c/libcv.sa
expect_in nw.out "verify-shlib: error: cannot open 'nosuch.txt'"

# A JSON string with quotes and backslashes: a variable name cannot hold them, a path can.
mkdir -p 'q"d\x' && cp v10/libcv.sa 'q"d\x/old.sa'
run 12 q.out verify-shlib --against 'q"d\x/old.sa' --json -l c/lib/libcv.so.1.1.0 c/libcv.sa
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["old"] == "q\"d\\x/old.sa"' q.out || fail "JSON escaping"

# Errors and usage.
run 2 u1.out verify-shlib --against v10/libcv.sa -l c/lib/libcv.so.1.1.0
expect_in u1.out "verify-shlib: no stub libraries given"
run 2 u2.out verify-shlib --against v10/libcv.sa --program ./prog -l c/lib/libcv.so.1.1.0
expect_in u2.out "verify-shlib: give --against or --program, not both"
run 2 u3.out verify-shlib --json -l c/lib/libcv.so.1.1.0 c/libcv.sa
expect_in u3.out "verify-shlib: --json, --waivers and -r go with --against or --program"
run 2 u4.out verify-shlib --against v10/libcv.sa c/libcv.sa
expect_in u4.out "verify-shlib: missing -l image"
run 1 x1.out verify-shlib --against nosuch.sa -l c/lib/libcv.so.1.1.0 c/libcv.sa
expect_in x1.out "verify-shlib: error: cannot open 'nosuch.sa'"
run 1 x2.out verify-shlib --against v10/libcv.sa -l nosuch.so c/libcv.sa
expect_in x2.out "verify-shlib: error: cannot open 'nosuch.so'"
cp c/lib/libcv.so.1.1.0 stripped.so && strip stripped.so
run 1 x3.out verify-shlib --against v10/libcv.sa -l stripped.so c/libcv.sa
expect_in x3.out "verify-shlib: error: stripped.so: the image has no symbol table (was it stripped?): compare the image as mkimage wrote it"
run 1 x4.out verify-shlib --against v10/libcv.sa -l c/lib/libcv.so.1.1.0 v10/libcv.sa
expect_in x4.out "verify-shlib: error: v10/libcv.sa is not the stub of c/lib/libcv.so.1.1.0 (it is for libcv.so.1 at 0x6b000000, version word 0x10000): check it with verify-shlib -l first"
run 1 x5.out verify-shlib --against v10/libcv.sa -r nosuch.table -l c/lib/libcv.so.1.1.0 c/libcv.sa
expect_in x5.out "verify-shlib: error: cannot open 'nosuch.table'"
exit 0
