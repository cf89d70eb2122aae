/*
 * Windows NT/2000/XP/2003 event logs (.evt) through libevt.
 *
 * Same rules as EVTX: every record libevt can read is stored, recovered
 * records flagged and counted apart, unreadable ones are warnings.  EVT
 * records carry the full message identifier (severity and facility in the
 * high bits): the event ID is its low 16 bits, the rest is kept as the
 * qualifiers, as EVTX does.  Times are POSIX seconds, UTC.  The file has no
 * channel name; it comes from the file name (SysEvent.Evt -> System).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <libevt.h>
#pragma GCC diagnostic pop

#include "eventdecode.h"
#include "importer.h"

struct evt_scratch {
	struct wb_buf text;	/* NUL-separated strings of one record */
	size_t *offsets;
	const char **strings;
	size_t cap;
	struct wb_buf binary;
};

/* The 48-byte header: size 0x30, then "LfLe". */
static int
evt_detect(struct wb_probe *probe)
{
	const unsigned char *head = probe->head;
	const char *dot = strrchr(probe->path, '.');

	if (probe->len >= 8 && head[0] == 0x30 && !head[1] && !head[2] && !head[3] &&
	    !memcmp(head + 4, "LfLe", 4))
		return 90;
	return dot && !strcasecmp(dot, ".evt") ? 10 : 0;
}

static void
evt_errmsg(libevt_error_t **e, char *buf, size_t len)
{
	buf[0] = 0;
	if (*e) {
		libevt_error_sprint(*e, buf, len);
		libevt_error_free(e);
	}
	buf[strcspn(buf, "\n")] = 0;	/* the innermost cause comes first */
}

/* Append a UTF-8 value of the record to text; its offset, or -1. */
typedef int (*evt_size_fn)(libevt_record_t *, size_t *, libevt_error_t **);
typedef int (*evt_get_fn)(libevt_record_t *, uint8_t *, size_t, libevt_error_t **);

static long
evt_text(libevt_record_t *rec, evt_size_fn size_fn, evt_get_fn get_fn, struct wb_buf *text)
{
	libevt_error_t *e = NULL;
	size_t size = 0, at = text->len;

	if (size_fn(rec, &size, &e) != 1 || size == 0) {
		libevt_error_free(&e);
		return -1;
	}
	buf_reserve(text, size);
	if (get_fn(rec, (uint8_t *)text->data + at, size, &e) != 1) {
		libevt_error_free(&e);
		text->data[at] = 0;
		return -1;
	}
	text->data[at + size - 1] = 0;
	text->len = at + size;
	return (long)at;
}

static size_t
evt_string(libevt_record_t *rec, int i, struct wb_buf *text)
{
	libevt_error_t *e = NULL;
	size_t size = 0, at = text->len;

	if (libevt_record_get_utf8_string_size(rec, i, &size, &e) != 1 || size == 0) {
		libevt_error_free(&e);
		buf_append(text, "", 1);	/* an empty value keeps the numbering */
		return at;
	}
	buf_reserve(text, size);
	if (libevt_record_get_utf8_string(rec, i, (uint8_t *)text->data + at, size, &e) != 1) {
		libevt_error_free(&e);
		size = 1;
	}
	text->data[at + size - 1] = 0;
	text->len = at + size;
	return at;
}

/* Channel from the file name: SysEvent.Evt -> System, AppEvent -> Application. */
static char *
evt_channel(const char *path)
{
	static const struct {
		const char *file, *channel;
	} known[] = {
		{"SysEvent", "System"}, {"AppEvent", "Application"}, {"SecEvent", "Security"},
	};
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strcspn(base, ".");

	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (strlen(known[i].file) == n && !strncasecmp(base, known[i].file, n))
			return xstrdup(known[i].channel);
	return xstrndup(base, n);
}

static int
evt_level(uint16_t type)
{
	switch (type) {
	case 1: return EV_LEVEL_ERROR;		/* EVENTLOG_ERROR_TYPE */
	case 2: return EV_LEVEL_WARNING;	/* EVENTLOG_WARNING_TYPE */
	default: return EV_LEVEL_INFO;		/* information, audit success/failure */
	}
}

static int
evt_record(wb_ingest *ing, libevt_record_t *rec, int index, bool recovered, const char *channel,
	   struct evt_scratch *s, struct wb_err *err)
{
	libevt_error_t *e = NULL;
	uint32_t id = 0, event_id = 0, created = 0;
	uint16_t type = 0;
	int nstrings = 0;
	long prov_at, comp_at;
	size_t data_size = 0;
	char msg[256];
	struct ev_record r = {
		.record = -1,
		.recovered = recovered,
		.line = -1,
		.channel = channel,
	};

	if (libevt_record_get_event_identifier(rec, &event_id, &e) != 1) {
		evt_errmsg(&e, msg, sizeof msg);
		ingest_warn(ing, -1, -1, _("%s record at index %d unreadable: %s"),
			    recovered ? _("recovered") : _("live"), index, msg);
		return 0;
	}
	r.event_id = event_id & 0xffff;
	r.qualifiers = event_id >> 16;
	if (libevt_record_get_identifier(rec, &id, &e) == 1)
		r.record = id;
	libevt_error_free(&e);
	if (libevt_record_get_creation_time(rec, &created, &e) == 1 && created) {
		r.has_ts = true;
		r.ts = (int64_t)created * WB_US_PER_SEC;
	}
	libevt_error_free(&e);
	if (libevt_record_get_event_type(rec, &type, &e) == 1)
		r.level = evt_level(type);
	libevt_error_free(&e);

