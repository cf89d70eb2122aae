/*
 * Crash dumps: Windows kernel dumps (full, bitmap, kernel minidump), user-mode
 * minidumps and hypervisor guest memory dumps.  dumpfile.h parses; this file
 * stores the summary, modules, frames, facts and one timeline entry in the
 * case, and asks core/culprit.h which module to blame, with the reason.
 * The memory itself is never copied into the case.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/bugcheck.h"
#include "../core/culprit.h"
#include "dumpfile.h"
#include "importer.h"

/* Dumps up to this size are hashed whole; larger ones are fingerprinted. */
#define HASH_FULL_MAX (UINT64_C(16) << 20)
#define HASH_EDGE (UINT64_C(1) << 20)
#define HASH_SAMPLES 64
#define HASH_SAMPLE_SIZE (UINT64_C(64) << 10)

static int
dump_detect(struct wb_probe *probe)
{
	static const char *const exts[] = {".dmp", ".mdmp", ".hdmp", ".vmcore", NULL};
	const unsigned char *head = probe->head;
	size_t len = probe->len;
	const char *dot = strrchr(probe->path, '.');

	switch (dump_sniff(head, len)) {
	case DUMP_FORMAT_FULL:
	case DUMP_FORMAT_USER:
		return 90;
	case DUMP_FORMAT_GUEST:
		/* ELF: only x86-64 cores (e_type 4, e_machine 62) look like guest dumps */
		if (len >= 20 && head[0] == 0x7F)
			return head[16] == 4 && head[18] == 62 ? 60 : 0;
		return 90;
	default:
		break;
	}
	/* "PAGE" with a damaged second half, or a dump's name: let the dump
	 * importer say what is wrong at offset 0 rather than "unknown format" */
	if (len >= 4 && !memcmp(head, "PAGE", 4))
		return 50;
	for (int i = 0; dot && exts[i]; i++)
		if (!strcasecmp(dot, exts[i]))
			return 10;
	return 0;
}

