/*
 * Event templates and decoders: one table keyed by canonical provider and
 * event ID, and the sink every event importer stores through.
 *
 * Decoders read the rendered message rather than the insertion strings
 * where they can: the EVTX path renders the same text Windows shows, so one
 * parser serves binary logs and text exports alike.
 */
#include "eventdecode.h"

#include "../core/bugcheck.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct ev_ctx {
	wb_ingest *ing;
	const struct ev_record *r;
	const char *provider;	/* canonical */
	const char *message;	/* rendered or as exported; never NULL */
	int64_t ref;		/* rowid in events */
};

typedef int (*ev_decode_fn)(struct ev_ctx *x, struct wb_err *err);

struct ev_decoder {
	const char *provider;	/* canonical; NULL = any provider (decoder checks) */
	uint32_t id;
	/* Message: %1.. insertion strings, %n newline, %t tab, %* the strings
	 * not named so far, one per line. */
	const char *tmpl;
	ev_decode_fn decode;
};

static char *insertion_from_message(const char *tmpl, const char *message, unsigned idx);
static const struct ev_decoder *find_decoder(const char *canonical, uint32_t id);

/* ---- small text helpers ---- */

/* Value after "label" up to the end of its line, trimmed; NULL if absent. */
static char *
line_value(const char *msg, const char *label)
{
	const char *p = strstr(msg, label), *e;

	if (!p)
		return NULL;
	p += strlen(label);
	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strcspn(p, "\r\n");
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '.'))
		e--;
	return xstrndup(p, (size_t)(e - p));
}

/* Text between "before" and the next "until", trimmed; NULL if absent. */
static char *
between(const char *msg, const char *before, const char *until)
{
	const char *p = strstr(msg, before), *e;

	if (!p)
		return NULL;
	p += strlen(before);
	while (*p == ' ')
		p++;
	e = strstr(p, until);
	if (!e || memchr(p, '\n', (size_t)(e - p)))
		return NULL;
	while (e > p && e[-1] == ' ')
		e--;
	return xstrndup(p, (size_t)(e - p));
}

/* Parse "0x1234abcd" or "1234abcd" (hex) at s; returns chars used, 0 if none. */
static size_t
parse_hex(const char *s, uint64_t *v)
{
	const char *p = s;
	uint64_t n = 0;
	int digits = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; digits < 16; p++, digits++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		n = n << 4 | (uint64_t)d;
	}
	if (!digits)
		return 0;
	*v = n;
	return (size_t)(p - s);
}

static bool
is_long_hex(const char *s)
{
	size_t n = strlen(s);

	if (n < 16 || n % 2)
		return false;
	return strspn(s, "0123456789abcdefABCDEF") == n;
}

/* ---- facts and timeline ---- */

static int
fact(struct ev_ctx *x, const char *key, const char *value, bool has_num, int64_t num,
     const char *text, struct wb_err *err)
{
	struct wb_fact f = {
		.key = key,
		.value = value,
		.has_num = has_num,
		.num = num,
		.text = text,
		.has_ts = x->r->has_ts,
		.ts = x->r->ts,
		.ts_local = x->r->ts_local,
		.ref_table = "events",
		.ref_id = x->ref,
	};

	return ingest_fact(x->ing, &f, err);
}

static int
marker(struct ev_ctx *x, const char *kind, const char *level, const char *summary,
       struct wb_err *err)
{
	struct wb_tl t = {
		.ts = x->r->ts,
		.local = x->r->ts_local,
		.level = level,
		.kind = kind,
		.summary = summary,
		.ref_table = "events",
		.ref_id = x->ref,
	};

	if (!x->r->has_ts)
		return 0;
	return ingest_timeline(x->ing, &t, err);
}

/* ---- decoders ---- */

static int
emit_bugcheck(struct ev_ctx *x, uint64_t code, const uint64_t args[4], int nargs,
	      struct wb_err *err)
{
	char v[32], key[32];

	char name[64];

	bugcheck_format_code((uint32_t)code, v, sizeof v);
	if (fact(x, "bugcheck.code", v, true, (int64_t)(code & 0xffffffffu), x->message, err) < 0)
		return -1;
	if (bugcheck_name((uint32_t)code, name, sizeof name) &&
	    fact(x, "bugcheck.name", name, false, 0, NULL, err) < 0)
		return -1;
	for (int i = 0; i < nargs; i++) {
		snprintf(key, sizeof key, "bugcheck.arg%d", i + 1);
		snprintf(v, sizeof v, "0x%" PRIX64, args[i]);
		if (fact(x, key, v, true, (int64_t)args[i], NULL, err) < 0)
			return -1;
	}
	return 0;
}

/* BugCheck 1001: "The bugcheck was: 0x0000009f (0x..., 0x..., 0x..., 0x...)". */
static int
decode_bugcheck(struct ev_ctx *x, struct wb_err *err)
{
	const char *p = strstr(x->message, "0x");
	uint64_t code, args[4];
	int nargs = 0;
	char *dump;
	size_t n;

	if (!p || !(n = parse_hex(p, &code)))
		return 0;
	p += n;
	if (!strncmp(p, " (", 2)) {
		p += 2;
		while (nargs < 4 && (n = parse_hex(p, &args[nargs]))) {
			nargs++;
			p += n;
			p += strspn(p, ", ");
		}
	}
	if (emit_bugcheck(x, code, args, nargs, err) < 0)
		return -1;
	dump = between(x->message, "saved in:", ". Report");
	if (!dump)
		dump = line_value(x->message, "saved in:");
	if (dump && *dump && fact(x, "bugcheck.dump", dump, false, 0, NULL, err) < 0) {
		free(dump);
		return -1;
	}
	free(dump);
	return 0;
}

static int
unexpected_shutdown(struct ev_ctx *x, const char *detail, struct wb_err *err)
{
	char value[64], *summary;
	int rc;

	snprintf(value, sizeof value, "%s/%u", x->provider, (unsigned)x->r->event_id);
	summary = xasprintf("Unexpected shutdown (%s)%s%s", value, detail ? ": " : "",
			    detail ? detail : "");
	rc = fact(x, "shutdown.unexpected", value, false, 0, x->message, err) < 0 ||
	     marker(x, "shutdown", "critical", summary, err) < 0 ? -1 : 0;
	free(summary);
	return rc;
}

