/* wb open: the terminal UI on a case (offers to create a missing one). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tui/tui.h"
#include "cli.h"

/* Ask on the terminal whether to create path; false without a terminal. */
static bool
ask_create(const char *path)
{
	char answer[16];

	if (!isatty(STDIN_FILENO))
		return false;
	fprintf(stderr, _("There is no case at %s. Create it? [y/N] "), path);
	fflush(stderr);
	if (!fgets(answer, sizeof answer, stdin))
		return false;
	return answer[0] == 'y' || answer[0] == 'Y';
}

int
cmd_open(int argc, char **argv)
{
	static const struct option opts[] = {
		{"create", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct wb_err err;
	struct stat st;
	wb_case *c;
	char *path;
	int ch, flags = 0, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': flags |= CASE_CREATE; break;
		case 'h': return cli_help("open", _("Opens CASE in the terminal UI; press ? there for the keys.\n"
						    "--create makes the case when it does not exist (else wb asks).\n"
						    "Keys can be changed in $XDG_CONFIG_HOME/wb/config (docs/TUI.md).\n"));
		default: return cli_usage("open", _("unknown option"));
		}
	}
	if (optind != argc - 1)
		return cli_usage("open", optind >= argc ? _("missing CASE") : _("too many arguments"));
	if (!(path = case_resolve_path(argv[optind], &err)))
		return cli_fail(&err);
	if (!(flags & CASE_CREATE) && lstat(path, &st) < 0 && ask_create(path))
		flags |= CASE_CREATE;
	if (case_open(path, flags, NULL, NULL, &c, &err) < 0) {
		free(path);
		return cli_fail(&err);
	}
	free(path);
	rc = tui_run(c, &err);
	case_close(c);
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}
