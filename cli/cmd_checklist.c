/* wb checklist: show, start, resume and drive guided sessions. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/jsonout.h"
#include "../core/sanitize.h"
#include "../kb/checklist.h"
#include "../kb/kb.h"
#include "cli.h"

static const char checklist_help[] = N_(
	"Without ID: the sessions started in the case and the playbooks to start\n"
	"from.  With ID (a playbook or an article): starts the session if needed,\n"
	"applies the actions in the order given, and shows every step with its\n"
	"state; collect and check steps tick themselves as evidence arrives.\n\n"
	"  --done STEP           mark a step done\n"
	"  --skip STEP           mark a step skipped\n"
	"  --answer STEP=VALUE   answer a question (decides which steps follow)\n"
	"  --note STEP=TEXT      add a note to a step\n"
	"  --json                the session as JSON\n"
	"  --lang ja             Japanese text where the article has it\n");

/* The actions given on the command line, in order. */
enum action_kind { ACT_DONE, ACT_SKIP, ACT_ANSWER, ACT_NOTE };
struct action {
	enum action_kind kind;
	const char *arg;
};

static int
apply(wb_case *c, const struct kb_article *a, const struct action *act, struct wb_err *err)
{
	const char *eq;
	char *step;
	int rc;

	switch (act->kind) {
	case ACT_DONE: return checklist_mark(c, a, act->arg, "done", err);
	case ACT_SKIP: return checklist_mark(c, a, act->arg, "skipped", err);
	default: break;
	}
	if (!(eq = strchr(act->arg, '=')) || eq == act->arg)
		return wb_errf(err, _("expected STEP=%s, got '%s'"), act->kind == ACT_ANSWER ? "VALUE" : "TEXT", act->arg);
	step = xstrndup(act->arg, (size_t)(eq - act->arg));
	rc = act->kind == ACT_ANSWER ? checklist_answer(c, a, step, eq + 1, err) : checklist_note(c, a, step, eq + 1, err);
	free(step);
	return rc;
}

static json_t *
session_json(const struct cl_session *s, const char *lang)
{
	json_t *steps = json_array();

	for (size_t i = 0; i < s->n; i++) {
		const struct cl_step *cs = &s->steps[i];
		const struct kb_step *st = cs->step;
		json_t *notes = json_array(), *facts = json_array();
		json_t *j;

		for (size_t k = 0; k < cs->nnotes; k++)
			json_array_append_new(notes, jsonout_str(cs->notes[k]));
		for (size_t k = 0; k < cs->check.nfacts; k++) {
			const struct match_fact *f = &cs->check.facts[k];

			json_array_append_new(facts, json_pack("{s:I, s:I, s:o, s:I, s:o, s:o}", "id", (json_int_t)f->id,
							       "evidence_id", (json_int_t)f->evidence_id,
							       "ref_table", jsonout_str(f->ref_table), "ref_id", (json_int_t)f->ref_id,
							       "key", jsonout_str(f->key), "value", jsonout_str(f->value)));
		}
		j = json_pack("{s:s, s:s, s:o, s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "id", st->id,
			      "kind", kb_step_kind_name(st->kind), "text", jsonout_str(kb_text_get(&st->text, lang)),
			      "state", cl_state_name(cs->state), "automatic", cs->automatic,
			      "answer", jsonout_str(cs->answer), "user", jsonout_str(cs->user), "at", jsonout_str(cs->at),
			      "command", jsonout_str(st->command), "notes", notes, "facts", facts);
		if (st->nanswers) {
			json_t *ans = json_array();

			for (size_t k = 0; k < st->nanswers; k++)
				json_array_append_new(ans, json_string(st->answers[k]));
			json_object_set_new(j, "answers", ans);
		}
		json_array_append_new(steps, j);
	}
	return json_pack("{s:s, s:o, s:s, s:b, s:o, s:o, s:o, s:o}", "list", s->list->id,
			 "title", jsonout_str(kb_text_get(&s->list->title, lang)), "kind", kb_kind_name(s->list->kind),
			 "started", s->started, "started_by", jsonout_str(s->started_by),
			 "started_at", jsonout_str(s->started_at),
			 "next", s->next < s->n ? json_string(s->steps[s->next].step->id) : json_null(), "steps", steps);
}