/* Kernel-Power 41: EventData BugcheckCode (decimal), BugcheckParameter1..4. */
static int
decode_kernel_power_41(struct ev_ctx *x, struct wb_err *err)
{
	const struct ev_record *r = x->r;
	uint64_t code = r->nstrings ? strtoull(r->strings[0], NULL, 10) : 0, args[4] = {0};
	/* EventData 7: PowerButtonTimestamp, non-zero when the power button
	 * was held to turn the machine off. */
	bool button = r->nstrings >= 7 && strcmp(r->strings[6], "0") && *r->strings[6];
	char detail[128];

	if (code) {
		for (int i = 0; i < 4 && (size_t)i + 1 < r->nstrings; i++)
			parse_hex(r->strings[i + 1], &args[i]);
		snprintf(detail, sizeof detail, "bugcheck 0x%08" PRIX64, code & 0xffffffffu);
		if (emit_bugcheck(x, code, args, r->nstrings >= 5 ? 4 : 0, err) < 0)
			return -1;
	} else if (button) {
		snprintf(detail, sizeof detail, "no bugcheck; the power button was held");
	} else {
		snprintf(detail, sizeof detail, "%s", r->nstrings ? "no bugcheck recorded (power loss, hard hang or no dump)"
							       : "no bugcheck in this export");
	}
	return unexpected_shutdown(x, detail, err);
}

static int
decode_eventlog_6008(struct ev_ctx *x, struct wb_err *err)
{
	char *when = between(x->message, "shutdown at", " was unexpected");
	int rc = unexpected_shutdown(x, when, err);

	free(when);
	return rc;
}

static int
decode_boot(struct ev_ctx *x, struct wb_err *err)
{
	return marker(x, "boot", "info", x->message, err);
}

static int
decode_clean_shutdown(struct ev_ctx *x, struct wb_err *err)
{
	return marker(x, "shutdown", "info", x->message, err);
}

static int
decode_user32_1074(struct ev_ctx *x, struct wb_err *err)
{
	char *who = between(x->message, "The process", " has initiated");
	int rc = 0;

	if (who)
		rc = fact(x, "shutdown.initiated", who, false, 0, x->message, err);
	free(who);
	return rc < 0 ? -1 : marker(x, "shutdown", "info", x->message, err);
}

/* Disk 153 / storport 129 binary data: an IO_ERROR_LOG_PACKET dump whose
 * bytes 0x29, 0x2A and 0x2B hold the SCSI status, the SRB status and the
 * CDB opcode (Event Viewer's byte grid labels them 29, 30 and 31 in hex). */
static int
decode_storage_binary(struct ev_ctx *x, const char *device, struct wb_err *err)
{
	const struct ev_record *r = x->r;
	unsigned scsi, srb, op;
	const char *scsi_name, *srb_name, *op_name;
	char srb_buf[32], op_buf[32], *text, *lba;
	int rc;

	if (r->binary_len <= 0x2B)
		return 0;
	lba = between(x->message, "logical block address", " for ");
	scsi = r->binary[0x29];
	srb = r->binary[0x2A] & ~0xC0u;	/* 0x80 autosense valid, 0x40 queue frozen */
	op = r->binary[0x2B];
	scsi_name = eventdecode_scsi_status(scsi);
	srb_name = eventdecode_srb_status(srb);
	op_name = eventdecode_scsi_op(op);
	if (*srb_name)
		snprintf(srb_buf, sizeof srb_buf, "SRB_STATUS_%s", srb_name);
	else
		snprintf(srb_buf, sizeof srb_buf, "SRB_STATUS_0x%02X", srb);
	if (*op_name)
		snprintf(op_buf, sizeof op_buf, "SCSIOP_%s", op_name);
	else
		snprintf(op_buf, sizeof op_buf, "SCSIOP_0x%02X", op);
	text = xasprintf("%s (0x%02X), SCSI status %s (0x%02X), SRB status %s (0x%02X, raw 0x%02X)%s%s%s%s",
			 op_buf, op, *scsi_name ? scsi_name : "unknown", scsi, srb_buf, srb,
			 r->binary[0x2A], device ? ", device " : "", device ? device : "",
			 lba ? ", LBA " : "", lba ? lba : "");
	rc = fact(x, "disk.retry", srb_buf, true, srb, text, err) < 0 ||
	     fact(x, "disk.retry.op", op_buf, true, op, text, err) < 0 ||
	     fact(x, "disk.retry.scsi", *scsi_name ? scsi_name : "unknown", true, scsi, text, err) < 0 ||
	     (device && fact(x, "disk.retry.device", device, false, 0, text, err) < 0) ? -1 : 0;
	free(text);
	free(lba);
	return rc;
}

static const char *
first_string(struct ev_ctx *x)
{
	return x->r->nstrings && *x->r->strings[0] ? x->r->strings[0] : NULL;
}

/* Disk 7, 11, 51: device in %1 (or in the text of an export). */
static int
decode_disk_error(struct ev_ctx *x, struct wb_err *err)
{
	const char *dev = first_string(x);
	char *found = NULL;
	int rc;

	if (!dev) {
		const char *p = strstr(x->message, "\\Device\\");

		if (p)
			dev = found = xstrndup(p, strcspn(p, " ,\r\n"));
	}
	rc = fact(x, "disk.error", dev ? dev : "unknown", true, x->r->event_id, x->message, err);
	free(found);
	return rc;
}

static int
decode_disk_153(struct ev_ctx *x, struct wb_err *err)
{
	const char *dev = first_string(x);
	char *disk = NULL;
	int rc;

	if (!dev && (disk = between(x->message, " for ", " (PDO")))
		dev = disk;
	rc = decode_storage_binary(x, dev, err);
	free(disk);
	return rc;
}

/* Storport logs 129 under the miniport's name: accept any provider whose
 * device string is a RaidPort or ScsiPort. */
static int
decode_storport_129(struct ev_ctx *x, struct wb_err *err)
{
	const char *dev = first_string(x);
	char *found = NULL;
	int rc;

	if (!dev) {
		const char *p = strstr(x->message, "\\Device\\");

		if (p)
			dev = found = xstrndup(p, strcspn(p, " ,\r\n"));
	}
	if (!dev || (!strstr(dev, "RaidPort") && !strstr(dev, "ScsiPort"))) {
		free(found);
		return 0;
	}
	rc = fact(x, "disk.reset", dev, true, 129, x->message, err) < 0 ||
	     decode_storage_binary(x, dev, err) < 0 ? -1 : 0;
	free(found);
	return rc;
}

/* Ntfs 55, and 98 unless it says the volume is healthy (its third string
 * is the health state, 0 = healthy, when the record carries strings). */
static int
decode_ntfs(struct ev_ctx *x, struct wb_err *err)
{
	const struct ev_record *r = x->r;
	char *vol;
	int rc;

	if (strstr(x->message, "is healthy") ||
	    (r->event_id == 98 && r->nstrings >= 3 && !strcmp(r->strings[2], "0")))
		return 0;
	if (r->nstrings && *r->strings[0])
		vol = xstrdup(r->strings[0]);
	else if (!(vol = between(x->message, "on volume", ".")))
		vol = between(x->message, "Volume ", " ");
	rc = fact(x, "ntfs.corruption", vol ? vol : "unknown", true, r->event_id, x->message, err);
	free(vol);
	return rc;
}