static int
hash_range(int fd, struct sha256_ctx *sha, uint64_t off, uint64_t n, unsigned char *buf,
	   size_t bufsize, uint64_t *bytes)
{
	while (n > 0) {
		size_t chunk = n < bufsize ? (size_t)n : bufsize;
		ssize_t got = pread(fd, buf, chunk, (off_t)off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		sha256_update(sha, (size_t)got, buf);
		off += (uint64_t)got;
		n -= (uint64_t)got;
		*bytes += (uint64_t)got;
	}
	return 0;
}

/* SHA-256 of small dumps whole; of big ones, a fingerprint that reads a
 * bounded amount: the size, the first and last MiB and 64 samples of 64 KiB
 * spread evenly in between (so the hash is fast on a 64 GB MEMORY.DMP and
 * still changes when the file does in any of those places). */
static int
hash_dump(wb_ingest *ing, int fd, uint64_t size, uint64_t *bytes, struct wb_err *err)
{
	struct sha256_ctx sha;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char hex[65], scope[160];
	unsigned char *buf = xmalloc(1 << 16);
	int rc = 0;

	sha256_init(&sha);
	if (size <= HASH_FULL_MAX) {
		rc = hash_range(fd, &sha, 0, size, buf, 1 << 16, bytes);
		snprintf(scope, sizeof scope, "full");
	} else {
		unsigned char le[8];
		uint64_t span = size - 2 * HASH_EDGE;

		for (int i = 0; i < 8; i++)
			le[i] = (unsigned char)(size >> (8 * i));
		sha256_update(&sha, sizeof le, le);
		rc = hash_range(fd, &sha, 0, HASH_EDGE, buf, 1 << 16, bytes);
		for (int i = 0; rc == 0 && i < HASH_SAMPLES; i++) {
			uint64_t at = HASH_EDGE + span / HASH_SAMPLES * (uint64_t)i;

			rc = hash_range(fd, &sha, at, HASH_SAMPLE_SIZE < span ? HASH_SAMPLE_SIZE : span,
					buf, 1 << 16, bytes);
		}
		if (rc == 0)
			rc = hash_range(fd, &sha, size - HASH_EDGE, HASH_EDGE, buf, 1 << 16, bytes);
		snprintf(scope, sizeof scope,
			 "sampled: file size, first and last MiB, %d x 64 KiB spread evenly", HASH_SAMPLES);
	}
	free(buf);
	if (rc < 0)
		return wb_errf(err, _("%s: read error while fingerprinting the dump: %s"), ingest_path(ing),
			       strerror(errno ? errno : EIO));
	sha256_digest(&sha, sizeof digest, digest);
	for (size_t i = 0; i < sizeof digest; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	ingest_set_sha256(ing, hex, scope);
	return 0;
}

/* WinDbg's name for a module in frames: file name without extension, the
 * kernel as "nt" ("amdppm.sys" -> "amdppm", "ntoskrnl.exe" -> "nt"). */
static void
frame_module_name(const char *file, char *buf, size_t len)
{
	static const char *const kernels[] = {"ntoskrnl", "ntkrnlmp", "ntkrnlpa", "ntkrpamp", "ntkrla57", NULL};
	const char *dot = strrchr(file, '.');
	size_t n = dot ? (size_t)(dot - file) : strlen(file);

	if (n >= len)
		n = len - 1;
	memcpy(buf, file, n);
	buf[n] = '\0';
	for (int i = 0; kernels[i]; i++)
		if (!strcasecmp(buf, kernels[i]))
			snprintf(buf, len, "nt");
}

static void
frame_name(const struct dump_info *in, const struct dump_frame *f, char *buf, size_t len)
{
	char mod[128];

	if (f->module < 0) {
		snprintf(buf, len, "0x%llx", (unsigned long long)f->address);
		return;
	}
	frame_module_name(in->modules[f->module].name, mod, sizeof mod);
	if (f->symbol)
		snprintf(buf, len, "%s!%s+0x%llx", mod, f->symbol, (unsigned long long)f->symbol_offset);
	else
		snprintf(buf, len, "%s+0x%llx", mod, (unsigned long long)f->offset);
}

static const char *
dump_type_name(const struct dump_info *in)
{
	switch (in->format) {
	case DUMP_FORMAT_FULL: return "full";
	case DUMP_FORMAT_SUMMARY: return "kernel summary";
	case DUMP_FORMAT_TRIAGE: return "kernel minidump";
	case DUMP_FORMAT_BITMAP: return "bitmap";
	case DUMP_FORMAT_HEADER: return "header only";
	case DUMP_FORMAT_USER: return "user-mode minidump";
	case DUMP_FORMAT_GUEST: return "guest memory";
	default: return "unknown";
	}
}

static void
ask_culprit(const struct dump_info *in, struct culprit *out)
{
	struct culprit_module *mods = xcalloc(in->nmodules + 1, sizeof *mods);
	struct culprit_frame *frames = xcalloc(in->nframes + 1, sizeof *frames);
	struct culprit_input ci = {
		.bugcheck = in->has_bugcheck ? in->bugcheck : 0,
		.has_args = in->has_bugcheck,
		.modules = mods,
		.nmodules = in->nmodules,
		.frames = frames,
		.nframes = in->nframes,
		/* user-mode: the exception stream's address is the faulting instruction */
		.fault_address = in->has_exception ? in->exception_address : 0,
	};

	memcpy(ci.args, in->args, sizeof ci.args);
	for (size_t i = 0; i < in->nmodules; i++)
		mods[i] = (struct culprit_module){.name = in->modules[i].name, .base = in->modules[i].base,
						  .size = in->modules[i].size, .unloaded = in->modules[i].unloaded};
	for (size_t i = 0; i < in->nframes; i++) {
		const struct dump_frame *f = &in->frames[i];

		frames[i] = (struct culprit_frame){
			.module = f->module >= 0 ? in->modules[f->module].name : NULL,
			.symbol = f->symbol,
			.offset = f->symbol ? f->symbol_offset : f->offset,
			.address = f->address,
		};
	}
	culprit_find(&ci, out);
	free(mods);
	free(frames);
}

static char *
detail_json(const struct dump_info *in, const struct culprit *c)
{
	json_t *j = json_object(), *notes = json_array();
	char hex[32];
	char *s;

	json_object_set_new(j, "dump_type", json_integer(in->dump_type));
	json_object_set_new(j, "bits", json_integer(in->bits));
	if (in->build_lab[0])
		json_object_set_new(j, "build_lab", json_string(in->build_lab));
	if (in->format != DUMP_FORMAT_USER)
		json_object_set_new(j, "free_build", json_boolean(in->major == 0xF));
	if (in->product_type)
		json_object_set_new(j, "product_type", json_integer(in->product_type));
	if (in->uptime)
		json_object_set_new(j, "uptime_us", json_integer(in->uptime));
	if (in->dtb) {
		snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)in->dtb);
		json_object_set_new(j, "directory_table_base", json_string(hex));
	}
	if (in->stack_source[0])
		json_object_set_new(j, "stack_source", json_string(in->stack_source));
	if (in->has_context) {
		snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)in->pc);
		json_object_set_new(j, "pc", json_string(hex));
		snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)in->sp);
		json_object_set_new(j, "sp", json_string(hex));
	}
	if (in->has_exception) {
		snprintf(hex, sizeof hex, "0x%08X", in->exception_code);
		json_object_set_new(j, "exception_code", json_string(hex));
		snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)in->exception_address);
		json_object_set_new(j, "exception_address", json_string(hex));
	}
	json_object_set_new(j, "culprit_confidence", json_integer(c->confidence));
	if (c->disagreement[0])
		json_object_set_new(j, "culprit_disagreement", json_string(c->disagreement));
	for (size_t i = 0; i < in->nnotes; i++)
		json_array_append_new(notes, json_string(in->notes[i]));
	json_object_set_new(j, "notes", notes);
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

