# 612-compat-layout: replacements of libcv 1.0 that change its layout: a larger GOT (the
# variables move), another load address, a new major version, a used range that runs into
# the next library's registration. Each is incompatible; the loader already refuses the
# moved origin and the new major.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/compat.sh"
build10
data=$((ORG + 0x2000))

# G: the GOT grows from 0x1000 to 0x2000: cells stay, the variables' area moves a page.
newver "$PWD/g"
cvbuild "$PWD/g" 1.1.0 -j 0x1000 -g 0x2000
against g 1.1.0 12 g.out
expect_in g.out "compatible: the GOT size changed from 0x1000 to 0x2000 [gotsize]" \
    "incompatible: the variables' area moved from $(printf '0x%x' $data) to $(printf '0x%x' $((data + 0x1000))) [data]" \
    "incompatible: variable 'cv_count' moved from $(printf '0x%x' $data) to $(printf '0x%x' $((data + 0x1000))) [var:cv_count]"
expect_not_in g.out "[cell:"
refused "$PWD/g" cv_count

# G2: the GOT shrinks to 0xc00: every cell and the variables' area (the next page) stay where
# they were, so nothing a program sees changed (issue I: addresses, not parameters).
newver "$PWD/g2"
cvbuild "$PWD/g2" 1.1.0 -j 0x1000 -g 0xc00
against g2 1.1.0 4 g2.out
expect_in g2.out "compatible: the GOT size changed from 0x1000 to 0xc00 [gotsize]" "0 incompatible, "
runs_ok "$PWD/g2"

# H: the load address moves.
newver "$PWD/h"
cvbuild "$PWD/h" 1.1.0 -a 0x6b010000 -j 0x1000 -g 0x1000
against h 1.1.0 12 h.out
expect_in h.out "incompatible: the load address moved from 0x6b000000 to 0x6b010000 [origin]"
JUMP_LIBRARY_PATH=$PWD/h/lib run 127 h.prog.out exe ./prog
expect_in h.prog.out "the program was linked for address 0x6b000000 but the image is built for 0x6b010000"

# I: a new major version, installed where the 1.0 program looks.
newver "$PWD/i"
cvbuild "$PWD/i" 2.0.0
against i 2.0.0 12 i.out
expect_in i.out "incompatible: the major version changed from 1 to 2 (1.0.0 to 2.0.0) [major]" \
    "1 incompatible, 0 compatible, 0 waived"
ln -sf libcv.so.2.0.0 i/lib/libcv.so.1
JUMP_LIBRARY_PATH=$PWD/i/lib run 127 i.prog.out exe ./prog
expect_in i.prog.out "Require major version 1 and found 2"

# A lower minor than the old stub's: incompatible (programs linked with 1.1 may need more).
newver "$PWD/v11"
cvbuild "$PWD/v11" 1.1.0
run 12 low.out verify-shlib --against v11/libcv.sa -l v10/lib/libcv.so.1.0.0 v10/libcv.sa
expect_in low.out "incompatible: the version went down from 1.1.0 to 1.0.0 [minor]"

# K: a large variable appended runs the image into libzz's registration (mkimage -f).
newver "$PWD/k"
printf '00100000 D cv_big\tlibcv\tcvb\n' >>k/jump/jump.vars
gvar k 4 cv_big 0x100000 '\t.zero 0x100000'
cvbuild "$PWD/k" 1.1.0 -j 0x1000 -g 0x1000 -f
against k 1.1.0 12 k.out
expect_in k.out "compatible: cell 5 'cv_big' added [cell:5]" \
    "incompatible: the used range 0x6b000000-" "overlaps the registration of libzz (0x6b100000-0x6b1fffff) [range]" \
    "beyond the registration of libcv (0x6b000000-0x6b0fffff) [range]"
runs_ok "$PWD/k"
exit 0