static const char *const marks[] = {
	[CL_PENDING] = "[ ]", [CL_DONE] = "[x]", [CL_SKIPPED] = "[-]",
	[CL_FAILED] = "[!]", [CL_ANSWERED] = "[=]", [CL_HIDDEN] = "   ",
};

static void
session_text(const struct cl_session *s, const char *lang)
{
	printf("%s  %s\n", s->list->id, kb_text_get(&s->list->title, lang));
	if (s->started)
		printf(_("started by %s at %s\n"), s->started_by ? s->started_by : "?", s->started_at ? s->started_at : "?");
	printf("\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct cl_step *cs = &s->steps[i];
		const struct kb_step *st = cs->step;

		if (cs->state == CL_HIDDEN)
			continue;
		printf("%s %s%-20s %-7s %s\n", marks[cs->state], i == s->next ? "> " : "  ", st->id,
		       kb_step_kind_name(st->kind), kb_text_get(&st->text, lang));
		if (st->command)
			printf("        $ %s\n", st->command);
		if (st->kind == KB_STEP_ASK && cs->state != CL_ANSWERED) {
			printf(_("        answer with --answer %s=VALUE, one of:"), st->id);
			for (size_t k = 0; k < st->nanswers; k++)
				printf(" %s", st->answers[k]);
			printf("\n");
		}
		if (cs->answer)
			printf(_("        answer: %s\n"), cs->answer);
		if (cs->automatic)
			printf(_("        %s by the evidence\n"), cl_state_name(cs->state));
		else if (cs->user && cs->state != CL_PENDING)
			printf(_("        %s by %s at %s\n"), cl_state_name(cs->state), cs->user, cs->at ? cs->at : "?");
		for (size_t k = 0; k < cs->check.nfacts && k < 3; k++) {
			char *v = sanitize_dup(cs->check.facts[k].value ? cs->check.facts[k].value : "", SANITIZE_TABS_AS_SPACE);

			if (cs->check.facts[k].ref_table)
				printf(_("        evidence: %s = %s (evidence %lld, %s #%lld)\n"), cs->check.facts[k].key, v,
				       (long long)cs->check.facts[k].evidence_id, cs->check.facts[k].ref_table,
				       (long long)cs->check.facts[k].ref_id);
			else
				printf(_("        evidence: %s = %s (evidence %lld)\n"), cs->check.facts[k].key, v,
				       (long long)cs->check.facts[k].evidence_id);
			free(v);
		}
		for (size_t k = 0; k < cs->nnotes; k++) {
			char *n = sanitize_dup(cs->notes[k], SANITIZE_TABS_AS_SPACE);

			printf(_("        note: %s\n"), n);
			free(n);
		}
	}
	if (s->next == s->n)
		printf(_("\nAll visible steps are settled.\n"));
}

static int
list_sessions(wb_case *c, const struct wb_kb *kb, bool json, const char *lang)
{
	char **ids = checklist_sessions(c);
	json_t *sessions = json_array(), *playbooks = json_array();

	if (!json)
		printf(_("Sessions in this case:\n"));
	for (size_t i = 0; ids[i]; i++) {
		const struct kb_article *a = kb_find(kb, ids[i]);
		struct cl_session s;
		struct wb_err err;
		size_t settled = 0, visible = 0;

		if (!a || checklist_load(c, a, &s, &err) < 0) {
			free(ids[i]);
			continue;
		}
		for (size_t k = 0; k < s.n; k++) {
			visible += s.steps[k].state != CL_HIDDEN;
			settled += s.steps[k].state != CL_HIDDEN && s.steps[k].state != CL_PENDING;
		}
		if (json)
			json_array_append_new(sessions, json_pack("{s:s, s:i, s:i}", "list", a->id, "settled", (int)settled,
								  "steps", (int)visible));
		else
			printf("  %-32s %zu/%zu  %s\n", a->id, settled, visible, kb_text_get(&a->title, lang));
		checklist_fini(&s);
		free(ids[i]);
	}
	free(ids);
	if (!json && !json_array_size(sessions))
		printf(_("  (none yet)\n"));
	if (!json)
		printf(_("\nPlaybooks to start from (wb checklist %s ID):\n"), case_name(c));
	for (size_t i = 0; i < kb->n; i++) {
		const struct kb_article *a = kb->articles[i];

		if (a->kind != KB_PLAYBOOK)
			continue;
		if (json)
			json_array_append_new(playbooks, json_pack("{s:s, s:o}", "id", a->id,
								   "title", jsonout_str(kb_text_get(&a->title, lang))));
		else
			printf("  %-32s %s\n", a->id, kb_text_get(&a->title, lang));
	}
	if (json)
		return jsonout_print(json_pack("{s:o, s:o}", "sessions", sessions, "playbooks", playbooks), stdout) < 0 ?
			       EXIT_FAILED : EXIT_OK;
	json_decref(sessions);
	json_decref(playbooks);
	return EXIT_OK;
}

