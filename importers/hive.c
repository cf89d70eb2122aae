/*
 * Registry hive files (SYSTEM, SOFTWARE, a BCD store, ...) through libregf.
 *
 * The file is first read once through ingest_read(), which hashes it; on the
 * way the base block (sequence numbers, file type, the hive's own name) and
 * the chain of hive bins are checked, so a damaged or dirty hive is named
 * precisely.  libregf then walks the keys; a key or value it cannot read
 * becomes a warning and the walk goes on.  libregf does not replay the
 * transaction logs (.LOG1/.LOG2) of a dirty hive: wb says so.
 */
#include <errno.h>
#include <inttypes.h>
#include <libregf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "importer.h"
#include "regfacts.h"

#define BASE_BLOCK 4096
#define CHUNK (16 * BASE_BLOCK)
#define MAX_DEPTH 512		/* deeper than any real hive; a loop cannot recurse forever */
#define FILETIME_UNIX_DIFF INT64_C(11644473600)
#define STRING_DATA_MAX (16u << 20)	/* longer string data is not decoded */

struct base_block {
	uint32_t seq1, seq2;	/* differ in a dirty hive */
	uint32_t major, minor;
	uint32_t file_type;	/* 0 hive; 1, 2, 6 transaction log */
	uint32_t bins_size;	/* bytes of hive bins after the base block */
	char name[80];		/* the hive's own file name, ASCII, may be empty */
};

struct hive {
	wb_ingest *ing;
	regfacts *rf;
	libregf_file_t *file;
	struct base_block bb;
	uint64_t chain_break;	/* offset where the hive bin chain breaks, 0 if intact */
	uint64_t file_size;
	struct wb_buf path, name, data;
	uint32_t *seen;		/* open-addressing set of key offsets (0 = empty) */
	size_t seen_cap, seen_len;
	uint64_t unreadable;	/* keys and values libregf could not read */
};

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The innermost libregf message (its first line), then frees the error. */
static const char *
regf_msg(libregf_error_t **e, char *buf, size_t len)
{
	snprintf(buf, len, "%s", _("unknown libregf error"));
	if (e && *e) {
		if (libregf_error_backtrace_sprint(*e, buf, len) < 0)
			snprintf(buf, len, "%s", _("unknown libregf error"));
		buf[strcspn(buf, "\n")] = '\0';
		if (*buf && buf[strlen(buf) - 1] == '.')
			buf[strlen(buf) - 1] = '\0';
		libregf_error_free(e);
	}
	return buf;
}

static void
base_block_parse(const unsigned char *p, struct base_block *bb)
{
	size_t n = 0;

	bb->seq1 = le32(p + 4);
	bb->seq2 = le32(p + 8);
	bb->major = le32(p + 0x14);
	bb->minor = le32(p + 0x18);
	bb->file_type = le32(p + 0x1C);
	bb->bins_size = le32(p + 0x28);
	/* 64 bytes of UTF-16LE; keep the ASCII part of the last path element. */
	for (size_t i = 0x30; i + 1 < 0x70; i += 2) {
		unsigned c = p[i] | (unsigned)p[i + 1] << 8;

		if (c == 0)
			break;
		if (c == '\\') {
			n = 0;
			continue;
		}
		if (n + 1 < sizeof bb->name)
			bb->name[n++] = c < 0x80 && c > 0x20 ? (char)c : '_';
	}
	bb->name[n] = '\0';
}

/* Reads the whole file through ingest_read() (hashing it), checking the base
 * block and that hive bins follow each other ("hbin", size a multiple of
 * 4096) up to the size the base block gives. */
