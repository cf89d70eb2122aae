/*
 * Windows XML event logs (.evtx) through libevtx.
 *
 * Every record libevtx can read is stored, dirty files included; records
 * libevtx carves from free space are stored with recovered = 1 and counted
 * apart; a record it cannot read becomes a warning with its index.  libevtx
 * reads the file itself, so the core hashes it at commit.
 *
 * The 2018 libevtx in Debian has no channel getter: the channel comes from
 * the rendered XML of the first record (a log file holds one channel;
 * forwarded-event logs that mix channels show the first one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <libevtx.h>
#pragma GCC diagnostic pop

#include "eventdecode.h"
#include "importer.h"

#define FILETIME_UNIX_EPOCH UINT64_C(116444736000000000)	/* 100 ns ticks 1601..1970 */

/* Per-record scratch, reused so memory stays flat over millions of records. */
struct evtx_scratch {
	struct wb_buf text;	/* NUL-separated strings of one record */
	size_t *offsets;	/* of each insertion string in text */
	const char **strings;
	size_t cap;
	struct wb_buf binary;
};

static int
evtx_detect(const unsigned char *head, size_t len, const char *path)
{
	const char *dot = strrchr(path, '.');

	if (len >= 8 && !memcmp(head, "ElfFile\0", 8))
		return 90;
	return dot && !strcasecmp(dot, ".evtx") ? 10 : 0;
}

static void
evtx_errmsg(libevtx_error_t **e, char *buf, size_t len)
{
	buf[0] = 0;
	if (*e) {
		libevtx_error_sprint(*e, buf, len);
		libevtx_error_free(e);
	}
	/* libyal messages span lines from the innermost cause outwards; the
	 * first says what was wrong with the data. */
	buf[strcspn(buf, "\n")] = 0;
}

/* Room for n more bytes (and the NUL) in b. */
static void
reserve(struct wb_buf *b, size_t n)
{
	buf_append(b, NULL, 0);
	if (b->cap < b->len + n + 1) {
		b->cap = (b->len + n + 1) * 2;
		b->data = xrealloc(b->data, b->cap);
	}
}

/* Append a libevtx UTF-8 getter's result to text; returns its offset, or -1
 * when the record has no such value. */
typedef int (*evtx_size_fn)(libevtx_record_t *, size_t *, libevtx_error_t **);
typedef int (*evtx_get_fn)(libevtx_record_t *, uint8_t *, size_t, libevtx_error_t **);

static long
evtx_text(libevtx_record_t *rec, evtx_size_fn size_fn, evtx_get_fn get_fn, struct wb_buf *text)
{
	libevtx_error_t *e = NULL;
	size_t size = 0, at = text->len;

	if (size_fn(rec, &size, &e) != 1 || size == 0) {
		libevtx_error_free(&e);
		return -1;
	}
	reserve(text, size);
	if (get_fn(rec, (uint8_t *)text->data + at, size, &e) != 1) {
		libevtx_error_free(&e);
		text->data[at] = 0;
		return -1;
	}
	text->data[at + size - 1] = 0;
	text->len = at + size;
	return (long)at;
}

static long
evtx_string(libevtx_record_t *rec, int i, struct wb_buf *text)
{
	libevtx_error_t *e = NULL;
	size_t size = 0, at = text->len;

	if (libevtx_record_get_utf8_string_size(rec, i, &size, &e) != 1 || size == 0) {
		libevtx_error_free(&e);
		buf_append(text, "", 1);	/* an empty value keeps the numbering */
		return (long)at;
	}
	reserve(text, size);
	if (libevtx_record_get_utf8_string(rec, i, (uint8_t *)text->data + at, size, &e) != 1) {
		libevtx_error_free(&e);
		size = 1;
	}
	text->data[at + size - 1] = 0;
	text->len = at + size;
	return (long)at;
}

