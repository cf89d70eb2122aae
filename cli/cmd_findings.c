/* wb findings, wb triage, and the re-match after wb import. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/jsonout.h"
#include "../core/sanitize.h"
#include "../importers/importer.h"
#include "../kb/kb.h"
#include "../kb/match.h"
#include "cli.h"

static const char findings_help[] = N_(
	"Matches the case's facts against the knowledge base (the findings are\n"
	"stored in the case) and prints them best first: proposed (open) articles,\n"
	"then partial ones (some required evidence not collected yet), then the\n"
	"ruled-out ones with the facts that rule them out.\n\n"
	"  --json              array of {article, title, score, state, hits, missing, ...}\n"
	"  --lang ja           Japanese titles and labels where the article has them\n"
	"  --confirm ID        confirm a finding (needs --reason)\n"
	"  --dismiss ID        dismiss a finding (needs --reason)\n"
	"  --reopen ID         undo a confirm or dismiss (needs --reason)\n"
	"  --reason TEXT       why; kept in the case and its audit log\n\n"
	"Decisions survive re-runs: matching again never undoes them.\n");

static char *
clean(const char *s)
{
	return sanitize_dup(s ? s : "", SANITIZE_TABS_AS_SPACE);
}

static void
print_facts(const struct match_clause *mc)
{
	size_t shown = 0;

	for (size_t i = 0; i < mc->nfacts && shown < 3; i++, shown++) {
		const struct match_fact *f = &mc->facts[i];
		char *v = clean(f->value);

		if (f->ref_table)
			printf(_("                 %s = %s  (fact %lld, evidence %lld, %s #%lld)\n"), f->key, v,
			       (long long)f->id, (long long)f->evidence_id, f->ref_table, (long long)f->ref_id);
		else
			printf(_("                 %s = %s  (fact %lld, evidence %lld)\n"), f->key, v,
			       (long long)f->id, (long long)f->evidence_id);
		free(v);
	}
	if (mc->nfacts > shown || mc->more)
		printf(_("                 ... %lld%s matching rows in all\n"), (long long)mc->count, mc->more ? "+" : "");
}

static void
print_finding(size_t rank, const struct match_finding *f, const char *decision, const char *reason,
	      const char *lang)
{
	printf("%2zu. %-30s %-10s %s %g   %s\n", rank, f->article->id, decision ? decision : match_state_name(f->state),
	       _("score"), f->score, kb_text_get(&f->article->title, lang));
	if (decision && reason) {
		char *r = clean(reason);

		printf(_("    decision: %s (%s)\n"), decision, r);
		free(r);
	}
	for (size_t i = 0; i < f->nclauses; i++) {
		const struct match_clause *mc = &f->clauses[i];
		const struct kb_clause *c = mc->clause;
		const char *label = kb_text_get(&c->label, lang);

		if (mc->state == MATCH_HIT) {
			printf("    %s %-8s %s\n", c->kind == KB_EXCLUDE ? "x" : "+",
			       c->kind == KB_EXCLUDE ? _("ruled out") : kb_clause_kind_name(c->kind), label);
			print_facts(mc);
		} else if (mc->state == MATCH_MISSING && c->kind != KB_EXCLUDE) {
			printf("    ? %-8s %s\n", _("missing"), label);
			if (c->collect.en)
				printf(_("                 collect: %s\n"), kb_text_get(&c->collect, lang));
		} else if (mc->state == MATCH_FAILED && c->kind == KB_SUPPORT) {
			printf("    - %-8s %s\n", _("not seen"), label);
		}
	}
	if (f->why_rank)
		printf(_("    why lower: %s\n"), f->why_rank);
	printf("\n");
}

/* Print (or JSON) a match result with the case's decisions. */
static int
print_result(wb_case *c, const struct match_result *r, bool json, const char *lang)
{
	json_t *arr = json ? json_array() : NULL;

	if (!json && !r->n)
		printf(_("No documented issue matches the evidence yet.\n"));
	for (size_t i = 0; i < r->n; i++) {
		const struct match_finding *f = &r->findings[i];
		char *reason = NULL, *decision = c ? match_decision(c, f->article->id, &reason) : NULL;

		if (json)
			json_array_append_new(arr, match_finding_json(f, decision, lang));
		else
			print_finding(i + 1, f, decision, reason, lang);
		free(decision);
		free(reason);
	}
	if (json)
		return jsonout_print(arr, stdout) < 0 ? EXIT_FAILED : EXIT_OK;
	return EXIT_OK;
}

int
cli_rematch(wb_case *c, bool quiet)
{
	struct wb_kb *kb;
	struct match_result r;
	struct wb_err err;

	if (kb_open_default(&kb, &err) < 0) {
		if (!quiet)
			fprintf(stderr, _("wb: findings not updated: %s\n"), err.msg);
		return -1;
	}
	if (match_run(c, kb, &r, &err) < 0) {
		fprintf(stderr, _("wb: findings not updated: %s\n"), err.msg);
		kb_free(kb);
		return -1;
	}
	if (!quiet) {
		size_t open = 0;

		for (size_t i = 0; i < r.n; i++)
			open += r.findings[i].state == MATCH_OPEN;
		/* stderr: stdout stays the import report scripts read. */
		if (open)
			fprintf(stderr, _("findings: %zu proposed, best %s (wb findings %s)\n"), open,
				r.findings[0].article->id, case_name(c));
	}
	match_result_fini(&r);
	kb_free(kb);
	return 0;
}

