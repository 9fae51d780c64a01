#!/bin/bash
# run.sh: `make bench` (issue F). Builds N generated libraries three ways (static .a, ELF
# -fPIC -shared lazy and -z now, jump images through the staged toolkit) for i386 and x86-64
# and measures start-up, per-call cost, memory and build throughput against the issue's
# targets. Results: bench/results.tsv (arch variant n metric value) and bench/results.md,
# which is printed at the end. A benchmark never fails the build: every step that fails is
# recorded as such and the rest goes on; the exit status is 0 unless the setup itself is broken.
#
# Environment: STAGE (the staged toolkit; required), QUICK=1 (N = 1 10 50, fewer runs),
# ARCHES (default "i386 x86_64"), BENCH_DIR (scratch; default <STAGE>/../bench),
# BENCH_REBUILD=1 (rebuild the libraries even if the toolkit and generator are unchanged),
# BENCH_OUT (where results.tsv/.md go; default this directory).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# How each architecture's programs run here (natively or under qemu-user): scripts/arch.sh.
. "$here/../scripts/arch.sh"
# A real library's source, fetched at run time: scripts/debsrc.sh.
. "$here/../scripts/debsrc.sh"
: "${STAGE:?set STAGE to the staged toolkit (make bench does)}"
STAGE=$(cd "$STAGE" && pwd)
export PATH=$STAGE/bin:$PATH
QUICK=${QUICK:-}
ARCHES=${ARCHES:-"i386 x86_64"}
W=${BENCH_DIR:-$(dirname "$STAGE")/bench}
OUT=${BENCH_OUT:-$here}
mkdir -p "$W" "$OUT"
W=$(cd "$W" && pwd)

if [ -n "$QUICK" ] && [ "$QUICK" != 0 ]; then
    NS="1 10 50" ROUNDS=41 CALLS=2000000 REPS=7 TIMEREPS=3 BIGF=3000 CCROUNDS=15 ASROUNDS=11
else
    QUICK=
    NS="1 10 50 100" ROUNDS=201 CALLS=10000000 REPS=15 TIMEREPS=7 BIGF=10000 CCROUNDS=31 ASROUNDS=21
fi
NMAX=${NS##* }
ORIGIN0=$((0x60100000)) STEP=$((0x10000))
WORIGIN0=$((0x70000000)) # the split images' writable parts (mkimage -w), below x86-64's 0x80000000
MEMN=50

CFLAGS_B="-O2"
tsv=$OUT/results.tsv
log=$W/bench.log

# ---- helpers ----

note() { printf '%s\n' "$*" >&2; printf '%s\n' "$*" >>"$log"; }
# record ARCH VARIANT N METRIC VALUE
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$tsv"; }
archflag() { [ "$1" = i386 ] && echo -m32 || echo -m64; }
# Shared.inc's jump compiler: the installed jumpspecs gives it the flags a jump compile needs.
jcc() { echo "gcc $(archflag "$1") -B$STAGE/bin/jump"; }
# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "NA"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "NA" || b == "NA" || b + 0 == 0) print "NA"; else printf "%.3f\n", a / b }'; }
# seconds ELAPSED of a command, its output discarded
secs() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || return 1
    t1=$(date +%s%N)
    awk -v d=$((t1 - t0)) 'BEGIN { printf "%.6f\n", d / 1e9 }'
}
lib_origin() { printf '0x%08x' $((ORIGIN0 + STEP * ($1 - 1))); }
# shared_inc_lines NAME SL_PATH ARCH ORIGIN: the Shared.inc lines of a library's Makefile.
shared_inc_lines() {
    cat <<MK
SL_NAME=$1
SL_PATH=$2
SL_VERSION=1.0.0
SL_LOAD_ADDRESS=$4
SL_JUMP_TABLE_SIZE=0x1000
SL_GOT_SIZE=0x1000
SL_IMPORT=
SL_EXTRA_LIBS=-lc
SL_ARCH=$3
include $STAGE/share/jump/Shared.inc
MK
}
# shared_inc_script SRCDIR NAME VARMODE: a script that runs the README's Shared.inc workflow,
# start to finish, in SRCDIR (VARMODE ignore: the variables stay private, as build_lib does).
shared_inc_script() {
    cat <<SH
#!/bin/bash
set -e
cd "$1"
rm -rf jump *.o *.sa *.so.* && mkdir jump
export JUMP_DIR=$1/jump JUMP_LIB=$2 JUMP_REGISTRY=$W/registry.table
make -s JUMP_PREFIX=$STAGE pre-shlib
(cd jump && getvars && getfuncs && rm -f jump.log)
$([ "$3" = ignore ] && echo '(cd jump && cat jump.vars >>jump.ignore && : >jump.vars)')
make -s JUMP_PREFIX=$STAGE shlib-import
make -s JUMP_PREFIX=$STAGE pre-shlib
(cd jump && getsize >jump.vars-new && mv jump.vars jump.vars-old && mv jump.vars-new jump.vars)
make -s JUMP_PREFIX=$STAGE shlib
SH
}
# cache_offset CACHE NAME: where jump.cache holds the copy of the image linked as NAME (the
# index's entries: lib/jumpfmt.h, JUMP_CACHE_E_*), in bytes; fails if it holds none.
cache_offset() {
    local f=$1 name=$2 count i base
    count=$(od -An -tu4 -j 12 -N 4 "$f" | tr -d ' ')
    for ((i = 0; i < count; i++)); do
        base=$((48 + i * 176))
        if [ "$(dd if="$f" bs=1 skip=$((base + 8)) count=64 2>/dev/null | tr -d '\0')" = "$name" ]; then
            od -An -tu8 -j $((base + 128)) -N 8 "$f" | tr -d ' '
            return 0
        fi
    done
    return 1
}

