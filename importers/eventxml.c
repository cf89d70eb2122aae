/*
 * Event log XML: `wevtutil qe /f:xml` (and /f:RenderedXml), which prints
 * <Event> elements one after another with no root, and Event Viewer's "Save
 * as XML" (<Events><Event>...</Events>, UTF-16).  Parsed with expat.
 *
 * Text comes through textin (so UTF-16 and a BOM are handled and the file is
 * hashed as it is read); the XML declaration is dropped because the text is
 * UTF-8 by then, and the elements are wrapped in a root of wb's own.
 * RenderedXml's <RenderingInfo><Message> is the message Windows rendered;
 * without it wb renders its templates from the <Data> values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "../core/textin.h"
#include "eventdecode.h"
#include "importer.h"

#define XML_MAX_STRINGS 256	/* more <Data> values than any event has */

/* Where the text being collected goes. */
enum xml_leaf {
	XL_NONE,
	XL_ID,
	XL_LEVEL,
	XL_RECORD,
	XL_CHANNEL,
	XL_COMPUTER,
	XL_DATA,
	XL_BINARY,
	XL_MESSAGE,
};

static const struct {
	const char *element;
	enum xml_leaf leaf;
} xml_leaves[] = {
	{"EventID", XL_ID},
	{"Level", XL_LEVEL},
	{"EventRecordID", XL_RECORD},
	{"Channel", XL_CHANNEL},
	{"Computer", XL_COMPUTER},
	{"Data", XL_DATA},
	{"Binary", XL_BINARY},
	{"Message", XL_MESSAGE},
};

struct xml_state {
	wb_ingest *ing;
	XML_Parser parser;
	struct wb_err *err;
	int failed;			/* a database error inside a callback */
	int depth_in_event;		/* 0 outside <Event> */
	bool in_system, in_rendering, in_userdata;
	enum xml_leaf leaf;
	struct wb_buf text;		/* character data of the current leaf */
	/* The event being collected. */
	char *provider, *channel, *computer, *time;
	struct wb_buf message, binary, strings;	/* strings: NUL-separated */
	size_t offsets[XML_MAX_STRINGS], nstrings;
	uint32_t id;
	bool has_id;
	int64_t qualifiers, record;
	int level;
	int64_t line;
	uint64_t stored;
};

static void
xml_reset_event(struct xml_state *x)
{
	free(x->provider);
	free(x->channel);
	free(x->computer);
	free(x->time);
	x->provider = x->channel = x->computer = x->time = NULL;
	buf_reset(&x->message);
	buf_reset(&x->binary);
	buf_reset(&x->strings);
	x->nstrings = 0;
	x->has_id = false;
	x->qualifiers = x->record = -1;
	x->level = EV_LEVEL_UNKNOWN;
}

static const char *
attr(const XML_Char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (!strcmp(atts[i], name))
			return atts[i + 1];
	return NULL;
}

/* Element name without its namespace prefix (expat is not namespace-aware
 * here, so "evt:Event" may appear in hand-edited files). */
static const char *
local_name(const char *name)
{
	const char *colon = strrchr(name, ':');

	return colon ? colon + 1 : name;
}

