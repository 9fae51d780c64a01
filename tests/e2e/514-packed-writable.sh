# 514-packed-writable: split images whose writable parts share pages (issue J, part 3). mkimage
# -w takes any multiple of 16: four libraries whose writable parts follow each other byte after
# byte (16-aligned) share the pages between them. The loader maps them from their files in
# either order (the first to come maps a shared page, the others copy their bytes in), from the
# image cache (jump-ldconfig lays their bytes out as in memory: one mapping for the four, fewer
# dirty pages than libraries), and with one of them replaced by hand. Two images whose writable
# bytes meet, or a writable part on a page of a read-only one, are refused naming the other.
. "$TOP/tests/e2e/lib.sh"
unset JUMP_LIBRARY_PATH JUMP_NO_CACHE

cat >pa.c <<'C'
#include <string.h>
int pa_count = 5;
int pa_zero;
static char pa_buf[40];
int pa_f(const char *s) { pa_zero += 1; strcpy(pa_buf, s); return pa_count + pa_zero + (int)strlen(pa_buf); }
C
cat >pb1.c <<'C'
#include <stdio.h>
int pb_val = 7;
long pb_hist[8];
int pb_f(int x) { char t[16]; pb_hist[x & 7]++; snprintf(t, sizeof t, "%d", x); return pb_val * x + (int)pb_hist[x & 7] + t[0]; }
C
cat >pb2.c <<'C'
#include <stdio.h>
int pb_val = 7;
long pb_hist[8];
int pb_f(int x) { char t[16]; pb_hist[x & 7]++; snprintf(t, sizeof t, "%d", x); return pb_val * x + (int)pb_hist[x & 7] + t[0] + 1000; }
C
cat >pc.c <<'C'
#include <string.h>
int pc_seed = 3;
char pc_big[5000];
/* every byte of pc_big is zero but the last: its bss is the image's, not a neighbour's bytes */
int pc_f(void) { int s = 0; pc_big[4999] = (char)pc_seed; for (int i = 0; i < 5000; i++) s += pc_big[i]; return s + (int)strlen("pc"); }
C
# pd_limits is a constant (K): a split image keeps it with the variables, at its jump.vars
# offset from the writable origin (the programs do not name it: a program holding a copy of a
# library's variable changes the library's cells, which is then not mapped with the others)
cat >pd.c <<'C'
int pd_k = 11;
const int pd_limits[2] = {20, 30};
int pd_f(void) { return pd_k++ + pd_limits[0]; }
C
maps_h 0x64000000 0x6c000000 "map " >maps.h
cat >prog.c <<'C'
#include <string.h>
#include "maps.h"
int pa_f(const char *), pb_f(int), pc_f(void), pd_f(void);
/* the kB of private dirty memory in the mappings from 0x6a000000 to 0x6c000000 */
static long dirty(void)
{
    char line[512];
    long kb = 0, n;
    int in = 0;
    FILE *f = fopen("/proc/self/smaps", "r");
    while (f && fgets(line, sizeof line, f)) {
        unsigned long a, b;
        if (sscanf(line, "%lx-%lx ", &a, &b) == 2) /* a mapping's first line */
            in = a >= 0x6a000000ul && a < 0x6c000000ul;
        else if (in && sscanf(line, "Private_Dirty: %ld kB", &n) == 1)
            kb += n;
    }
    if (f)
        fclose(f);
    return kb;
}
int main(int argc, char **argv)
{
    printf("%d %d %d %d\n", pa_f("hello"), pb_f(1), pc_f(), pd_f());
    printf("%d %d %d %d\n", pa_f("hi"), pb_f(1), pc_f(), pd_f());
    if (argc > 1 && !strcmp(argv[1], "maps")) {
        show_maps();
        printf("dirty %ld\n", dirty());
    }
    return 0;
}
C
# pa_f: 5 + calls + strlen; pb_f(1): 7 + calls + '1'; pc_f: 3 + 2; pd_f: 11 + 20, then 12 + 20
want="11 57 5 31
9 58 5 32"