# floor_table ARCHDIR N [cache]: the C table bench/floor.c compiles in: for each of the N
# images the jump program uses, the path the loader opens and its loadable segments, from the
# image's program headers, so that the floor program itself parses nothing. With `cache`:
# the images of ARCHDIR/cachelib, each by its link name with its copy's offset in jump.cache;
# with `split`: the split images of ARCHDIR/splitlib, and where their cache's zones start.
floor_table() {
    local A=$1 n=$2 cache=${3:-} k kk img path off idx ro rend
    echo "/* generated by bench/run.sh from the images' program headers (readelf -lW) */"
    if [ "$cache" = split ]; then
        # every image there is split: the read-only zone starts on the page after the index
        # and the writable zone right after the last image's read-only part (jumpfmt.h)
        idx=$(od -An -tu8 -j 24 -N 8 "$A/splitlib/jump.cache" | tr -d ' ')
        ro=$(((idx + 4095) / 4096 * 4096))
        rend=$(readelf -lW "$A/splitlib/libb$(printf '%03d' "$NMAX").so.1" | awk '
            function hex(s,   i, c, r) { r = 0; s = tolower(substr(s, 3))
                for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; r = r * 16 + c }
                return r }
            $1 == "LOAD" && $7 !~ /W/ { e = hex($3) + hex($6); print int((e + 4095) / 4096) * 4096; exit }')
        echo "#define FLOOR_RO_OFF $ro"
        echo "#define FLOOR_RW_OFF $((ro + rend - ORIGIN0))"
    fi
    echo "static const struct floor_image floor_images[] = {"
    for ((k = 1; k <= n; k++)); do
        kk=$(printf '%03d' $k)
        img=$A/lib/b$kk/jump/libb$kk.so.1 path=$img off=0
        if [ "$cache" = split ]; then
            img=$A/splitlib/libb$kk.so.1 path=libb$kk.so.1
        elif [ -n "$cache" ]; then
            img=$A/cachelib/libb$kk.so.1 path=libb$kk.so.1
            off=$(cache_offset "$A/cachelib/jump.cache" "$path") || return 1
        fi
        readelf -lW "$img" | awk -v path="$path" -v off="$off" '
            $1 == "LOAD" && $6 !~ /^0x0+$/ {
                f = ""; for (i = 7; i < NF; i++) f = f $i
                p = (f ~ /R/ ? "PROT_READ" : "0") (f ~ /W/ ? " | PROT_WRITE" : "") (f ~ /E/ ? " | PROT_EXEC" : "")
                seg[n++] = sprintf("{%s, %s, %s, %s, %s}", $3, $2, $5, $6, p)
            }
            END {
                if (n == 0) exit 1
                printf "    {\"%s\", %d, {", path, n
                for (i = 0; i < n; i++) printf "%s%s", (i ? ", " : ""), seg[i]
                printf "}, %s},\n", off
            }' || return 1
    done
    echo "};"
}

# ---- building one library three ways (run in parallel through `run.sh _lib ARCH K`) ----

build_lib() {
    local a=$1 k=$2 m kk d src origin j
    m=$(archflag "$a")
    kk=$(printf '%03d' "$k")
    d=$W/$a/lib/b$kk
    src=$W/src/b$kk.c
    origin=$(lib_origin "$k")
    rm -rf "$d"
    mkdir -p "$d/static" "$d/lazy" "$d/now" "$d/jump/jump"
    # static archive
    gcc $m $CFLAGS_B -c -o "$d/static/b$kk.o" "$src" &&
        ar rcs "$d/static/libb$kk.a" "$d/static/b$kk.o" || return 1
    # ELF shared, lazy and bind-now
    gcc $m $CFLAGS_B -fPIC -c -o "$d/lazy/b$kk.o" "$src" &&
        gcc $m -shared -Wl,-soname,libb$kk.so -Wl,-z,lazy -o "$d/lazy/libb$kk.so" "$d/lazy/b$kk.o" &&
        gcc $m -shared -Wl,-soname,libb$kk.so -Wl,-z,now -o "$d/now/libb$kk.so" "$d/lazy/b$kk.o" || return 1
    # jump image: the Shared.inc steps by hand (tests/e2e/lib.sh mkjump)
    j=$d/jump
    (
        cd "$j" || exit 1
        export JUMP_DIR=$j/jump JUMP_LIB=libb$kk JUMP_REGISTRY=$W/registry.table
        $(jcc "$a") $CFLAGS_B -c -o b$kk.o "$src" || exit 1
        (cd jump && getfuncs && getvars && rm -f jump.log) >/dev/null || exit 1
        if [ "$(cat "$W/$a/varmode")" = ignore ]; then
            # The toolkit cannot export variables yet: they stay private to the image.
            cat jump/jump.vars >>jump/jump.ignore && rm -f jump/jump.vars
        fi
        $(jcc "$a") $CFLAGS_B -c -o b$kk.o "$src" || exit 1
        if [ -s jump/jump.vars ]; then
            (cd jump && getsize >jump.vars-new && mv jump.vars-new jump.vars) || exit 1
        fi
        mkimage -l "$j/libb$kk" -v 1.0.0 -a "$origin" -j 0x1000 -g 0x1000 -- b$kk.o -lc || exit 1
        mkstubs -l "$j/libb$kk" -v 1.0.0 -a "$origin" -j 0x1000 -g 0x1000 -- libb$kk >/dev/null || exit 1
        ln -sf libb$kk.so.1.0.0 libb$kk.so.1
    ) >"$d/jump.log" 2>&1 || return 1
}

