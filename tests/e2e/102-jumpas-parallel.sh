#!/bin/bash
# make -j8 of 40 files into one jump.log: every line arrives whole, none is lost.
. "$TOP/tests/e2e/lib.sh"
export JUMP_DIR=$PWD JUMP_LIB=libpar
: > want
for i in $(seq 1 40); do
    {
        echo "int data_with_a_long_name_$i[$i] = {1};"
        echo "const int konst_$i = $i;"
        echo "int function_number_$i(int x) { return x + data_with_a_long_name_$i[0] + konst_$i; }"
    } > f$i.c
    printf '%08x D data_with_a_long_name_%d\tlibpar\tf%d\n' $((4 * i)) $i $i >> want
    printf '00000004 K konst_%d\tlibpar\tf%d\n' $i $i >> want
    printf '00000000 T function_number_%d\tlibpar\tf%d\n' $i $i >> want
done
cat > Makefile <<M
OBJS := \$(patsubst %.c,%.o,\$(wildcard f*.c))
all: \$(OBJS)
%.o: %.c
	gcc $M -O2 -fno-pic -fno-pie -B$STAGE/bin/jump -c -o \$@ \$<
M
make -s -j8 all || fail "make -j8"
[ "$(wc -l < jump.log)" = 120 ] || fail "expected 120 lines, got $(wc -l < jump.log)"
bad=$(grep -cvE $'^[0-9a-f]{8} [TDCK] [a-z_0-9]+\tlibpar\tf[0-9]+$' jump.log)
[ "$bad" = 0 ] || { grep -vE $'^[0-9a-f]{8} [TDCK] [a-z_0-9]+\tlibpar\tf[0-9]+$' jump.log; fail "$bad torn lines"; }
sort want > want.s; sort jump.log > got.s
diff want.s got.s || fail "lines differ"
echo ok