# hex TEXT: mawk has no strtonum
hex() { printf '%d' "$1"; }
# parts_end IMAGE 32 WADDR (lib.sh): 32, as gcc aligns an array of 32 bytes or more on x86-64
split() { # DIR NAME VERSION TEXT WRITABLE SRC
    MKIMAGE_OPTS="-j 0x1000 -g 0x1000 -w $5" mkjump "$1" "$2" "$3" "$4" "$6"
}
T0=0x64000000 W0=0x6a000010
split "$PWD/A" libpa 1.0.0 $T0 $W0 pa.c
read -r tb wb < <(parts_end A/lib/libpa.so.1.0.0 32 $W0)
split "$PWD/B" libpb 1.0.0 $tb $wb pb1.c
read -r tc wc < <(parts_end B/lib/libpb.so.1.0.0 32 $wb)
split "$PWD/C" libpc 1.0.0 $tc $wc pc.c
read -r td wd < <(parts_end C/lib/libpc.so.1.0.0 32 $wc)
split "$PWD/D" libpd 1.0.0 $td $wd pd.c
read -r tend wend < <(parts_end D/lib/libpd.so.1.0.0 32 $wd)
k=$(nm D/lib/libpd.so.1.0.0 | awk '$3 == "pd_limits" { print $1 }')
[ -n "$k" ] && [ $((0x$k)) -ge $(hex $wd) ] && [ $((0x$k)) -lt $(hex $wend) ] || fail "the constant pd_limits (0x$k) lies in libpd's writable part ($wd-$wend)"
# the four writable parts touch each other: pa and pb share a page, pc runs over two pages
# more, pd is on pc's last page
[ $(($(hex $wb) / 4096)) = $(($(hex $W0) / 4096)) ] || fail "libpb's writable part begins on libpa's page ($wb)"
[ $(($(hex $wd) / 4096)) -gt $(($(hex $wc) / 4096)) ] || fail "libpc's writable part spans pages ($wc-$wd)"
pages=$((($(hex $wend) + 4095) / 4096 - $(hex $W0) / 4096))

mkdir inst && cp A/lib/libpa.so.1.0.0 B/lib/libpb.so.1.0.0 C/lib/libpc.so.1.0.0 D/lib/libpd.so.1.0.0 inst/
gcc $M -o prog prog.c A/libpa.sa B/libpb.sa C/libpc.sa D/libpd.sa || fail "linking prog"
gcc $M -o rprog prog.c D/libpd.sa C/libpc.sa B/libpb.sa A/libpa.sa || fail "linking rprog"
export JUMP_LIBRARY_PATH=$PWD/inst
# the two programs load the images in opposite orders
JUMP_TRACE_LIBRARIES=1 run 0 o1.out exe ./prog
JUMP_TRACE_LIBRARIES=1 run 0 o2.out exe ./rprog
expect_eq "$(awk '{ print $1 }' o1.out | tr '\n' ' ')" "libpa.so.1 libpb.so.1 libpc.so.1 libpd.so.1 " "prog's order"
expect_eq "$(awk '{ print $1 }' o2.out | tr '\n' ' ')" "libpd.so.1 libpc.so.1 libpb.so.1 libpa.so.1 " "rprog's order"

# From the files, either order: each shared page mapped once, the others' bytes copied in.
JUMP_NO_CACHE=1 run 0 f1.out exe ./prog maps
JUMP_NO_CACHE=1 run 0 f2.out exe ./rprog maps
expect_in f1.out "$want"
expect_in f2.out "$want"
# From the cache: one mapping for the four writable parts, exactly their pages, and fewer
# dirty pages than libraries.
run 0 ldc.out jump-ldconfig -n inst
# the cache: its index, the read-only parts page after page, then the writable parts' pages
# once each (the shared ones not repeated)
idx=$(od -An -tu8 -j 24 -N 8 inst/jump.cache | tr -d ' ')
expect_eq "$(stat -c %s inst/jump.cache)" $((((idx + 4095) / 4096) * 4096 + $(hex $tend) - $(hex $T0) + pages * 4096)) "the cache's size"
JUMP_TRACE_CACHE=1 run 0 c.out exe ./prog maps
expect_in c.out "$want" "jump: libpa.so.1: $PWD/inst/jump.cache: from the cache" \
    "jump: libpd.so.1: $PWD/inst/jump.cache: from the cache"
JUMP_TRACE_CACHE=1 run 0 c2.out exe ./rprog maps
expect_in c2.out "$want"
if ! emulated; then
    expect_eq "$(grep '^map ' c.out)" "map 64000000 ${tend#0x} r-x
