/*
 * match_bench: 100 articles against a case with N facts (default 1,000,000).
 *
 *   bench/match_bench [KB.sqlite] [FACTS]
 *
 * The shipped articles (from KB.sqlite, default $WB_KB) are topped up to 100
 * with generated ones that use every operator (eq, in, regex on value and
 * text, numeric, same_row, min_count) over the busiest keys.  The case gets a
 * realistic mix: Procmon-derived facts, events with rendered messages, stack
 * frames, loaded modules, registry values, and one seed pattern (the VSS
 * legacy-tracing crash) so that some articles really hit.  Prints the time
 * of match_run(); nothing is asserted (timings belong in reports, not tests).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/case.h"
#include "../kb/kb.h"
#include "../kb/match.h"

#define ARTICLES 100

static uint32_t seed = 12345;

static uint32_t
rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) & 0xffffff;
}

/* Keys and their share of the facts (per mille): a large System and
 * Application log, a Procmon capture's derived facts, a SYSTEM hive's
 * values that matter, and a few dumps' frames and modules. */
static const struct {
	const char *key;
	int permille;
} mix[] = {
	{"event", 650}, {"disk.retry", 10}, {"procmon.denied", 120}, {"procmon.dir_fanout", 80},
	{"procmon.vss", 10}, {"registry", 60}, {"stack.frame", 45}, {"module.loaded", 25},
};
#define NMIX (sizeof mix / sizeof mix[0])

/* Event providers, the busiest first (rank r gets weight 1/(r+1)). */
static const char *const providers[] = {
	"Service Control Manager", "Microsoft-Windows-Security-Auditing", "EventLog", "Kernel-General",
	"Kernel-Power", "Disk", "Ntfs", "VSS", "volsnap", "storahci", "Application Error", "BugCheck",
};
#define NPROV (sizeof providers / sizeof providers[0])

static int
zipf(int n)
{
	double total = 0, x;

	for (int i = 0; i < n; i++)
		total += 1.0 / (i + 1);
	x = (rnd() % 1000000) / 1e6 * total;
	for (int i = 0; i < n; i++) {
		x -= 1.0 / (i + 1);
		if (x <= 0)
			return i;
	}
	return n - 1;
}

