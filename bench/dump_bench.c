/*
 * dump_bench: triage (dump_open: header, memory layout, module list, KDBG,
 * stack scan with export names) of generated sparse dumps of 1 GiB and
 * 16 GiB, full and bitmap.  Reports time, bytes read through the reader and
 * peak RSS, and the 16 GiB / 1 GiB ratios: both should stay near 1 (the
 * bitmap dump's bitmap is the only part that grows, one bit per page).
 *
 *   dump_bench DIR            generate in DIR, measure, print a report
 *   dump_bench --triage FILE  (internal) one measured triage, in a fresh process
 *
 * Each triage runs in its own exec'd process so its peak RSS is its own.
 * The page cache is warm after the first run; the best of 25 runs is kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../importers/dumpfile.h"
#include "../tests/dumpgen.h"

#define RUNS 25

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Child: best-of-RUNS triage time, bytes and reads of one run. */
static int
triage(const char *path)
{
	double best = 1e9;
	uint64_t bytes = 0, reads = 0;
	size_t modules = 0, frames = 0;

	for (int i = 0; i < RUNS; i++) {
		struct stat st;
		struct dump_reader r;
		struct dump *d;
		struct wb_err err;
		int fd = open(path, O_RDONLY);
		double t0;

		if (fd < 0 || fstat(fd, &st) < 0) {
			perror(path);
			return 1;
		}
		dump_reader_fd(&r, fd, (uint64_t)st.st_size);
		t0 = now();
		if (dump_open(&r, &d, &err) < 0) {
			fprintf(stderr, "%s: %s\n", path, err.msg);
			return 1;
		}
		if (now() - t0 < best)
			best = now() - t0;
		bytes = r.bytes_read;
		reads = r.reads;
		modules = dump_get_info(d)->nmodules;
		frames = dump_get_info(d)->nframes;
		dump_free(d);
		close(fd);
	}
	printf("%.6f %" PRIu64 " %" PRIu64 " %zu %zu\n", best, bytes, reads, modules, frames);
	return 0;
}

struct result {
	double secs;
	uint64_t bytes, reads;
	size_t modules, frames;
	long rss_kib;
};

static int
measure(const char *self, const char *path, struct result *res)
{
	int fds[2], status;
	struct rusage ru;
	char line[256] = "";
	FILE *f;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execl(self, self, "--triage", path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f || !fgets(line, sizeof line, f))
		line[0] = '\0';
	if (f)
		fclose(f);
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	if (sscanf(line, "%lf %" SCNu64 " %" SCNu64 " %zu %zu", &res->secs, &res->bytes, &res->reads,
		   &res->modules, &res->frames) != 5)
		return -1;
	res->rss_kib = ru.ru_maxrss;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct { const char *name; enum dumpgen_kind kind; } kinds[] = {
		{"full", DUMPGEN_FULL}, {"bitmap", DUMPGEN_BITMAP},
	};
	static const unsigned gib[2] = {1, 16};
	char self[4096];
	ssize_t n;
	int rc = 0;

	if (argc == 3 && !strcmp(argv[1], "--triage"))
		return triage(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: dump_bench DIR\n");
		return 2;
	}
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) < 0) {
		perror("/proc/self/exe");
		return 1;
	}
	self[n] = '\0';
	printf("%-7s %6s %10s %12s %7s %9s %8s %7s\n", "format", "size", "triage ms", "bytes read", "reads",
	       "peak RSS", "modules", "frames");
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		struct result res[2];

		for (int s = 0; s < 2; s++) {
			struct dumpgen_opts o = {.kind = kinds[k].kind, .ram_bytes = (uint64_t)gib[s] << 30};
			char path[4096];

			snprintf(path, sizeof path, "%s/bench-%s-%ugib.dmp", argv[1], kinds[k].name, gib[s]);
			if (dumpgen_file(&o, path) < 0) {
				fprintf(stderr, "dump_bench: %s: %s\n", path, strerror(errno));
				return 1;
			}
			if (measure(self, path, &res[s]) < 0) {
				fprintf(stderr, "dump_bench: triage of %s failed\n", path);
				return 1;
			}
			printf("%-7s %3u GiB %10.3f %12" PRIu64 " %7" PRIu64 " %6ld KiB %8zu %7zu\n", kinds[k].name,
			       gib[s], res[s].secs * 1e3, res[s].bytes, res[s].reads, res[s].rss_kib,
			       res[s].modules, res[s].frames);
			unlink(path);
			if (res[s].rss_kib > 64 * 1024)
				rc = 1;
		}
		printf("%-7s 16 GiB / 1 GiB: time x%.2f, bytes read x%.2f\n", kinds[k].name,
		       res[1].secs / res[0].secs, (double)res[1].bytes / (double)res[0].bytes);
	}
	if (rc)
		printf("peak RSS above 64 MiB\n");
	return rc;
}