static int
decode_volsnap(struct ev_ctx *x, struct wb_err *err)
{
	const char *key = x->r->event_id == 24 ? "shadow.storage_low" : "shadow.lost";
	char *vol = between(x->message, "of volume", " were");
	int rc;

	if (!vol)
		vol = between(x->message, "shadow copies of", ".");
	rc = fact(x, key, vol ? vol : "unknown", true, x->r->event_id, x->message, err);
	free(vol);
	return rc;
}

static int
decode_volmgr_46(struct ev_ctx *x, struct wb_err *err)
{
	return fact(x, "crashdump.init_failed", "volmgr/46", false, 0, x->message, err);
}

/* VSS: the failing routine, the hr and its meaning, the writer. */
static int
decode_vss(struct ev_ctx *x, struct wb_err *err)
{
	const char *m = x->message, *p;
	char *routine = NULL, *writer, *op, *text, hrs[16];
	uint64_t hr = 0;
	bool has_hr = false;
	const char *meaning;
	int rc = 0;

	if ((p = strstr(m, "hr = ")) && parse_hex(p + 5, &hr))
		has_hr = true;
	else if ((p = strstr(m, "with error ")) && parse_hex(p + 11, &hr))
		has_hr = true;
	if (x->r->event_id == 8194)
		routine = xstrdup("IVssWriterCallback");
	else if (!(routine = between(m, "calling routine", ".  hr")) &&
		 !(routine = between(m, "Routine details", " [hr")))
		routine = between(m, "Unexpected error", ".  hr");
	writer = line_value(m, "Writer Name:");
	op = NULL;
	if ((p = strstr(m, "Operation:"))) {
		p += strlen("Operation:");
		p += strspn(p, " \r\n");
		op = xstrndup(p, strcspn(p, "\r\n"));
	}
	meaning = has_hr ? eventdecode_hresult((uint32_t)hr) : NULL;
	snprintf(hrs, sizeof hrs, "0x%08" PRIX64, hr & 0xffffffffu);
	text = xasprintf("%s/%u: %s%s%s%s%s%s%s%s%s", x->provider, (unsigned)x->r->event_id,
			 routine ? routine : "", has_hr ? " hr " : "", has_hr ? hrs : "",
			 meaning ? " (" : "", meaning ? meaning : "", meaning ? ")" : "",
			 writer ? ", writer " : "", writer ? writer : "",
			 op && *op ? ", operation " : "");
	if (op && *op) {
		char *t = xasprintf("%s%s", text, op);

		free(text);
		text = t;
	}
	if (routine && *routine)
		rc = fact(x, "vss.routine", routine, false, 0, text, err);
	if (rc == 0 && has_hr)
		rc = fact(x, "vss.hr", hrs, true, (int64_t)(hr & 0xffffffffu), text, err);
	if (rc == 0 && writer && *writer)
		rc = fact(x, "vss.writer.error", writer, false, 0, text, err);
	free(routine);
	free(writer);
	free(op);
	free(text);
	return rc;
}

/* Service Control Manager: the service is %1, except 7009/7011 (%2). */
static int
decode_scm(struct ev_ctx *x, struct wb_err *err)
{
	const struct ev_record *r = x->r;
	size_t i = r->event_id == 7009 || r->event_id == 7011 ? 1 : r->event_id == 7032 ? 2 : 0;
	char *name = NULL;
	int rc;

	if (i < r->nstrings && *r->strings[i])
		name = xstrdup(r->strings[i]);
	else if (!(name = insertion_from_message(find_decoder(x->provider, r->event_id)->tmpl,
						 x->message, (unsigned)i + 1)) || !*name) {
		free(name);
		name = xstrdup("unknown");
	}
	rc = fact(x, r->event_id == 7045 ? "service.installed" : "service.failure", name, true,
		  r->event_id, x->message, err);
	free(name);
	return rc;
}

static int
decode_scm_7045(struct ev_ctx *x, struct wb_err *err)
{
	char *name = line_value(x->message, "Service Name:");
	int rc = fact(x, "service.installed", name ? name : "unknown", true, 7045, x->message, err);

	free(name);
	return rc;
}

/* Windows Error Reporting 1001: the report type, and for BlueScreen the
 * bugcheck code (P1) and parameters (P2..P5). */
static int
decode_wer(struct ev_ctx *x, struct wb_err *err)
{
	char *name = line_value(x->message, "Event Name:"), *p[6] = {0}, label[8];
	int rc = 0;

	if (!name)
		return 0;
	for (int i = 1; i <= 5; i++) {
		snprintf(label, sizeof label, "\nP%d:", i);
		p[i] = line_value(x->message, label);
	}
	rc = fact(x, "wer.report", name, false, 0, x->message, err);
	if (rc == 0 && !strcmp(name, "BlueScreen") && p[1]) {
		uint64_t code, args[4] = {0};
		int nargs = 0;

		if (parse_hex(p[1], &code)) {
			while (nargs < 4 && p[nargs + 2] && parse_hex(p[nargs + 2], &args[nargs]))
				nargs++;
			rc = emit_bugcheck(x, code, args, nargs, err);
		}
	} else if (rc == 0 && (!strcmp(name, "APPCRASH") || !strcmp(name, "BEX") ||
			       !strcmp(name, "BEX64")) && p[1] && *p[1]) {
		rc = fact(x, "app.crash", p[1], false, 0, x->message, err);
	}
	free(name);
	for (int i = 0; i < 6; i++)
		free(p[i]);
	return rc;
}

static int
decode_app_error(struct ev_ctx *x, struct wb_err *err)
{
	char *app = between(x->message, "Faulting application name:", ",");
	int rc = 0;

	if (app && *app)
		rc = fact(x, "app.crash", app, false, 0, x->message, err);
	free(app);
	return rc;
}

/* ---- the table ---- */

