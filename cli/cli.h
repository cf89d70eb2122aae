/*
 * cli.h: the `wb` command line.  One table of subcommands (cli/main.c); each
 * subcommand is a function in a cli/cmd_*.c file that parses its own options
 * with getopt_long, prints results on stdout and errors on stderr, and
 * returns the exit status: 0 ok, 1 the operation failed, 2 usage error.
 */
#ifndef WB_CLI_H
#define WB_CLI_H

#include "../core/case.h"
#include "../core/util.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

struct cli_cmd {
	const char *name;
	const char *args;	/* usage after "wb NAME " */
	const char *summary;	/* one line for `wb --help` */
	int (*run)(int argc, char **argv);
};

extern const struct cli_cmd cli_commands[];	/* ends with {NULL} */

/* Print "wb CMD: message" and the command's usage on stderr; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the command's --help text on stdout; returns 0. */
int cli_help(const char *cmd, const char *details);
/* Print "wb: message" on stderr; returns 1. */
int cli_fail(const struct wb_err *err);
/* Resolve a case name and open it; prints the error and returns NULL. */
wb_case *cli_open_case(const char *name, int flags);
/* True when argv has -h/--help before "--". */
int cli_wants_help(int argc, char **argv);

/* Subcommands. */
int cmd_new(int argc, char **argv);
int cmd_open(int argc, char **argv);
int cmd_note(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_facts(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_sql(int argc, char **argv);
int cmd_retime(int argc, char **argv);
int cmd_unavailable(int argc, char **argv);
int cmd_kb(int argc, char **argv);
int cmd_findings(int argc, char **argv);
int cmd_checklist(int argc, char **argv);
int cmd_triage(int argc, char **argv);
int cmd_report(int argc, char **argv);
/* Re-run matching on a case (after an import); unless quiet, says on stderr
 * how many articles are proposed, if any.  Returns 0, or -1 when the KB or matching failed (said on
 * stderr; the import itself stands). */
int cli_rematch(wb_case *c, bool quiet);

#endif
