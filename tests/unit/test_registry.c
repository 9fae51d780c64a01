/* test_registry: the registry table (parse, round trip, edits, every error) and the interval
 * logic against brute-force oracles that enumerate addresses one by one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "registry.h"

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/test_registry.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    (void)state;
    if (system(cmd) != 0)
        return -1;
    free(cmd);
    return 0;
}

static char *write_tmp(const char *name, const char *text)
{
    char *p = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    return p;
}

/* Compare a warning buffer's text and empty it. */
static void expect_warn(buf *w, const char *want)
{
    char *s = buf_cstr(w);
    assert_string_equal(s, want);
    free(s);
}

static int parse(const char *text, reg_table *t, jerr *e)
{
    return reg_parse("registry.table", text, strlen(text), t, e);
}

static char *serialize(const reg_table *t)
{
    buf b = {0};
    reg_serialize(t, &b);
    return buf_cstr(&b);
}

/* ---- parsing and writing back ---- */

static void test_parses_fields(void **state)
{
    reg_table t;
    jerr e;
    (void)state;
    assert_int_equal(parse("# header\n"
                           "\n"
                           "0x60000000 0x600fffff libc 4.7.6 H.J. Lu <hjl@example> # confirmed\n"
                           "\t60200000\t6029FFFF  libX11\n"
                           "0x66800000 0x6687ffff libet 1.0",
                           &t, &e), 0);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.v[0].start, 0x60000000);
    assert_int_equal(t.v[0].end, 0x600fffff);
    assert_string_equal(t.v[0].name, "libc");
    assert_string_equal(t.v[0].version, "4.7.6");
    assert_string_equal(t.v[0].contact, "H.J. Lu <hjl@example>");
    assert_int_equal(t.v[0].line, 3);
    assert_string_equal(t.v[0].before, "# header\n\n");
    assert_int_equal(t.v[1].start, 0x60200000); /* bare digits are hex */
    assert_int_equal(t.v[1].end, 0x6029ffff);
    assert_null(t.v[1].version);
    assert_null(t.v[1].contact);
    assert_int_equal(t.v[1].line, 4);
    assert_string_equal(t.v[2].version, "1.0");
    assert_int_equal(t.v[2].line, 5);
    assert_string_equal(t.path, "registry.table");
    reg_free(&t);
    assert_int_equal(parse("", &t, &e), 0);
    assert_int_equal(t.n, 0);
    reg_free(&t);
}

static void test_round_trip_is_exact(void **state)
{
    static const char *texts[] = {
        "",
        "\n",
        "# only a comment",
        "# c\n\n   \n0x60000000   0x600fffff\tlibc  # odd   spacing\n\n# trailer\n\n",
        "0x1 0x2 a\n0x3 0x4 b",            /* no final newline */
        "0x1 0x2 a\r\n# dos\r\n0x3 0x4 b\r\n", /* CR kept as part of the line */
        "0x60000000 0x600fffff libc 4.7.6 a b c # x\n#end",
    };
    (void)state;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        reg_table t;
        jerr e;
        char *s;
        assert_int_equal(parse(texts[i], &t, &e), 0);
        s = serialize(&t);
        assert_string_equal(s, texts[i]);
        free(s);
        reg_free(&t);
    }
}