#define VSS_E "Volume Shadow Copy Service error: "
static const struct ev_decoder decoders[] = {
	{"BugCheck", 1001, "The computer has rebooted from a bugcheck.  The bugcheck was: %1. "
	 "A dump was saved in: %2. Report Id: %3.", decode_bugcheck},
	{"Kernel-Power", 41, "The system has rebooted without cleanly shutting down first. "
	 "This error could be caused if the system stopped responding, crashed, or lost power "
	 "unexpectedly.%n%nBugcheckCode: %1%nBugcheckParameter1: %2%nBugcheckParameter2: %3%n"
	 "BugcheckParameter3: %4%nBugcheckParameter4: %5%nSleepInProgress: %6%n"
	 "PowerButtonTimestamp: %7", decode_kernel_power_41},
	{"Kernel-Power", 109, "The kernel power manager has initiated a shutdown transition.", NULL},
	{"EventLog", 6005, "The Event log service was started.", decode_boot},
	{"EventLog", 6006, "The Event log service was stopped.", decode_clean_shutdown},
	{"EventLog", 6008, "The previous system shutdown at %1 on %2 was unexpected.",
	 decode_eventlog_6008},
	{"EventLog", 6009, "Microsoft (R) Windows (R) %1. %2 %3 %4.", NULL},
	{"EventLog", 6013, "The system uptime is %5 seconds.", NULL},
	{"User32", 1074, "The process %1 has initiated the %5 of computer %2 on behalf of user %7 "
	 "for the following reason: %3%n Reason Code: %4%n Shutdown Type: %5%n Comment: %6", decode_user32_1074},
	{"Disk", 7, "The device, %1, has a bad block.", decode_disk_error},
	{"Disk", 11, "The driver detected a controller error on %1.", decode_disk_error},
	{"Disk", 51, "An error was detected on device %1 during a paging operation.",
	 decode_disk_error},
	{"Disk", 153, "The IO operation at logical block address %2 for Disk %3 (PDO name: %4) "
	 "was retried.", decode_disk_153},
	{NULL, 129, "Reset to device, %1, was issued.", decode_storport_129},
	{"Ntfs", 55, "A corruption was discovered in the file system structure on volume %1.",
	 decode_ntfs},
	{"Ntfs", 98, NULL, decode_ntfs},
	{"volsnap", 24, "There was insufficient disk space on volume %3 to grow the shadow copy "
	 "storage for shadow copies of %2.  As a result of this failure all shadow copies of "
	 "volume %2 are at risk of being deleted.", decode_volsnap},
	{"volsnap", 25, "The shadow copies of volume %2 were deleted because the shadow copy "
	 "storage could not grow in time.  Consider reducing the IO load on the system or choose "
	 "a shadow copy storage volume that is not being shadow copied.", decode_volsnap},
	{"volsnap", 33, "The oldest shadow copy of volume %2 was deleted to keep disk space usage "
	 "for shadow copies of volume %2 below the user defined limit.", NULL},
	{"volsnap", 35, "The shadow copies of volume %2 were aborted because the shadow copy "
	 "storage failed to grow.", decode_volsnap},
	{"volsnap", 36, "The shadow copies of volume %2 were aborted because the shadow copy "
	 "storage could not grow due to a user imposed limit.", decode_volsnap},
	{"volmgr", 46, "Crash dump initialization failed!", decode_volmgr_46},
	{"VSS", 13, "Volume Shadow Copy Service information: The COM Server with CLSID %1 and "
	 "name %2 cannot be started. [%3]%*", NULL},
	{"VSS", 20, VSS_E "The Volume Shadow Copy infrastructure cannot be used during Safe Mode.",
	 NULL},
	{"VSS", 22, VSS_E "A critical component required by the Volume Shadow Copy service is not "
	 "registered. This might happened if an error occurred during Windows setup or during "
	 "installation of a Shadow Copy provider. The error returned from CoCreateInstance on "
	 "class with CLSID %1 and Name %2 is [%3].%*", decode_vss},
	{"VSS", 8193, VSS_E "Unexpected error calling routine %1.  hr = %2.%*", decode_vss},
	{"VSS", 8194, VSS_E "Unexpected error querying for the IVssWriterCallback interface.  "
	 "hr = %1. This is often caused by incorrect security settings in either the writer or "
	 "requestor process.%*", decode_vss},
	{"VSS", 8224, "The VSS service is shutting down due to idle timeout.", NULL},
	{"VSS", 8229, "A VSS writer has rejected an event with error %1. Changes that the writer "
	 "made to the writer components while handling the event will not be available to the "
	 "requester. Check the event log for related events from the application hosting the VSS "
	 "writer.%*", decode_vss},
	{"VSS", 8230, VSS_E "Failed resolving account %1 with status %2. Check connection to "
	 "domain controller and VssAccessControl registry key.%*", decode_vss},
	{"VSS", 12289, VSS_E "Unexpected error %1.  hr = %2.%*", decode_vss},
	{"VSS", 12290, "Volume Shadow Copy Service warning: %1.  hr = %2.%*", decode_vss},
	{"VSS", 12293, VSS_E "Error calling a routine on a Shadow Copy Provider %1. Routine "
	 "details %2 [hr = %3].%*", decode_vss},
	{"VSS", 12298, VSS_E "The I/O writes cannot be held during the shadow copy creation "
	 "period on volume %1. The volume index in the shadow copy set is %2. Error details: "
	 "Open[%3], Flush[%4], Release[%5], OnRun[%6].%*", decode_vss},
	{"VSS", 12302, VSS_E "An internal inconsistency was detected in trying to contact shadow "
	 "copy service writers.  Check to see that the Event Service and Volume Shadow Copy "
	 "Service are operating properly.%*", decode_vss},
	{"Service Control Manager", 7000, "The %1 service failed to start due to the following "
	 "error: %n%2", decode_scm},
	{"Service Control Manager", 7001, "The %1 service depends on the %2 service which failed "
	 "to start because of the following error: %n%3", decode_scm},
	{"Service Control Manager", 7009, "A timeout was reached (%1 milliseconds) while waiting "
	 "for the %2 service to connect.", decode_scm},
	{"Service Control Manager", 7011, "A timeout (%1 milliseconds) was reached while waiting "
	 "for a transaction response from the %2 service.", decode_scm},
	{"Service Control Manager", 7022, "The %1 service hung on starting.", decode_scm},
	{"Service Control Manager", 7023, "The %1 service terminated with the following error: "
	 "%n%2", decode_scm},
	{"Service Control Manager", 7024, "The %1 service terminated with service-specific error "
	 "%2.", decode_scm},
	{"Service Control Manager", 7026, "The following boot-start or system-start driver(s) "
	 "failed to load: %n%1", decode_scm},
	{"Service Control Manager", 7031, "The %1 service terminated unexpectedly.  It has done "
	 "this %2 time(s).  The following corrective action will be taken in %3 milliseconds: "
	 "%5.", decode_scm},
	{"Service Control Manager", 7032, "The Service Control Manager tried to take a corrective "
	 "action (%2) after the unexpected termination of the %3 service, but this action failed "
	 "with the following error: %n%4", decode_scm},
	{"Service Control Manager", 7034, "The %1 service terminated unexpectedly.  It has done "
	 "this %2 time(s).", decode_scm},
	{"Service Control Manager", 7036, "The %1 service entered the %2 state.", NULL},
	{"Service Control Manager", 7040, "The start type of the %1 service was changed from %2 "
	 "to %3.", NULL},
	{"Service Control Manager", 7045, "A service was installed in the system.%n%nService "
	 "Name:  %1%nService File Name:  %2%nService Type:  %3%nService Start Type:  %4%n"
	 "Service Account:  %5", decode_scm_7045},
	{"Windows Error Reporting", 1001, "Fault bucket %1, type %2%nEvent Name: %3%nResponse: "
	 "%4%nCab Id: %5%n%nProblem signature:%nP1: %6%nP2: %7%nP3: %8%nP4: %9%nP5: %10%n"
	 "P6: %11%nP7: %12%nP8: %13%nP9: %14%nP10: %15%n%nAttached files:%n%16%n%nThese files "
	 "may be available here:%n%17%n%nAnalysis symbol: %18%nRechecking for solution: %19%n"
	 "Report Id: %20%nReport Status: %21%nHashed bucket: %22", decode_wer},
	{"Application Error", 1000, "Faulting application name: %1, version: %2, time stamp: "
	 "0x%3%nFaulting module name: %4, version: %5, time stamp: 0x%6%nException code: 0x%7%n"
	 "Fault offset: 0x%8%nFaulting process id: 0x%9%nFaulting application start time: "
	 "0x%10%nFaulting application path: %11%nFaulting module path: %12%nReport Id: %13",
	 decode_app_error},
};

