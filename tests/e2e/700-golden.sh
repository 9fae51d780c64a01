# 700-golden: outputs that must not change by accident, compared byte for byte with the files
# in tests/golden/ARCH/: the control files and classic messages of the workflow on the
# article's libxyz (examples/libxyz, compiled here), the stub's members and absolute symbols
# (every slot, cell and variable address a program is linked with), libinfo's report and the
# image cache's header. Slot and cell addresses come from the control files; the ends of the
# used range follow the image's size, which Debian 12's gcc fixes. Paths of this run read
# STAGE and SCRATCH. `make golden` rewrites them on purpose (GOLDEN_UPDATE=1); review the
# diff, then commit it with the change that explains it.
. "$TOP/tests/e2e/lib.sh"
golden=$TOP/tests/golden/$ARCH
src=$TOP/examples/libxyz
export JUMP_DIR=$PWD/jump JUMP_LIB=libxyz
mkdir -p jump out
objs=()
for f in "$src"/*.c; do
    case $(basename "$f") in prog.c) continue ;; esac
    objs+=("$(basename "${f%.c}").o")
done
compile() { for o in "${objs[@]}"; do $JCC -O2 -c -o "$o" "$src/${o%.o}.c" || fail "compiling $o"; done; }
compile
(cd jump && getvars >../out/getvars.txt && getfuncs >../out/getfuncs.txt && rm -f jump.log) ||
    fail "getvars/getfuncs"
compile
(cd jump && getsize >jump.vars-new 2>../out/getsize.txt && mv jump.vars-new jump.vars) || fail "getsize"
P=(-l /usr/local/lib/libxyz -v 1.0.0 -a 0x6a380000 -j 0x400 -g 0x400)
mkimage "${P[@]}" -- "${objs[@]}" -lc >out/mkimage.txt 2>&1 || { cat out/mkimage.txt; fail "mkimage"; }
mkstubs "${P[@]}" -- libxyz >out/mkstubs.txt 2>&1 || { cat out/mkstubs.txt; fail "mkstubs"; }
verify-shlib -l libxyz.so.1.0.0 -- libxyz.sa >out/verify.txt 2>&1 || { cat out/verify.txt; fail "verify-shlib"; }
for f in jump.funcs jump.vars jump.ignore jump.params; do
    [ -f "jump/$f" ] && cp "jump/$f" "out/$f"
done
ar t libxyz.sa >out/members.txt
# the absolute symbols: what programs are linked with (addresses, not code)
nm -A libxyz.sa | awk '$(NF - 1) == "A" || $(NF - 1) == "a"' | sed 's/^libxyz.sa://' | sort >out/absolute.txt
libinfo libxyz.sa >out/libinfo.txt 2>&1 || { cat out/libinfo.txt; fail "libinfo"; }
# the cache's header and first entry's name, class and identity-free fields
mkdir lib && cp libxyz.so.1.0.0 lib/ && jump-ldconfig -n lib || fail "jump-ldconfig"
od -An -tx1 -N 16 lib/jump.cache >out/cache-header.txt
od -An -c -j $((48 + 8)) -N 16 lib/jump.cache >out/cache-name.txt
for f in out/*; do sed -i "s|$STAGE|STAGE|g; s|$PWD|SCRATCH|g" "$f"; done

if [ -n "${GOLDEN_UPDATE:-}" ]; then
    mkdir -p "$golden" && rm -f "$golden"/* && cp out/* "$golden/" || fail "cannot write $golden"
    echo "golden files written to $golden"
    exit 0
fi
[ -d "$golden" ] || fail "no golden files in $golden: run make golden"
diff -r "$golden" out >golden.diff || { cat golden.diff; fail "outputs differ from $golden (make golden refreshes them on purpose)"; }
exit 0