static void test_append_goes_last(void **state)
{
    reg_table t;
    jerr e;
    char *s;
    (void)state;
    assert_int_equal(parse("# head\n0x60000000 0x600fffff libc\n# tail\n", &t, &e), 0);
    reg_append(&t, 0x6a380000, 0x6a39ffff, "libxyz", "1.0.0", NULL);
    reg_append(&t, 0x6a3a0000, 0x6a3affff, "libabc", NULL, NULL);
    reg_append(&t, 0x100000000ull, 0x1000fffffull, "big", "2", "me <me@example>");
    s = serialize(&t);
    assert_string_equal(s, "# head\n0x60000000 0x600fffff libc\n# tail\n"
                           "0x6a380000 0x6a39ffff libxyz 1.0.0\n"
                           "0x6a3a0000 0x6a3affff libabc\n"
                           "0x100000000 0x1000fffff big 2 me <me@example>\n");
    free(s);
    reg_free(&t);

    /* A last line without a newline gets one before the appended line. */
    assert_int_equal(parse("0x1 0x2 a", &t, &e), 0);
    reg_append(&t, 3, 4, "b", NULL, NULL);
    s = serialize(&t);
    assert_string_equal(s, "0x1 0x2 a\n0x00000003 0x00000004 b\n");
    free(s);
    reg_free(&t);
    assert_int_equal(parse("0x1 0x2 a\n# no newline", &t, &e), 0);
    reg_append(&t, 3, 4, "b", NULL, NULL);
    s = serialize(&t);
    assert_string_equal(s, "0x1 0x2 a\n# no newline\n0x00000003 0x00000004 b\n");
    free(s);
    reg_free(&t);
}

static void test_remove_keeps_comments(void **state)
{
    reg_table t;
    jerr e;
    char *s;
    (void)state;
    assert_int_equal(parse("# 1\n0x1 0x2 a\n# 2\n0x3 0x4 b # b's\n# 3\n0x5 0x6 a\n# 4\n", &t, &e), 0);
    assert_int_equal(reg_remove(&t, "nope"), 0);
    assert_int_equal(reg_remove(&t, "a"), 2);
    assert_int_equal(t.n, 1);
    s = serialize(&t);
    assert_string_equal(s, "# 1\n# 2\n0x3 0x4 b # b's\n# 3\n# 4\n");
    free(s);
    assert_int_equal(reg_remove(&t, "b"), 1);
    s = serialize(&t);
    assert_string_equal(s, "# 1\n# 2\n# 3\n# 4\n");
    free(s);
    reg_free(&t);
}

static void test_parse_errors_name_line_and_column(void **state)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"# ok\n  libc\n", "registry.table:2:3: expected 'start end name [version] [contact...]', found 1 field"},
        {"0x1 0x2\n", "registry.table:1:1: expected 'start end name [version] [contact...]', found 2 fields"},
        {"\n\n0xzz 0x2 a\n", "registry.table:3:1: invalid start address '0xzz' (expected hex, like 0x60000000)"},
        {"0x1   0x2g a\n", "registry.table:1:7: invalid end address '0x2g' (expected hex, like 0x60000000)"},
        {"0x1 0x10000000000000000 a\n",
         "registry.table:1:5: invalid end address '0x10000000000000000' (expected hex, like 0x60000000)"},
        {"0x60100000 0x600fffff libm\n",
         "registry.table:1:12: the range of 'libm' ends (0x600fffff) before it starts (0x60100000)"},
        {"0x1 0x2 a\n0x1 \0 b\n", "registry.table:2: NUL byte: not a text file"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        reg_table t;
        jerr e;
        size_t len = strlen(cases[i].text);
        if (i == sizeof cases / sizeof *cases - 1)
            len = 16; /* the embedded NUL */
        assert_int_equal(reg_parse("registry.table", cases[i].text, len, &t, &e), -1);
        assert_string_equal(e.msg, cases[i].msg);
        assert_int_equal(e.status, EXIT_BAD);
        assert_null(t.v); /* nothing left to free */
    }
}