static int
store_dump_row(wb_ingest *ing, const struct dump_info *in, const struct culprit *c, int64_t *id,
	       struct wb_err *err)
{
	static const char sql[] =
		"INSERT INTO dump(evidence_id, format, bugcheck, arg1, arg2, arg3, arg4, build, version,"
		" machine, processors, crash_time, culprit, culprit_reason, detail)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = ingest_prepare(ing, sql, err);
	char version[32], machine[16];
	char *detail;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ingest_evidence_id(ing));
	ingest_bind_text(st, 2, in->format_name);
	if (in->has_bugcheck) {
		sqlite3_bind_int64(st, 3, in->bugcheck);
		for (int i = 0; i < 4; i++)
			sqlite3_bind_int64(st, 4 + i, (int64_t)in->args[i]);
	}
	if (in->build)
		sqlite3_bind_int64(st, 8, in->build);
	if (in->format == DUMP_FORMAT_USER && in->major)
		snprintf(version, sizeof version, "%u.%u.%u", in->major, in->minor, in->build);
	else if (!dump_version_for_build(in->build, version, sizeof version))
		version[0] = '\0';
	ingest_bind_text(st, 9, version[0] ? version : NULL);
	ingest_bind_text(st, 10, in->machine ? dump_machine_name(in->machine, machine, sizeof machine) : NULL);
	if (in->processors)
		sqlite3_bind_int64(st, 11, in->processors);
	if (in->crash_time)
		sqlite3_bind_int64(st, 12, in->crash_time);
	ingest_bind_text(st, 13, c->module);
	ingest_bind_text(st, 14, c->reason);
	detail = detail_json(in, c);
	ingest_bind_text(st, 15, detail);
	rc = ingest_step(ing, st, err);
	free(detail);
	*id = sqlite3_last_insert_rowid(ingest_db(ing));
	return rc;
}

