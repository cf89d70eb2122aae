/* wb report: a case report in Markdown, HTML, plain text or JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/report.h"
#include "../kb/report_kb.h"
#include "cli.h"

static const char report_help[] = N_(
	"Writes the case for hand-off: summary, evidence with SHA-256 and the\n"
	"assumptions made on import, findings with the evidence quoted, decisions,\n"
	"checklist state, notes, and the timeline around the key events\n"
	"(docs/REPORT.md).  The same case gives the same bytes.\n\n"
	"  --format FMT    md (default; for tickets), html (one printable file),\n"
	"                  txt (80 columns, for mail) or json; with -o and no\n"
	"                  --format, the file name's extension decides\n"
	"  -o FILE         write FILE (mode 0600, replaced atomically) instead of\n"
	"                  standard output\n"
	"  --now           state when the report was generated\n"
	"  --window MIN    timeline: minutes either side of a key event (10)\n"
	"  --lang ja       Japanese article texts where the article has them\n");

int
cmd_report(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"now", no_argument, NULL, 'n'},
		{"window", required_argument, NULL, 'w'},
		{"lang", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct report_opts opts = {0};
	struct report_kb rk = {0};
	enum report_format fmt = REPORT_MD;
	const char *format = NULL, *output = NULL;
	struct wb_kb *kb = NULL;
	struct wb_err err;
	wb_case *c;
	char *end;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "ho:", long_opts, NULL)) != -1) {
		switch (ch) {
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'n': opts.now = true; break;
		case 'w':
			errno = 0;
			opts.window_minutes = (int)strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || opts.window_minutes < 1 || opts.window_minutes > 10080)
				return cli_usage("report", _("--window takes minutes, 1 to 10080"));
			break;
		case 'L': rk.lang = optarg; break;
		case 'h': return cli_help("report", _(report_help));
		default: return cli_usage("report", _("unknown option"));
		}
	}
	if (optind != argc - 1)
		return cli_usage("report", optind >= argc ? _("missing CASE") : _("too many arguments"));
	if (format && report_format_parse(format, &fmt) < 0)
		return cli_usage("report", _("unknown format '%s' (md, html, txt or json)"), format);
	if (!format && output)
		report_format_from_path(output, &fmt);
	if (output && !*output)
		return cli_usage("report", _("-o needs a file name"));
	if (!(c = cli_open_case(argv[optind], CASE_READONLY)))
		return EXIT_FAILED;
	/* Without the knowledge base the report still says what the case holds. */
	if (kb_open_default(&kb, &err) < 0)
		fprintf(stderr, _("wb report: %s; article texts left out\n"), err.msg);
	else {
		rk.kb = kb;
		opts.annotate = report_kb_annotate;
		opts.annotate_ctx = &rk;
	}
	if (output)
		rc = report_save(c, fmt, output, &opts, &err);
	else
		rc = report_write(c, fmt, stdout, &opts, &err);
	case_close(c);
	kb_free(kb);
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}