static void test_load_save_and_lock(void **state)
{
    reg_table t;
    jerr e;
    char *p = write_tmp("t.table", "# keep\n0x60000000 0x600fffff libc\n");
    char *missing = xasprintf("%s/none.table", tmpdir);
    char *baddir = xasprintf("%s/nodir/x.table", tmpdir);
    struct stat st;
    blob b;
    char *s;
    int fd;
    (void)state;

    assert_int_equal(chmod(p, 0640), 0);
    assert_int_equal(reg_load(p, &t, &e), 0);
    reg_append(&t, 0x60200000, 0x6029ffff, "libX11", NULL, NULL);
    assert_int_equal(reg_save(p, &t, &e), 0);
    assert_int_equal(reg_save(baddir, &t, &e), -1);
    assert_non_null(strstr(e.msg, "cannot create a temporary file for"));
    reg_free(&t);
    assert_int_equal(blob_read(p, &b, &e), 0);
    assert_int_equal(b.len, strlen("# keep\n0x60000000 0x600fffff libc\n0x60200000 0x6029ffff libX11\n"));
    assert_memory_equal(b.p, "# keep\n0x60000000 0x600fffff libc\n0x60200000 0x6029ffff libX11\n", b.len);
    blob_free(&b);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640); /* the mode is kept */

    assert_int_equal(reg_load(missing, &t, &e), -1);
    s = xasprintf("cannot open '%s': No such file or directory", missing);
    assert_string_equal(e.msg, s);
    free(s);
    assert_int_equal(e.status, EXIT_USAGE);
    assert_null(t.v);

    fd = reg_lock(p, &e);
    assert_true(fd >= 0);
    reg_unlock(fd);
    s = xasprintf("%s.lock", p);
    assert_int_equal(access(s, F_OK), 0);
    free(s);
    assert_int_equal(reg_lock(baddir, &e), -1);
    s = xasprintf("cannot open the lock file '%s.lock': No such file or directory", baddir);
    assert_string_equal(e.msg, s);
    free(s);
    free(p);
    free(missing);
    free(baddir);
}

static void test_default_path(void **state)
{
    char *p;
    (void)state;
    p = reg_default_path("x.table");
    assert_string_equal(p, "x.table");
    free(p);
    setenv("JUMP_REGISTRY", "/some/where.table", 1);
    p = reg_default_path(NULL);
    assert_string_equal(p, "/some/where.table");
    free(p);
    setenv("JUMP_REGISTRY", "", 1);
    p = reg_default_path(NULL);
    assert_true(strlen(p) > strlen("/share/jump/registry.table"));
    assert_string_equal(p + strlen(p) - strlen("/share/jump/registry.table"), "/share/jump/registry.table");
    free(p);
    unsetenv("JUMP_REGISTRY");
}

/* ---- interval logic against enumerating oracles ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#define U 64 /* addresses per universe: base .. base+U-1 */

/* A random table inside [base, base+U): short ranges, many touching or nested. */
static size_t random_table(reg_entry *v, size_t max, uint64_t base)
{
    size_t n = rnd() % (max + 1);
    for (size_t i = 0; i < n; i++) {
        uint64_t a = rnd() % U, len = rnd() % 4 == 0 ? rnd() % U : rnd() % 6;
        uint64_t b = a + len < U ? a + len : U - 1;
        if (i > 0 && rnd() % 4 == 0 && v[i - 1].end - base + 1 < U) {
            a = v[i - 1].end - base + 1; /* exactly adjacent to the previous one */
            if (b < a)
                b = a;
        }
        memset(&v[i], 0, sizeof v[i]);
        v[i].start = base + a;
        v[i].end = base + b;
    }
    return n;
}

static int contains(const reg_entry *x, uint64_t addr) { return x->start <= addr && addr <= x->end; }

/* Does some address of the universe lie in both ranges? (Enumerated, not computed.) */
static int oracle_overlap(uint64_t base, uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    for (uint64_t o = 0; o < U; o++) {
        uint64_t x = base + o;
        if (a0 <= x && x <= a1 && b0 <= x && x <= b1)
            return 1;
    }
    return 0;
}

static const uint64_t bases[] = {0, 0x60000000, 0xffffffffull - U + 1, 0xffffffffull - U / 2,
                                 UINT64_MAX - U + 1};