/* Provider spellings folded onto the name the table uses. */
static const struct {
	const char *alias, *canonical;
} provider_aliases[] = {
	{"Microsoft-Windows-WER-SystemErrorReporting", "BugCheck"},
	{"WER-SystemErrorReporting", "BugCheck"},
	{"Save Dump", "BugCheck"},
	{"Microsoft-Windows-Kernel-Power", "Kernel-Power"},
	{"Microsoft-Windows-Ntfs", "Ntfs"},
	{"Microsoft-Windows-Windows Error Reporting", "Windows Error Reporting"},
	{"Application-Error", "Application Error"},
	{"Service-Control-Manager", "Service Control Manager"},
};

void
eventdecode_provider(const char *provider, char *buf, size_t len)
{
	static const char prefix[] = "Microsoft-Windows-";
	const char *p = provider ? provider : "";

	for (size_t i = 0; i < sizeof provider_aliases / sizeof *provider_aliases; i++)
		if (!strcasecmp(p, provider_aliases[i].alias)) {
			snprintf(buf, len, "%s", provider_aliases[i].canonical);
			return;
		}
	if (!strncasecmp(p, prefix, sizeof prefix - 1) && p[sizeof prefix - 1])
		p += sizeof prefix - 1;
	/* Same spelling as the table, whatever case the log used ("disk"). */
	for (size_t i = 0; i < sizeof decoders / sizeof *decoders; i++)
		if (decoders[i].provider && !strcasecmp(p, decoders[i].provider)) {
			p = decoders[i].provider;
			break;
		}
	snprintf(buf, len, "%s", p);
}

static const struct ev_decoder *
find_decoder(const char *canonical, uint32_t id)
{
	for (size_t i = 0; i < sizeof decoders / sizeof *decoders; i++)
		if (decoders[i].id == id &&
		    (!decoders[i].provider || !strcmp(decoders[i].provider, canonical)))
			return &decoders[i];
	return NULL;
}

/* Win32 errors that SCM messages insert as "%%1053". */
static const struct {
	unsigned code;
	const char *text;
} win32_errors[] = {
	{2, "The system cannot find the file specified."},
	{3, "The system cannot find the path specified."},
	{5, "Access is denied."},
	{87, "The parameter is incorrect."},
	{193, "%1 is not a valid Win32 application."},
	{577, "Windows cannot verify the digital signature for this file."},
	{1053, "The service did not respond to the start or control request in a timely fashion."},
	{1058, "The service cannot be started, either because it is disabled or because it has no "
	       "enabled devices associated with it."},
	{1067, "The process terminated unexpectedly."},
	{1068, "The dependency service or group failed to start."},
	{1069, "The service did not start due to a logon failure."},
	{1075, "The dependency service does not exist or has been marked for deletion."},
	{1275, "This driver has been blocked from loading"},
};

/* Append one insertion string: "%%1053" becomes the error text; the
 * left-to-right marks Windows puts into localized dates are dropped. */
static void
append_insertion(struct wb_buf *out, const char *s)
{
	if (s[0] == '%' && s[1] == '%' && s[2] >= '0' && s[2] <= '9') {
		unsigned code = (unsigned)strtoul(s + 2, NULL, 10);

		for (size_t i = 0; i < sizeof win32_errors / sizeof *win32_errors; i++)
			if (win32_errors[i].code == code) {
				buf_puts(out, win32_errors[i].text);
				return;
			}
		buf_printf(out, "error %u", code);
		return;
	}
	while (*s) {
		size_t n = strcspn(s, "\xe2");

		buf_append(out, s, n);
		s += n;
		if (!*s)
			break;
		if (s[1] == '\x80' && (s[2] == '\x8e' || s[2] == '\x8f'))
			s += 3;		/* U+200E, U+200F */
		else {
			buf_append(out, s, 1);
			s++;
		}
	}
}

static void
join_strings(const char *const *strings, size_t n, struct wb_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(out, "; ");
		append_insertion(out, strings[i]);
	}
}

int
eventdecode_render(const char *provider, uint32_t event_id, const char *const *strings,
		   size_t nstrings, struct wb_buf *out)
{
	char canon[128];
	const struct ev_decoder *d;
	unsigned char used[64] = {0};
	bool rest = false;
	const char *t;

	eventdecode_provider(provider, canon, sizeof canon);
	d = find_decoder(canon, event_id);
	/* The any-provider entry (storport 129) applies only to port devices. */
	if (d && !d->provider &&
	    !(nstrings && (strstr(strings[0], "RaidPort") || strstr(strings[0], "ScsiPort"))))
		d = NULL;
	if (!d || !d->tmpl) {
		join_strings(strings, nstrings, out);
		return 0;
	}
	for (t = d->tmpl; *t; t++) {
		if (*t != '%') {
			size_t n = strcspn(t, "%");

			buf_append(out, t, n);
			t += n - 1;
			continue;
		}
		if (t[1] == 'n') {
			buf_puts(out, "\n");
			t++;
		} else if (t[1] == 't') {
			buf_puts(out, "\t");
			t++;
		} else if (t[1] == '*') {
			rest = true;
			t++;
		} else if (t[1] >= '1' && t[1] <= '9') {
			unsigned i = (unsigned)(t[1] - '0');

			t++;
			if (t[1] >= '0' && t[1] <= '9') {
				i = i * 10 + (unsigned)(t[1] - '0');
				t++;
			}
			if (i <= nstrings) {
				append_insertion(out, strings[i - 1]);
				if (i < sizeof used)
					used[i] = 1;
			}
		} else {
			buf_puts(out, "%");
			if (t[1] == '%')
				t++;
		}
	}
	if (!rest)
		return 1;
	/* "%*": strings the template does not name (VSS's Operation/Context
	 * text) follow on their own lines; the hex copy of the binary data
	 * does not. */
	for (size_t i = 1; i <= nstrings; i++) {
		const char *s = strings[i - 1];

		if ((i < sizeof used && used[i]) || !*s || (i == nstrings && is_long_hex(s)))
			continue;
		buf_puts(out, "\n");
		append_insertion(out, s);
	}
	return 1;
}