static int
store_modules(wb_ingest *ing, const struct dump_info *in, int64_t dump_id, struct wb_err *err)
{
	static const char sql[] =
		"INSERT INTO dump_module(dump_id, name, base, size, timestamp, checksum, path, unloaded)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = ingest_prepare(ing, sql, err);

	if (!st)
		return -1;
	for (size_t i = 0; i < in->nmodules; i++) {
		const struct dump_module *m = &in->modules[i];
		char *text;
		int64_t row;
		int rc;

		sqlite3_bind_int64(st, 1, dump_id);
		ingest_bind_text(st, 2, m->name);
		sqlite3_bind_int64(st, 3, (int64_t)m->base);
		sqlite3_bind_int64(st, 4, (int64_t)m->size);
		if (m->timestamp)
			sqlite3_bind_int64(st, 5, m->timestamp);
		if (m->checksum)
			sqlite3_bind_int64(st, 6, m->checksum);
		ingest_bind_text(st, 7, m->path);
		sqlite3_bind_int(st, 8, m->unloaded);
		if (ingest_step(ing, st, err) < 0)
			return -1;
		row = sqlite3_last_insert_rowid(ingest_db(ing));
		text = xasprintf("base 0x%llx size 0x%llx timestamp 0x%08X%s%s", (unsigned long long)m->base,
				 (unsigned long long)m->size, m->timestamp, m->path ? " path " : "",
				 m->path ? m->path : "");
		rc = ingest_fact_str(ing, m->unloaded ? "module.unloaded" : "module.loaded", m->name, text,
				     "dump_module", row, err);
		free(text);
		if (rc < 0)
			return -1;
		ingest_add_records(ing, 1);
	}
	return 0;
}