static void test_overlapping_matches_oracle(void **state)
{
    reg_entry v[24];
    size_t out[24];
    (void)state;
    for (int round = 0; round < 4000; round++) {
        uint64_t base = bases[round % 5];
        size_t n = random_table(v, 24, base);
        uint64_t a = base + rnd() % U, b = a + rnd() % 8;
        size_t k, got;
        if (b < a || b > base + U - 1)
            b = base + U - 1;
        got = reg_overlapping(v, n, a, b, out);
        assert_int_equal(got, reg_overlapping(v, n, a, b, NULL));
        k = 0;
        for (size_t i = 0; i < n; i++) {
            int want = oracle_overlap(base, a, b, v[i].start, v[i].end);
            int found = 0;
            for (size_t j = 0; j < got; j++)
                found |= out[j] == i;
            assert_int_equal(found, want);
            k += (size_t)want;
        }
        assert_int_equal(got, k);
        for (size_t j = 1; j < got; j++) /* address order */
            assert_true(v[out[j - 1]].start <= v[out[j]].start);
    }
}

static void test_overlap_pairs_match_oracle(void **state)
{
    reg_entry v[20];
    (void)state;
    for (int round = 0; round < 3000; round++) {
        uint64_t base = bases[round % 5];
        size_t n = random_table(v, 20, base);
        reg_pair *p;
        size_t np = reg_overlap_pairs(v, n, &p), want = 0;
        unsigned char seen[20][20] = {{0}};
        for (size_t k = 0; k < np; k++) {
            size_t a = p[k].a, b = p[k].b;
            assert_true(a < n && b < n && a != b);
            assert_true(v[a].start < v[b].start || (v[a].start == v[b].start && v[a].end <= v[b].end));
            assert_int_equal(seen[a][b] | seen[b][a], 0); /* each pair once */
            seen[a][b] = 1;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                int ov = oracle_overlap(base, v[i].start, v[i].end, v[j].start, v[j].end);
                assert_int_equal(seen[i][j] | seen[j][i], ov);
                want += (size_t)ov;
            }
        assert_int_equal(np, want);
        free(p);
    }
}

static void test_find_free_matches_oracle(void **state)
{
    reg_entry v[12];
    (void)state;
    for (int round = 0; round < 6000; round++) {
        uint64_t base = bases[round % 5];
        size_t n = random_table(v, round % 3 ? 6 : 12, base);
        uint64_t size = 1 + rnd() % 12, align = (uint64_t)1 << (rnd() % 4);
        uint64_t lo = base + rnd() % U, hi = base + rnd() % U, got = 0;
        int want_found = 0, found;
        uint64_t want = 0;
        unsigned char used[U] = {0};
        if (rnd() % 4 == 0)
            lo = base; /* often from the bottom */
        if (rnd() % 3 == 0)
            hi = base + U - 1;
        for (size_t i = 0; i < n; i++)
            for (uint64_t o = 0; o < U; o++)
                used[o] |= (unsigned char)contains(&v[i], base + o);
        /* Oracle: try every aligned start in the universe, lowest first. */
        for (uint64_t o = 0; o < U && !want_found; o++) {
            uint64_t s = base + o, k;
            if (s < lo || s % align)
                continue;
            for (k = 0; k < size; k++)
                if (o + k >= U || base + o + k > hi || used[o + k])
                    break;
            if (k == size) {
                want_found = 1;
                want = s;
            }
        }
        found = reg_find_free(v, n, size, align, lo, hi, &got) == 0;
        assert_int_equal(found, want_found);
        if (found)
            assert_true(got == want);
    }
}