/* Copy of s with whitespace runs (and a template's %n, %t) as one space;
 * in a template, insertions become '\x01'. */
static char *
normalize(const char *s, bool tmpl)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	while (*s) {
		bool space = *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n';

		if (tmpl && *s == '%' && (s[1] == 'n' || s[1] == 't')) {
			space = true;
			s++;
		} else if (tmpl && *s == '%') {
			*o++ = '\x01';
			s++;
			while (*s >= '0' && *s <= '9')
				s++;
			if (*s == '*')
				s++;
			continue;
		}
		if (space) {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
			s++;
			continue;
		}
		*o++ = *s++;
	}
	*o = 0;
	return out;
}

/* How much of the template's literal text msg carries, in order: the
 * opening must start msg, later pieces are searched after the previous
 * one; scoring stops at the first piece not found (pasted text is often
 * cut short). */
static size_t
template_score(const char *tmpl, const char *msg)
{
	char *t = normalize(tmpl, true), *piece = t;
	const char *m = msg;
	size_t score = 0;
	bool first = true;

	while (*piece) {
		char *end = strchr(piece, '\x01'), save = 0;
		const char *at;
		size_t n;

		if (end) {
			save = *end;
			*end = 0;
		}
		n = strlen(piece);
		if (n) {
			at = first ? (strncmp(m, piece, n) ? NULL : m) : strstr(m, piece);
			if (!at)
				break;
			score += n;
			m = at + n;
		}
		first = false;
		if (!end)
			break;
		*end = save;
		piece = end + 1;
	}
	free(t);
	return score;
}

/* Insertion string idx of template tmpl as it appears in a rendered
 * message (whitespace-normalised), or NULL: lets decoders read text
 * exports, which carry only the message, like binary logs. */
static char *
insertion_from_message(const char *tmpl, const char *message, unsigned idx)
{
	char *t = normalize(tmpl, true), *msg = normalize(message, false), *out = NULL;
	const char *m = msg, *start = NULL;
	unsigned ins = 0;
	char *piece = t;
	const char *p;

	/* Number the insertions in template order. */
	for (p = tmpl; *p; p++)
		if (*p == '%' && p[1] >= '1' && p[1] <= '9') {
			ins++;
			if ((unsigned)strtoul(p + 1, NULL, 10) == idx)
				break;
		}
	if (!*p)
		goto out;
	for (unsigned seen = 0;;) {
		char *end = strchr(piece, '\x01');
		size_t n;
		const char *at;

		if (end)
			*end = 0;
		n = strlen(piece);
		at = seen == 0 ? (strncmp(m, piece, n) ? NULL : m) : n ? strstr(m, piece) : m + strlen(m);
		if (!at)
			break;
		if (start) {
			out = xstrndup(start, (size_t)(at - start));
			break;
		}
		m = at + n;
		if (!end)
			break;
		if (++seen == ins)
			start = m;
		piece = end + 1;
	}
out:
	free(t);
	free(msg);
	return out;
}

int
eventdecode_recognize(const char *message, const char **provider, uint32_t *event_id)
{
	char *msg;
	size_t best = 0;

	while (*message == ' ' || *message == '\t' || *message == '\r' || *message == '\n')
		message++;
	msg = normalize(message, false);
	for (size_t i = 0; i < sizeof decoders / sizeof *decoders; i++) {
		size_t n;

		if (!decoders[i].provider || !decoders[i].tmpl)
			continue;
		n = template_score(decoders[i].tmpl, msg);
		if (n >= 24 && n > best) {
			best = n;
			*provider = decoders[i].provider;
			*event_id = decoders[i].id;
		}
	}
	free(msg);
	return best > 0;
}

/* ---- storage and HRESULT tables ---- */

struct code_name {
	unsigned v;
	const char *name;
};

static const char *
lookup(const struct code_name *t, size_t n, unsigned v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].name;
	return "";
}

#define LOOKUP(t, v) lookup((t), sizeof(t) / sizeof *(t), (v))

const char *
eventdecode_scsi_status(unsigned v)
{
	static const struct code_name t[] = {
		{0x00, "GOOD"}, {0x02, "CHECK_CONDITION"}, {0x04, "CONDITION_MET"}, {0x08, "BUSY"},
		{0x10, "INTERMEDIATE"}, {0x14, "INTERMEDIATE_COND_MET"},
		{0x18, "RESERVATION_CONFLICT"}, {0x22, "COMMAND_TERMINATED"}, {0x28, "QUEUE_FULL"},
	};

	return LOOKUP(t, v);
}

const char *
eventdecode_srb_status(unsigned v)
{
	static const struct code_name t[] = {
		{0x00, "PENDING"}, {0x01, "SUCCESS"}, {0x02, "ABORTED"}, {0x03, "ABORT_FAILED"},
		{0x04, "ERROR"}, {0x05, "BUSY"}, {0x06, "INVALID_REQUEST"},
		{0x07, "INVALID_PATH_ID"}, {0x08, "NO_DEVICE"}, {0x09, "TIMEOUT"},
		{0x0A, "SELECTION_TIMEOUT"}, {0x0B, "COMMAND_TIMEOUT"}, {0x0D, "MESSAGE_REJECTED"},
		{0x0E, "BUS_RESET"}, {0x0F, "PARITY_ERROR"}, {0x10, "REQUEST_SENSE_FAILED"},
		{0x11, "NO_HBA"}, {0x12, "DATA_OVERRUN"}, {0x13, "UNEXPECTED_BUS_FREE"},
		{0x14, "PHASE_SEQUENCE_FAILURE"}, {0x15, "BAD_SRB_BLOCK_LENGTH"},
		{0x16, "REQUEST_FLUSHED"}, {0x17, "ACCESS_DENIED"}, {0x18, "OPERATION_IN_PROGRESS"},
		{0x20, "INVALID_LUN"}, {0x21, "INVALID_TARGET_ID"}, {0x22, "BAD_FUNCTION"},
		{0x23, "ERROR_RECOVERY"}, {0x24, "NOT_POWERED"}, {0x25, "LINK_DOWN"},
		{0x26, "INSUFFICIENT_RESOURCES"}, {0x27, "THROTTLED_REQUEST"},
		{0x28, "INVALID_PARAMETER"}, {0x30, "INTERNAL_ERROR"},
	};

	return LOOKUP(t, v & ~0xC0u);
}