int
cmd_checklist(int argc, char **argv)
{
	static const struct option opts[] = {
		{"done", required_argument, NULL, 'd'},
		{"skip", required_argument, NULL, 's'},
		{"answer", required_argument, NULL, 'a'},
		{"note", required_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		{"lang", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct action *acts = xcalloc((size_t)argc + 1, sizeof *acts);
	size_t nacts = 0;
	const char *lang = NULL;
	bool json = false;
	const struct kb_article *a;
	struct wb_kb *kb = NULL;
	struct cl_session s;
	struct wb_err err;
	wb_case *c = NULL;
	int ch, rc = EXIT_OK;

	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': acts[nacts++] = (struct action){.kind = ACT_DONE, .arg = optarg}; break;
		case 's': acts[nacts++] = (struct action){.kind = ACT_SKIP, .arg = optarg}; break;
		case 'a': acts[nacts++] = (struct action){.kind = ACT_ANSWER, .arg = optarg}; break;
		case 'n': acts[nacts++] = (struct action){.kind = ACT_NOTE, .arg = optarg}; break;
		case 'j': json = true; break;
		case 'L': lang = optarg; break;
		case 'h': free(acts); return cli_help("checklist", _(checklist_help));
		default: free(acts); return cli_usage("checklist", _("unknown option"));
		}
	}
	if (optind >= argc || argc - optind > 2) {
		free(acts);
		return cli_usage("checklist", optind >= argc ? _("missing CASE") : _("too many arguments"));
	}
	if (nacts && argc - optind != 2) {
		free(acts);
		return cli_usage("checklist", _("--done, --skip, --answer and --note need a checklist ID"));
	}
	if (kb_open_default(&kb, &err) < 0) {
		free(acts);
		return cli_fail(&err);
	}
	if (!(c = cli_open_case(argv[optind], 0))) {
		rc = EXIT_FAILED;
		goto out;
	}
	if (argc - optind == 1) {
		rc = list_sessions(c, kb, json, lang);
		goto out;
	}
	if (!(a = kb_find(kb, argv[optind + 1])) || !a->nsteps) {
		fprintf(stderr, a ? _("wb checklist: %s has no checklist\n") : _("wb checklist: no article or playbook '%s'\n"),
			argv[optind + 1]);
		rc = EXIT_FAILED;
		goto out;
	}
	if (checklist_load(c, a, &s, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (!s.started && checklist_start(c, a, &err) < 0) {
		checklist_fini(&s);
		rc = cli_fail(&err);
		goto out;
	}
	checklist_fini(&s);
	for (size_t i = 0; i < nacts; i++)
		if (apply(c, a, &acts[i], &err) < 0) {
			rc = cli_fail(&err);
			goto out;
		}
	if (checklist_load(c, a, &s, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	if (json)
		rc = jsonout_print(session_json(&s, lang), stdout) < 0 ? EXIT_FAILED : EXIT_OK;
	else
		session_text(&s, lang);
	checklist_fini(&s);
out:
	if (c)
		case_close(c);
	kb_free(kb);
	free(acts);
	return rc;
}
