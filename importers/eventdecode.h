/*
 * eventdecode.h: what every event log importer (evtx.c, evt.c, eventtext.c)
 * hands over, and the one place that stores it.
 *
 * An importer fills a struct ev_record per event and calls
 * eventdecode_store(), which
 *   - inserts the `events` row (provider, channel and computer interned),
 *   - renders the message with wb's own templates when the source carried
 *     only insertion strings (EVTX, EVT), or keeps the message the export
 *     already had (text, CSV, XML exports with RenderingInfo),
 *   - emits the `event` fact ("Provider/ID", num = ID, text = message),
 *   - adds one timeline entry,
 *   - runs the decoder registered for the provider and ID (bugcheck.*,
 *     disk.retry*, vss.*, shutdown markers, service.*, wer.*, app.crash).
 *
 * Templates and decoders live in one table in eventdecode.c, keyed by the
 * canonical provider name and the event ID.  Provider names are made
 * canonical the way Event Viewer shows them, so that a CSV export and the
 * .evtx of the same log give the same facts: "Microsoft-Windows-" is
 * dropped ("Kernel-Power"), and a few aliases are folded
 * ("Microsoft-Windows-WER-SystemErrorReporting" -> "BugCheck", "disk" ->
 * "Disk").  The events table keeps the provider as the source named it:
 * for EVTX that is libevtx's source name, the EventSourceName attribute
 * when the record has one ("DCOM", "BugCheck": what Event Viewer's Source
 * column shows), else the Provider Name.
 */
#ifndef WB_EVENTDECODE_H
#define WB_EVENTDECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/ingest.h"

/* Levels as EVTX numbers them; Event Viewer shows 0 (LogAlways) as information. */
enum ev_level {
	EV_LEVEL_UNKNOWN = 0,
	EV_LEVEL_CRITICAL = 1,
	EV_LEVEL_ERROR = 2,
	EV_LEVEL_WARNING = 3,
	EV_LEVEL_INFO = 4,
	EV_LEVEL_VERBOSE = 5,
};

struct ev_record {
	int64_t record;			/* record number in the log, -1 when unknown */
	int64_t ts;			/* microseconds UTC (already shifted when local) */
	bool has_ts;
	bool ts_local;			/* came from a local clock + zone assumption */
	const char *provider;		/* as the source wrote it */
	uint32_t event_id;		/* displayed ID (low 16 bits of a message id) */
	int64_t qualifiers;		/* -1 when unknown */
	int level;			/* enum ev_level */
	const char *channel, *computer;	/* NULL when unknown */
	const char *const *strings;	/* insertion strings / EventData values */
	size_t nstrings;
	const unsigned char *binary;	/* event binary data */
	size_t binary_len;
	const char *message;		/* message from a text export, else NULL */
	bool recovered;			/* carved from free space of the log */
	int64_t line;			/* first line in a text export, -1 otherwise */
};

/* Store one event with its message, fact, timeline entry and decoded facts.
 * Returns 0 or -1 with err (database errors only: undecodable data is not
 * an error, the event is stored as it is). */
int eventdecode_store(wb_ingest *ing, const struct ev_record *r, struct wb_err *err);

/* Canonical provider name into buf (see above). */
void eventdecode_provider(const char *provider, char *buf, size_t len);

/* Render the message for provider/id from insertion strings into out
 * (appended).  Returns 1 when wb has a template, 0 when it joined the raw
 * strings instead. */
int eventdecode_render(const char *provider, uint32_t event_id, const char *const *strings,
		       size_t nstrings, struct wb_buf *out);

/* For a message pasted without its headers: the provider (canonical) and
 * ID whose template's opening words it starts with, whitespace-insensitive
 * (re-wrapped text still matches).  Returns 1 when one was found. */
int eventdecode_recognize(const char *message, const char **provider, uint32_t *event_id);

/* Names for the storage decoder (tables from scsi.h and srb.h); "" when the
 * value is not in the table.  srb_status is masked of its flag bits. */
const char *eventdecode_scsi_status(unsigned v);
const char *eventdecode_srb_status(unsigned v);
const char *eventdecode_scsi_op(unsigned v);
/* Meaning of an HRESULT that VSS and backup events report, or NULL. */
const char *eventdecode_hresult(uint32_t hr);

/* Level from the words exports use, English and Japanese ("Error", "エラー",
 * "Audit Failure"); EV_LEVEL_UNKNOWN when not recognised. */
int eventdecode_level_from_name(const char *s);
/* "critical", "error", "warning", "info", "verbose" for the timeline. */
const char *eventdecode_level_word(int level);

#endif
