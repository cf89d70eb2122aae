/* wb new, wb note, wb retime: case-level commands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
cmd_new(int argc, char **argv)
{
	static const struct option opts[] = {
		{"title", required_argument, NULL, 't'},
		{"symptom", required_argument, NULL, 's'},
		{"tz", required_argument, NULL, 'z'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *title = NULL, *symptom = NULL, *tz = NULL;
	struct wb_err err;
	wb_case *c;
	char *path;
	int ch, tzmin;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 't': title = optarg; break;
		case 's': symptom = optarg; break;
		case 'z': tz = optarg; break;
		case 'h': return cli_help("new", _("Creates CASE (a bare name goes to $WB_CASES/CASE.wb).\n"
						   "--tz sets the zone assumed for local times in the evidence.\n"));
		default: return cli_usage("new", _("unknown option"));
		}
	}
	if (optind != argc - 1)
		return cli_usage("new", optind >= argc ? _("missing CASE") : _("too many arguments"));
	if (tz && wb_parse_tz(tz, &tzmin, &err) < 0)
		return cli_usage("new", "%s", err.msg);
	if (!(path = case_resolve_path(argv[optind], &err)))
		return cli_fail(&err);
	if (case_open(path, CASE_CREATE | CASE_MUST_NOT_EXIST, title, symptom, &c, &err) < 0) {
		free(path);
		return cli_fail(&err);
	}
	if (tz) {
		char norm[16];

		wb_format_tz(tzmin, norm, sizeof norm);
		if (case_set_info(c, "timezone", norm, &err) < 0) {
			case_close(c);
			free(path);
			return cli_fail(&err);
		}
	}
	printf(_("created case %s at %s\n"), case_name(c), path);
	case_close(c);
	free(path);
	return EXIT_OK;
}

int
cmd_note(int argc, char **argv)
{
	struct wb_err err;
	wb_case *c;
	int64_t id;

	if (cli_wants_help(argc, argv))
		return cli_help("note", _("Adds TEXT as a note, with your user name and the time.\n"));
	if (argc != 3)
		return cli_usage("note", argc < 3 ? _("missing CASE or TEXT") : _("too many arguments (quote the note)"));
	if (!*argv[2])
		return cli_usage("note", _("the note is empty"));
	if (!(c = cli_open_case(argv[1], 0)))
		return EXIT_FAILED;
	if (case_add_note(c, argv[2], &id, &err) < 0) {
		case_close(c);
		return cli_fail(&err);
	}
	printf(_("note %lld added\n"), (long long)id);
	case_close(c);
	return EXIT_OK;
}

int
cmd_retime(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tz", required_argument, NULL, 'z'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *tz = NULL;
	struct wb_err err;
	char *end, norm[16], *why;
	long long id;
	wb_case *c;
	int ch, tzmin, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'z': tz = optarg; break;
		case 'h': return cli_help("retime", _("Re-derives the UTC times of an evidence file's local times\n"
						      "(e.g. Procmon's Time of Day) with another zone; no re-import.\n"));
		default: return cli_usage("retime", _("unknown option"));
		}
	}
	if (optind != argc - 2)
		return cli_usage("retime", _("expected CASE and EVIDENCE-ID"));
	if (!tz)
		return cli_usage("retime", _("missing --tz"));
	id = strtoll(argv[optind + 1], &end, 10);
	if (*end || id <= 0)
		return cli_usage("retime", _("'%s' is not an evidence id"), argv[optind + 1]);
	if (wb_parse_tz(tz, &tzmin, &err) < 0)
		return cli_usage("retime", "%s", err.msg);
	if (!(c = cli_open_case(argv[optind], 0)))
		return EXIT_FAILED;
	wb_format_tz(tzmin, norm, sizeof norm);
	why = xasprintf(_("set by %s with wb retime: %s"), wb_user(), norm);
	rc = case_set_evidence_tz(c, id, tzmin, why, &err);
	free(why);
	case_close(c);
	if (rc < 0)
		return cli_fail(&err);
	printf(_("evidence %lld now read as %s\n"), id, norm);
	return EXIT_OK;
}
