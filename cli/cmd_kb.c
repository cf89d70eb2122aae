/* wb kb: list, show, search and lint the knowledge base. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/jsonout.h"
#include "../kb/kb.h"
#include "../kb/lint.h"
#include "cli.h"

static const char kb_help[] = N_(
	"  list             every article: id, kind, English and Japanese title\n"
	"  show ID          one article: summary, applicability, cause, resolution,\n"
	"                   references, signature and checklist\n"
	"  search REGEX     articles whose id, titles, summaries, symptoms, cause\n"
	"                   or KB numbers match (PCRE2, caseless)\n"
	"  lint [FILE...]   check the articles (or the given YAML files)\n"
	"  --json           one JSON document on stdout\n"
	"  --lang ja        show Japanese text where the article has it\n\n"
	"The knowledge base is $WB_KB, else the installed kb.sqlite, plus the\n"
	"articles in $XDG_CONFIG_HOME/wb/kb (NAME.yaml), which add or override.\n");

static void
print_text(const char *label, const struct kb_text *t, const char *lang)
{
	const char *s = kb_text_get(t, lang);

	if (*s)
		printf("%s:\n%s\n\n", label, s);
}

static json_t *
list_json(const struct kb_article *const *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o, s:b}", "id", v[i]->id,
						     "kind", kb_kind_name(v[i]->kind),
						     "title_en", jsonout_str(v[i]->title.en),
						     "title_ja", jsonout_str(v[i]->title.ja), "user", v[i]->user));
	return arr;
}

static void
list_text(const struct kb_article *const *v, size_t n, const char *lang)
{
	for (size_t i = 0; i < n; i++)
		printf("%-32s %-8s %s%s\n", v[i]->id, kb_kind_name(v[i]->kind), kb_text_get(&v[i]->title, lang),
		       v[i]->user ? _(" (user)") : "");
}

static void
cond_text(struct wb_buf *b, const struct kb_cond *c)
{
	for (size_t k = 0; k < c->nkeys; k++)
		buf_printf(b, "%s%s", k ? "|" : "", c->keys[k]);
	for (size_t i = 0; i < c->ntests; i++) {
		const struct kb_test *t = &c->tests[i];

		buf_printf(b, " %s ", kb_op_name(t->op));
		if (t->op == KB_OP_IN) {
			buf_puts(b, "{");
			for (size_t k = 0; k < t->nset; k++)
				buf_printf(b, "%s%s", k ? ", " : "", t->set[k]);
			buf_puts(b, "}");
		} else if (t->str) {
			buf_printf(b, "'%s'", t->str);
		} else {
			buf_printf(b, "%lld", (long long)t->num);
		}
	}
}

static void
clause_text(struct wb_buf *b, const struct kb_clause *c)
{
	for (size_t i = 0; i < c->nalts; i++) {
		buf_puts(b, i ? " OR " : "");
		if (c->alts[i].nconds > 1)
			buf_puts(b, "same row [");
		for (size_t j = 0; j < c->alts[i].nconds; j++) {
			if (j)
				buf_puts(b, "; ");
			cond_text(b, &c->alts[i].conds[j]);
		}
		if (c->alts[i].nconds > 1)
			buf_puts(b, "]");
	}
	if (c->min_count > 1)
		buf_printf(b, _(" (at least %d times)"), c->min_count);
}

static void
show_text(const struct kb_article *a, const char *lang)
{
	printf("%s  [%s]%s\n%s\n\n", a->id, kb_kind_name(a->kind), a->user ? _(" (user folder)") : "",
	       kb_text_get(&a->title, lang));
	print_text(_("Summary"), &a->summary, lang);
	if (a->nsymptoms) {
		printf("%s:\n", _("Symptoms"));
		for (size_t i = 0; i < a->nsymptoms; i++)
			printf("  - %s\n", kb_text_get(&a->symptoms[i], lang));
		printf("\n");
	}
	if (a->nproducts || a->nbuilds || a->fixed_in.en) {
		printf("%s:\n", _("Applies to"));
		for (size_t i = 0; i < a->nproducts; i++)
			printf("  - %s\n", a->products[i]);
		if (a->nbuilds) {
			printf(_("  builds:"));
			for (size_t i = 0; i < a->nbuilds; i++)
				printf(" %s", a->builds[i]);
			printf("\n");
		}
		if (a->fixed_in.en)
			printf(_("  fixed in: %s\n"), kb_text_get(&a->fixed_in, lang));
		printf("\n");
	}
	print_text(_("Cause"), &a->cause, lang);
	print_text(_("Resolution"), &a->resolution, lang);
	print_text(_("Caveats"), &a->caveats, lang);
	if (a->nrefs || a->nkbs) {
		printf("%s:\n", _("References"));
		for (size_t i = 0; i < a->nrefs; i++)
			printf("  - %s%s%s\n", a->refs[i].title, a->refs[i].url ? " " : "", a->refs[i].url ? a->refs[i].url : "");
		if (a->nkbs) {
			printf("  KB:");
			for (size_t i = 0; i < a->nkbs; i++)
				printf(" %s", a->kbs[i]);
			printf("\n");
		}
		printf("\n");
	}
	if (a->nclauses) {
		printf("%s:\n", _("Signature"));
		for (size_t i = 0; i < a->nclauses; i++) {
			const struct kb_clause *c = &a->clauses[i];
			struct wb_buf b = {0};

			clause_text(&b, c);
			printf("  %-7s %-18s %s", kb_clause_kind_name(c->kind), c->id, kb_text_get(&c->label, lang));
			if (c->kind != KB_EXCLUDE)
				printf(_(" (weight %g)"), c->weight);
			printf("\n          %s\n", b.data);
			if (c->nevidence) {
				buf_reset(&b);
				for (size_t k = 0; k < c->nevidence; k++) {
					if (k)
						buf_puts(&b, " OR ");
					cond_text(&b, &c->evidence[k]);
				}
				printf(_("          (collected when: %s)\n"), b.data);
			}
			buf_fini(&b);
		}
		printf("\n");
	}
	if (a->nsteps) {
		printf("%s:\n", _("Checklist"));
		for (size_t i = 0; i < a->nsteps; i++) {
			const struct kb_step *s = &a->steps[i];

			printf("  %2zu. %-7s %-20s %s\n", i + 1, kb_step_kind_name(s->kind), s->id, kb_text_get(&s->text, lang));
			if (s->if_step)
				printf(_("               only if %s = %s\n"), s->if_step, s->if_answer);
			if (s->command)
				printf("               $ %s\n", s->command);
			if (s->nanswers) {
				printf(_("               answers:"));
				for (size_t k = 0; k < s->nanswers; k++)
					printf(" %s", s->answers[k]);
				printf("\n");
			}
		}
	}
}

struct lint_out {
	json_t *arr;
	int warnings;
};

static void
lint_report(void *ctx, const struct kb_article *a, int line, enum lint_level level, const char *msg)
{
	struct lint_out *o = ctx;
	const char *lv = level == LINT_ERROR ? "error" : "warning";

	if (level == LINT_WARNING)
		o->warnings++;
	if (o->arr) {
		json_array_append_new(o->arr, json_pack("{s:s, s:s, s:i, s:s, s:s}", "article", a->id, "file", a->file,
							"line", line, "level", lv, "message", msg));
		return;
	}
	if (line)
		printf("%s:%d: %s: %s\n", a->file, line, lv, msg);
	else
		printf("%s: %s: %s\n", a->file, lv, msg);
}

static int
kb_lint_cmd(struct wb_kb *kb, char **files, int nfiles, bool json)
{
	struct lint_out o = {.arr = json ? json_array() : NULL};
	struct wb_kb *only = NULL;
	int errors = 0;

	if (nfiles) {
		/* Lint the given files against the KB (for cross references). */
		only = kb_new();
		for (int i = 0; i < nfiles; i++) {
			struct kb_article *a;
			struct wb_err err;

			if (kb_parse_file(files[i], &a, &err) < 0) {
				if (o.arr)
					json_array_append_new(o.arr, json_pack("{s:s, s:s, s:s}", "file", files[i],
									       "level", "error", "message", err.msg));
				else
					printf("%s\n", err.msg);
				errors++;
				continue;
			}
			kb_add(only, a);
		}
		for (size_t i = 0; i < only->n; i++) {
			struct kb_article *copy;
			struct wb_err err;

			if (kb_parse_json(only->articles[i]->doc, only->articles[i]->file, &copy, &err) == 0)
				kb_add(kb, copy);
		}
		for (size_t i = 0; i < only->n; i++)
			errors += kb_lint_article(kb, only->articles[i], lint_report, &o);
		kb_free(only);
	} else {
		/* Articles whose source file is at hand are linted from it, so
		 * problems come with their line numbers. */
		for (size_t i = 0; i < kb->n; i++) {
			struct kb_article *src = NULL;
			struct wb_err err;

			if (access(kb->articles[i]->file, R_OK) == 0 && kb_parse_file(kb->articles[i]->file, &src, &err) == 0 &&
			    !strcmp(src->id, kb->articles[i]->id)) {
				src->user = kb->articles[i]->user;
				errors += kb_lint_article(kb, src, lint_report, &o);
			} else {
				errors += kb_lint_article(kb, kb->articles[i], lint_report, &o);
			}
			kb_article_free(src);
		}
	}
	if (o.arr) {
		json_t *doc = json_pack("{s:i, s:i, s:o}", "errors", errors, "warnings", o.warnings, "problems", o.arr);

		jsonout_print(doc, stdout);
	} else {
		printf(_("%d errors, %d warnings in %zu articles\n"), errors, o.warnings, nfiles ? (size_t)nfiles : kb->n);
	}
	return errors ? EXIT_FAILED : EXIT_OK;
}