map 6a000000 $(printf '%x' $(((($(hex $wend) + 4095) / 4096) * 4096))) rw-" "the mappings of the four images from the cache"
    d=$(awk '$1 == "dirty" { print $2 }' c.out)
    [ "$d" -le $((pages * 4)) ] && [ $pages -lt 4 ] || fail "dirty memory: $d kB in $pages pages for 4 libraries"
    for f in f1 f2; do
        expect_eq "$(grep '^map .* rw-$' $f.out | awk '{ print $2 }' | head -n 1)" 6a000000 "$f: the first writable page"
        [ "$(awk '$1 == "dirty" { print $2 }' $f.out)" -le $((pages * 4)) ] || fail "$f: more dirty pages than the parts cover"
    done
fi

# libpb 1.1.0 at the same addresses, put in place by hand: from its file, into the pages the
# others' copies from the cache hold; all four from the cache once jump-ldconfig ran.
cp -r B B2
split "$PWD/B2" libpb 1.1.0 $tb $wb pb2.c
cp B2/lib/libpb.so.1.1.0 inst/ && ln -sfn libpb.so.1.1.0 inst/libpb.so.1
for p in prog rprog; do
    JUMP_TRACE_CACHE=1 run 0 r-$p.out exe ./$p maps
    expect_in r-$p.out "11 1057 5 31
9 1058 5 32" "jump: libpb.so.1: $PWD/inst/jump.cache: the image file changed since jump-ldconfig wrote the cache: the file" \
        "jump: libpc.so.1: $PWD/inst/jump.cache: from the cache"
done
run 0 ldc2.out jump-ldconfig -n inst
JUMP_TRACE_CACHE=1 run 0 r2.out exe ./prog maps
expect_in r2.out "11 1057 5 31" "jump: libpb.so.1: $PWD/inst/jump.cache: from the cache"
emulated || expect_eq "$(grep -c '^map ' r2.out)" 2 "the replacement shares the pages again once cached"

# An image whose writable bytes meet libpb's (its -w inside libpb's part): refused from the
# files and from the cache, naming libpb; jump-ldconfig keeps the two on pages of their own.
cat >px.c <<'C'
int px_v = 1;
int px_f(void) { return px_v; }
C
split "$PWD/X" libpx 1.0.0 $tend $(printf '0x%x' $(($(hex $wb) + 16))) px.c
cat >xprog.c <<'C'
#include <stdio.h>
int pb_f(int), px_f(void);
int main(void) { printf("%d %d\n", pb_f(1), px_f()); return 0; }
C
gcc $M -o xprog xprog.c B2/libpb.sa X/libpx.sa || fail "linking xprog"
cp X/lib/libpx.so.1.0.0 inst/ && ln -sfn libpx.so.1.0.0 inst/libpx.so.1
run 0 ldc3.out jump-ldconfig -n inst
for nc in 1 0; do
    JUMP_NO_CACHE=$nc run 127 x$nc.out exe ./xprog
    expect_in x$nc.out "can't load library '$PWD/inst/libpx.so.1'" \
        "address range $(printf '0x%x' $(($(hex $wb) + 16)))-0x" " of libpx.so.1 is already occupied by libpb.so.1 ($PWD/inst/libpb.so.1)"
done
run 0 ok.out exe ./prog
expect_in ok.out "11 1057 5 31"
rm inst/libpx.so.1*
# A writable part on the page where libpd's read-only part ends: refused naming libpd.
read -r pdt _ < <(readelf -lW D/lib/libpd.so.1.0.0 | awk '$1 == "LOAD" && $7 $8 !~ /W/ { print $3, $6 }' | while read -r v m; do printf '0x%x\n' $(($(hex $v) + $(hex $m))); done)
split "$PWD/Y" libpy 1.0.0 0x63f00000 $(printf '0x%x' $((($(hex $pdt) + 15) / 16 * 16))) px.c
cat >yprog.c <<'C'
#include <stdio.h>
int pd_f(void), px_f(void);
int main(void) { printf("%d %d\n", pd_f(), px_f()); return 0; }
C
gcc $M -o yprog yprog.c D/libpd.sa Y/libpy.sa || fail "linking yprog"
cp Y/lib/libpy.so.1.0.0 inst/ && ln -sfn libpy.so.1.0.0 inst/libpy.so.1
JUMP_NO_CACHE=1 run 127 y.out exe ./yprog
expect_in y.out "can't load library '$PWD/inst/libpy.so.1'" "address range $(printf '0x%x' $((($(hex $pdt) + 15) / 16 * 16)))-0x" \
    " of libpy.so.1 is already occupied by libpd.so.1 ($PWD/inst/libpd.so.1)"

