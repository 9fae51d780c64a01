#!/bin/bash
# 500: getfuncs/getvars split a hand-written jump.log: new files, append to an edited file
# keeping its lines, backup, jump.ignore and jump.import respected, dry run, JUMP_DIR.
. "$TOP/tests/e2e/lib.sh"
expect_file() { # file, expected text on stdin
    diff -u - "$1" || fail "$1 differs from what was expected"
}
T=$'\t'
unset JUMP_DIR
mkdir jd && cd jd

# The log as jumpas writes it under make -j: out of order, recompiles, sizes that changed.
cat > jump.log <<'LOG'
00000000 T xyz_open libxyz open
00000004 D xyz_errno libxyz err
00000000 T xyz_close libxyz close
00000000 T xyz_open libxyz open
00000008 D xyz_errno libxyz err
00000100 C xyz_buf libxyz open
00000000 T xyz_debug libxyz debug
00000004 D stdin_copy libxyz open
00000010 K xyz_table libxyz close
00000004 D xyz_errno libxyz err
00000000 t xyz_hidden libxyz close
LOG
cat > jump.ignore <<'IGN'
# not exported
00000000 T xyz_debug libxyz debug
IGN
cat > jump.import <<'IMP'
00000004 D stdin_copy libc stdio
IMP
cp jump.log log.orig

# Dry run first: prints the lines, writes nothing.
out=$(getfuncs -n) || fail "getfuncs -n failed"
[ "$out" = "00000000 T xyz_close${T}libxyz${T}close
00000000 t xyz_hidden${T}libxyz${T}close
00000000 T xyz_open${T}libxyz${T}open
getfuncs: dry run: 3 new functions in jump.funcs (0 already listed, 1 ignored)
getfuncs: jump table: 3 slots need 0x28 bytes (8 each, with the version word and the constructor slot); SL_JUMP_TABLE_SIZE=0x100 leaves room to grow" ] || fail "getfuncs -n printed: $out"
[ ! -e jump.funcs ] || fail "dry run wrote jump.funcs"

out=$(getfuncs) || fail "getfuncs failed"
[ "$out" = "getfuncs: 3 new functions in jump.funcs (0 already listed, 1 ignored)
getfuncs: jump table: 3 slots need 0x28 bytes (8 each, with the version word and the constructor slot); SL_JUMP_TABLE_SIZE=0x100 leaves room to grow" ] || fail "summary: $out"
expect_file jump.funcs <<EOF2
00000000 T xyz_close${T}libxyz${T}close
00000000 t xyz_hidden${T}libxyz${T}close
00000000 T xyz_open${T}libxyz${T}open
EOF2
[ ! -e jump.funcs~ ] || fail "a backup was written though there was no previous jump.funcs"

out=$(getvars) || fail "getvars failed"
[ "$out" = "getvars: 3 new variables in jump.vars (0 already listed, 0 ignored, 1 imported)
getvars: GOT: 3 variables need 5 cells: 0x14 bytes on i386, 0x28 on x86_64; SL_GOT_SIZE=0x100 leaves room to grow on both" ] || fail "summary: $out"
# Sorted by (objfile, name); xyz_errno keeps its largest size, 8.
expect_file jump.vars <<EOF2
00000010 K xyz_table${T}libxyz${T}close
00000008 D xyz_errno${T}libxyz${T}err
00000100 C xyz_buf${T}libxyz${T}open
EOF2
cmp -s jump.log log.orig || fail "jump.log was changed"

# Running again finds nothing new and touches nothing.
cp jump.funcs funcs.1
out=$(getfuncs) || fail "second getfuncs failed"
[ "$out" = "getfuncs: 0 new functions in jump.funcs (3 already listed, 1 ignored)
getfuncs: jump table: 3 slots need 0x28 bytes (8 each, with the version word and the constructor slot); SL_JUMP_TABLE_SIZE=0x100 leaves room to grow" ] || fail "summary: $out"
cmp -s jump.funcs funcs.1 || fail "jump.funcs changed on a run with nothing new"
[ ! -e jump.funcs~ ] || fail "backup written on a run with nothing new"

# The user edits jump.funcs: moves a line, retires a slot, adds comments, no final newline.
printf '# libxyz functions: never reorder\n00000000 T xyz_open   libxyz open  # slot 1\n00000000 U __DUMMY__ libxyz close\n00000000 T xyz_close libxyz close' > jump.funcs
cp jump.funcs funcs.edited
# A new compile logs two more functions (the log is appended, as jumpas does).
printf '00000000 T xyz_seek libxyz open\n00000000 T xyz_alpha libxyz zz\n00000000 T xyz_close libxyz close\n' >> jump.log
out=$(getfuncs) || fail "getfuncs after the edit failed"
# xyz_hidden is in the log and no longer in the file: it comes back as new.
[ "$out" = "getfuncs: 3 new functions in jump.funcs (2 already listed, 1 ignored)
getfuncs: jump table: 6 slots need 0x40 bytes (8 each, with the version word and the constructor slot); SL_JUMP_TABLE_SIZE=0x100 leaves room to grow" ] || fail "summary: $out"
{ cat funcs.edited; printf '\n00000000 t xyz_hidden\tlibxyz\tclose\n00000000 T xyz_seek\tlibxyz\topen\n00000000 T xyz_alpha\tlibxyz\tzz\n'; } > funcs.want
cmp -s jump.funcs funcs.want || { diff -u funcs.want jump.funcs; fail "edited lines not kept or new ones wrong"; }
cmp -s jump.funcs~ funcs.edited || fail "jump.funcs~ is not the previous version"

# JUMP_DIR: run from elsewhere.
cd .. && mkdir other && cd other
printf '00000004 D late libxyz zz\n' >> ../jd/jump.log
cp ../jd/jump.vars ../vars.before
out=$(JUMP_DIR=$PWD/../jd getvars) || fail "getvars with JUMP_DIR failed"
[ "$out" = "getvars: 1 new variable in jump.vars (3 already listed, 0 ignored, 1 imported)
getvars: GOT: 4 variables need 6 cells: 0x18 bytes on i386, 0x30 on x86_64; SL_GOT_SIZE=0x100 leaves room to grow on both" ] || fail "summary: $out"
[ -z "$(ls)" ] || fail "getvars wrote into the current directory, not JUMP_DIR: $(ls)"
{ cat ../vars.before; printf '00000004 D late\tlibxyz\tzz\n'; } > ../vars.want
cmp -s ../jd/jump.vars ../vars.want || fail "jump.vars in JUMP_DIR not as expected"
cmp -s ../jd/jump.vars~ ../vars.before || fail "jump.vars~ is not the previous version"
exit 0