# Can this toolkit export variables (jumpas diverting them, getsize, mkimage)? Decided once
# per architecture on library 1; the answer goes to $W/ARCH/varmode ("export" or "ignore").
probe_vars() {
    local a=$1
    echo export >"$W/$a/varmode"
    if build_lib "$a" 1; then
        return 0
    fi
    echo ignore >"$W/$a/varmode"
    build_lib "$a" 1
}

if [ "${1:-}" = _lib ]; then
    build_lib "$2" "$3" || { echo "library $3 ($2) failed: see $W/$2/lib/b$(printf '%03d' "$3")" >&2; exit 1; }
    exit 0
fi

# ---- the whole run ----

: >"$log"
printf 'arch\tvariant\tn\tmetric\tvalue\n' >"$tsv"
t_start=$(date +%s)
# Whatever happens, the table is written from what was measured.
trap '"$here/report.sh" "$tsv" "$OUT/results.md" "$QUICK" >/dev/null 2>&1' EXIT

# The staged toolkit and the generator decide whether the built libraries can be reused.
stamp=$(cat "$STAGE"/bin/* "$STAGE"/lib/jump/* "$here/gen.sh" "$here/run.sh" 2>/dev/null | md5sum | cut -d' ' -f1)

# One registry table claiming every benchmark library's range (the seeded table has libX11
# at 0x60200000 and more in the way); zlib's row builds at lib_origin 102, above them all.
for ((k = 1; k <= 100; k++)); do
    printf '0x%08x 0x%08x libb%03d 1.0.0\n' $((ORIGIN0 + STEP * (k - 1))) $((ORIGIN0 + STEP * k - 1)) $k
done >"$W/registry.table"

mkdir -p "$W/src" "$W/tools"
for ((k = 1; k <= NMAX; k++)); do
    [ -f "$W/src/b$(printf '%03d' $k).c" ] || "$here/gen.sh" lib "$W/src" $k
done
for n in $NS $MEMN; do "$here/gen.sh" main "$W/src" $n; done

hostcc="gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -O2"
$hostcc -o "$W/tools/runner" "$here/runner.c" || { note "bench: cannot build the runner"; exit 2; }

# The cost of the load-time checks (issue D part 5): the same loader without its call of
# check_used(), linked ahead of the stubs into a second N=50 program.
nocheck=
if grep -q '^ *check_used();' "$here/../runtime/loader.c" 2>/dev/null; then
    sed 's|^\( *\)check_used();|\1/* bench: no check_used() */|' "$here/../runtime/loader.c" >"$W/tools/loader-nocheck.c"
    nocheck=1
else
    note "bench: this loader has no load-time checks (check_used): that row stays empty"
fi

# Measuring tools: Debian packages, installed when missing if we are root.
for tool in valgrind strace; do
    command -v $tool >/dev/null && continue
    [ "$(id -u)" = 0 ] || continue
    note "bench: installing $tool (Debian package)"
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $tool ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $tool; }; } >>"$log" 2>&1
done
have_valgrind=
command -v valgrind >/dev/null && have_valgrind=1
have_strace=
command -v strace >/dev/null && have_strace=1
[ -n "$have_strace" ] || note "bench: no strace (not root to install it): system calls not counted"
[ -n "$have_valgrind" ] || note "bench: no valgrind: instructions not counted"