int
cmd_findings(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"lang", required_argument, NULL, 'L'},
		{"confirm", required_argument, NULL, 'c'},
		{"dismiss", required_argument, NULL, 'd'},
		{"reopen", required_argument, NULL, 'o'},
		{"reason", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *lang = NULL, *article = NULL, *state = NULL, *reason = NULL;
	bool json = false;
	struct wb_kb *kb;
	struct match_result r;
	struct wb_err err;
	wb_case *c;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'L': lang = optarg; break;
		case 'c': case 'd': case 'o':
			if (article)
				return cli_usage("findings", _("one decision at a time"));
			article = optarg;
			state = ch == 'c' ? "confirmed" : ch == 'd' ? "dismissed" : "reopened";
			break;
		case 'r': reason = optarg; break;
		case 'h': return cli_help("findings", _(findings_help));
		default: return cli_usage("findings", _("unknown option"));
		}
	}
	if (optind != argc - 1)
		return cli_usage("findings", optind >= argc ? _("missing CASE") : _("too many arguments"));
	if (article && (!reason || !*reason))
		return cli_usage("findings", _("--%s needs --reason TEXT"), !strcmp(state, "confirmed") ? "confirm" :
				 !strcmp(state, "dismissed") ? "dismiss" : "reopen");
	if (reason && !article)
		return cli_usage("findings", _("--reason goes with --confirm, --dismiss or --reopen"));
	if (kb_open_default(&kb, &err) < 0)
		return cli_fail(&err);
	if (article && !kb_find(kb, article)) {
		fprintf(stderr, _("wb findings: no article '%s' in the knowledge base\n"), article);
		kb_free(kb);
		return EXIT_FAILED;
	}
	if (!(c = cli_open_case(argv[optind], 0))) {
		kb_free(kb);
		return EXIT_FAILED;
	}
	if (article) {
		rc = match_decide(c, article, state, reason, &err) < 0 ? cli_fail(&err) : EXIT_OK;
		if (rc == EXIT_OK && !json)
			printf(_("%s: %s\n"), article, state);
		if (rc != EXIT_OK || !json) {
			case_close(c);
			kb_free(kb);
			return rc;
		}
	}
	if (match_run(c, kb, &r, &err) < 0) {
		rc = cli_fail(&err);
	} else {
		rc = print_result(c, &r, json, lang);
		match_result_fini(&r);
	}
	case_close(c);
	kb_free(kb);
	return rc;
}

static const char triage_help[] = N_(
	"Imports each FILE into a temporary case, matches it against the knowledge\n"
	"base, prints the findings and removes the temporary case.\n\n"
	"  --json        findings as JSON (as wb findings --json)\n"
	"  --lang ja     Japanese titles and labels where the article has them\n");

static void
remove_case_files(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		char *p = xasprintf("%s%s", path, suffixes[i]);

		unlink(p);
		free(p);
	}
}

int
cmd_triage(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"lang", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct wb_import_opts io = {.lenient = true};
	const char *lang = NULL, *tmpbase = getenv("TMPDIR");
	bool json = false;
	char *dir, *path;
	struct wb_kb *kb;
	struct match_result r;
	struct wb_err err;
	wb_case *c;
	int ch, rc = EXIT_OK, imported = 0;

	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'L': lang = optarg; break;
		case 'h': return cli_help("triage", _(triage_help));
		default: return cli_usage("triage", _("unknown option"));
		}
	}
	if (optind >= argc)
		return cli_usage("triage", _("missing FILE"));
	if (kb_open_default(&kb, &err) < 0)
		return cli_fail(&err);
	dir = xasprintf("%s/wb-triage.XXXXXX", tmpbase && *tmpbase ? tmpbase : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, _("wb triage: cannot create a temporary directory: %s\n"), strerror(errno));
		free(dir);
		kb_free(kb);
		return EXIT_FAILED;
	}
	path = xasprintf("%s/triage.wb", dir);
	if (case_open(path, CASE_CREATE | CASE_MUST_NOT_EXIST, "triage", NULL, &c, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		const struct wb_importer *used;
		int64_t id;

		if (importer_run(c, argv[i], &io, &id, &used, &err) < 0) {
			cli_fail(&err);
			rc = EXIT_FAILED;
			continue;
		}
		imported++;
		if (!json)
			fprintf(stderr, _("%s: imported as %s\n"), argv[i], used->name);
	}
	if (imported && match_run(c, kb, &r, &err) == 0) {
		if (print_result(NULL, &r, json, lang) != EXIT_OK)
			rc = EXIT_FAILED;
		match_result_fini(&r);
	} else if (imported) {
		rc = cli_fail(&err);
	}
	case_close(c);
out:
	remove_case_files(path);
	rmdir(dir);
	free(path);
	free(dir);
	kb_free(kb);
	return rc;
}