	buf_reset(&s->text);
	prov_at = evt_text(rec, libevt_record_get_utf8_source_name_size,
			   libevt_record_get_utf8_source_name, &s->text);
	comp_at = evt_text(rec, libevt_record_get_utf8_computer_name_size,
			   libevt_record_get_utf8_computer_name, &s->text);
	if (libevt_record_get_number_of_strings(rec, &nstrings, &e) != 1 || nstrings < 0)
		nstrings = 0;
	libevt_error_free(&e);
	if ((size_t)nstrings > s->cap) {
		s->cap = (size_t)nstrings * 2;
		s->offsets = xrealloc(s->offsets, s->cap * sizeof *s->offsets);
		s->strings = xrealloc(s->strings, s->cap * sizeof *s->strings);
	}
	for (int i = 0; i < nstrings; i++)
		s->offsets[i] = evt_string(rec, i, &s->text);
	for (int i = 0; i < nstrings; i++)
		s->strings[i] = s->text.data + s->offsets[i];
	r.provider = prov_at >= 0 ? s->text.data + prov_at : NULL;
	r.computer = comp_at >= 0 ? s->text.data + comp_at : NULL;
	r.strings = s->strings;
	r.nstrings = (size_t)nstrings;

	buf_reset(&s->binary);
	if (libevt_record_get_data_size(rec, &data_size, &e) == 1 && data_size > 0) {
		buf_reserve(&s->binary, data_size);
		if (libevt_record_get_data(rec, (uint8_t *)s->binary.data, data_size, &e) == 1)
			s->binary.len = data_size;
	}
	libevt_error_free(&e);
	r.binary = (const unsigned char *)s->binary.data;
	r.binary_len = s->binary.len;
	return eventdecode_store(ing, &r, err) < 0 ? -1 : 1;
}

static int
evt_import(wb_ingest *ing, struct wb_err *err)
{
	libevt_file_t *file = NULL;
	libevt_error_t *e = NULL;
	int nrec = 0, nrecovered = 0, stored = 0, stored_recovered = 0;
	uint32_t flags = 0;
	struct evt_scratch s = {0};
	char msg[256], summary[256], *channel = evt_channel(ingest_path(ing));
	int rc = -1;

	if (libevt_file_initialize(&file, &e) != 1) {
		evt_errmsg(&e, msg, sizeof msg);
		free(channel);
		return wb_errf(err, "libevt: %s", msg);
	}
	if (libevt_file_open(file, ingest_path(ing), LIBEVT_OPEN_READ, &e) != 1) {
		evt_errmsg(&e, msg, sizeof msg);
		wb_errf(err, _("%s: not a readable EVT event log (expected the \"LfLe\" header): %s"),
			ingest_path(ing), msg);
		libevt_file_free(&file, NULL);
		free(channel);
		return -1;
	}
	if (libevt_file_get_number_of_records(file, &nrec, &e) != 1 ||
	    libevt_file_get_number_of_recovered_records(file, &nrecovered, &e) != 1) {
		evt_errmsg(&e, msg, sizeof msg);
		wb_errf(err, _("%s: cannot count the records: %s"), ingest_path(ing), msg);
		goto out;
	}
	libevt_file_get_flags(file, &flags, &e);
	libevt_error_free(&e);
	if (flags & LIBEVT_FILE_FLAG_IS_DIRTY)
		ingest_warn(ing, -1, -1, _("the log was not closed cleanly (dirty flag set); "
					   "all readable records were imported"));
	for (int pass = 0; pass < 2; pass++) {
		int n = pass ? nrecovered : nrec;

		for (int i = 0; i < n; i++) {
			libevt_record_t *rec = NULL;
			int got = pass ? libevt_file_get_recovered_record_by_index(file, i, &rec, &e)
				       : libevt_file_get_record_by_index(file, i, &rec, &e);
			int ret;

			if (got != 1) {
				evt_errmsg(&e, msg, sizeof msg);
				ingest_warn(ing, -1, -1, _("%s record at index %d unreadable: %s"),
					    pass ? _("recovered") : _("live"), i, msg);
				continue;
			}
			ret = evt_record(ing, rec, i, pass == 1, channel, &s, err);
			if (ret == 1) {
				off64_t off = 0;

				if (pass)
					stored_recovered++;
				else
					stored++;
				ingest_add_records(ing, 1);
				if (libevt_record_get_offset(rec, &off, &e) == 1)
					ingest_bytes_done(ing, (uint64_t)off);
				libevt_error_free(&e);
			}
			libevt_record_free(&rec, NULL);
			if (ret < 0)
				goto out;
			if ((i & 1023) == 1023 && ingest_progress(ing, err) < 0)
				goto out;
		}
	}
	snprintf(summary, sizeof summary, "EVT %s, %d records, %d recovered%s%s", channel, stored,
		 stored_recovered,
		 stored + stored_recovered < nrec + nrecovered ? ", some unreadable" : "",
		 flags & LIBEVT_FILE_FLAG_IS_DIRTY ? ", dirty" : "");
	ingest_set_summary(ing, summary);
	rc = 0;
out:
	free(channel);
	free(s.offsets);
	free(s.strings);
	buf_fini(&s.text);
	buf_fini(&s.binary);
	libevt_file_close(file, NULL);
	libevt_file_free(&file, NULL);
	return rc;
}

const struct wb_importer importer_evt = {
	.name = "evt",
	.kind = "eventlog",
	.version = "1",
	.describe = N_("Windows NT/2000/XP/2003 event log (.evt) through libevt"),
	.detect = evt_detect,
	.import = evt_import,
};