const char *
eventdecode_scsi_op(unsigned v)
{
	static const struct code_name t[] = {
		{0x00, "TEST_UNIT_READY"}, {0x01, "REZERO_UNIT"}, {0x03, "REQUEST_SENSE"},
		{0x04, "FORMAT_UNIT"}, {0x07, "REASSIGN_BLOCKS"}, {0x08, "READ6"},
		{0x0A, "WRITE6"}, {0x0B, "SEEK6"}, {0x12, "INQUIRY"}, {0x13, "VERIFY6"},
		{0x15, "MODE_SELECT"}, {0x16, "RESERVE_UNIT"}, {0x17, "RELEASE_UNIT"},
		{0x1A, "MODE_SENSE"}, {0x1B, "START_STOP_UNIT"}, {0x1C, "RECEIVE_DIAGNOSTIC"},
		{0x1D, "SEND_DIAGNOSTIC"}, {0x1E, "MEDIUM_REMOVAL"},
		{0x23, "READ_FORMATTED_CAPACITY"}, {0x25, "READ_CAPACITY"}, {0x28, "READ"},
		{0x2A, "WRITE"}, {0x2B, "SEEK"}, {0x2E, "WRITE_VERIFY"}, {0x2F, "VERIFY"},
		{0x35, "SYNCHRONIZE_CACHE"}, {0x3B, "WRITE_DATA_BUFF"}, {0x3C, "READ_DATA_BUFF"},
		{0x41, "WRITE_SAME"}, {0x42, "UNMAP"}, {0x48, "SANITIZE"}, {0x4C, "LOG_SELECT"},
		{0x4D, "LOG_SENSE"}, {0x55, "MODE_SELECT10"}, {0x56, "RESERVE_UNIT10"},
		{0x57, "RELEASE_UNIT10"}, {0x5A, "MODE_SENSE10"}, {0x5E, "PERSISTENT_RESERVE_IN"},
		{0x5F, "PERSISTENT_RESERVE_OUT"}, {0x7F, "OPERATION32"}, {0x83, "EXTENDED_COPY"},
		{0x84, "RECEIVE_COPY_RESULTS"}, {0x85, "ATA_PASSTHROUGH16"}, {0x88, "READ16"},
		{0x89, "COMPARE_AND_WRITE"}, {0x8A, "WRITE16"}, {0x8E, "WRITE_VERIFY16"},
		{0x8F, "VERIFY16"}, {0x90, "PREFETCH16"}, {0x91, "SYNCHRONIZE_CACHE16"},
		{0x93, "WRITE_SAME16"}, {0x94, "ZBC_OUT"}, {0x95, "ZBC_IN"},
		{0x9E, "SERVICE_ACTION_IN16"}, {0x9F, "SERVICE_ACTION_OUT16"}, {0xA0, "REPORT_LUNS"},
		{0xA1, "ATA_PASSTHROUGH12"}, {0xA2, "SECURITY_PROTOCOL_IN"}, {0xA3, "MAINTENANCE_IN"},
		{0xA4, "MAINTENANCE_OUT"}, {0xA8, "READ12"}, {0xAA, "WRITE12"},
		{0xAE, "WRITE_VERIFY12"}, {0xAF, "VERIFY12"}, {0xB5, "SECURITY_PROTOCOL_OUT"},
		{0xB7, "READ_DEFECT_DATA"},
	};

	return LOOKUP(t, v);
}

const char *
eventdecode_hresult(uint32_t hr)
{
	static const struct code_name t[] = {
		{0x80070005, "E_ACCESSDENIED: access denied (often requestor COM security)"},
		{0x80070001, "ERROR_INVALID_FUNCTION: incorrect function"},
		{0x80070018, "ERROR_BAD_LENGTH: the XML document is too long (writer metadata too large)"},
		{0x8007045B, "ERROR_SHUTDOWN_IN_PROGRESS: a system shutdown is in progress"},
		{0x80070057, "E_INVALIDARG: the parameter is incorrect"},
		{0x8007000E, "E_OUTOFMEMORY: not enough memory"},
		{0x80004005, "E_FAIL: unspecified error"},
		{0x80040154, "REGDB_E_CLASSNOTREG: class not registered"},
		{0x800706BA, "RPC_S_SERVER_UNAVAILABLE: the RPC server is unavailable"},
		{0x80042301, "VSS_E_BAD_STATE: the object is not in the correct state"},
		{0x80042302, "VSS_E_UNEXPECTED: an unexpected error (see the application event log)"},
		{0x80042304, "VSS_E_PROVIDER_NOT_REGISTERED"},
		{0x80042306, "VSS_E_PROVIDER_VETO: the provider vetoed the operation"},
		{0x80042308, "VSS_E_OBJECT_NOT_FOUND"},
		{0x8004230C, "VSS_E_VOLUME_NOT_SUPPORTED"},
		{0x8004230F, "VSS_E_UNEXPECTED_PROVIDER_ERROR"},
		{0x80042312, "VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED"},
		{0x80042313, "VSS_E_FLUSH_WRITES_TIMEOUT: writes could not be flushed in time"},
		{0x80042314, "VSS_E_HOLD_WRITES_TIMEOUT: writes could not be held in time"},
		{0x80042316, "VSS_E_SNAPSHOT_SET_IN_PROGRESS: another shadow copy is being created"},
		{0x80042317, "VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED"},
		{0x8004231F, "VSS_E_INSUFFICIENT_STORAGE: not enough shadow copy storage"},
		{0x800423F0, "VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT: inconsistent shadow copy"},
		{0x800423F1, "VSS_E_WRITERERROR_OUTOFRESOURCES: writer out of resources"},
		{0x800423F2, "VSS_E_WRITERERROR_TIMEOUT: timeout between Freeze and Thaw"},
		{0x800423F3, "VSS_E_WRITERERROR_RETRYABLE: transient writer error"},
		{0x800423F4, "VSS_E_WRITERERROR_NONRETRYABLE: non-retryable writer error"},
		{0x80042409, "VSS_E_SESSION_STATE_GARBAGE: session state garbage collection (KB 978773)"},
	};
	const char *s = LOOKUP(t, hr);

	return *s ? s : NULL;
}

/* ---- levels ---- */