for a in $ARCHES; do
    m=$(archflag "$a")
    A=$W/$a
    # Under an emulator, times and counts are the emulator's, not comparable with native ones:
    # such an architecture's programs are still run (they must work), but not timed.
    emu=
    if arch_emulated "$a"; then
        emu=$(arch_how "$a")
        record "$a" all 0 emulated 1
        note "== $a: programs run $emu: built, run and checked, not timed"
    fi
    mkdir -p "$A/bin"
    note "== $a: building $NMAX libraries three ways"
    built=0
    if [ -z "${BENCH_REBUILD:-}" ] && [ "$(cat "$A/stamp" 2>/dev/null)" = "$stamp $NMAX" ]; then
        built=1
        note "   (reusing the libraries built by the same toolkit and generator)"
    else
        rm -f "$A/stamp"
        t0=$(date +%s)
        if probe_vars "$a"; then
            seq 2 "$NMAX" | xargs -P 2 -I{} "$0" _lib "$a" {} 2>>"$log" && built=1
        fi
        [ $built = 1 ] && echo "$stamp $NMAX" >"$A/stamp"
        note "   built in $(($(date +%s) - t0)) s; variables: $(cat "$A/varmode")"
    fi
    if [ $built != 1 ]; then
        note "bench: $a: building the libraries failed (see $log and $A/lib/*/jump.log)"
        record "$a" all 0 build_failed 1
        continue
    fi
    record "$a" jump 0 variables_exported "$([ "$(cat "$A/varmode")" = export ] && echo 1 || echo 0)"

    # ---- the installation directory with the image cache: every image, its link, jump.cache
    # (jump-ldconfig), and for each library a stub that records that directory ----
    if [ ! -f "$A/cachelib/jump.cache" ] || [ "$A/cachelib/jump.cache" -ot "$A/stamp" ]; then
        rm -rf "$A/cachelib" "$A/cachestub" && mkdir -p "$A/cachelib"
        for ((k = 1; k <= NMAX; k++)); do
            kk=$(printf '%03d' $k)
            cp "$A/lib/b$kk/jump/libb$kk.so.1.0.0" "$A/cachelib/" &&
                mkdir -p "$A/cachestub/b$kk" &&
                (cd "$A/cachestub/b$kk" && ln -sf "$A/lib/b$kk/jump/libb$kk.so.1.0.0" . &&
                    JUMP_DIR=$A/lib/b$kk/jump/jump JUMP_LIB=libb$kk mkstubs -l "$A/cachelib/libb$kk" -v 1.0.0 \
                        -a "$(lib_origin "$k")" -j 0x1000 -g 0x1000 -- libb$kk >/dev/null) ||
                note "   the cache variant's stub for library $k failed"
        done
        jump-ldconfig -n "$A/cachelib" || note "   jump-ldconfig on $A/cachelib failed"
        rm -f "$A"/bin/jumpcache-*
    fi

    # ---- the same libraries as split images (mkimage -w), each right after the one before:
    # read-only parts from ORIGIN0 on, page after page, writable parts from WORIGIN0 on, byte
    # after byte (32-aligned: they share pages), as a registry handing out neighbouring ranges
    # would place them; installed with their cache in splitlib ----
    if [ ! -f "$A/splitlib/jump.cache" ] || [ "$A/splitlib/jump.cache" -ot "$A/stamp" ]; then
        rm -rf "$A/splitlib" "$A/splitstub" && mkdir -p "$A/splitlib"
        printf '# the split images place themselves (bench/run.sh)\n' >"$W/registry-split.table"
        t=$ORIGIN0 w=$WORIGIN0
        for ((k = 1; k <= NMAX; k++)); do
            kk=$(printf '%03d' $k)
            s=$A/splitstub/b$kk
            mkdir -p "$s" && cp -r "$A/lib/b$kk/jump/jump" "$A/lib/b$kk/jump/b$kk.o" "$s/" &&
                (cd "$s" && export JUMP_DIR=$s/jump JUMP_LIB=libb$kk JUMP_REGISTRY=$W/registry-split.table &&
                    mkimage -f -l "$A/splitlib/libb$kk" -v 1.0.0 -a "$(printf '0x%x' $t)" -w "$(printf '0x%x' $w)" \
                        -j 0x1000 -g 0x1000 -- b$kk.o -lc &&
                    mkstubs -f -l "$A/splitlib/libb$kk" -v 1.0.0 -a "$(printf '0x%x' $t)" -w "$(printf '0x%x' $w)" \
                        -j 0x1000 -g 0x1000 -- libb$kk) >"$s/build.log" 2>&1 &&
                cp "$s/libb$kk.so.1.0.0" "$A/splitlib/" && ln -sf libb$kk.so.1.0.0 "$A/splitlib/libb$kk.so.1" || {
                note "   the split image of library $k failed: see $s/build.log"
                break
            }
            # the next one's read-only part starts on the page after this one's, its writable
            # part at the next multiple of 32 after this one's
            read -r t w < <(readelf -lW "$s/libb$kk.so.1.0.0" | awk -v w0="$w" '
                function hex(s,   i, c, r) { r = 0; s = tolower(substr(s, 3))
                    for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; r = r * 16 + c }
                    return r }
                $1 == "LOAD" { e = hex($3) + hex($6)
                    if (hex($3) >= w0) { e = int((e + 31) / 32) * 32; if (e > we) we = e }
                    else { e = int((e + 4095) / 4096) * 4096; if (e > te) te = e } }
                END { print te, we }')
        done
        jump-ldconfig -n "$A/splitlib" || note "   jump-ldconfig on $A/splitlib failed"
        rm -f "$A"/bin/jumpsplit-*
    fi

    # ---- programs: main calling one function of each library, linked four ways ----
    for n in $NS $MEMN; do
        [ -x "$A/bin/static-$n" ] && [ -x "$A/bin/jump-$n" ] && [ "$A/bin/jump-$n" -nt "$A/stamp" ] &&
            [ -x "$A/bin/jumpcache-$n" ] && [ -x "$A/bin/jumpsplit-$n" ] && continue
        gcc $m -O2 -fno-pie -c -o "$A/main$n.o" "$W/src/main$n.c" || continue
        sa=() st=() ll=()
        for ((k = 1; k <= n; k++)); do
            kk=$(printf '%03d' $k)
            st+=("$A/lib/b$kk/static/libb$kk.a")
            sa+=("$A/lib/b$kk/jump/libb$kk.sa")
            ll+=("-lb$kk")
        done
        gcc $m -no-pie -o "$A/bin/static-$n" "$A/main$n.o" "${st[@]}" || note "link static-$n failed"
        for v in lazy now; do
            # The libraries in one directory, as installed libraries are: one search path entry.
            mkdir -p "$A/so-$v"
            for ((k = 1; k <= n; k++)); do
                kk=$(printf '%03d' $k)
                ln -sf "$A/lib/b$kk/$v/libb$kk.so" "$A/so-$v/libb$kk.so"
            done
            gcc $m -no-pie -o "$A/bin/elf-$v-$n" "$A/main$n.o" -L"$A/so-$v" "${ll[@]}" \
                -Wl,-rpath,"$A/so-$v" -Wl,-z,$v || note "link elf-$v-$n failed"
        done
        gcc $m -no-pie -o "$A/bin/jump-$n" "$A/main$n.o" "${sa[@]}" || note "link jump-$n failed"
        # The same program against stubs made for one installation directory that holds every
        # image and the image cache jump-ldconfig writes (issue J).
        ca=()
        for ((k = 1; k <= n; k++)); do
            kk=$(printf '%03d' $k)
            ca+=("$A/cachestub/b$kk/libb$kk.sa")
        done
        gcc $m -no-pie -o "$A/bin/jumpcache-$n" "$A/main$n.o" "${ca[@]}" || note "link jumpcache-$n failed"
        # And against the split images' stubs (their cache maps neighbours together).
        ca=()
        for ((k = 1; k <= n; k++)); do
            ca+=("$A/splitstub/b$(printf '%03d' $k)/libb$(printf '%03d' $k).sa")
        done
        gcc $m -no-pie -o "$A/bin/jumpsplit-$n" "$A/main$n.o" "${ca[@]}" || note "link jumpsplit-$n failed"
        if [ -n "$nocheck" ] && [ "$n" = 50 ]; then
            gcc $m -std=c11 -D_GNU_SOURCE -O2 -fpie -fno-stack-protector \
                -fno-asynchronous-unwind-tables -fno-builtin -ffunction-sections -iquote "$here/../lib" \
                -iquote "$here/../runtime" \
                -c -o "$A/loader-nocheck.o" "$W/tools/loader-nocheck.c" &&
                gcc $m -no-pie -o "$A/bin/jump_nocheck-$n" "$A/main$n.o" "$A/loader-nocheck.o" "${sa[@]}" ||
                note "link jump_nocheck-$n failed"
        fi
    done
    # The floor: the static program plus only what any loader of the N separate image files
    # must do (bench/floor.c). Rebuilt every run: it is cheap and follows floor.c.
    for n in $NS; do
        rm -f "$A/bin/floor-$n"
        st=()
        for ((k = 1; k <= n; k++)); do
            kk=$(printf '%03d' $k)
            st+=("$A/lib/b$kk/static/libb$kk.a")
        done
        floor_table "$A" "$n" >"$A/floor-$n.h" &&
            gcc $m -std=c11 -D_GNU_SOURCE -O2 -fno-pie -Wall -Wextra -DFLOOR_TABLE="\"$A/floor-$n.h\"" \
                -c -o "$A/floor-$n.o" "$here/floor.c" &&
            gcc $m -no-pie -o "$A/bin/floor-$n" "$A/main$n.o" "$A/floor-$n.o" "${st[@]}" ||
            note "   building floor-$n failed"
        # The same for a loader that maps the copies in the image cache (issue J).
        rm -f "$A/bin/cachefloor-$n"
        floor_table "$A" "$n" cache >"$A/cachefloor-$n.h" &&
            gcc $m -std=c11 -D_GNU_SOURCE -O2 -fno-pie -Wall -Wextra -DFLOOR_TABLE="\"$A/cachefloor-$n.h\"" \
                -DFLOOR_CACHE="\"$A/cachelib\"" -c -o "$A/cachefloor-$n.o" "$here/floor.c" &&
            gcc $m -no-pie -o "$A/bin/cachefloor-$n" "$A/main$n.o" "$A/cachefloor-$n.o" "${st[@]}" ||
            note "   building cachefloor-$n failed"
        # And for one that maps neighbouring split images from their cache.
        rm -f "$A/bin/splitfloor-$n"
        floor_table "$A" "$n" split >"$A/splitfloor-$n.h" &&
            gcc $m -std=c11 -D_GNU_SOURCE -O2 -fno-pie -Wall -Wextra -DFLOOR_TABLE="\"$A/splitfloor-$n.h\"" \
                -DFLOOR_CACHE="\"$A/splitlib\"" -DFLOOR_SPLIT -c -o "$A/splitfloor-$n.o" "$here/floor.c" &&
            gcc $m -no-pie -o "$A/bin/splitfloor-$n" "$A/main$n.o" "$A/splitfloor-$n.o" "${st[@]}" ||
            note "   building splitfloor-$n failed"
    done

    # ---- 1. start-up ----
    # Freshly written files are dirty in the page cache: write them back first, so that they
    # neither count as dirty pages in smaps nor cost a write-back during the runs.
    sync
    progs=()
    for n in $NS; do
        vs="static floor elf-lazy elf-now jump jumpcache cachefloor jumpsplit splitfloor"
        [ "$n" = 50 ] && [ -x "$A/bin/jump_nocheck-$n" ] && vs="$vs jump_nocheck"
        for v in $vs; do
            if arch_run "$a" "$A/bin/$v-$n" >/dev/null 2>"$A/run-$v-$n.err"; then
                progs+=("$A/bin/$v-$n")
            else
                note "   $v-$n does not run: $(head -c 300 "$A/run-$v-$n.err")"
                record "$a" "$v" "$n" runs 0
                record "$a" "$v" "$n" error "$(head -n 2 "$A/run-$v-$n.err" | tr '\t\n' '  ' | sed "s|$W/||g")"
            fi
        done
    done
    if [ -z "$emu" ]; then
        note "== $a: start-up, $ROUNDS interleaved runs of ${#progs[@]} programs"
        if [ ${#progs[@]} -gt 0 ]; then
            "$W/tools/runner" "$ROUNDS" "${progs[@]}" >"$A/startup.out" 2>>"$log"
            while IFS=$'\t' read -r p med mn minf majf bad; do
                b=$(basename "$p")
                v=${b%-*} n=${b##*-}
                record "$a" "$v" "$n" wall_us "$med"
                record "$a" "$v" "$n" wall_min_us "$mn"
                record "$a" "$v" "$n" minflt "$minf"
                record "$a" "$v" "$n" majflt "$majf"
                [ "$bad" = 0 ] || record "$a" "$v" "$n" failed_runs "$bad"
            done <"$A/startup.out"
        fi
        for p in "${progs[@]}"; do
            b=$(basename "$p")
            v=${b%-*} n=${b##*-}
            if [ -n "$have_valgrind" ]; then
                if valgrind --tool=callgrind --callgrind-out-file=/dev/null "$p" >/dev/null 2>"$A/cg-$b.err"; then
                    ir=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$A/cg-$b.err" | head -n 1)
                    record "$a" "$v" "$n" instructions "${ir:-NA}"
                else
                    note "   valgrind $b failed: $(tail -n 3 "$A/cg-$b.err")"
                    record "$a" "$v" "$n" instructions NA
                fi
            fi
            if [ -n "$have_strace" ]; then
                if strace -f -c -o "$A/strace-$b.txt" "$p" >/dev/null 2>&1; then
                    # An i386 program gets two tables (the 64-bit execve, then 32-bit mode): add them.
                    record "$a" "$v" "$n" syscalls "$(awk '$NF == "total" { s += $4 } END { print s + 0 }' "$A/strace-$b.txt")"
                    if [ "$n" = 50 ]; then
                        # By name, for what dominates: calls is the 4th column of each row.
                        awk '$1 ~ /^[0-9.]+$/ && $NF != "total" { c[$NF] += $4 }
                             END { for (s in c) if (c[s] >= 2) print s "\t" c[s] }' "$A/strace-$b.txt" | sort -t$'\t' -k2,2nr |
                            while IFS=$'\t' read -r sc cnt; do record "$a" "$v" "$n" "sys:$sc" "$cnt"; done
                    fi
                else
                    record "$a" "$v" "$n" syscalls NA
                fi
            fi
        done
        # What the shared C library alone costs: the jump programs are linked with it (the
        # loader binds the images' calls into it), the static ones are not. The same empty
        # main, linked both ways: the difference is ld.so relocating libc before main.
        if [ -n "$have_valgrind" ]; then
            printf 'int main(void) { return 0; }\n' >"$A/empty.c"
            for k in static dynamic; do
                gcc $m -O2 -fno-pie -no-pie $([ $k = static ] && echo -static) -o "$A/empty-$k" "$A/empty.c" &&
                    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$A/empty-$k" >/dev/null 2>"$A/cg-empty-$k.err" &&
                    record "$a" "empty-$k" 1 instructions "$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$A/cg-empty-$k.err" | head -n 1)" ||
                    note "   the empty $k program failed: $A/cg-empty-$k.err"
            done
        fi
        note "   start-up measured ($(($(date +%s) - t_start)) s so far)"

        # ---- 2. per-call cost of an empty function ----
        c=$A/callcost
        mkdir -p "$c"
        gcc $m -O2 -fno-pie -c -o "$c/callcost.o" "$here/callcost.c" &&
            gcc $m -O2 -fpie -DCC_PLT -c -o "$c/callcost-pie.o" "$here/callcost.c" &&
            gcc $m -no-pie -o "$c/direct" "$c/callcost.o" "$A/lib/b001/static/libb001.a" &&
            gcc $m -no-pie -o "$c/slot" "$c/callcost.o" "$A/lib/b001/jump/libb001.sa" &&
            gcc $m -pie -o "$c/pie" "$c/callcost-pie.o" "$A/lib/b001/jump/libb001.sa" &&
            gcc $m -no-pie -o "$c/plt" "$c/callcost.o" -L"$A/so-lazy" -lb001 -Wl,-rpath,"$A/so-lazy" ||
            note "   building callcost failed"
        # (i386 PIC code needs %ebx for the PLT, which the loop counts in: x86-64 only)
        [ "$a" = x86_64 ] && { gcc $m -pie -o "$c/pltpie" "$c/callcost-pie.o" -L"$A/so-lazy" -lb001 \
            -Wl,-rpath,"$A/so-lazy" || note "   building callcost (PIE, PLT) failed"; }
        # CCROUNDS interleaved rounds of the three, each process the best of REPS repetitions;
        # the median over the processes. Not the best of them: the PLT's indirect jump costs one
        # or two nanoseconds from one process to the next (bimodal, even without address-space
        # randomisation), the slot's direct jump the same every time, so a best-of compares the
        # PLT's luckiest process with the slot's ordinary one.
        rm -f "$c"/*.out
        for _ in $(seq $CCROUNDS); do
            for v in direct slot pie plt pltpie; do
                [ -x "$c/$v" ] && "$c/$v" $CALLS $REPS >>"$c/$v.out"
            done
        done
        for v in direct slot pie plt pltpie; do
            if [ -s "$c/$v.out" ]; then
                record "$a" "$v" 1 call_ns "$(cut -f1 "$c/$v.out" | median)"
                record "$a" "$v" 1 call_tsc "$(cut -f2 "$c/$v.out" | median)"
                record "$a" "$v" 1 call_ns_min "$(cut -f1 "$c/$v.out" | sort -g | head -n 1)"
                record "$a" "$v" 1 call_ns_max "$(cut -f1 "$c/$v.out" | sort -g | tail -n 1)"
                record "$a" "$v" 1 call_gross_ns "$(cut -f3 "$c/$v.out" | median)"
                record "$a" "$v" 1 call_runs "$(wc -l <"$c/$v.out")"
            else
                record "$a" "$v" 1 call_ns NA
            fi
        done

        # ---- 3. memory: private dirty pages of each library in a process using MEMN ----
        for v in elf-lazy elf-now jump jumpcache jumpsplit; do
            p=$A/bin/$v-$MEMN
            [ -x "$p" ] || continue
            "$p" hold >/dev/null 2>&1 &
            pid=$!
            st=
            for _ in $(seq 200); do
                st=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)
                [ "$st" = T ] || [ -z "$st" ] && break
                sleep 0.01
            done
            if [ "$st" = T ]; then
                cp "/proc/$pid/smaps" "$A/smaps-$v-$MEMN.txt"
                kill -KILL $pid 2>/dev/null
                wait $pid 2>/dev/null
                # Per library: the mappings of its file (ELF) or of its address range (jump).
                awk -v v="$v" -v o0=$ORIGIN0 -v step=$STEP -v n=$MEMN -v a="$a" '
                    function hex(s,   i, c, r) { r = 0; s = tolower(s)
                        for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; r = r * 16 + c }
                        return r }
                    /^[0-9a-f]+-[0-9a-f]+ / {
                        split($1, r, "-"); lo = hex(r[1]); perm = $2; lib = 0
                        if (v == "jumpsplit") {
                            # neighbours share mappings: the whole, divided by n below
                            if (lo >= o0 && lo < 2147483648) lib = 1
                        } else if (v == "jump" || v == "jumpcache") {
                            if (lo >= o0 && lo < o0 + step * n) lib = int((lo - o0) / step) + 1
                        } else if (match($NF, /libb[0-9][0-9][0-9]\.so$/)) {
                            lib = substr($NF, RSTART + 4, 3) + 0
                        }
                        next
                    }
                    /^Private_Dirty:/ && lib {
                        kb = $2; dirty[lib] += kb
                        if (perm ~ /x/) text += kb / 4; else data[lib] += kb / 4
                    }
                    END {
                        for (l = 1; l <= n; l++) { tot += dirty[l]; if (data[l] > mx) mx = data[l]; if (data[l] > 1) over++ }
                        printf "%.1f\t%d\t%d\t%d\n", tot / n, text, mx, over + 0
                    }' "$A/smaps-$v-$MEMN.txt" >"$A/mem-$v.out"
                IFS=$'\t' read -r per text mx over <"$A/mem-$v.out"
                record "$a" "$v" $MEMN dirty_kb_per_lib "$per"
                record "$a" "$v" $MEMN dirty_text_pages "$text"
                # (the split images share mappings: per library only the average is known)
                if [ "$v" != jumpsplit ]; then
                    record "$a" "$v" $MEMN dirty_data_pages_max "$mx"
                    record "$a" "$v" $MEMN libs_over_one_data_page "$over"
                fi
            else
                kill -KILL $pid 2>/dev/null
                wait $pid 2>/dev/null
                note "   $v-$MEMN did not stop itself: no smaps"
                record "$a" "$v" $MEMN dirty_kb_per_lib NA
            fi
        done
    fi

    # ---- 4. build throughput ----
    # mkstubs on 10,000 symbols (one objfile each: 10,002 members).
    t=$A/mkstubs
    mkdir -p "$t"
    awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "00000000 T func_%d libbig obj_%d\n", i, i }' >"$t/jump.funcs"
    for _ in $(seq $TIMEREPS); do
        (cd "$t" && JUMP_DIR=$t secs mkstubs -l /usr/lib/libbig -v 1.0 -a 0x60000000 -j 0x14000 \
            -g 0x1000 -m "$a" -- libbig)
    done | median >"$t/s"
    record "$a" mkstubs 10000 seconds "$(cat "$t/s")"
    # jumpas over plain as on a large generated file, every function in jump.funcs.
    t=$A/jumpas
    mkdir -p "$t"
    "$here/gen.sh" big "$t" $BIGF
    "$here/gen.sh" funcs "$t" $BIGF
    : >"$t/jump.ignore"
    asflag=--32
    [ "$a" = x86_64 ] && asflag=--64
    if gcc $m -O2 -fno-pic -fno-pie -S -o "$t/big.s" "$t/big.c"; then
        record "$a" as "$BIGF" input_bytes "$(wc -c <"$t/big.s")"
        # Both through the runner, interleaved (as, jumpas, as, ...), median of ASROUNDS runs
        # each: a difference of 15% on a run of 60 ms needs more than three `date` pairs.
        rm -f "$t/as" "$t/jumpas"
        if JUMP_DIR=$t JUMP_LIB=libbig "$W/tools/runner" "$ASROUNDS" -c "as $asflag -o $t/as.o $t/big.s" \
            "jumpas $asflag -o $t/jumpas.o $t/big.s" >"$t/runner.out" 2>>"$log"; then
            awk -F'\t' 'NR == 1 && $6 == 0 { printf "%.6f\n", $2 / 1e6 }' "$t/runner.out" >"$t/as"
            awk -F'\t' 'NR == 2 && $6 == 0 { printf "%.6f\n", $2 / 1e6 }' "$t/runner.out" >"$t/jumpas"
        fi
        [ -s "$t/as" ] || echo NA >"$t/as"
        [ -s "$t/jumpas" ] || echo NA >"$t/jumpas"
        record "$a" jumpas "$BIGF" runs "$ASROUNDS"
        record "$a" as "$BIGF" seconds "$(cat "$t/as")"
        record "$a" jumpas "$BIGF" seconds "$(cat "$t/jumpas")"
        record "$a" jumpas "$BIGF" overhead_pct "$(awk -v j="$(cat "$t/jumpas")" -v s="$(cat "$t/as")" \
            'BEGIN { if (s + 0 > 0 && j != "NA") printf "%.1f\n", (j / s - 1) * 100; else print "NA" }')"
    fi
    # The whole Shared.inc build of library 001 against gcc -shared of the same source.
    t=$A/sharedinc
    rm -rf "$t"
    mkdir -p "$t/src/jump"
    cp "$W/src/b001.c" "$t/src/"
    { printf 'CFLAGS=-O2\nLIBOBJECTS=b001.o\n'; shared_inc_lines libb001 "$t/lib" "$a" "$(lib_origin 1)"; } >"$t/src/Makefile"
    shared_inc_script "$t/src" libb001 "$(cat "$A/varmode")" >"$t/shared-inc.sh"
    chmod +x "$t/shared-inc.sh"
    if "$t/shared-inc.sh" >"$t/first.log" 2>&1; then
        for _ in $(seq $TIMEREPS); do secs "$t/shared-inc.sh"; done | median >"$t/shared-inc.s"
        for _ in $(seq $TIMEREPS); do
            secs gcc $m -O2 -fPIC -shared -o "$t/libb001.so" "$t/src/b001.c"
        done | median >"$t/gcc"
        record "$a" shared_inc 1 seconds "$(cat "$t/shared-inc.s")"
        record "$a" gcc_shared 1 seconds "$(cat "$t/gcc")"
    else
        note "   the Shared.inc build failed: $(tail -n 3 "$t/first.log")"
        record "$a" shared_inc 1 seconds NA
    fi

    # The same for a real library: Debian's zlib, its own Makefile with the Shared.inc lines,
    # against its ordinary build of the same objects (`make libz.a`). Skipped, saying why,
    # when the source cannot be fetched.
    t=$A/zlib
    if [ -z "${zsrc_why:-}" ] && [ ! -d "$W/zlib-src" ]; then
        debsrc_fetch zlib "$W/zlib-src" "$W/debsrc" 2>"$W/zlib-src.why" || zsrc_why=$(cat "$W/zlib-src.why")
    fi
    if [ -d "$W/zlib-src" ]; then
        rm -rf "$t" && cp -r "$W/zlib-src" "$t"
        if (cd "$t" && CC="gcc $m" ./configure >configure.log 2>&1); then
            { printf 'LIBOBJECTS=$(OBJC)\n'; shared_inc_lines libz "$t/lib" "$a" "$(lib_origin 102)"; } >>"$t/Makefile"
            shared_inc_script "$t" libz export >"$t/shared-inc.sh"
            printf '#!/bin/bash\ncd "%s" && rm -f *.o libz.a && make -s libz.a\n' "$t" >"$t/plain.sh"
            chmod +x "$t/shared-inc.sh" "$t/plain.sh"
            if "$t/shared-inc.sh" >"$t/first.log" 2>&1 && "$t/plain.sh" >"$t/plain.log" 2>&1; then
                for _ in $(seq $TIMEREPS); do secs "$t/shared-inc.sh"; secs "$t/plain.sh" >>"$t/plain.s"; done |
                    median >"$t/shared-inc.s"
                record "$a" shared_inc zlib seconds "$(cat "$t/shared-inc.s")"
                record "$a" plain_build zlib seconds "$(median <"$t/plain.s")"
            else
                note "   the zlib build failed: $(tail -n 3 "$t/first.log" "$t/plain.log")"
                record "$a" shared_inc zlib seconds NA
            fi
        else
            note "   zlib's configure failed: $(tail -n 2 "$t/configure.log")"
        fi
    else
        note "   zlib: $zsrc_why"
        record "$a" shared_inc zlib skipped "$zsrc_why"
    fi

    # ---- 5. load-time checks (issue D part 5): the N=50 program with and without them ----
    if [ -n "$nocheck" ]; then
        for mt in wall_us instructions syscalls; do
            x=$(awk -F'\t' -v a="$a" -v m="$mt" '$1 == a && $3 == 50 && $4 == m && $2 == "jump" { j = $5 }
                $1 == a && $3 == 50 && $4 == m && $2 == "jump_nocheck" { c = $5 }
                END { if (j != "" && c != "" && j != "NA" && c != "NA") print j - c; else print "NA" }' "$tsv")
            record "$a" load_checks 50 "$mt" "$x"
        done
        # How many names the checks compare: one per stub symbol the program pulled in.
        # (5 words an entry: lib/jumpfmt.h, enum jump_used_word).
        sz=$(objdump -h "$A/bin/jump-50" 2>/dev/null | awk '$2 == "jump_used" { print $3 }')
        [ -z "$sz" ] || record "$a" load_checks 50 names $((16#$sz / ($([ "$a" = i386 ] && echo 4 || echo 8) * 5)))
    else
        record "$a" load_checks 50 wall_us NA
    fi
    note "   $a done ($(($(date +%s) - t_start)) s so far)"
done

record all all 0 total_seconds $(($(date +%s) - t_start))
"$here/report.sh" "$tsv" "$OUT/results.md" "$QUICK"
trap - EXIT
cat "$OUT/results.md"
exit 0