static void test_edges(void **state)
{
    reg_entry v[2] = {{.start = 0xffff0000ull, .end = 0xffffffffull}, {.start = UINT64_MAX, .end = UINT64_MAX}};
    uint64_t s;
    reg_pair *p;
    (void)state;
    /* End-inclusive: a range ending at 0xffffffff owns that byte and nothing after it. */
    assert_int_equal(reg_overlapping(v, 1, 0xffffffffull, 0xffffffffull, NULL), 1);
    assert_int_equal(reg_overlapping(v, 1, 0x100000000ull, 0x100000000ull, NULL), 0);
    assert_int_equal(reg_overlapping(v, 1, 0xfffe0000ull, 0xfffeffffull, NULL), 0); /* adjacent */
    assert_int_equal(reg_find_free(v, 1, 0x10000, 0x10000, 0xffff0000ull, UINT64_MAX, &s), 0);
    assert_true(s == 0x100000000ull);
    assert_int_equal(reg_find_free(v, 1, 0x10000, 0x10000, 0xffff0000ull, 0xffffffffull, &s), -1);
    assert_int_equal(reg_find_free(v, 1, 1, 1, 0xfffeffffull, 0xffffffffull, &s), 0);
    assert_true(s == 0xfffeffffull);
    /* The top of the 64-bit space: nothing after the last byte, no wrap to 0. */
    assert_int_equal(reg_find_free(v + 1, 1, 1, 1, UINT64_MAX, UINT64_MAX, &s), -1);
    assert_int_equal(reg_find_free(v + 1, 1, 2, 1, UINT64_MAX - 1, UINT64_MAX, &s), -1);
    assert_int_equal(reg_find_free(v, 0, 1, 1, UINT64_MAX, UINT64_MAX, &s), 0);
    assert_true(s == UINT64_MAX);
    assert_int_equal(reg_find_free(v, 0, 2, 1, UINT64_MAX, UINT64_MAX, &s), -1);
    assert_int_equal(reg_find_free(v, 0, 1, 0x1000, UINT64_MAX - 5, UINT64_MAX, &s), -1); /* align overflows */
    assert_int_equal(reg_find_free(v, 0, 0, 1, 0, UINT64_MAX, &s), -1);                    /* size 0 */
    assert_int_equal(reg_overlap_pairs(v, 2, &p), 0);
    assert_null(p);
    assert_int_equal(reg_overlap_pairs(v, 0, &p), 0);
}

/* ---- mkimage's check ---- */

static const char seed[] = "# test table\n"
                           "0x60000000 0x600fffff libc\n"
                           "0x60200000 0x6029ffff libX11\n"
                           "0x602a0000 0x602fffff libXt\n"
                           "0x6a380000 0x6a39ffff libxyz 1.0.0\n";

