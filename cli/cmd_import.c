/* wb import: run importers, with progress on stderr and Ctrl-C to cancel. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../importers/importer.h"
#include "cli.h"

static volatile sig_atomic_t cancelled;

static void
on_sigint(int sig)
{
	(void)sig;
	cancelled = 1;
}

static void
show_progress(const struct wb_progress *p, void *ctx)
{
	double mb = (double)p->bytes_done / 1e6, total = (double)p->bytes_total / 1e6;
	double rate = p->elapsed > 0 ? mb / p->elapsed : 0;

	(void)ctx;
	fputc('\r', stderr);
	fprintf(stderr, _("%s: %.1f/%.1f MB, %llu records, %.1f MB/s "), p->path, mb, total,
		(unsigned long long)p->records, rate);
}

static const char import_help[] = N_(
	"Imports each FILE as evidence; each file is one transaction: a failed or\n"
	"cancelled import (Ctrl-C) leaves the case as it was.\n\n"
	"  --as NAME      use this importer instead of detecting the format\n"
	"  --tz +HH:MM    zone of local times in the files (default: the case's)\n"
	"  --date DATE    date for time-of-day-only sources (Procmon CSV)\n"
	"  --force        import a file again even if its SHA-256 is in the case\n"
	"  --lenient      skip malformed lines as warnings where the format allows\n"
	"  --quiet        no progress on stderr\n\n"
	"Importers:\n");

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"as", required_argument, NULL, 'a'},
		{"tz", required_argument, NULL, 'z'},
		{"date", required_argument, NULL, 'd'},
		{"force", no_argument, NULL, 'f'},
		{"lenient", no_argument, NULL, 'l'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct wb_import_opts io = {.cancel = &cancelled};
	struct wb_err err;
	struct sigaction sa;
	wb_case *c;
	bool quiet = false;
	int ch, tzmin, failed = 0;
	int64_t days;

	while ((ch = getopt_long(argc, argv, "hfq", opts, NULL)) != -1) {
		switch (ch) {
		case 'a': io.as = optarg; break;
		case 'z': io.tz = optarg; break;
		case 'd': io.date = optarg; break;
		case 'f': io.force = true; break;
		case 'l': io.lenient = true; break;
		case 'q': quiet = true; break;
		case 'h': {
			struct wb_buf b = {0};

			buf_puts(&b, _(import_help));
			for (int i = 0; wb_importers[i]; i++)
				buf_printf(&b, "  %-14s %s\n", wb_importers[i]->name, _(wb_importers[i]->describe));
			cli_help("import", b.data);
			buf_fini(&b);
			return EXIT_OK;
		}
		default: return cli_usage("import", _("unknown option"));
		}
	}
	if (argc - optind < 2)
		return cli_usage("import", optind >= argc ? _("missing CASE") : _("missing FILE"));
	if (io.as && !importer_find(io.as))
		return cli_usage("import", _("unknown importer '%s' (see wb import --help)"), io.as);
	if (io.tz && wb_parse_tz(io.tz, &tzmin, &err) < 0)
		return cli_usage("import", "%s", err.msg);
	if (io.date && wb_parse_date(io.date, &days, &err) < 0)
		return cli_usage("import", "%s", err.msg);
	if (!(c = cli_open_case(argv[optind], 0)))
		return EXIT_FAILED;
	if (!quiet && isatty(STDERR_FILENO))
		io.progress = show_progress;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	for (int i = optind + 1; i < argc && !cancelled; i++) {
		const struct wb_importer *used = NULL;
		int64_t id;
		long long records = 0, warnings = 0;

		if (importer_run(c, argv[i], &io, &id, &used, &err) < 0) {
			if (io.progress)
				fputc('\n', stderr);
			cli_fail(&err);
			failed++;
			continue;
		}
		if (io.progress)
			fputs("\r\033[K", stderr);
		{
			char *sql = sqlite3_mprintf("SELECT records FROM evidence WHERE id = %lld", (long long)id);

			records = case_scalar(c, sql, 0);
			sqlite3_free(sql);
			sql = sqlite3_mprintf("SELECT count(*) FROM evidence_warning WHERE evidence_id = %lld", (long long)id);
			warnings = case_scalar(c, sql, 0);
			sqlite3_free(sql);
		}
		printf(_("%s: evidence %lld (%s), %lld records, %lld warnings\n"), argv[i], (long long)id,
		       used->name, records, warnings);
	}
	if (failed < argc - optind - 1)	/* something was imported: findings follow the evidence */
		cli_rematch(c, quiet);
	case_close(c);
	return failed ? EXIT_FAILED : EXIT_OK;
}