# A large bss (1 MiB, the library's own: an exported variable's bytes are in the file, at its
# jump.vars offset): jump-ldconfig copies that image whole instead of zoning its zeros; the
# image, loaded from its copy, still shares its first page with libpd's zoned part.
cat >pe.c <<'C'
static char pe_big[1 << 20];
int pe_f(void) { pe_big[(1 << 20) - 1] = 4; return pe_big[(1 << 20) - 1] + pe_big[0]; }
C
split "$PWD/E" libpe 1.0.0 0x63d00000 $wend pe.c
[ $(($(hex $wend) / 4096)) = $(($(hex $wd) / 4096)) ] || [ $(($(hex $wend) % 4096)) != 0 ] || fail "libpe starts on libpd's last page"
cat >eprog.c <<'C'
#include <stdio.h>
int pd_f(void), pe_f(void);
int main(void) { printf("%d %d\n", pd_f(), pe_f()); return 0; }
C
gcc $M -o eprog eprog.c D/libpd.sa E/libpe.sa || fail "linking eprog"
mkdir inst2 && cp D/lib/libpd.so.1.0.0 E/lib/libpe.so.1.0.0 inst2/ &&
    ln -s libpd.so.1.0.0 inst2/libpd.so.1 && ln -s libpe.so.1.0.0 inst2/libpe.so.1
run 0 ldc4.out jump-ldconfig -n inst2
[ "$(stat -c %s inst2/jump.cache)" -lt $((256 * 1024)) ] || fail "the cache holds libpe's bss: $(stat -c %s inst2/jump.cache) bytes"
JUMP_LIBRARY_PATH=$PWD/inst2 JUMP_TRACE_CACHE=1 run 0 e.out exe ./eprog
expect_in e.out "31 4" "jump: libpd.so.1: $PWD/inst2/jump.cache: from the cache" "jump: libpe.so.1: $PWD/inst2/jump.cache: from the cache"
JUMP_LIBRARY_PATH=$PWD/inst2 JUMP_NO_CACHE=1 run 0 e2.out exe ./eprog
expect_in e2.out "31 4"

# A variable aligned more strictly than -w: mkimage says what -w must be a multiple of.
cat >pz.c <<'C'
int pz_tab[4] __attribute__((aligned(64))) = {1, 2, 3, 4};
int pz_f(void) { return pz_tab[3]; }
C
(split "$PWD/Z" libpz 1.0.0 0x63e00000 0x6b000020 pz.c) >z.out 2>&1 && fail "a writable origin that misaligns pz_tab was taken"
expect_in z.out "variable 'pz_tab' must be aligned to 64, which its writable origin 0x6b000020 is not: choose a multiple of it for mkimage -w"
# (an image that is not split: the data origin follows from -a, here 0x63c03000)
cat >pz2.c <<'C'
int pz2_tab[4] __attribute__((aligned(8192))) = {1, 2, 3, 4};
int pz2_f(void) { return pz2_tab[3]; }
C
(mkjump "$PWD/Z2" libpz2 1.0.0 0x63c01000 pz2.c) >z3.out 2>&1 && fail "a data origin that misaligns pz2_tab was taken"
expect_in z3.out "variable 'pz2_tab' must be aligned to 8192, which its data origin 0x63c03000 is not: choose a load address (-a) or data address (-d) that puts the data there"
# at a multiple of 64 it builds; unregistered, the hint asks the registry for that alignment
printf '# 514, pz\n' >pz.table
(export JUMP_REGISTRY=$PWD/pz.table; split "$PWD/Z" libpz 1.0.0 0x63e00000 0x6b000040 pz.c) >z2.out 2>&1 || { cat z2.out; fail "libpz at 0x6b000040"; }
expect_in z2.out "libpz is not in the registry $PWD/pz.table; run 'registry find 0x" " --align 64 --above 0x6b000040'"