static void
fill(sqlite3 *db, long n)
{
	static const char *const mods[] = {"ntfs", "fltmgr", "tcpip", "ndis", "storport", "volsnap", "contoso", "e1q62x64"};
	sqlite3_stmt *st;
	char value[256], text[512];

	sqlite3_exec(db, "INSERT INTO evidence (kind, importer, importer_version, path, size, imported_at, imported_by, status) "
		     "VALUES ('bench', 'bench', '1', '/bench', 1, 'now', 'bench', 'ok')", NULL, NULL, NULL);
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO facts (evidence_id, key, value, num, text, ref_table, ref_id) VALUES (1, ?, ?, ?, ?, ?, ?)",
			   -1, &st, NULL);
	for (long i = 0; i < n; i++) {
		uint32_t r = rnd() % 1000, acc = 0;
		size_t k;
		long num = 0;
		const char *t = NULL;

		for (k = 0; k < NMIX - 1; k++) {
			acc += (uint32_t)mix[k].permille;
			if (r < acc)
				break;
		}
		switch (k) {
		case 0: {	/* ~12 providers x ~25 ids each, skewed */
			int p = zipf((int)NPROV), id = 7000 + zipf(25) * 3;

			snprintf(value, sizeof value, "%s/%d", providers[p], id);
			num = id;
			snprintf(text, sizeof text, "The service%u service entered the %s state.  Record %u of the log, "
				 "status 0x%08x, computer SRV%02u.contoso.local.", rnd() % 300, rnd() % 2 ? "running" : "stopped",
				 rnd(), rnd(), rnd() % 40);
			t = text;
			break;
		}
		case 1:
			snprintf(value, sizeof value, "%s", rnd() % 2 ? "SRB_STATUS_BUS_RESET" : "SRB_STATUS_ERROR");
			t = "SCSIOP_READ";
			break;
		case 2:
			snprintf(value, sizeof value, "C:\\ProgramData\\Vendor%u\\cache\\%06x\\file%u.dat", rnd() % 40, rnd(), rnd() % 50);
			t = "app.exe CreateFile ACCESS DENIED";
			break;
		case 3:
			snprintf(value, sizeof value, "C:\\Data\\dir%06x", rnd());
			num = rnd() % 900;
			break;
		case 4:
			snprintf(value, sizeof value, "Writer %u", rnd() % 12);
			t = rnd() % 2 ? "IDENTIFY (Enter)" : "PREPAREBACKUP (Leave)";
			break;
		case 5:
			snprintf(value, sizeof value, "HKLM\\SYSTEM\\CurrentControlSet\\Services\\svc%u\\Start", rnd() % 5000);
			t = "3";
			break;
		case 6:
			snprintf(value, sizeof value, "%s!Function%u+0x%x", mods[rnd() % 8], rnd() % 500, rnd() % 0x400);
			num = rnd() % 30;
			break;
		default:
			snprintf(value, sizeof value, "driver%u.sys", rnd() % 400);
			break;
		}
		sqlite3_bind_text(st, 1, mix[k].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
		if (num)
			sqlite3_bind_int64(st, 3, num);
		sqlite3_bind_text(st, 4, t, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, "rows", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, i + 1);
		sqlite3_step(st);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	sqlite3_finalize(st);
	/* One real pattern so the seed articles have something to find. */
	sqlite3_exec(db,
		     "INSERT INTO facts (evidence_id, key, value, num, ref_table, ref_id) VALUES "
		     "(1, 'bugcheck.code', '0x0000007E', 126, 'dump', 1), (1, 'os.build', '17763', 17763, 'dump', 1), "
		     "(1, 'stack.frame', 'volsnap!VspDiagTrace+0x197', 11, 'dump_frame', 1), "
		     "(1, 'stack.frame', 'volsnap!VspQueryVolumeName+0x3a', 10, 'dump_frame', 2);"
		     "COMMIT", NULL, NULL, NULL);
}

/* Generated articles shaped like the shipped ones, in three families:
 * crash signatures (stop code, then frames and modules), event signatures
 * (provider/id plus message text, same-row retries, counts) and
 * backup/configuration signatures (writer events, Procmon paths, fan-out,
 * registry).  A few use the busiest event with a text regex, the expensive
 * case (the message regex runs on every such event). */
static struct kb_article *
generated(int i)
{
	static const char *const codes[] = {"0x0000007E", "0x00000050", "0x0000000A", "0x0000003B", "0x0000009F", "0x00000133"};
	char *json;
	json_t *doc;
	struct kb_article *a = NULL;
	struct wb_err err;

	switch (i % 3) {
	case 0:
		json = xasprintf(
			"{\"id\": \"bench-%03d\", \"title\": {\"en\": \"bench %d\", \"ja\": \"bench %d\"}, \"signature\": ["
			" {\"require\": \"stop\", \"fact\": {\"key\": \"bugcheck.code\", \"in\": [\"%s\", \"%s\"]}},"
			" {\"require\": \"frame\", \"fact\": {\"key\": \"stack.frame\", \"regex\": \"(?i)^(contoso|ndis)!Function%d\\\\b\"}},"
			" {\"support\": \"module\", \"fact\": {\"key\": \"module.loaded\", \"regex\": \"(?i)^driver%d\\\\.sys$\"}},"
			" {\"support\": \"build\", \"fact\": {\"key\": \"os.build\", \"in\": [\"14393\", \"17763\"]}},"
			" {\"exclude\": \"fixed\", \"fact\": {\"key\": \"os.build\", \"ge\": %d}}]}",
			i, i, i, codes[i % 6], codes[(i + 1) % 6], i * 7 % 500, i + 3, 20348 + i);
		break;
	case 1:
		json = xasprintf(
			"{\"id\": \"bench-%03d\", \"title\": {\"en\": \"bench %d\", \"ja\": \"bench %d\"}, \"signature\": ["
			" {\"require\": \"event\", \"fact\": {\"key\": \"event\", \"regex\": \"(?i)^%s/%d$\", \"text\": \"(?i)service%d service entered the stopped\"}},"
			" {\"support\": \"retry row\", \"same_row\": [{\"key\": \"event\", \"eq\": \"Disk/153\"},"
			"   {\"key\": \"disk.retry\", \"regex\": \"TIMEOUT\"}]},"
			" {\"support\": \"many\", \"min_count\": \"20\", \"fact\": {\"key\": \"event\", \"eq\": \"Disk/%d\"}}]}",
			i, i, i, i % 15 == 1 ? providers[0] : providers[2 + i % 10], 7000 + (i % 25) * 3, i, 7000 + i % 25);
		break;
	default:
		json = xasprintf(
			"{\"id\": \"bench-%03d\", \"title\": {\"en\": \"bench %d\", \"ja\": \"bench %d\"}, \"signature\": ["
			" {\"require\": \"writer\", \"any\": [{\"key\": \"vss.writer.missing\", \"regex\": \"(?i)^writer %d$\"},"
			"   {\"key\": \"event\", \"regex\": \"(?i)^VSS/(8193|8229)$\", \"text\": \"Writer %d\"}]},"
			" {\"support\": \"denied\", \"fact\": {\"key\": \"procmon.denied\", \"regex\": \"(?i)\\\\\\\\Vendor%d\\\\\\\\\"}},"
			" {\"support\": \"fanout\", \"fact\": {\"key\": \"procmon.dir_fanout\", \"gt\": %d}},"
			" {\"support\": \"registry\", \"fact\": {\"key\": \"registry\", \"regex\": \"(?i)\\\\\\\\Services\\\\\\\\svc%d\\\\\\\\Start$\"}}]}",
			i, i, i, i % 12, i % 12, i % 40, 800 + i, i);
		break;
	}
	doc = json_loads(json, 0, NULL);
	free(json);
	if (!doc || kb_parse_json(doc, "bench", &a, &err) < 0)
		fprintf(stderr, "match_bench: generated article %d: %s\n", i, doc ? err.msg : "bad JSON");
	json_decref(doc);
	return a;
}

int
main(int argc, char **argv)
{
	const char *kbpath = argc > 1 ? argv[1] : getenv("WB_KB");
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	char dir[] = "/tmp/wbmatchbenchXXXXXX";
	struct wb_kb *kb;
	struct match_result r;
	struct wb_err err;
	wb_case *c;
	char *path;
	const char *keep;
	bool reuse;
	double t0, t_fill, best = 1e9;
	int with_signature = 0;

	if (!kbpath || kb_load(kbpath, &kb, &err) < 0) {
		fprintf(stderr, "match_bench: %s\n", kbpath ? err.msg : "usage: match_bench KB.sqlite [FACTS]");
		return 1;
	}
	for (int i = 0; kb->n < ARTICLES; i++)
		kb_add(kb, generated(i));
	for (size_t i = 0; i < kb->n; i++)
		with_signature += kb->articles[i]->nclauses > 0;
	/* MATCH_BENCH_CASE=FILE keeps the generated case for repeated runs. */
	keep = getenv("MATCH_BENCH_CASE");
	if (!keep && !mkdtemp(dir))
		return 1;
	path = keep ? xstrdup(keep) : xasprintf("%s/bench.wb", dir);
	reuse = keep && access(path, F_OK) == 0;
	if (case_open(path, CASE_CREATE, "bench", NULL, &c, &err) < 0) {
		fprintf(stderr, "match_bench: %s\n", err.msg);
		return 1;
	}
	t0 = wb_now();
	if (!reuse)
		fill(case_db(c), n);
	t_fill = wb_now() - t0;
	for (int run = 0; run < 3; run++) {
		t0 = wb_now();
		if (match_run(c, kb, &r, &err) < 0) {
			fprintf(stderr, "match_bench: %s\n", err.msg);
			return 1;
		}
		if (wb_now() - t0 < best)
			best = wb_now() - t0;
		if (run < 2)
			match_result_fini(&r);
	}
	printf("match_bench: %zu articles (%d with signatures) vs %lld facts (filled in %.2f s)\n", kb->n, with_signature,
	       (long long)case_scalar(c, "SELECT count(*) FROM facts", 0), t_fill);
	printf("match_bench: match_run best of 3: %.3f s; %zu findings, first %s\n", best, r.n,
	       r.n ? r.findings[0].article->id : "-");
	match_result_fini(&r);
	case_close(c);
	if (keep) {
		free(path);
		kb_free(kb);
		return 0;
	}
	unlink(path);
	{
		char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);

		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
	rmdir(dir);
	free(path);
	kb_free(kb);
	return 0;
}