static int
store_frames(wb_ingest *ing, const struct dump_info *in, int64_t dump_id, struct wb_err *err)
{
	static const char sql[] =
		"INSERT INTO dump_frame(dump_id, idx, address, module, offset, symbol, source, stack_at)"
		" VALUES(?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = ingest_prepare(ing, sql, err);

	if (!st)
		return -1;
	for (size_t i = 0; i < in->nframes; i++) {
		const struct dump_frame *f = &in->frames[i];
		const char *source = f->from_context ? (in->format == DUMP_FORMAT_USER ? "exception" : "context")
				     : f->call_verified ? "stack scan, call verified" : "stack scan";
		char name[300], text[400];
		int64_t row;

		frame_name(in, f, name, sizeof name);
		sqlite3_bind_int64(st, 1, dump_id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_int64(st, 3, (int64_t)f->address);
		if (f->module >= 0) {
			ingest_bind_text(st, 4, in->modules[f->module].name);
			sqlite3_bind_int64(st, 5, (int64_t)f->offset);
		}
		ingest_bind_text(st, 6, name);
		ingest_bind_text(st, 7, source);
		if (f->stack_at)
			sqlite3_bind_int64(st, 8, (int64_t)f->stack_at);
		if (ingest_step(ing, st, err) < 0)
			return -1;
		row = sqlite3_last_insert_rowid(ingest_db(ing));
		ingest_add_records(ing, 1);
		if (f->module < 0)
			continue;
		if (f->stack_at)
			snprintf(text, sizeof text, "0x%llx at stack 0x%llx (%s)", (unsigned long long)f->address,
				 (unsigned long long)f->stack_at, source);
		else
			snprintf(text, sizeof text, "0x%llx (%s)", (unsigned long long)f->address, source);
		if (ingest_fact_num(ing, "stack.frame", name, (int64_t)i, text, "dump_frame", row, err) < 0)
			return -1;
	}
	return 0;
}

static int
store_facts(wb_ingest *ing, const struct dump_info *in, const struct culprit *c, int64_t dump_id,
	    struct wb_err *err)
{
	char value[64], text[256], name[96];

	if (ingest_fact_str(ing, "dump.type", dump_type_name(in), in->format_name, "dump", dump_id, err) < 0)
		return -1;
	if (in->machine &&
	    ingest_fact_str(ing, "dump.machine", dump_machine_name(in->machine, value, sizeof value), NULL,
			    "dump", dump_id, err) < 0)
		return -1;
	if (in->has_bugcheck) {
		bugcheck_format_code(in->bugcheck, value, sizeof value);
		if (ingest_fact_num(ing, "bugcheck.code", value, in->bugcheck, NULL, "dump", dump_id, err) < 0)
			return -1;
		if (bugcheck_name(in->bugcheck, name, sizeof name) &&
		    ingest_fact_str(ing, "bugcheck.name", name, NULL, "dump", dump_id, err) < 0)
			return -1;
		for (int i = 0; i < 4; i++) {
			char key[16];

			snprintf(key, sizeof key, "bugcheck.arg%d", i + 1);
			snprintf(value, sizeof value, "0x%llX", (unsigned long long)in->args[i]);
			if (ingest_fact_num(ing, key, value, (int64_t)in->args[i], NULL, "dump", dump_id, err) < 0)
				return -1;
		}
	}
	if (in->build) {
		snprintf(value, sizeof value, "%u", in->build);
		if (ingest_fact_num(ing, "os.build", value, in->build, in->build_lab[0] ? in->build_lab : NULL,
				    "dump", dump_id, err) < 0)
			return -1;
		if (in->format == DUMP_FORMAT_USER && in->major)
			snprintf(value, sizeof value, "%u.%u.%u", in->major, in->minor, in->build);
		else if (!dump_version_for_build(in->build, value, sizeof value))
			value[0] = '\0';
		if (value[0] && ingest_fact_str(ing, "os.version", value, NULL, "dump", dump_id, err) < 0)
			return -1;
	}
	if (dump_product_type_name(in->product_type) &&
	    ingest_fact_num(ing, "os.product_type", dump_product_type_name(in->product_type), in->product_type,
			    NULL, "dump", dump_id, err) < 0)
		return -1;
	if (dump_product_name(in->build, in->product_type) &&
	    ingest_fact_str(ing, "os.product", dump_product_name(in->build, in->product_type),
			    "from the build number and ProductType", "dump", dump_id, err) < 0)
		return -1;
	if (in->has_exception) {
		snprintf(value, sizeof value, "0x%08X", in->exception_code);
		snprintf(text, sizeof text, "address 0x%llx, thread %u", (unsigned long long)in->exception_address,
			 in->exception_thread);
		if (ingest_fact_num(ing, "exception.code", value, in->exception_code, text, "dump", dump_id, err) < 0)
			return -1;
	}
	if (c->module[0] && (in->has_bugcheck || in->has_exception) &&
	    ingest_fact_num(ing, "fault.module", c->module, c->confidence, c->reason, "dump", dump_id, err) < 0)
		return -1;
	return 0;
}

static int
store_timeline(wb_ingest *ing, const struct dump_info *in, const struct culprit *c, int64_t dump_id,
	       struct wb_err *err)
{
	char summary[512], code[16], name[96];
	struct wb_tl t = {.ts = in->crash_time, .ref_table = "dump", .ref_id = dump_id, .summary = summary};

	if (!in->crash_time)
		return 0;
	if (in->has_bugcheck) {
		bugcheck_format_code(in->bugcheck, code, sizeof code);
		if (!bugcheck_name(in->bugcheck, name, sizeof name))
			snprintf(name, sizeof name, "bugcheck");
		snprintf(summary, sizeof summary, "%s %s (0x%llX, 0x%llX, 0x%llX, 0x%llX); wb: %s", code, name,
			 (unsigned long long)in->args[0], (unsigned long long)in->args[1],
			 (unsigned long long)in->args[2], (unsigned long long)in->args[3], c->module);
		t.level = "critical";
		t.kind = "bugcheck";
	} else if (in->has_exception) {
		snprintf(summary, sizeof summary, "user-mode crash: exception 0x%08X at 0x%llx; wb: %s",
			 in->exception_code, (unsigned long long)in->exception_address, c->module);
		t.level = "error";
		t.kind = "crash";
	} else {
		snprintf(summary, sizeof summary, "%s written", in->format_name);
		t.level = "info";
		t.kind = "dump";
	}
	return ingest_timeline(ing, &t, err);
}

static void
set_summary(wb_ingest *ing, const struct dump_info *in, const struct culprit *c)
{
	char summary[512], machine[16], code[16];
	size_t loaded = 0;

	for (size_t i = 0; i < in->nmodules; i++)
		loaded += !in->modules[i].unloaded;
	if (in->has_bugcheck)
		bugcheck_format_code(in->bugcheck, code, sizeof code);
	snprintf(summary, sizeof summary, "%s, %s, build %u, %s%s%s%zu modules, %zu frames%s%s",
		 dump_type_name(in), in->machine ? dump_machine_name(in->machine, machine, sizeof machine) : "?",
		 in->build, in->has_bugcheck ? "bugcheck " : "", in->has_bugcheck ? code : "",
		 in->has_bugcheck ? ", " : "", loaded, in->nframes,
		 c->module[0] && (in->has_bugcheck || in->has_exception) ? ", wb: " : "",
		 c->module[0] && (in->has_bugcheck || in->has_exception) ? c->module : "");
	ingest_set_summary(ing, summary);
}

static int
store(wb_ingest *ing, const struct dump_info *in, struct wb_err *err)
{
	struct culprit c;
	int64_t dump_id;

	ask_culprit(in, &c);
	if (in->crash_time)
		ingest_set_tz_assumption(ing, 0, in->format == DUMP_FORMAT_USER ? "UTC in file (MDMP time_t)"
									: "UTC in file (FILETIME)");
	if (ingest_progress(ing, err) < 0 ||
	    store_dump_row(ing, in, &c, &dump_id, err) < 0 ||
	    store_facts(ing, in, &c, dump_id, err) < 0 ||
	    store_modules(ing, in, dump_id, err) < 0 ||
	    store_frames(ing, in, dump_id, err) < 0 ||
	    store_timeline(ing, in, &c, dump_id, err) < 0)
		return -1;
	for (size_t i = 0; i < in->nnotes; i++)
		ingest_warn(ing, -1, -1, "%s", in->notes[i]);
	set_summary(ing, in, &c);
	return 0;
}

static int
dump_import(wb_ingest *ing, struct wb_err *err)
{
	const char *path = ingest_path(ing);
	uint64_t size = ingest_file_size(ing), hashed = 0;
	struct dump_reader r;
	struct dump *d = NULL;
	struct wb_err perr = {{0}};
	unsigned char head[16] = {0};
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return wb_errf(err, "%s: %s", path, strerror(errno));
	dump_reader_fd(&r, fd, size);
	if (pread(fd, head, sizeof head, 0) < 0) {
		wb_errf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (dump_sniff(head, sizeof head) == DUMP_FORMAT_GUEST) {
		if (dump_open_guest(path, &d, &perr) < 0) {
			wb_errf(err, "%s: %s", path, perr.msg);
			goto out;
		}
	} else if (dump_open(&r, &d, &perr) < 0) {
		wb_errf(err, "%s: %s", path, perr.msg);
		goto out;
	}
	ingest_bytes_done(ing, r.bytes_read);
	if (hash_dump(ing, fd, size, &hashed, err) < 0)
		goto out;
	rc = store(ing, dump_get_info(d), err);
out:
	dump_free(d);
	close(fd);
	return rc;
}

const struct wb_importer importer_dump = {
	.name = "dump",
	.kind = "dump",
	.version = "1",
	.describe = N_("Windows crash dumps: MEMORY.DMP (full, bitmap), kernel and user-mode minidumps, "
		       "ELF/kdump guest memory"),
	.detect = dump_detect,
	.import = dump_import,
};