static int
read_file(struct hive *h, struct wb_err *err)
{
	unsigned char *buf = xmalloc(CHUNK);
	uint64_t pos = 0, next_bin = BASE_BLOCK, bins_end = 0;
	int rc = 0;

	for (;;) {
		size_t n = 0;
		ssize_t r;

		while (n < CHUNK && (r = ingest_read(h->ing, buf + n, CHUNK - n, err)) > 0)
			n += (size_t)r;
		if (n < CHUNK && r < 0) {
			rc = -1;
			break;
		}
		if (pos == 0) {
			if (n < 512 || memcmp(buf, "regf", 4)) {
				rc = wb_errf(err, _("%s: offset 0: expected a registry hive ('regf' "
						    "signature)"), ingest_path(h->ing));
				break;
			}
			base_block_parse(buf, &h->bb);
			bins_end = BASE_BLOCK + (uint64_t)h->bb.bins_size;
		}
		while (!h->chain_break && next_bin < bins_end && next_bin + 12 <= pos + n &&
		       next_bin >= pos) {
			const unsigned char *b = buf + (next_bin - pos);
			uint32_t size = le32(b + 8);

			if (memcmp(b, "hbin", 4) || size < BASE_BLOCK || size % BASE_BLOCK)
				h->chain_break = next_bin;
			else
				next_bin += size;
		}
		pos += n;
		if (n < CHUNK)
			break;
	}
	free(buf);
	h->file_size = pos;
	if (rc == 0 && !h->chain_break && next_bin < bins_end)
		h->chain_break = next_bin;	/* the file ends before its last hive bin */
	return rc;
}

/* ---- where the hive sits in the registry ---- */

static const struct {
	const char *file, *root;
} hive_roots[] = {
	{"SYSTEM", "HKLM\\SYSTEM"},
	{"SOFTWARE", "HKLM\\SOFTWARE"},
	{"SAM", "HKLM\\SAM"},
	{"SECURITY", "HKLM\\SECURITY"},
	{"BCD", "HKLM\\BCD00000000"},
	{"COMPONENTS", "HKLM\\COMPONENTS"},
	{"DRIVERS", "HKLM\\DRIVERS"},
	{"ELAM", "HKLM\\ELAM"},
	{"DEFAULT", "HKU\\.DEFAULT"},
	{"NTUSER.DAT", "HKCU"},
	{"USRCLASS.DAT", "HKCU\\Software\\Classes"},
};

static const char *
root_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof hive_roots / sizeof hive_roots[0]; i++)
		if (!strcasecmp(name, hive_roots[i].file))
			return hive_roots[i].root;
	return NULL;
}

static bool
has_key(struct hive *h, const char *path)
{
	libregf_key_t *k = NULL;
	libregf_error_t *e = NULL;
	int rc = libregf_file_get_key_by_utf8_path(h->file, (const uint8_t *)path, strlen(path),
						   &k, &e);

	libregf_error_free(&e);
	libregf_key_free(&k, NULL);
	return rc == 1;
}

/* From the name the hive carries, else its content, else the file name. */
static const char *
hive_root(struct hive *h)
{
	const char *root = root_by_name(h->bb.name), *base;

	if (root)
		return root;
	if (has_key(h, "Select") && has_key(h, "ControlSet001"))
		return "HKLM\\SYSTEM";
	if (has_key(h, "Microsoft\\Windows NT\\CurrentVersion"))
		return "HKLM\\SOFTWARE";
	if (has_key(h, "Objects") && has_key(h, "Description"))
		return "HKLM\\BCD00000000";
	base = strrchr(ingest_path(h->ing), '/');
	root = root_by_name(base ? base + 1 : ingest_path(h->ing));
	return root ? root : "HKLM\\HIVE";
}

/* Select\Current, when that control set exists in the hive. */
static unsigned
current_control_set(struct hive *h)
{
	libregf_key_t *k = NULL;
	libregf_value_t *v = NULL;
	libregf_error_t *e = NULL;
	uint32_t cur = 0;
	char name[32];

	if (libregf_file_get_key_by_utf8_path(h->file, (const uint8_t *)"Select", 6, &k, &e) == 1 &&
	    libregf_key_get_value_by_utf8_name(k, (const uint8_t *)"Current", 7, &v, &e) == 1 &&
	    libregf_value_get_value_32bit(v, &cur, &e) == 1 && cur > 0 && cur < 1000) {
		snprintf(name, sizeof name, "ControlSet%03" PRIu32, cur);
		if (!has_key(h, name))
			cur = 0;
	} else {
		cur = 0;
	}
	libregf_error_free(&e);
	libregf_value_free(&v, NULL);
	libregf_key_free(&k, NULL);
	return cur;
}