static void XMLCALL
xml_start(void *data, const XML_Char *qname, const XML_Char **atts)
{
	struct xml_state *x = data;
	const char *name = local_name(qname);

	if (x->failed)
		return;
	if (!x->depth_in_event) {
		if (strcmp(name, "Event"))
			return;
		xml_reset_event(x);
		x->line = (int64_t)XML_GetCurrentLineNumber(x->parser);
	}
	x->depth_in_event++;
	x->leaf = XL_NONE;
	if (!strcmp(name, "System"))
		x->in_system = true;
	else if (!strcmp(name, "RenderingInfo"))
		x->in_rendering = true;
	else if (!strcmp(name, "UserData"))
		x->in_userdata = true;
	else if (!strcmp(name, "Provider") && x->in_system) {
		const char *src = attr(atts, "EventSourceName"), *n = attr(atts, "Name");

		free(x->provider);
		x->provider = src || n ? xstrdup(src ? src : n) : NULL;
	} else if (!strcmp(name, "TimeCreated") && x->in_system) {
		const char *t = attr(atts, "SystemTime");

		free(x->time);
		x->time = t ? xstrdup(t) : NULL;
	} else {
		for (size_t i = 0; i < sizeof xml_leaves / sizeof *xml_leaves; i++)
			if (!strcmp(name, xml_leaves[i].element))
				x->leaf = xml_leaves[i].leaf;
		/* Level and Message inside RenderingInfo are localized words: the
		 * number in System wins, the rendered message is kept. */
		if (x->leaf == XL_LEVEL && x->in_rendering)
			x->leaf = XL_NONE;
		if (x->leaf == XL_ID && x->in_system) {
			const char *q = attr(atts, "Qualifiers");

			if (q)
				x->qualifiers = strtoll(q, NULL, 10);
		}
		/* UserData has provider-specific leaves: keep them as strings. */
		if (x->leaf == XL_NONE && x->in_userdata)
			x->leaf = XL_DATA;
	}
	buf_reset(&x->text);
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void
xml_store(struct xml_state *x)
{
	const char *strings[XML_MAX_STRINGS];
	struct ev_record r = {
		.record = x->record,
		.qualifiers = x->qualifiers,
		.level = x->level,
		.channel = x->channel,
		.computer = x->computer,
		.provider = x->provider ? x->provider : "unknown",
		.event_id = x->id & 0xffff,
		.message = x->message.len ? x->message.data : NULL,
		.binary = (const unsigned char *)x->binary.data,
		.binary_len = x->binary.len,
		.line = x->line,
	};

	if (!x->has_id) {
		ingest_warn(x->ing, x->line, -1, _("event without an <EventID>; skipped"));
		return;
	}
	for (size_t i = 0; i < x->nstrings; i++)
		strings[i] = x->strings.data + x->offsets[i];
	r.strings = strings;
	r.nstrings = x->nstrings;
	if (x->time) {
		struct wb_err terr;

		if (wb_parse_iso(x->time, &r.ts, &terr) == 0)
			r.has_ts = true;	/* SystemTime is UTC */
		else
			ingest_warn(x->ing, x->line, -1, _("SystemTime '%s' not understood; event kept "
							   "without a time"), x->time);
	}
	if (eventdecode_store(x->ing, &r, x->err) < 0) {
		x->failed = 1;
		XML_StopParser(x->parser, XML_FALSE);
		return;
	}
	x->stored++;
	ingest_add_records(x->ing, 1);
}

static void XMLCALL
xml_end(void *data, const XML_Char *qname)
{
	struct xml_state *x = data;
	const char *name = local_name(qname);
	const char *t = x->text.len ? x->text.data : "";

	if (x->failed || !x->depth_in_event)
		return;
	switch (x->leaf) {
	case XL_ID:
		if (x->in_system) {
			x->id = (uint32_t)strtoul(t, NULL, 10);
			x->has_id = true;
		}
		break;
	case XL_LEVEL:
		x->level = eventdecode_level_from_name(t);
		break;
	case XL_RECORD:
		x->record = strtoll(t, NULL, 10);
		break;
	case XL_CHANNEL:
		free(x->channel);
		x->channel = xstrdup(t);
		break;
	case XL_COMPUTER:
		free(x->computer);
		x->computer = xstrdup(t);
		break;
	case XL_DATA:
		if (x->nstrings < XML_MAX_STRINGS) {
			x->offsets[x->nstrings++] = x->strings.len;
			buf_append(&x->strings, t, strlen(t) + 1);
		}
		break;
	case XL_BINARY:
		for (size_t i = 0; t[i] && t[i + 1]; i += 2) {
			int hi = hexval(t[i]), lo = hexval(t[i + 1]);
			char byte;

			if (hi < 0 || lo < 0)
				break;
			byte = (char)(hi << 4 | lo);
			buf_append(&x->binary, &byte, 1);
		}
		break;
	case XL_MESSAGE:
		if (x->in_rendering) {
			buf_reset(&x->message);
			buf_puts(&x->message, t);
		}
		break;
	default:
		break;
	}
	x->leaf = XL_NONE;
	buf_reset(&x->text);
	if (!strcmp(name, "System"))
		x->in_system = false;
	else if (!strcmp(name, "RenderingInfo"))
		x->in_rendering = false;
	else if (!strcmp(name, "UserData"))
		x->in_userdata = false;
	if (--x->depth_in_event == 0)
		xml_store(x);
}

static void XMLCALL
xml_chars(void *data, const XML_Char *s, int len)
{
	struct xml_state *x = data;

	if (x->leaf != XL_NONE && x->text.len < TEXTIN_MAX_LINE)
		buf_append(&x->text, s, (size_t)len);
}

static int
xml_import(wb_ingest *ing, struct wb_err *err)
{
	struct xml_state x = {.ing = ing, .err = err};
	wb_textin *t = textin_new(ing);
	const char *line;
	size_t len;
	int rc;
	char summary[160];

	x.parser = XML_ParserCreate("UTF-8");
	XML_SetUserData(x.parser, &x);
	XML_SetElementHandler(x.parser, xml_start, xml_end);
	XML_SetCharacterDataHandler(x.parser, xml_chars);
	xml_reset_event(&x);
	/* wevtutil prints elements without a root: give them one. */
	XML_Parse(x.parser, "<wb-events>", 11, 0);
	while ((rc = textin_next(t, &line, &len, err)) > 0) {
		if (textin_lineno(t) == 1 && !strncmp(line, "<?xml", 5)) {
			const char *end = strstr(line, "?>");

			len -= end ? (size_t)(end + 2 - line) : len;
			line = end ? end + 2 : line + len;
		}
		if (XML_Parse(x.parser, line, (int)len, 0) != XML_STATUS_OK ||
		    XML_Parse(x.parser, "\n", 1, 0) != XML_STATUS_OK) {
			if (!x.failed)
				wb_errf(err, _("%s:%lu: %s (expected <Event> elements as wevtutil /f:xml "
					       "or Event Viewer's Save as XML writes them)"),
					ingest_path(ing), (unsigned long)XML_GetCurrentLineNumber(x.parser),
					XML_ErrorString(XML_GetErrorCode(x.parser)));
			rc = -1;
			break;
		}
		if ((textin_lineno(t) & 4095) == 0 && ingest_progress(ing, err) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0) {
		if (x.depth_in_event)	/* a copy cut short inside an event */
			ingest_warn(ing, textin_lineno(t), -1,
				    _("the file ends inside an <Event> (cut short?); that event was skipped"));
		else if (XML_Parse(x.parser, "</wb-events>", 12, 1) != XML_STATUS_OK && !x.failed)
			rc = wb_errf(err, _("%s:%lu: %s (expected <Event> elements)"), ingest_path(ing),
				     (unsigned long)XML_GetCurrentLineNumber(x.parser),
				     XML_ErrorString(XML_GetErrorCode(x.parser)));
	}
	if (rc == 0 && x.stored == 0)
		rc = wb_errf(err, _("%s: no <Event> elements found"), ingest_path(ing));
	if (rc == 0) {
		snprintf(summary, sizeof summary, "event XML, %llu events, %s",
			 (unsigned long long)x.stored, textin_encoding(t));
		ingest_set_summary(ing, summary);
	}
	XML_ParserFree(x.parser);
	xml_reset_event(&x);
	buf_fini(&x.text);
	buf_fini(&x.message);
	buf_fini(&x.binary);
	buf_fini(&x.strings);
	textin_free(t);
	return rc;
}

static int
xml_detect(struct wb_probe *probe)
{
	const char *p = probe_text(probe);
	int score = 0;

	/* The document must start with the XML (Event Viewer's copied text
	 * ends with an "Event Xml:" section: that is event text). */
	p += strspn(p, " \t\r\n");
	if (!strncmp(p, "<?xml", 5) && strstr(p, "?>"))
		p = strstr(p, "?>") + 2;
	p += strspn(p, " \t\r\n");
	if (!strncmp(p, "<Event xmlns=", 13) || !strncmp(p, "<Events>", 8) || !strncmp(p, "<Event>", 7))
		score = 85;
	return score;
}

const struct wb_importer importer_eventxml = {
	.name = "event-xml",
	.kind = "eventlog",
	.version = "1",
	.describe = N_("event log XML: wevtutil /f:xml or /f:RenderedXml, Event Viewer Save as XML"),
	.detect = xml_detect,
	.import = xml_import,
};
