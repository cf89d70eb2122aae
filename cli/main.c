/* wb: entry point and the table of subcommands. */
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifdef HAVE_MIMALLOC
#include <mimalloc.h>
#endif

const struct cli_cmd cli_commands[] = {
	{"new", N_("CASE [--title TEXT] [--symptom TEXT] [--tz +HH:MM]"), N_("create a case"), cmd_new},
	{"open", N_("CASE [--create]"), N_("open a case in the terminal UI"), cmd_open},
	{"import", N_("CASE FILE... [--as KIND] [--tz +09:00] [--date 2024-05-01] [--force] [--lenient]"),
	 N_("import evidence files into a case"), cmd_import},
	{"evidence", N_("CASE [--json]"), N_("list the evidence of a case"), cmd_evidence},
	{"facts", N_("CASE [--key KEY] [--json]"), N_("list the facts found in the evidence"), cmd_facts},
	{"timeline", N_("CASE [--from T] [--to T] [--grep REGEX] [--json]"), N_("print the merged timeline"), cmd_timeline},
	{"retime", N_("CASE EVIDENCE-ID --tz +HH:MM"), N_("change the time-zone assumption of an evidence file"), cmd_retime},
	{"findings", N_("CASE [--json] [--confirm|--dismiss|--reopen ID --reason TEXT]"), N_("documented issues the evidence matches, and why"), cmd_findings},
	{"checklist", N_("CASE [ID] [--done STEP] [--skip STEP] [--answer STEP=VALUE] [--note STEP=TEXT] [--json]"), N_("show or drive a guided checklist"), cmd_checklist},
	{"note", N_("CASE TEXT"), N_("add a note to a case"), cmd_note},
	{"report", N_("CASE [--format md|html|txt|json] [-o FILE] [--now] [--lang ja]"), N_("export a case report"), cmd_report},
	{"kb", N_("list|show ID|search REGEX|lint [--json]"), N_("browse and check the knowledge base"), cmd_kb},
	{"sql", N_("CASE 'SELECT ...'"), N_("run a read-only SQL query on a case"), cmd_sql},
	{"triage", N_("FILE... [--json]"), N_("import into a temporary case, match, print findings"), cmd_triage},
	{NULL, NULL, NULL, NULL},
};

static const struct cli_cmd *
find_cmd(const char *name)
{
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int
cli_usage(const char *cmd, const char *fmt, ...)
{
	const struct cli_cmd *c = find_cmd(cmd);
	va_list ap;

	fprintf(stderr, "wb %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c)
		fprintf(stderr, _("Usage: wb %s %s\n"), c->name, _(c->args));
	return EXIT_USAGE;
}

int
cli_help(const char *cmd, const char *details)
{
	const struct cli_cmd *c = find_cmd(cmd);

	if (c)
		printf(_("Usage: wb %s %s\n%s.\n"), c->name, _(c->args), _(c->summary));
	if (details)
		printf("\n%s", details);
	return EXIT_OK;
}

int
cli_fail(const struct wb_err *err)
{
	fprintf(stderr, "wb: %s\n", err->msg);
	return EXIT_FAILED;
}

wb_case *
cli_open_case(const char *name, int flags)
{
	struct wb_err err;
	wb_case *c;
	char *path = case_resolve_path(name, &err);

	if (!path) {
		cli_fail(&err);
		return NULL;
	}
	/* Opening a colleague's case file is a deliberate act. */
	if (getenv("WB_ALLOW_FOREIGN") && !strcmp(getenv("WB_ALLOW_FOREIGN"), "1"))
		flags |= CASE_ALLOW_FOREIGN;
	if (case_open(path, flags, NULL, NULL, &c, &err) < 0) {
		cli_fail(&err);
		c = NULL;
	}
	free(path);
	return c;
}

int
cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

int
cmd_unavailable(int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_help(argv[0], _("This command is not available in this build of wb yet.\n"));
	fprintf(stderr, _("wb %s: not available in this build of wb yet\n"), argv[0]);
	return EXIT_FAILED;
}

static void
usage(FILE *out)
{
	fprintf(out, _("Usage: wb COMMAND [ARGS]   (wb COMMAND --help for details)\n\n"));
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, _(c->summary));
	fprintf(out, _("\nCases are files: a bare CASE name means $WB_CASES/CASE.wb "
		       "(default ~/.local/share/wb/cases).\n"));
}

int
main(int argc, char **argv)
{
	const struct cli_cmd *c;

	setlocale(LC_ALL, "");
#if ENABLE_NLS
	bindtextdomain(PACKAGE, getenv("WB_LOCALEDIR") ? getenv("WB_LOCALEDIR") : LOCALEDIR);
	textdomain(PACKAGE);
#endif
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("wb %s\n", PACKAGE_VERSION);
#ifdef HAVE_MIMALLOC
		printf("mimalloc %d.%d.%d (the allocator)\n", mi_version() / 100,
		       mi_version() / 10 % 10, mi_version() % 10);
#endif
		return EXIT_OK;
	}
	if (!(c = find_cmd(argv[1]))) {
		fprintf(stderr, _("wb: unknown command '%s'\n"), argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}