/* ---- the walk ---- */

/* True the first time an offset is seen: a key reached twice (a hostile
 * hive's loop) is walked once. */
static bool
first_visit(struct hive *h, uint32_t off)
{
	size_t i;

	if (off == 0)
		return true;
	if (2 * (h->seen_len + 1) > h->seen_cap) {
		uint32_t *old = h->seen;
		size_t old_cap = h->seen_cap;

		h->seen_cap = old_cap ? 2 * old_cap : 4096;
		h->seen = xcalloc(h->seen_cap, sizeof *h->seen);
		h->seen_len = 0;
		for (size_t j = 0; j < old_cap; j++)
			if (old[j])
				first_visit(h, old[j]);
		free(old);
	}
	for (i = (off * 2654435761u) & (h->seen_cap - 1); h->seen[i];
	     i = (i + 1) & (h->seen_cap - 1))
		if (h->seen[i] == off)
			return false;
	h->seen[i] = off;
	h->seen_len++;
	return true;
}

static void
unreadable(struct hive *h, const char *what, libregf_error_t **e)
{
	char msg[256];

	h->unreadable++;
	ingest_warn(h->ing, -1, -1, "%s: %s", what, regf_msg(e, msg, sizeof msg));
}

/* The utf8 name of a key (is_key) or value into h->name; "" for (Default). */
static int
get_name(struct hive *h, void *obj, bool is_key, libregf_error_t **e)
{
	size_t size = 0;
	int rc = is_key ? libregf_key_get_utf8_name_size(obj, &size, e)
			: libregf_value_get_utf8_name_size(obj, &size, e);

	buf_reset(&h->name);
	buf_puts(&h->name, "");
	if (rc != 1)
		return rc < 0 ? -1 : 0;
	if (size <= 1)
		return 0;
	if (h->name.cap < size + 1) {
		h->name.data = xrealloc(h->name.data, size + 1);
		h->name.cap = size + 1;
	}
	rc = is_key ? libregf_key_get_utf8_name(obj, (uint8_t *)h->name.data, size, e)
		    : libregf_value_get_utf8_name(obj, (uint8_t *)h->name.data, size, e);
	if (rc != 1)
		return -1;
	h->name.data[size - 1] = '\0';
	h->name.len = strlen(h->name.data);
	return 0;
}

static bool
is_string_type(uint32_t type)
{
	return type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ || type == REG_LINK;
}

static int
store_value(struct hive *h, libregf_value_t *v, struct wb_err *err)
{
	libregf_error_t *e = NULL;
	struct reg_value rv = {0};
	size_t size = 0;
	char what[1200];

	if (get_name(h, v, false, &e) < 0 || libregf_value_get_value_type(v, &rv.type, &e) != 1 ||
	    libregf_value_get_value_data_size(v, &size, &e) != 1) {
		snprintf(what, sizeof what, "%.1000s\\%s: value unreadable", h->path.data,
			 h->name.len ? h->name.data : "(Default)");
		unreadable(h, what, &e);
		return 0;
	}
	rv.name = h->name.data;
	rv.len = size;
	if (size > 0 && (size <= REGFACTS_RAW_MAX ||
			 (is_string_type(rv.type) && size <= STRING_DATA_MAX))) {
		buf_reset(&h->data);
		if (h->data.cap < size + 1) {
			h->data.data = xrealloc(h->data.data, size + 1);
			h->data.cap = size + 1;
		}
		if (libregf_value_get_value_data(v, (uint8_t *)h->data.data, size, &e) != 1) {
			snprintf(what, sizeof what, "%.1000s\\%s: value data unreadable",
				 h->path.data, rv.name[0] ? rv.name : "(Default)");
			unreadable(h, what, &e);
			return 0;
		}
		rv.data = (const unsigned char *)h->data.data;
	}
	return regfacts_value(h->rf, h->path.data, &rv, err);
}