# mkimage: -w a multiple of 16 on a page above the read-only part.
cd A
export JUMP_DIR=$PWD/jump JUMP_LIB=libpa
# The registry workflow: an unregistered writable part gets the hint that packs it (16-aligned,
# from its writable origin on); registering both parts as found silences mkimage; a
# neighbour's writable part is then found on the same page, right after libpa's.
printf '# 514\n' >reg.table
export JUMP_REGISTRY=$PWD/reg.table
mkimage -f -l libpa -v 1.0.0 -a $T0 -j 0x1000 -g 0x1000 -w $W0 -- pa.o -lc >unreg.out 2>&1 || { cat unreg.out; fail "mkimage, unregistered"; }
expect_in unreg.out "libpa is not in the registry $PWD/reg.table; run 'registry find 0x" \
    " --align 16 --above 0x6a000010' to choose a free range"
tsize=$(sed -n "s/.*run 'registry find \(0x[0-9a-f]*\)' .*/\1/p" unreg.out)
usize=$(sed -n "s/.*run 'registry find \(0x[0-9a-f]*\) --align.*/\1/p" unreg.out)
[ -n "$tsize" ] && [ -n "$usize" ] || { cat unreg.out; fail "the two hints"; }
expect_eq "$(registry find $usize --align 16 --above $W0)" "$W0 $(printf '0x%08x' $(($(hex $W0) + $(hex $usize) - 1)))" "the writable part's range"
registry add libpa $(registry find $tsize --align 0x1000 --above $T0) 1.0.0 >/dev/null &&
    registry add -f libpa $(registry find $usize --align 16 --above $W0) 1.0.0 >/dev/null || fail "registering libpa"
mkimage -f -l libpa -v 1.0.0 -a $T0 -j 0x1000 -g 0x1000 -w $W0 -- pa.o -lc >reg.out 2>&1 || { cat reg.out; fail "mkimage, registered"; }
[ ! -s reg.out ] || { cat reg.out; fail "mkimage warned about a registered split image"; }
read -r next _ < <(registry find 0x40 --align 16 --above $W0)
expect_eq "$((next / 4096))" "$(($(hex $W0) / 4096))" "the next writable part is found on libpa's page"
expect_eq "$((next))" "$((($(hex $W0) + $(hex $usize) + 15) / 16 * 16))" "right after libpa's"
# verify-shlib --against checks each part against the registry on its own: another library
# registered between the two parts is no overlap.
registry add libmid 0x66000000 0x6600ffff 1.0 >/dev/null || fail "registering libmid"
verify-shlib --against libpa.sa -r reg.table -l libpa.so.1.0.0 libpa.sa >va.out 2>&1
st=$?
[ $st = 0 ] || [ $st = 4 ] || { cat va.out; fail "verify-shlib --against a split image exited $st"; }
expect_not_in va.out "overlaps"
registry add -f libmid2 0x6a000040 0x6a00004f 1.0 >/dev/null || fail "registering libmid2"
run 12 va2.out verify-shlib --against libpa.sa -r reg.table -l libpa.so.1.0.0 libpa.sa
expect_in va2.out "incompatible: the used range $W0-0x" "overlaps the registration of libmid2 (0x6a000040-0x6a00004f) [range]"
unset JUMP_REGISTRY
refused() { # STATUS TEXT -- CMD...
    local want=$1 text=$2
    shift 3
    expect "$want" "" -- "$@"
    grep -qF -- "$text" err.txt || { cat err.txt; fail "'$*': missing '$text'"; }
}
refused 1 "writable origin 0x6a000018 must be a multiple of 16 on a page above the jump table and GOT (0x64002000)" -- \
    mkimage -f -l libpa -v 1.0.0 -a $T0 -j 0x1000 -g 0x1000 -w 0x6a000018 -- pa.o -lc
refused 1 "writable origin 0x64001ff0 must be a multiple of 16 on a page above" -- \
    mkimage -f -l libpa -v 1.0.0 -a $T0 -j 0x1000 -g 0x1000 -w 0x64001ff0 -- pa.o -lc
refused 2 "the image's read-only part runs into the page of its writable origin 0x64002010: move -w up" -- \
    mkimage -f -l libpa -v 1.0.0 -a $T0 -j 0x1000 -g 0x1000 -w 0x64002010 -- pa.o -lc
exit 0
