/* Knowledge-base texts and checklist state for case reports. */
#include "report_kb.h"

#include "../core/jsonout.h"
#include "checklist.h"

static json_t *
text_json(const struct kb_text *t, const char *lang)
{
	return t->en ? jsonout_str(kb_text_get(t, lang)) : json_null();
}

static void
annotate_finding(json_t *f, const struct report_kb *rk)
{
	const struct kb_article *a = kb_find(rk->kb, json_string_value(json_object_get(f, "article")));

	if (!a)
		return;
	json_object_set_new(f, "title", text_json(&a->title, rk->lang));
	json_object_set_new(f, "summary", text_json(&a->summary, rk->lang));
	json_object_set_new(f, "resolution", text_json(&a->resolution, rk->lang));
	json_object_set_new(f, "fixed_in", text_json(&a->fixed_in, rk->lang));
	for (size_t i = 0; i < a->nkbs; i++)
		json_array_append_new(json_object_get(f, "kbs"), jsonout_str(a->kbs[i]));
	for (size_t i = 0; i < a->nrefs; i++)
		json_array_append_new(json_object_get(f, "references"),
				      json_pack("{s:o, s:o}", "title", jsonout_str(a->refs[i].title),
						"url", jsonout_str(a->refs[i].url)));
}

/* Replace the logged steps by the session as checklist_load() sees it. */
static int
annotate_checklist(json_t *list, wb_case *c, const struct report_kb *rk, struct wb_err *err)
{
	const struct kb_article *a = kb_find(rk->kb, json_string_value(json_object_get(list, "list")));
	struct cl_session s;
	json_t *steps;

	if (!a || !a->nsteps)
		return 0;
	if (checklist_load(c, a, &s, err) < 0)
		return -1;
	json_object_set_new(list, "title", text_json(&a->title, rk->lang));
	steps = json_array();
	for (size_t i = 0; i < s.n; i++) {
		const struct cl_step *cs = &s.steps[i];
		json_t *o;

		if (cs->state == CL_HIDDEN)
			continue;
		o = json_object();
		json_object_set_new(o, "step", jsonout_str(cs->step->id));
		json_object_set_new(o, "text", text_json(&cs->step->text, rk->lang));
		json_object_set_new(o, "state", json_string(cl_state_name(cs->state)));
		json_object_set_new(o, "answer", jsonout_str(cs->answer));
		json_object_set_new(o, "user", jsonout_str(cs->user));
		json_object_set_new(o, "at", jsonout_str(cs->at));
		json_object_set_new(o, "automatic", json_boolean(cs->automatic));
		json_array_append_new(steps, o);
	}
	json_object_set_new(list, "steps", steps);
	checklist_fini(&s);
	return 0;
}

int
report_kb_annotate(json_t *model, wb_case *c, void *ctx, struct wb_err *err)
{
	const struct report_kb *rk = ctx;
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(model, "findings"), i, v)
		annotate_finding(v, rk);
	json_array_foreach(json_object_get(model, "checklist"), i, v)
		if (annotate_checklist(v, c, rk, err) < 0)
			return -1;
	return 0;
}