int
cmd_kb(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"lang", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool json = false;
	const char *lang = NULL, *sub;
	struct wb_kb *kb;
	struct wb_err err;
	int ch, rc = EXIT_OK;

	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'L': lang = optarg; break;
		case 'h': return cli_help("kb", _(kb_help));
		default: return cli_usage("kb", _("unknown option"));
		}
	}
	if (optind >= argc)
		return cli_usage("kb", _("missing subcommand (list, show, search, lint)"));
	sub = argv[optind++];
	if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "search") && strcmp(sub, "lint"))
		return cli_usage("kb", _("unknown subcommand '%s' (list, show, search, lint)"), sub);
	if ((!strcmp(sub, "show") || !strcmp(sub, "search")) && optind != argc - 1)
		return cli_usage("kb", _("%s needs exactly one argument"), sub);
	if (!strcmp(sub, "list") && optind != argc)
		return cli_usage("kb", _("list takes no argument"));
	if (kb_open_default(&kb, &err) < 0)
		return cli_fail(&err);
	if (!strcmp(sub, "list")) {
		if (json)
			jsonout_print(list_json((const struct kb_article *const *)kb->articles, kb->n), stdout);
		else
			list_text((const struct kb_article *const *)kb->articles, kb->n, lang);
	} else if (!strcmp(sub, "show")) {
		const struct kb_article *a = kb_find(kb, argv[optind]);

		if (!a) {
			fprintf(stderr, _("wb kb: no article '%s' (wb kb list shows them)\n"), argv[optind]);
			rc = EXIT_FAILED;
		} else if (json) {
			json_t *doc = json_deep_copy(a->doc);

			json_object_set_new(doc, "file", json_string(a->file));
			json_object_set_new(doc, "user", json_boolean(a->user));
			jsonout_print(doc, stdout);
		} else {
			show_text(a, lang);
		}
	} else if (!strcmp(sub, "search")) {
		const struct kb_article **hits;
		int n = kb_search(kb, argv[optind], &hits, &err);

		if (n < 0) {
			kb_free(kb);
			return cli_usage("kb", "%s", err.msg);
		}
		if (json)
			jsonout_print(list_json(hits, (size_t)n), stdout);
		else
			list_text(hits, (size_t)n, lang);
		free(hits);
		rc = EXIT_OK;
	} else {
		rc = kb_lint_cmd(kb, argv + optind, argc - optind, json);
	}
	kb_free(kb);
	return rc;
}
