/* runner: start-up timing for bench/run.sh. Runs every program ROUNDS times, interleaved
 * (round r starts at program r mod count, so no program always follows the same one), each
 * spawned with posix_spawn (vfork-like) and its output sent to /dev/null, and prints per
 * program: median and minimum wall time from spawn to reaped exit in microseconds, the median
 * minor and major page faults the child reported (wait4), and how many runs failed.
 *
 * `runner ROUNDS -c COMMAND...` runs command lines instead (words split at spaces, the program
 * found on PATH), so that tools are timed the same way: bench/run.sh times as and jumpas so. */
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_u64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int main(int argc, char **argv)
{
    int rounds, nprog, warm = 3, cmd = 0;
    char ***args;
    uint64_t *wall, *minflt, *majflt;
    int *bad;
    posix_spawn_file_actions_t fa;
    if (argc < 3) {
        fprintf(stderr, "usage: runner ROUNDS PROGRAM...\n       runner ROUNDS -c COMMAND...\n");
        return 2;
    }
    rounds = atoi(argv[1]);
    if (!strcmp(argv[2], "-c")) {
        cmd = 1;
        argv++;
        argc--;
    }
    nprog = argc - 2;
    if (rounds < 1 || nprog < 1)
        return 2;
    args = calloc((size_t)nprog, sizeof *args);
    if (!args)
        return 2;
    for (int i = 0; i < nprog; i++) {
        /* A program alone, or a command line split into words at spaces (in a copy: the
         * original stays whole for the output). */
        char *line = strdup(argv[2 + i]), *save = NULL;
        int nw = 0;
        args[i] = calloc(strlen(argv[2 + i]) / 2 + 2, sizeof *args[i]);
        if (!line || !args[i])
            return 2;
        if (!cmd)
            args[i][nw++] = line;
        else
            for (char *w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save))
                args[i][nw++] = w;
        if (nw == 0)
            return 2;
    }
    wall = calloc((size_t)(rounds * nprog), sizeof *wall);
    minflt = calloc((size_t)(rounds * nprog), sizeof *minflt);
    majflt = calloc((size_t)(rounds * nprog), sizeof *majflt);
    bad = calloc((size_t)nprog, sizeof *bad);
    if (!wall || !minflt || !majflt || !bad)
        return 2;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    for (int r = -warm; r < rounds; r++) {
        for (int j = 0; j < nprog; j++) {
            int i = (j + (r < 0 ? 0 : r)) % nprog, status;
            struct rusage ru;
            pid_t pid;
            uint64_t t0 = now_ns(), t1;
            if ((cmd ? posix_spawnp : posix_spawn)(&pid, args[i][0], &fa, NULL, args[i], environ) != 0) {
                bad[i]++;
                continue;
            }
            if (wait4(pid, &status, 0, &ru) != pid) {
                bad[i]++;
                continue;
            }
            t1 = now_ns();
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                bad[i]++;
            if (r < 0)
                continue;
            wall[i * rounds + r] = t1 - t0;
            minflt[i * rounds + r] = (uint64_t)ru.ru_minflt;
            majflt[i * rounds + r] = (uint64_t)ru.ru_majflt;
        }
    }
    for (int i = 0; i < nprog; i++) {
        uint64_t *w = wall + i * rounds, mn;
        uint64_t med = median(w, rounds);
        mn = w[0];
        printf("%s\t%.1f\t%.1f\t%llu\t%llu\t%d\n", argv[2 + i], (double)med / 1000.0, (double)mn / 1000.0,
               (unsigned long long)median(minflt + i * rounds, rounds),
               (unsigned long long)median(majflt + i * rounds, rounds), bad[i]);
    }
    return 0;
}