static void test_check_image(void **state)
{
    char *p = write_tmp("check.table", seed);
    buf w = {0};
    jerr e;
    char *s;
    (void)state;

    /* Inside its own registration: no warning. */
    assert_int_equal(reg_check_image(p, "libxyz", 0x6a380000, 0x6a396000, 0, &w, &e), 0);
    assert_int_equal(w.len, 0);

    /* Overlapping libX11: refused, naming it and both ranges. */
    assert_int_equal(reg_check_image(p, "libnew", 0x60290000, 0x602a0000, 0, &w, &e), -1);
    assert_int_equal(e.status, EXIT_BAD);
    s = xasprintf("libnew would use 0x60290000-0x6029ffff, which overlaps libX11's registration "
                  "0x60200000-0x6029ffff (%s:3)", p);
    assert_string_equal(e.msg, s);
    free(s);
    assert_int_equal(w.len, 0);
    /* One byte further reaches libXt too; both are named. */
    assert_int_equal(reg_check_image(p, "libnew", 0x60290000, 0x602a0001, 0, &w, &e), -1);
    s = xasprintf("libnew would use 0x60290000-0x602a0000, which overlaps libX11's registration "
                  "0x60200000-0x6029ffff (%s:3) and libXt's registration 0x602a0000-0x602fffff (%s:4)",
                  p, p);
    assert_string_equal(e.msg, s);
    free(s);
    /* Forced: the same text as a warning; then also unregistered. */
    assert_int_equal(reg_check_image(p, "libnew", 0x60290000, 0x602a0000, 1, &w, &e), 0);
    s = xasprintf("libnew would use 0x60290000-0x6029ffff, which overlaps libX11's registration "
                  "0x60200000-0x6029ffff (%s:3) (forced)\n"
                  "libnew is not in the registry %s; run 'registry find 0x10000' to choose a free "
                  "range and 'registry add' to claim it\n",
                  p, p);
    expect_warn(&w, s);
    free(s);
    buf_free(&w);

    /* Outgrowing its registration by 0x1000 bytes. */
    assert_int_equal(reg_check_image(p, "libxyz", 0x6a380000, 0x6a3a1000, 0, &w, &e), 0);
    expect_warn(&w, "libxyz uses 0x6a380000-0x6a3a0fff but its registration ends at 0x6a39ffff "
                        "(4096 bytes over; the image needs 0x21000 bytes, the registration has 0x20000)\n");
    buf_free(&w);
    /* Starting below it (and overlapping nobody else). */
    assert_int_equal(reg_check_image(p, "libxyz", 0x6a37f000, 0x6a390000, 0, &w, &e), 0);
    expect_warn(&w, "libxyz uses 0x6a37f000-0x6a38ffff but its registration starts "
                                      "at 0x6a380000 (4096 bytes under)\n");
    buf_free(&w);
    /* Built somewhere else entirely. */
    assert_int_equal(reg_check_image(p, "libxyz", 0x70000000, 0x70001000, 0, &w, &e), 0);
    s = xasprintf("libxyz uses 0x70000000-0x70000fff, outside libxyz's registration "
                  "0x6a380000-0x6a39ffff (%s:5)\n", p);
    expect_warn(&w, s);
    free(s);
    buf_free(&w);
    /* Unregistered, in a free range. */
    assert_int_equal(reg_check_image(p, "libfree", 0x70000000, 0x70016000, 0, &w, &e), 0);
    s = xasprintf("libfree is not in the registry %s; run 'registry find 0x16000' to choose a free "
                  "range and 'registry add' to claim it\n", p);
    expect_warn(&w, s);
    free(s);
    buf_free(&w);
    /* warn may be NULL. */
    assert_int_equal(reg_check_image(p, "libfree", 0x70000000, 0x70016000, 0, NULL, &e), 0);

    /* $JUMP_REGISTRY is the table when path is NULL. */
    setenv("JUMP_REGISTRY", p, 1);
    assert_int_equal(reg_check_image(NULL, "libnew", 0x60000000, 0x60001000, 0, &w, &e), -1);
    assert_non_null(strstr(e.msg, "overlaps libc's registration 0x60000000-0x600fffff"));
    unsetenv("JUMP_REGISTRY");
    free(p);
}

static void test_check_image_errors(void **state)
{
    char *bad = write_tmp("bad.table", "# x\n0x60000000 libc\n");
    char *missing = xasprintf("%s/missing.table", tmpdir);
    buf w = {0};
    jerr e;
    char *s;
    (void)state;
    assert_int_equal(reg_check_image(bad, "libxyz", 0x6a380000, 0x6a390000, 0, &w, &e), -1);
    s = xasprintf("%s:2:1: expected 'start end name [version] [contact...]', found 2 fields", bad);
    assert_string_equal(e.msg, s);
    free(s);
    assert_int_equal(reg_check_image(missing, "libxyz", 0x6a380000, 0x6a390000, 0, &w, &e), -1);
    s = xasprintf("cannot open '%s': No such file or directory", missing);
    assert_string_equal(e.msg, s);
    free(s);
    assert_int_equal(reg_check_image(bad, "libxyz", 0x6a390000, 0x6a390000, 0, &w, &e), -1);
    assert_string_equal(e.msg, "libxyz: empty or inverted image range 0x6a390000-0x6a390000");
    assert_int_equal(w.len, 0);
    free(bad);
    free(missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parses_fields),
        cmocka_unit_test(test_round_trip_is_exact),
        cmocka_unit_test(test_append_goes_last),
        cmocka_unit_test(test_remove_keeps_comments),
        cmocka_unit_test(test_parse_errors_name_line_and_column),
        cmocka_unit_test(test_load_save_and_lock),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_overlapping_matches_oracle),
        cmocka_unit_test(test_overlap_pairs_match_oracle),
        cmocka_unit_test(test_find_free_matches_oracle),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_check_image),
        cmocka_unit_test(test_check_image_errors),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