static int
walk(struct hive *h, libregf_key_t *key, int depth, struct wb_err *err)
{
	libregf_error_t *e = NULL;
	uint64_t ft = 0;
	off64_t key_off = 0;
	uint32_t off;
	int n = 0;
	bool has_time;
	int64_t written = 0;
	char what[1200];

	if (libregf_key_get_offset(key, &key_off, &e) != 1)
		libregf_error_free(&e);
	off = (uint32_t)key_off;	/* hives are smaller than 4 GiB */
	if (!first_visit(h, off)) {
		ingest_warn(h->ing, -1, off, "%.1000s: key already seen (a loop in the hive); "
			    "not walked again", h->path.data);
		return 0;
	}
	has_time = libregf_key_get_last_written_time(key, &ft, &e) == 1 && ft &&
		   ft <= UINT64_C(0x7FFFFFFFFFFFFFFF);
	libregf_error_free(&e);
	if (has_time)
		written = (int64_t)(ft / 10) - FILETIME_UNIX_DIFF * WB_US_PER_SEC;
	if (regfacts_key(h->rf, h->path.data, has_time, written, false, 0, err) < 0)
		return -1;

	if (libregf_key_get_number_of_values(key, &n, &e) != 1) {
		snprintf(what, sizeof what, "%.1000s: values unreadable", h->path.data);
		unreadable(h, what, &e);
		n = 0;
	}
	for (int i = 0; i < n; i++) {
		libregf_value_t *v = NULL;
		int rc;

		if (libregf_key_get_value(key, i, &v, &e) != 1) {
			snprintf(what, sizeof what, "%.1000s: value %d unreadable", h->path.data, i);
			unreadable(h, what, &e);
			continue;
		}
		rc = store_value(h, v, err);
		libregf_value_free(&v, NULL);
		if (rc < 0)
			return -1;
	}

	if (libregf_key_get_number_of_sub_keys(key, &n, &e) != 1) {
		snprintf(what, sizeof what, "%.1000s: subkeys unreadable", h->path.data);
		unreadable(h, what, &e);
		n = 0;
	}
	if (n > 0 && depth >= MAX_DEPTH) {
		ingest_warn(h->ing, -1, off, "deeper than %d keys; subkeys not read below %s",
			    MAX_DEPTH, h->path.data);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		libregf_key_t *sub = NULL;
		size_t len = h->path.len;
		int rc;

		if (libregf_key_get_sub_key(key, i, &sub, &e) != 1 ||
		    get_name(h, sub, true, &e) < 0) {
			snprintf(what, sizeof what, "%.1000s: subkey %d unreadable", h->path.data, i);
			unreadable(h, what, &e);
			libregf_key_free(&sub, NULL);
			continue;
		}
		buf_printf(&h->path, "\\%s", h->name.len ? h->name.data : "(unnamed)");
		rc = walk(h, sub, depth + 1, err);
		h->path.len = len;
		h->path.data[len] = '\0';
		libregf_key_free(&sub, NULL);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- import ---- */

/* A transaction log next to the hive, and its sequence number. */
static void
warn_logs(struct hive *h)
{
	static const char *const exts[] = {".LOG1", ".LOG2", ".LOG", ".log1", ".log2", ".log"};

	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		char *log = xasprintf("%s%s", ingest_path(h->ing), exts[i]);
		FILE *f = fopen(log, "rb");
		unsigned char head[16];

		if (f && fread(head, 1, sizeof head, f) == sizeof head && !memcmp(head, "regf", 4))
			ingest_warn(h->ing, -1, -1, "transaction log %s next to the hive reaches "
				    "sequence %" PRIu32 " (the hive: %" PRIu32 "); its changes are "
				    "not in this import", log, le32(head + 4), h->bb.seq2);
		if (f)
			fclose(f);
		free(log);
	}
}

static int
hive_import(wb_ingest *ing, struct wb_err *err)
{
	struct hive h = {.ing = ing};
	libregf_error_t *e = NULL;
	libregf_key_t *root = NULL;
	unsigned current = 0;
	const char *root_path;
	char msg[512], summary[300];
	int rc;

	if (read_file(&h, err) < 0)
		return -1;
	if (h.bb.file_type != 0)
		return wb_errf(err, _("%s: a registry transaction log (file type %" PRIu32 "), not a "
				      "hive: import the hive file it belongs to"),
			       ingest_path(ing), h.bb.file_type);
	if (libregf_file_initialize(&h.file, &e) != 1 ||
	    libregf_file_open(h.file, ingest_path(ing), LIBREGF_OPEN_READ, &e) != 1) {
		rc = wb_errf(err, _("%s: libregf cannot open the hive: %s"), ingest_path(ing),
			     regf_msg(&e, msg, sizeof msg));
		libregf_file_free(&h.file, NULL);
		return rc;
	}
	if (libregf_file_get_root_key(h.file, &root, &e) != 1) {
		char where[128] = "";

		if (h.chain_break)
			snprintf(where, sizeof where,
				 _("; the chain of hive bins breaks at offset 0x%" PRIx64
				   " (expected 'hbin')"), h.chain_break);
		rc = wb_errf(err, _("%s: damaged hive: libregf cannot read the root key (%s)%s"),
			     ingest_path(ing), regf_msg(&e, msg, sizeof msg), where);
		libregf_file_close(h.file, NULL);
		libregf_file_free(&h.file, NULL);
		return rc;
	}

	h.rf = regfacts_new(ing);
	root_path = hive_root(&h);
	buf_puts(&h.path, root_path);
	if (!strcmp(h.path.data, "HKLM\\SYSTEM"))
		regfacts_set_current(h.rf, current_control_set(&h));
	if (h.bb.seq1 != h.bb.seq2) {
		ingest_warn(ing, -1, 4, "dirty hive: sequence numbers %" PRIu32 " and %" PRIu32
			    " differ; changes still in its transaction logs are not applied "
			    "(libregf does not replay logs)", h.bb.seq1, h.bb.seq2);
		warn_logs(&h);
	}
	if (h.chain_break)
		ingest_warn(ing, -1, (int64_t)h.chain_break, "the chain of hive bins breaks at "
			    "offset 0x%" PRIx64 ": keys stored beyond it may be missing",
			    h.chain_break);
	rc = walk(&h, root, 0, err);
	if (rc == 0 && libregf_file_is_corrupted(h.file, &e) == 1)
		ingest_warn(ing, -1, -1, "libregf reports the hive as corrupted");
	libregf_error_free(&e);
	if (rc == 0)
		rc = regfacts_finish(h.rf, &current, err);
	if (rc == 0) {
		char cs[64] = "";

		if (current)
			snprintf(cs, sizeof cs, ", CurrentControlSet = ControlSet%03u", current);
		snprintf(summary, sizeof summary,
			 "registry hive %s as %s (format %" PRIu32 ".%" PRIu32 "), %" PRIu64
			 " keys, %" PRIu64 " values%s%s%s",
			 h.bb.name[0] ? h.bb.name : "(unnamed)", root_path, h.bb.major,
			 h.bb.minor, regfacts_keys(h.rf), regfacts_values(h.rf), cs,
			 h.bb.seq1 != h.bb.seq2 ? ", dirty" : "",
			 h.unreadable ? ", partly unreadable" : "");
		ingest_set_summary(ing, summary);
	}
	libregf_key_free(&root, NULL);
	libregf_file_close(h.file, NULL);
	libregf_file_free(&h.file, NULL);
	regfacts_free(h.rf);
	buf_fini(&h.path);
	buf_fini(&h.name);
	buf_fini(&h.data);
	free(h.seen);
	return rc;
}

static int
hive_detect(struct wb_probe *probe)
{
	return probe->len >= 512 && !memcmp(probe->head, "regf", 4) ? 90 : 0;
}

const struct wb_importer importer_hive = {
	.name = "hive",
	.kind = "registry",
	.version = "1",
	.describe = N_("registry hive file (SYSTEM, SOFTWARE, BCD; read with libregf)"),
	.detect = hive_detect,
	.import = hive_import,
};