int
eventdecode_level_from_name(const char *s)
{
	static const struct {
		const char *name;
		int level;
	} t[] = {
		{"Critical", EV_LEVEL_CRITICAL}, {"Error", EV_LEVEL_ERROR},
		{"Warning", EV_LEVEL_WARNING}, {"Information", EV_LEVEL_INFO},
		{"Verbose", EV_LEVEL_VERBOSE}, {"Audit Success", EV_LEVEL_INFO},
		{"Audit Failure", EV_LEVEL_INFO}, {"Success Audit", EV_LEVEL_INFO},
		{"Failure Audit", EV_LEVEL_INFO}, {"Success", EV_LEVEL_INFO},
		{"SuccessAudit", EV_LEVEL_INFO}, {"FailureAudit", EV_LEVEL_INFO},	/* Get-EventLog */
		{"Informational", EV_LEVEL_INFO}, {"Info", EV_LEVEL_INFO},
		{"重大", EV_LEVEL_CRITICAL}, {"エラー", EV_LEVEL_ERROR}, {"警告", EV_LEVEL_WARNING},
		{"情報", EV_LEVEL_INFO}, {"詳細", EV_LEVEL_VERBOSE},
		{"成功の監査", EV_LEVEL_INFO}, {"失敗の監査", EV_LEVEL_INFO},
		{"Kritisch", EV_LEVEL_CRITICAL}, {"Fehler", EV_LEVEL_ERROR},
		{"Warnung", EV_LEVEL_WARNING}, {"Informationen", EV_LEVEL_INFO},
	};

	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		if (!strcasecmp(s, t[i].name))
			return t[i].level;
	if (s[0] >= '0' && s[0] <= '5' && !s[1])
		return s[0] - '0';
	return EV_LEVEL_UNKNOWN;
}

const char *
eventdecode_level_word(int level)
{
	static const char *const words[] = {"info", "critical", "error", "warning", "info", "verbose"};

	return level >= 0 && level <= 5 ? words[level] : "info";
}

/* ---- the sink ---- */

/* JSON string with control characters escaped and invalid UTF-8 replaced. */
static void
json_string(struct wb_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	buf_puts(b, "\"");
	while (*p) {
		unsigned char c = *p;
		size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
			 : (c & 0xF8) == 0xF0 ? 4 : 0;
		size_t i;

		if (c == '"' || c == '\\') {
			buf_printf(b, "\\%c", c);
			p++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\u%04x", c);
			p++;
			continue;
		}
		for (i = 1; i < n && (p[i] & 0xC0) == 0x80; i++)
			;
		if (n == 0 || i < n || (n == 2 && c < 0xC2)) {
			buf_puts(b, "\xef\xbf\xbd");
			p++;
			continue;
		}
		buf_append(b, p, n);
		p += n;
	}
	buf_puts(b, "\"");
}

static int64_t
intern_or_null(wb_ingest *ing, const char *s, struct wb_err *err)
{
	return s && *s ? ingest_intern(ing, s, strlen(s), err) : 0;
}

/* First line of the message, shortened, for the timeline. */
static char *
summary_line(const char *provider, uint32_t id, const char *msg)
{
	size_t n = strcspn(msg, "\r\n");

	if (n > 160)
		n = 160;
	while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
		n--;		/* do not cut a UTF-8 sequence */
	return xasprintf("%s %u: %.*s%s", provider, (unsigned)id, (int)n, msg,
			 msg[n] && msg[n] != '\r' && msg[n] != '\n' ? "..." : "");
}

int
eventdecode_store(wb_ingest *ing, const struct ev_record *r, struct wb_err *err)
{
	static const char sql[] =
		"INSERT INTO events(evidence_id, record, ts, provider, event_id, qualifiers, level,"
		" channel, computer, message, data, binary, recovered, line, local)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static struct wb_buf msg, data;	/* reused: importers run one at a time */
	sqlite3_stmt *st = ingest_prepare(ing, sql, err);
	char canon[128], value[160], *summary;
	const struct ev_decoder *d;
	int64_t prov, chan, comp;
	int templated = 0;
	struct ev_ctx x = {.ing = ing, .r = r, .provider = canon};
	int rc;

	if (!st)
		return -1;
	eventdecode_provider(r->provider, canon, sizeof canon);
	buf_reset(&msg);
	buf_puts(&msg, "");
	if (r->message)
		buf_puts(&msg, r->message);
	else
		templated = eventdecode_render(r->provider, r->event_id, r->strings, r->nstrings, &msg);
	buf_reset(&data);
	buf_puts(&data, "[");
	for (size_t i = 0; i < r->nstrings; i++) {
		if (i)
			buf_puts(&data, ",");
		json_string(&data, r->strings[i]);
	}
	buf_puts(&data, "]");

	if ((prov = intern_or_null(ing, r->provider, err)) < 0 ||
	    (chan = intern_or_null(ing, r->channel, err)) < 0 ||
	    (comp = intern_or_null(ing, r->computer, err)) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, ingest_evidence_id(ing));
	if (r->record >= 0)
		sqlite3_bind_int64(st, 2, r->record);
	if (r->has_ts)
		sqlite3_bind_int64(st, 3, r->ts);
	if (prov)
		sqlite3_bind_int64(st, 4, prov);
	sqlite3_bind_int64(st, 5, r->event_id);
	if (r->qualifiers >= 0)
		sqlite3_bind_int64(st, 6, r->qualifiers);
	sqlite3_bind_int(st, 7, r->level);
	if (chan)
		sqlite3_bind_int64(st, 8, chan);
	if (comp)
		sqlite3_bind_int64(st, 9, comp);
	if (r->message || templated)
		sqlite3_bind_text(st, 10, msg.data, (int)msg.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, data.data, (int)data.len, SQLITE_STATIC);
	if (r->binary_len)
		sqlite3_bind_blob(st, 12, r->binary, (int)r->binary_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 13, r->recovered);
	if (r->line >= 0)
		sqlite3_bind_int64(st, 14, r->line);
	sqlite3_bind_int(st, 15, r->has_ts && r->ts_local);
	if (ingest_step(ing, st, err) < 0)
		return -1;
	x.ref = sqlite3_last_insert_rowid(ingest_db(ing));
	x.message = msg.data;

	snprintf(value, sizeof value, "%s/%u", canon, (unsigned)r->event_id);
	if (fact(&x, "event", value, true, r->event_id, msg.data, err) < 0)
		return -1;
	if (r->has_ts) {
		struct wb_tl t = {
			.ts = r->ts,
			.local = r->ts_local,
			.level = eventdecode_level_word(r->level),
			.kind = "event",
			.ref_table = "events",
			.ref_id = x.ref,
		};

		summary = summary_line(canon, r->event_id, msg.data);
		t.summary = summary;
		rc = ingest_timeline(ing, &t, err);
		free(summary);
		if (rc < 0)
			return -1;
	}
	d = find_decoder(canon, r->event_id);
	if (d && d->decode && d->decode(&x, err) < 0)
		return -1;
	return 0;
}
