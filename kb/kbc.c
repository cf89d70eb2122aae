/*
 * wb-kbc: compile knowledge-base articles (YAML) into kb.sqlite.
 *
 *   wb-kbc -o kb.sqlite [--facts docs/FACTS.md] kb/articles/NAME.yaml ...
 *
 * Every article is parsed and linted; any error (named file:line) fails the
 * build so a broken article never ships.  Warnings are printed and kept.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "lint.h"

static void
report(void *ctx, const struct kb_article *a, int line, enum lint_level level, const char *msg)
{
	(void)ctx;
	if (line)
		fprintf(stderr, "%s:%d: %s: %s\n", a->file, line, level == LINT_ERROR ? "error" : "warning", msg);
	else
		fprintf(stderr, "%s: %s: %s\n", a->file, level == LINT_ERROR ? "error" : "warning", msg);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"facts", required_argument, NULL, 'f'},
		{0},
	};
	const char *output = NULL, *facts = NULL;
	struct wb_kb *kb = kb_new();
	struct wb_err err;
	int ch, errors = 0;

	while ((ch = getopt_long(argc, argv, "o:f:", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': output = optarg; break;
		case 'f': facts = optarg; break;
		default:
			fprintf(stderr, "usage: wb-kbc -o KB.sqlite [--facts FACTS.md] ARTICLE.yaml...\n");
			return 2;
		}
	}
	if (!output || optind >= argc) {
		fprintf(stderr, "usage: wb-kbc -o KB.sqlite [--facts FACTS.md] ARTICLE.yaml...\n");
		return 2;
	}
	if (facts && kb_read_facts_doc(kb, facts, &err) < 0) {
		fprintf(stderr, "wb-kbc: %s\n", err.msg);
		errors++;
	}
	for (int i = optind; i < argc; i++) {
		struct kb_article *a;

		if (kb_parse_file(argv[i], &a, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			errors++;
			continue;
		}
		if (kb_find(kb, a->id)) {
			fprintf(stderr, "%s: error: id '%s' is also used by %s\n", argv[i], a->id, kb_find(kb, a->id)->file);
			errors++;
			kb_article_free(a);
			continue;
		}
		kb_add(kb, a);
	}
	if (!errors)
		errors += kb_lint(kb, report, NULL);
	if (!errors && kb_save(kb, output, &err) < 0) {
		fprintf(stderr, "wb-kbc: %s\n", err.msg);
		errors++;
	}
	if (!errors)
		printf("wb-kbc: %zu articles -> %s\n", kb->n, output);
	kb_free(kb);
	return errors ? 1 : 0;
}