/* Channel name from the record's XML ("<Channel>System</Channel>"). */
static char *
evtx_channel(libevtx_record_t *rec)
{
	struct wb_buf xml = {0};
	long at = evtx_text(rec, libevtx_record_get_utf8_xml_string_size,
			    libevtx_record_get_utf8_xml_string, &xml);
	char *channel = NULL;

	if (at >= 0) {
		const char *p = strstr(xml.data, "<Channel>"), *e;

		if (p && (e = strstr(p += 9, "</Channel>")) && e > p)
			channel = xstrndup(p, (size_t)(e - p));
	}
	buf_fini(&xml);
	return channel;
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Convert one record and store it.  Returns 1 stored, 0 unreadable (warned),
 * -1 with err on a database error. */
static int
evtx_record(wb_ingest *ing, libevtx_record_t *rec, int index, bool recovered,
	    const char *channel, struct evtx_scratch *s, struct wb_err *err)
{
	libevtx_error_t *e = NULL;
	uint64_t id = 0, filetime = 0;
	uint32_t event_id = 0;
	uint32_t qual = 0;
	uint8_t level = 0;
	int nstrings = 0, has_qual;
	long prov_at, comp_at;
	size_t data_size = 0;
	char msg[256];
	struct ev_record r = {
		.record = -1,
		.qualifiers = -1,
		.recovered = recovered,
		.line = -1,
		.channel = channel,
	};

	if (libevtx_record_get_event_identifier(rec, &event_id, &e) != 1) {
		evtx_errmsg(&e, msg, sizeof msg);
		ingest_warn(ing, -1, -1, _("%s record at index %d unreadable: %s"),
			    recovered ? _("recovered") : _("live"), index, msg);
		return 0;
	}
	if (libevtx_record_get_identifier(rec, &id, &e) == 1)
		r.record = (int64_t)id;
	libevtx_error_free(&e);
	if (libevtx_record_get_written_time(rec, &filetime, &e) == 1 && filetime) {
		r.has_ts = true;
		r.ts = ((int64_t)filetime - (int64_t)FILETIME_UNIX_EPOCH) / 10;
	}
	libevtx_error_free(&e);
	has_qual = libevtx_record_get_event_identifier_qualifiers(rec, &qual, &e);
	libevtx_error_free(&e);
	if (has_qual == 1)
		r.qualifiers = qual;
	if (libevtx_record_get_event_level(rec, &level, &e) == 1)
		r.level = level <= EV_LEVEL_VERBOSE ? level : EV_LEVEL_UNKNOWN;
	libevtx_error_free(&e);
	r.event_id = event_id & 0xffff;

	buf_reset(&s->text);
	prov_at = evtx_text(rec, libevtx_record_get_utf8_source_name_size,
			    libevtx_record_get_utf8_source_name, &s->text);
	if (prov_at < 0)	/* manifest providers without a name: use the GUID */
		prov_at = evtx_text(rec, libevtx_record_get_utf8_provider_identifier_size,
				    libevtx_record_get_utf8_provider_identifier, &s->text);
	comp_at = evtx_text(rec, libevtx_record_get_utf8_computer_name_size,
			    libevtx_record_get_utf8_computer_name, &s->text);
	if (libevtx_record_get_number_of_strings(rec, &nstrings, &e) != 1)
		nstrings = 0;
	libevtx_error_free(&e);
	if ((size_t)nstrings > s->cap) {
		s->cap = (size_t)nstrings * 2;
		s->offsets = xrealloc(s->offsets, s->cap * sizeof *s->offsets);
		s->strings = xrealloc(s->strings, s->cap * sizeof *s->strings);
	}
	for (int i = 0; i < nstrings; i++)
		s->offsets[i] = (size_t)evtx_string(rec, i, &s->text);
	for (int i = 0; i < nstrings; i++)
		s->strings[i] = s->text.data + s->offsets[i];
	r.provider = prov_at >= 0 ? s->text.data + prov_at : NULL;
	r.computer = comp_at >= 0 ? s->text.data + comp_at : NULL;
	r.strings = s->strings;
	r.nstrings = (size_t)nstrings;

	/* Binary EventData.  libevtx also lists it as the last string in hex;
	 * use that when the data getter has nothing. */
	buf_reset(&s->binary);
	if (libevtx_record_get_data_size(rec, &data_size, &e) == 1 && data_size > 0) {
		reserve(&s->binary, data_size);
		if (libevtx_record_get_data(rec, (uint8_t *)s->binary.data, data_size, &e) == 1)
			s->binary.len = data_size;
	}
	libevtx_error_free(&e);
	if (!s->binary.len && nstrings > 0) {
		const char *hex = s->strings[nstrings - 1];
		size_t n = strlen(hex);

		if (n >= 16 && n % 2 == 0 && strspn(hex, "0123456789abcdefABCDEF") == n)
			for (size_t i = 0; i < n; i += 2) {
				char byte = (char)(hexval(hex[i]) << 4 | hexval(hex[i + 1]));

				buf_append(&s->binary, &byte, 1);
			}
	}
	r.binary = (const unsigned char *)s->binary.data;
	r.binary_len = s->binary.len;
	return eventdecode_store(ing, &r, err) < 0 ? -1 : 1;
}

static int
evtx_import(wb_ingest *ing, struct wb_err *err)
{
	libevtx_file_t *file = NULL;
	libevtx_error_t *e = NULL;
	int nrec = 0, nrecovered = 0, stored = 0, stored_recovered = 0, corrupted;
	uint32_t flags = 0;
	struct evtx_scratch s = {0};
	char msg[256], summary[256], *channel = NULL;
	int rc = -1;

	if (libevtx_file_initialize(&file, &e) != 1) {
		evtx_errmsg(&e, msg, sizeof msg);
		return wb_errf(err, "libevtx: %s", msg);
	}
	if (libevtx_file_open(file, ingest_path(ing), LIBEVTX_OPEN_READ, &e) != 1) {
		evtx_errmsg(&e, msg, sizeof msg);
		wb_errf(err, _("%s: not a readable EVTX event log (expected the \"ElfFile\" header): %s"),
			ingest_path(ing), msg);
		libevtx_file_free(&file, NULL);
		return -1;
	}
	if (libevtx_file_get_number_of_records(file, &nrec, &e) != 1 ||
	    libevtx_file_get_number_of_recovered_records(file, &nrecovered, &e) != 1) {
		evtx_errmsg(&e, msg, sizeof msg);
		wb_errf(err, _("%s: cannot count the records: %s"), ingest_path(ing), msg);
		goto out;
	}
	libevtx_file_get_flags(file, &flags, &e);
	libevtx_error_free(&e);
	corrupted = libevtx_file_is_corrupted(file, &e);
	libevtx_error_free(&e);
	if (flags & LIBEVTX_FILE_FLAG_IS_DIRTY)
		ingest_warn(ing, -1, -1, _("the log was not closed cleanly (dirty flag set); "
					   "all readable records were imported"));
	if (corrupted == 1)
		ingest_warn(ing, -1, -1, _("libevtx reports the file as corrupted; readable records "
					   "were imported"));

	for (int pass = 0; pass < 2; pass++) {
		int n = pass ? nrecovered : nrec;

		for (int i = 0; i < n; i++) {
			libevtx_record_t *rec = NULL;
			int got = pass ? libevtx_file_get_recovered_record_by_index(file, i, &rec, &e)
				       : libevtx_file_get_record_by_index(file, i, &rec, &e);
			int ret;

			if (got != 1) {
				evtx_errmsg(&e, msg, sizeof msg);
				ingest_warn(ing, -1, -1, _("%s record at index %d unreadable: %s"),
					    pass ? _("recovered") : _("live"), i, msg);
				continue;
			}
			if (!channel && !pass)
				channel = evtx_channel(rec);
			ret = evtx_record(ing, rec, i, pass == 1, channel, &s, err);
			if (ret == 1) {
				off64_t off = 0;

				if (pass)
					stored_recovered++;
				else
					stored++;
				ingest_add_records(ing, 1);
				if (libevtx_record_get_offset(rec, &off, &e) == 1)
					ingest_bytes_done(ing, (uint64_t)off);
				libevtx_error_free(&e);
			}
			libevtx_record_free(&rec, NULL);
			if (ret < 0)
				goto out;
			if ((i & 1023) == 1023 && ingest_progress(ing, err) < 0)
				goto out;
		}
	}
	snprintf(summary, sizeof summary, "EVTX%s%s, %d records, %d recovered%s%s",
		 channel ? " " : "", channel ? channel : "", stored, stored_recovered,
		 stored + stored_recovered < nrec + nrecovered ? ", some unreadable" : "",
		 flags & LIBEVTX_FILE_FLAG_IS_DIRTY ? ", dirty" : "");
	ingest_set_summary(ing, summary);
	rc = 0;
out:
	free(channel);
	free(s.offsets);
	free(s.strings);
	buf_fini(&s.text);
	buf_fini(&s.binary);
	libevtx_file_close(file, NULL);
	libevtx_file_free(&file, NULL);
	return rc;
}

const struct wb_importer importer_evtx = {
	.name = "evtx",
	.kind = "eventlog",
	.version = "1",
	.describe = N_("Windows event log (.evtx) through libevtx"),
	.detect = evtx_detect,
	.import = evtx_import,
};
