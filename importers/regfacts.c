/* Registry rows in one normal form, and the table of values that matter. */
#include "regfacts.h"

#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/sanitize.h"

#define CCS "HKLM\\SYSTEM\\CurrentControlSet\\"
#define CURRENT_VERSION "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"
#define FILETIME_UNIX_DIFF INT64_C(11644473600)	/* seconds 1601-01-01 .. 1970-01-01 */
#define FACT_HEX_MAX 512	/* binary data shown in a `registry` fact's text */

struct regfacts {
	wb_ingest *ing;
	unsigned current;	/* control set mapped as rows are stored, 0 = none */
	struct wb_buf key;	/* scratch: the key as stored */
	struct wb_buf text;	/* scratch: decoded data */
	uint64_t keys, values, facts;
};

/* ---- names and decoding ---- */

static const char *const type_names[] = {
	[REG_NONE] = "REG_NONE",
	[REG_SZ] = "REG_SZ",
	[REG_EXPAND_SZ] = "REG_EXPAND_SZ",
	[REG_BINARY] = "REG_BINARY",
	[REG_DWORD] = "REG_DWORD",
	[REG_DWORD_BIG_ENDIAN] = "REG_DWORD_BIG_ENDIAN",
	[REG_LINK] = "REG_LINK",
	[REG_MULTI_SZ] = "REG_MULTI_SZ",
	[REG_RESOURCE_LIST] = "REG_RESOURCE_LIST",
	[REG_FULL_RESOURCE_DESCRIPTOR] = "REG_FULL_RESOURCE_DESCRIPTOR",
	[REG_RESOURCE_REQUIREMENTS_LIST] = "REG_RESOURCE_REQUIREMENTS_LIST",
	[REG_QWORD] = "REG_QWORD",
};

const char *
reg_type_name(uint32_t type)
{
	return type < sizeof type_names / sizeof type_names[0] ? type_names[type] : NULL;
}

static void
put_utf8(struct wb_buf *out, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_append(out, b, n);
}

/* Decodes one UTF-16LE string; returns the units consumed including its NUL. */
static size_t
utf16_string(const unsigned char *p, size_t units, struct wb_buf *out)
{
	size_t i = 0;

	while (i < units) {
		uint32_t u = (uint32_t)(p[2 * i] | p[2 * i + 1] << 8);

		i++;
		if (u == 0)
			break;
		if (u >= 0xD800 && u < 0xDC00 && i < units) {
			uint32_t lo = (uint32_t)(p[2 * i] | p[2 * i + 1] << 8);

			if (lo >= 0xDC00 && lo < 0xE000) {
				i++;
				put_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
				continue;
			}
		}
		put_utf8(out, u >= 0xD800 && u < 0xE000 ? 0xFFFD : u);
	}
	return i;
}

void
reg_utf16_to_utf8(const unsigned char *p, size_t len, struct wb_buf *out)
{
	utf16_string(p, len / 2, out);
}

/* REGEDIT4 hex(2)/hex(7) bytes are in the ANSI code page of the machine that
 * exported them: UTF-8 when they are valid, else CP932 (the Japanese systems
 * wb serves), else Windows-1252, which maps every byte. */
static void
ansi_string(const unsigned char *p, size_t len, struct wb_buf *out)
{
	static const char *const charsets[] = {"CP932", "WINDOWS-1252"};

	if (utf8_valid((const char *)p, len)) {
		buf_append(out, p, len);
		return;
	}
	for (size_t c = 0; c < sizeof charsets / sizeof charsets[0]; c++) {
		iconv_t cd = iconv_open("UTF-8", charsets[c]);
		size_t start = out->len;
		char *in = (char *)p;
		size_t il = len, r;

		if (cd == (iconv_t)-1)
			continue;
		do {
			char tmp[1024], *o = tmp;
			size_t ol = sizeof tmp;

			r = iconv(cd, &in, &il, &o, &ol);
			buf_append(out, tmp, (size_t)(o - tmp));
		} while (r == (size_t)-1 && errno == E2BIG);
		iconv_close(cd);
		if (r != (size_t)-1)
			return;
		out->len = start;
		out->data[start] = '\0';
	}
	sanitize_append(out, (const char *)p, len, 0);	/* no iconv at all: \xNN */
}

/* Strings and numbers become text (REG_MULTI_SZ one string per line, up to
 * the first empty one); other types stay bytes.  Returns false for bytes. */
static bool
decode(const struct reg_value *v, struct wb_buf *out, bool *has_num, int64_t *num)
{
	const unsigned char *p = v->data;

	buf_reset(out);
	*has_num = false;
	if (v->text) {
		buf_puts(out, v->text);
		return true;
	}
	switch (v->type) {
	case REG_SZ:
	case REG_EXPAND_SZ:
	case REG_LINK:
		if (v->ansi) {
			size_t n = p ? strnlen((const char *)p, v->len) : 0;

			ansi_string(p, n, out);
		} else if (p) {
			reg_utf16_to_utf8(p, v->len, out);
		}
		return true;
	case REG_MULTI_SZ:
		for (size_t i = 0; p && i < v->len;) {
			size_t n, before = out->len;

			if (v->ansi) {
				n = strnlen((const char *)p + i, v->len - i);
				if (n)
					ansi_string(p + i, n, out);
				i += n + 1;
			} else {
				if (v->len - i < 2)
					break;
				n = utf16_string(p + i, (v->len - i) / 2, out) * 2;
				i += n;
				n = out->len - before;
			}
			if (n == 0 || out->len == before)
				break;	/* an empty string ends the list */
			buf_puts(out, "\n");
		}
		if (out->len && out->data[out->len - 1] == '\n')
			out->data[--out->len] = '\0';
		return true;
	case REG_DWORD:
		if (v->len != 4)
			return false;
		*num = (int64_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				 (uint32_t)p[3] << 24);
		break;
	case REG_DWORD_BIG_ENDIAN:
		if (v->len != 4)
			return false;
		*num = (int64_t)((uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
				 (uint32_t)p[0] << 24);
		break;
	case REG_QWORD: {
		uint64_t q = 0;

		if (v->len != 8)
			return false;
		for (int i = 7; i >= 0; i--)
			q = q << 8 | p[i];
		buf_printf(out, "%" PRIu64, q);
		*num = (int64_t)q;
		*has_num = true;
		return true;
	}
	default:
		return false;
	}
	*has_num = true;
	buf_printf(out, "%" PRId64, *num);
	return true;
}

/* ---- key paths ---- */

/* "ControlSet001" -> 1; 0 when s is not a control set name of that form. */
static unsigned
control_set_number(const char *s, size_t len)
{
	if (len != 13 || strncasecmp(s, "ControlSet", 10))
		return 0;
	for (int i = 10; i < 13; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return (unsigned)atoi(s + 10);
}

static const char *
stored_key(regfacts *rf, const char *key)
{
	static const char sys[] = "HKLM\\SYSTEM\\";
	size_t n = sizeof sys - 1;

	if (!rf->current || strncasecmp(key, sys, n) ||
	    control_set_number(key + n, strcspn(key + n, "\\")) != rf->current)
		return key;
	buf_reset(&rf->key);
	buf_puts(&rf->key, "HKLM\\SYSTEM\\CurrentControlSet");
	buf_puts(&rf->key, key + n + 13);
	return rf->key.data;
}

static const struct {
	const char *name, *abbrev;
} roots[] = {
	{"HKEY_LOCAL_MACHINE", "HKLM"},
	{"HKEY_CURRENT_USER", "HKCU"},
	{"HKEY_CLASSES_ROOT", "HKCR"},
	{"HKEY_USERS", "HKU"},
	{"HKEY_CURRENT_CONFIG", "HKCC"},
	{"HKEY_PERFORMANCE_DATA", "HKPD"},
	{"HKEY_DYN_DATA", "HKDD"},
};

static const char *const hklm_hives[] = {
	"SYSTEM", "SOFTWARE", "SAM", "SECURITY", "HARDWARE", "BCD00000000", "COMPONENTS",
	"DRIVERS",
};

int
regfacts_normalise_key(const char *path, size_t len, struct wb_buf *out, struct wb_err *err)
{
	size_t rl = 0, i;
	const char *abbrev = NULL;

	while (rl < len && path[rl] != '\\')
		rl++;
	for (i = 0; i < sizeof roots / sizeof roots[0] && !abbrev; i++)
		if ((rl == strlen(roots[i].name) && !strncasecmp(path, roots[i].name, rl)) ||
		    (rl == strlen(roots[i].abbrev) && !strncasecmp(path, roots[i].abbrev, rl)))
			abbrev = roots[i].abbrev;
	if (!abbrev)
		return wb_errf(err, _("unknown root key '%.*s'; expected HKEY_LOCAL_MACHINE, "
				      "HKEY_CURRENT_USER, HKEY_CLASSES_ROOT, HKEY_USERS or "
				      "HKEY_CURRENT_CONFIG"), (int)(rl > 64 ? 64 : rl), path);
	buf_reset(out);
	buf_puts(out, abbrev);
	if (rl >= len)
		return 0;
	/* Drop a trailing backslash and empty segments ("a\\b" is "a\b"). */
	for (i = rl; i < len;) {
		size_t s = i + 1, e = s;

		while (e < len && path[e] != '\\')
			e++;
		if (e > s) {
			const char *seg = path + s;
			size_t sl = e - s;

			buf_puts(out, "\\");
			if (!strcmp(abbrev, "HKLM") && i == rl)
				for (size_t h = 0; h < sizeof hklm_hives / sizeof hklm_hives[0]; h++)
					if (sl == strlen(hklm_hives[h]) &&
					    !strncasecmp(seg, hklm_hives[h], sl))
						seg = hklm_hives[h];
			if (sl == 17 && !strncasecmp(seg, "CurrentControlSet", 17))
				seg = "CurrentControlSet";
			buf_append(out, seg, sl);
		}
		i = e;
	}
	return 0;
}

/* ---- storing ---- */

regfacts *
regfacts_new(wb_ingest *ing)
{
	regfacts *rf = xcalloc(1, sizeof *rf);

	rf->ing = ing;
	return rf;
}

void
regfacts_free(regfacts *rf)
{
	if (!rf)
		return;
	buf_fini(&rf->key);
	buf_fini(&rf->text);
	free(rf);
}

void
regfacts_set_current(regfacts *rf, unsigned control_set)
{
	rf->current = control_set;
}

uint64_t
regfacts_keys(const regfacts *rf)
{
	return rf->keys;
}

uint64_t
regfacts_values(const regfacts *rf)
{
	return rf->values;
}

uint64_t
regfacts_facts(const regfacts *rf)
{
	return rf->facts;
}

static const char insert_sql[] =
	"INSERT INTO registry(evidence_id, key, name, type, data, raw, size, written, line)"
	" VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)";

static int
stored(regfacts *rf, struct wb_err *err)
{
	if (((rf->keys + rf->values) & 4095) == 0)
		return ingest_progress(rf->ing, err);
	return 0;
}

int
regfacts_key(regfacts *rf, const char *key, bool has_written, int64_t written, bool deleted,
	     int64_t line, struct wb_err *err)
{
	sqlite3_stmt *st = ingest_prepare(rf->ing, insert_sql, err);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ingest_evidence_id(rf->ing));
	sqlite3_bind_text(st, 2, stored_key(rf, key), -1, SQLITE_TRANSIENT);
	if (deleted)
		sqlite3_bind_text(st, 4, "delete", -1, SQLITE_STATIC);
	if (has_written)
		sqlite3_bind_int64(st, 8, written);
	if (line > 0)
		sqlite3_bind_int64(st, 9, line);
	if (ingest_step(rf->ing, st, err) < 0)
		return -1;
	rf->keys++;
	ingest_add_records(rf->ing, 1);
	return stored(rf, err);
}

int
regfacts_value(regfacts *rf, const char *key, const struct reg_value *v, struct wb_err *err)
{
	sqlite3_stmt *st = ingest_prepare(rf->ing, insert_sql, err);
	char type_buf[24];
	const char *type = reg_type_name(v->type);
	bool has_num;
	int64_t num;

	if (!st)
		return -1;
	if (!type) {
		snprintf(type_buf, sizeof type_buf, "REG_0x%" PRIx32, v->type);
		type = type_buf;
	}
	sqlite3_bind_int64(st, 1, ingest_evidence_id(rf->ing));
	sqlite3_bind_text(st, 2, stored_key(rf, key), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, v->name, -1, SQLITE_TRANSIENT);
	if (v->deleted) {
		sqlite3_bind_text(st, 4, "delete", -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_text(st, 4, type, -1, SQLITE_TRANSIENT);
		if (decode(v, &rf->text, &has_num, &num))
			sqlite3_bind_text(st, 5, rf->text.data ? rf->text.data : "", (int)rf->text.len,
					  SQLITE_TRANSIENT);
		else if (v->len <= REGFACTS_RAW_MAX)
			sqlite3_bind_blob(st, 6, v->data ? (const void *)v->data : "", (int)v->len,
					  SQLITE_TRANSIENT);
		if (!v->text)
			sqlite3_bind_int64(st, 7, (int64_t)v->len);
	}
	if (v->line > 0)
		sqlite3_bind_int64(st, 9, v->line);
	if (ingest_step(rf->ing, st, err) < 0)
		return -1;
	rf->values++;
	ingest_add_records(rf->ing, 1);
	return stored(rf, err);
}

/* ---- the values that matter ---- */

/* A stored row during the fact scan. */
struct row {
	int64_t id;
	const char *key;
	const char *name;		/* NULL: the key's own row */
	const char *type;
	const char *data;		/* decoded text, or NULL */
	const unsigned char *raw;
	size_t raw_len;
	bool deleted;
	const char *path;		/* canonical value (or key) path */
};

struct scan {
	regfacts *rf;
	struct wb_buf path, found_data, found_raw, tmp;
};

struct rule {
	const char *key;	/* '\'-separated segments, "*" any one, "**" any number */
	const char *name;	/* value name, "*" any, NULL: the key row itself */
	const char *fact;	/* fact key the emitter writes */
	int (*emit)(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err);
	const char *const *names;	/* value names by number (emit_bcd) */
	size_t nnames;
};

static const char *
seg_end(const char *s)
{
	const char *e = strchr(s, '\\');

	return e ? e : s + strlen(s);
}

static size_t
seg_count(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '\\';
	return n;
}

/* Segments compare case-insensitively, as Windows compares key names. */
static bool
key_match(const char *p, const char *k)
{
	for (;;) {
		const char *pe = seg_end(p), *ke;
		size_t pl = (size_t)(pe - p);

		if (pl == 2 && !strncmp(p, "**", 2)) {
			if (!*pe)
				return true;
			for (const char *q = k;; q++) {
				if (key_match(pe + 1, q))
					return true;
				if (!(q = strchr(q, '\\')))
					return false;
			}
		}
		ke = seg_end(k);
		if (!(pl == 1 && *p == '*') &&
		    (pl != (size_t)(ke - k) || strncasecmp(p, k, pl)))
			return false;
		if (!*pe || !*ke)
			return !*pe && !*ke;
		p = pe + 1;
		k = ke + 1;
	}
}

/* The path in the rule's spelling (literal segments as the table writes
 * them, wildcards as the hive has them), then "\name" for values. */
static void
canonical_path(const struct rule *r, const struct row *w, struct wb_buf *out)
{
	const char *p = r->key, *k = w->key;
	size_t extra = seg_count(w->key) + 1 - seg_count(r->key);

	buf_reset(out);
	for (;;) {
		const char *pe = seg_end(p);
		size_t pl = (size_t)(pe - p), take = 1;
		bool literal = !(pl == 1 && *p == '*') && !(pl == 2 && !strncmp(p, "**", 2));

		if (pl == 2 && !strncmp(p, "**", 2))
			take = extra;
		for (size_t i = 0; i < take && *k; i++) {
			const char *ke = seg_end(k);

			if (out->len)
				buf_puts(out, "\\");
			if (literal)
				buf_append(out, p, pl);
			else
				buf_append(out, k, (size_t)(ke - k));
			k = *ke ? ke + 1 : ke;
		}
		if (!*pe)
			break;
		p = pe + 1;
	}
	if (w->name) {
		buf_puts(out, "\\");
		if (!*w->name)
			buf_puts(out, "(Default)");
		else
			buf_puts(out, strcmp(r->name, "*") ? r->name : w->name);
	}
}

/* The stored value `name` of `key` in this evidence: 1 found (data text or
 * bytes in s->found_*), 0 not there, -1 error. */
static int
lookup(struct scan *s, const char *key, const char *name, struct wb_err *err)
{
	static const char sql[] =
		"SELECT data, raw FROM registry WHERE evidence_id = ? AND key = ?"
		" AND name = ? COLLATE NOCASE AND type IS NOT 'delete' ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st = ingest_prepare(s->rf->ing, sql, err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ingest_evidence_id(s->rf->ing));
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	buf_reset(&s->found_data);
	buf_reset(&s->found_raw);
	if (rc == SQLITE_ROW) {
		buf_puts(&s->found_data, "");
		if (sqlite3_column_type(st, 0) == SQLITE_TEXT)
			buf_puts(&s->found_data, (const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_type(st, 1) == SQLITE_BLOB)
			buf_append(&s->found_raw, sqlite3_column_blob(st, 1),
				   (size_t)sqlite3_column_bytes(st, 1));
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return wb_errf(err, "registry lookup: %s", sqlite3_errmsg(ingest_db(s->rf->ing)));
	return rc == SQLITE_ROW;
}

static int
fact(struct scan *s, const struct wb_fact *f, struct wb_err *err)
{
	s->rf->facts++;
	return ingest_fact(s->rf->ing, f, err);
}

static bool
number(const char *data, int64_t *num)
{
	char *end;

	if (!data || !*data)
		return false;
	errno = 0;
	*num = strtoll(data, &end, 10);
	return !errno && !*end;
}

static int
emit_string(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	struct wb_fact f = {.key = r->fact, .value = w->data, .text = w->path,
			    .ref_table = "registry", .ref_id = w->id};

	return w->data ? fact(s, &f, err) : 0;
}

static int
emit_number(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	struct wb_fact f = {.key = r->fact, .value = w->data, .text = w->path, .has_num = true,
			    .ref_table = "registry", .ref_id = w->id};

	return number(w->data, &f.num) ? fact(s, &f, err) : 0;
}

/* Bit masks and hex-entered tunables read better in hex. */
static int
emit_hex(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	char value[24];
	struct wb_fact f = {.key = r->fact, .value = value, .text = w->path, .has_num = true,
			    .ref_table = "registry", .ref_id = w->id};

	if (!number(w->data, &f.num))
		return 0;
	snprintf(value, sizeof value, "0x%08" PRIx64, (uint64_t)f.num);
	return fact(s, &f, err);
}

/* CrashDumpEnabled (KB 254649; Active needs FilterPages = 1). */
static int
emit_dump_type(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	static const char *const types[] = {
		[0] = "none", [1] = "complete", [2] = "kernel", [3] = "small", [7] = "automatic",
	};
	struct wb_fact f = {.key = r->fact, .has_num = true, .text = s->tmp.data,
			    .ref_table = "registry", .ref_id = w->id};
	int found;

	if (!number(w->data, &f.num))
		return 0;
	f.value = f.num >= 0 && f.num < 8 && types[f.num] ? types[f.num] : "unknown";
	if (f.num == 1) {
		if ((found = lookup(s, w->key, "FilterPages", err)) < 0)
			return -1;
		if (found && !strcmp(s->found_data.data, "1"))
			f.value = "active";
	}
	buf_reset(&s->tmp);
	buf_printf(&s->tmp, "%s = %" PRId64 " (%s memory dump)", w->path, f.num, f.value);
	f.text = s->tmp.data;
	return fact(s, &f, err);
}

/* PagingFiles: "C:\pagefile.sys 4096 8192" per line; "?:\" = system managed. */
static int
emit_pagefiles(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	for (const char *p = w->data; p && *p;) {
		size_t n = strcspn(p, "\n");
		char *entry = xstrndup(p, n), *sp = strchr(entry, ' ');
		char *path = sp ? xstrndup(entry, (size_t)(sp - entry)) : xstrdup(entry);
		struct wb_fact f = {.key = r->fact, .value = path, .text = entry,
				    .ref_table = "registry", .ref_id = w->id};
		long long init, max;
		int rc;

		if (sp && sscanf(sp, "%lld %lld", &init, &max) == 2) {
			f.has_num = true;
			f.num = max;
		}
		rc = fact(s, &f, err);
		free(path);
		free(entry);
		if (rc < 0)
			return -1;
		p += n + (p[n] == '\n');
	}
	return 0;
}

/* Services\VSS\Diag: legacy VSS tracing is on unless (Default) = Disabled. */
static int
emit_vss_switch(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	struct wb_fact f = {.key = r->fact, .ref_table = "registry", .ref_id = w->id};
	int found = lookup(s, w->key, "", err);

	if (found < 0)
		return -1;
	buf_reset(&s->tmp);
	if (found && !strcasecmp(s->found_data.data, "Disabled")) {
		f.value = "disabled";
		buf_puts(&s->tmp, "(Default) = Disabled: legacy VSS tracing is off");
	} else {
		f.value = "enabled";
		if (found)
			buf_printf(&s->tmp, "(Default) = \"%s\": legacy VSS tracing is on",
				   s->found_data.data);
		else
			buf_puts(&s->tmp, "(Default) not set: legacy VSS tracing is on");
	}
	f.text = s->tmp.data;
	return fact(s, &f, err);
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A FILETIME at p as microseconds UTC; false for 0 or out of range. */
static bool
filetime_us(const unsigned char *p, int64_t *us)
{
	uint64_t ft = (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;

	if (ft == 0 || ft > UINT64_C(0x7FFFFFFFFFFFFFFF))
		return false;
	*us = (int64_t)(ft / 10) - FILETIME_UNIX_DIFF * WB_US_PER_SEC;
	return true;
}

/* One VSS\Diag record (formats.md 2.2): size, 0, FILETIME at 8, pid 0x10,
 * tid 0x14, operation 0x18, phase 0x1C (0 enter, 1 leave), hr 0x20. */
struct diag_record {
	int64_t ts;
	uint32_t pid, tid, op, phase, hr;
};

static bool
diag_parse(const unsigned char *p, size_t len, struct diag_record *d)
{
	if (len < 0x24 || !filetime_us(p + 8, &d->ts))
		return false;
	d->pid = le32(p + 0x10);
	d->tid = le32(p + 0x14);
	d->op = le32(p + 0x18);
	d->phase = le32(p + 0x1C);
	d->hr = le32(p + 0x20);
	return true;
}

static const char *
last_segment(const char *key)
{
	const char *b = strrchr(key, '\\');

	return b ? b + 1 : key;
}

/* Diag\<component>\<Operation> (Enter|Leave), or a bare writer event name
 * whose phase field says which.  An Enter without a later Leave is an
 * operation that never finished: the "writer hung in FREEZE" signature. */
static int
emit_vss_op(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	static const char enter_sfx[] = " (Enter)";
	const char *comp = last_segment(w->key);
	size_t nl = strlen(w->name), sl = sizeof enter_sfx - 1;
	bool is_enter = nl > sl && !strcasecmp(w->name + nl - sl, enter_sfx);
	struct diag_record d, leave;
	char when[40], value[600], text[800];
	struct wb_fact f = {.key = r->fact, .value = value, .text = text, .has_ts = true,
			    .has_num = true, .ref_table = "registry", .ref_id = w->id};
	struct wb_tl tl = {.kind = "vss.diag", .ref_table = "registry", .ref_id = w->id};
	bool unfinished = false;

	if (!diag_parse(w->raw, w->raw_len, &d))
		return 0;
	wb_format_iso(d.ts, 0, true, when, sizeof when);
	snprintf(value, sizeof value, "%s\\%s", comp, w->name);
	snprintf(text, sizeof text, "%s at %s, pid %" PRIu32 ", tid %" PRIu32 ", operation %" PRIu32
		 ", phase %s, hr 0x%08" PRIx32, value, when, d.pid, d.tid, d.op,
		 d.phase == 0 ? "enter" : d.phase == 1 ? "leave" : "unknown", d.hr);
	f.ts = d.ts;
	f.num = d.hr;
	if (fact(s, &f, err) < 0)
		return -1;
	tl.ts = d.ts;
	tl.level = d.hr ? "warning" : "info";
	tl.summary = text;
	if (ingest_timeline(s->rf->ing, &tl, err) < 0)
		return -1;

	if (is_enter) {
		char *leave_name = xasprintf("%.*s (Leave)", (int)(nl - sl), w->name);
		int found = lookup(s, w->key, leave_name, err);

		free(leave_name);
		if (found < 0)
			return -1;
		unfinished = !found ||
			     !diag_parse((const unsigned char *)s->found_raw.data, s->found_raw.len,
					 &leave) ||
			     leave.ts < d.ts;
	} else if (!strchr(w->name, '(')) {
		unfinished = d.phase == 0;
	}
	if (!unfinished)
		return 0;
	snprintf(value, sizeof value, "%s\\%.*s", comp, (int)(is_enter ? nl - sl : nl), w->name);
	snprintf(text, sizeof text, "VSS %s entered at %s (pid %" PRIu32 ") and has no later Leave",
		 value, when, d.pid);
	f.key = "vss.diag.unfinished";
	f.has_num = false;
	if (fact(s, &f, err) < 0)
		return -1;
	tl.level = "warning";
	return ingest_timeline(s->rf->ing, &tl, err);
}

/* Services\<driver>\[Parameters\]Instances\<instance>\Altitude (a decimal
 * string, possibly with a fraction). */
static int
emit_altitude(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	const char *svc = w->key + strlen(CCS "Services\\");
	size_t svc_len = strcspn(svc, "\\");
	char *driver = xstrndup(svc, svc_len);
	char text[512];
	struct wb_fact f = {.key = r->fact, .value = driver, .text = text, .has_num = true,
			    .ref_table = "registry", .ref_id = w->id};
	int rc;

	if (!w->data || !*w->data || strspn(w->data, "0123456789.") != strlen(w->data)) {
		free(driver);
		return 0;
	}
	f.num = strtoll(w->data, NULL, 10);
	snprintf(text, sizeof text, "minifilter (registry), altitude %s, instance \"%s\"",
		 w->data, last_segment(w->key));
	rc = fact(s, &f, err);
	free(driver);
	return rc;
}

/* CurrentBuild only where CurrentBuildNumber is missing (both say the same). */
static int
emit_build(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	if (!strcasecmp(w->name, "CurrentBuild")) {
		int found = lookup(s, w->key, "CurrentBuildNumber", err);

		if (found)
			return found < 0 ? -1 : 0;
	}
	return emit_number(s, r, w, err);
}

/* "10.0.17763.1234": major.minor (Win10+ DWORDs, else CurrentVersion "6.3"),
 * build, update build revision when present. */
static int
emit_os_version(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	struct wb_buf v = {0};
	struct wb_fact f = {.key = r->fact, .text = w->path, .ref_table = "registry",
			    .ref_id = w->id};
	int found, rc = 0;

	if ((found = lookup(s, w->key, "CurrentMajorVersionNumber", err)) < 0)
		return -1;
	if (found) {
		buf_puts(&v, s->found_data.data);
		if ((found = lookup(s, w->key, "CurrentMinorVersionNumber", err)) < 0)
			goto out;
		buf_printf(&v, ".%s", found ? s->found_data.data : "0");
	} else {
		if ((found = lookup(s, w->key, "CurrentVersion", err)) <= 0)
			goto out;
		buf_puts(&v, s->found_data.data);
	}
	if ((found = lookup(s, w->key, "CurrentBuildNumber", err)) < 0 ||
	    (!found && (found = lookup(s, w->key, "CurrentBuild", err)) <= 0))
		goto out;
	buf_printf(&v, ".%s", s->found_data.data);
	if ((found = lookup(s, w->key, "UBR", err)) < 0)
		goto out;
	if (found)
		buf_printf(&v, ".%s", s->found_data.data);
	f.value = v.data;
	rc = fact(s, &f, err);
out:
	buf_fini(&v);
	return found < 0 ? -1 : rc;
}

/* Select: which control set booted, and the last known good / failed ones. */
static int
emit_select(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	static const char *const names[] = {"Current", "Default", "Failed", "LastKnownGood"};
	char value[32];
	struct wb_fact f = {.key = r->fact, .value = value, .has_num = true,
			    .ref_table = "registry", .ref_id = w->id};
	int found;

	buf_reset(&s->tmp);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int64_t n;

		if ((found = lookup(s, w->key, names[i], err)) < 0)
			return -1;
		if (!found || !number(s->found_data.data, &n))
			continue;
		if (i == 0)
			f.num = n;
		buf_printf(&s->tmp, "%s%s=%" PRId64, s->tmp.len ? ", " : "", names[i], n);
	}
	if (f.num <= 0)
		return 0;
	snprintf(value, sizeof value, "ControlSet%03u", (unsigned)(f.num % 1000));
	f.text = s->tmp.data;
	return fact(s, &f, err);
}

/* BCD elements (bcdedit's names; Microsoft's BcdLibraryElementTypes and
 * BcdOSLoaderElementTypes): booleans are one byte, integers eight, both
 * little-endian REG_BINARY in the "Element" value of
 * Objects\{object}\Elements\<type>.  The text names the object by its
 * description (element 12000004). */
static int
emit_bcd(struct scan *s, const struct rule *r, const struct row *w, struct wb_err *err)
{
	const char *guid;
	char value[32], *object, *desc_key;
	struct wb_fact f = {.key = r->fact, .value = value, .has_num = true,
			    .ref_table = "registry", .ref_id = w->id};
	uint64_t v = 0;
	int found;

	if (!w->raw || w->raw_len == 0 || w->raw_len > 8)
		return 0;
	for (size_t i = w->raw_len; i-- > 0;)
		v = v << 8 | w->raw[i];
	f.num = (int64_t)v;
	if (v < r->nnames)
		snprintf(value, sizeof value, "%s", r->names[v]);
	else
		snprintf(value, sizeof value, "%" PRIu64, v);
	/* w->key is ...\Objects\{id}\Elements\<type>: the object is two keys up. */
	object = xstrdup(w->key);
	for (int up = 0; up < 2; up++) {
		char *b = strrchr(object, '\\');

		if (b)
			*b = '\0';
	}
	guid = last_segment(object);
	desc_key = xasprintf("%s\\Elements\\12000004", object);
	found = lookup(s, desc_key, "Element", err);
	buf_reset(&s->tmp);
	buf_printf(&s->tmp, "%s%s%s%s: %s = %s", guid, found > 0 ? " \"" : "",
		   found > 0 ? s->found_data.data : "", found > 0 ? "\"" : "",
		   r->fact + strlen("bcd."), value);
	f.text = s->tmp.data;
	free(desc_key);
	free(object);
	return found < 0 ? -1 : fact(s, &f, err);
}

static const char *const bcd_bool[] = {"off", "on"};
static const char *const bcd_safeboot[] = {"minimal", "network", "dsrepair"};
static const char *const bcd_bootstatus[] = {
	"displayallfailures", "ignoreallfailures", "ignoreshutdownfailures", "ignorebootfailures",
};

#define BCD_ELEMENT "HKLM\\BCD00000000\\Objects\\*\\Elements\\"
#define BCD_RULE(element, setting, values)                                                 \
	{.key = BCD_ELEMENT element, .name = "Element", .fact = "bcd." setting, .emit = emit_bcd, \
	 .names = values, .nnames = sizeof values / sizeof values[0]}

/* THE table: the values that matter to the documented issues (formats.md 5.3,
 * 2.1-2.3).  Every value matched also gets a `registry` fact. */
static const struct rule rules[] = {
	{.key = CCS "Control\\CrashControl", .name = "CrashDumpEnabled",
	 .fact = "crash.dump_type", .emit = emit_dump_type},
	{.key = CCS "Control\\CrashControl", .name = "FilterPages",
	 .fact = "crash.filter_pages", .emit = emit_number},
	{.key = CCS "Control\\CrashControl", .name = "DumpFile",
	 .fact = "crash.dump_file", .emit = emit_string},
	{.key = CCS "Control\\CrashControl", .name = "MinidumpDir",
	 .fact = "crash.minidump_dir", .emit = emit_string},
	{.key = CCS "Control\\CrashControl", .name = "AutoReboot",
	 .fact = "crash.auto_reboot", .emit = emit_number},
	{.key = CCS "Control\\CrashControl", .name = "NMICrashDump",
	 .fact = "crash.nmi_dump", .emit = emit_number},
	{.key = CCS "Control\\CrashControl", .name = "AlwaysKeepMemoryDump",
	 .fact = "crash.always_keep", .emit = emit_number},
	{.key = CCS "Control\\CrashControl", .name = "DedicatedDumpFile",
	 .fact = "crash.dedicated_file", .emit = emit_string},
	{.key = CCS "Control\\CrashControl", .name = "DumpFilters",
	 .fact = "crash.dump_filters", .emit = emit_string},
	{.key = CCS "Control\\Session Manager\\Memory Management", .name = "PagingFiles",
	 .fact = "mem.pagefile", .emit = emit_pagefiles},
	{.key = CCS "Control\\Session Manager\\Memory Management", .name = "VerifyDrivers",
	 .fact = "verifier.drivers", .emit = emit_string},
	{.key = CCS "Control\\Session Manager\\Memory Management", .name = "VerifyDriverLevel",
	 .fact = "verifier.level", .emit = emit_hex},
	{.key = CCS "Services\\Disk", .name = "TimeOutValue",
	 .fact = "disk.timeout", .emit = emit_number},
	{.key = CCS "Services\\Disk", .name = "IoTimeoutValue",
	 .fact = "disk.io_timeout", .emit = emit_number},
	{.key = CCS "Services\\NDIS\\Parameters", .name = "TrackNblOwner",
	 .fact = "ndis.track_nbl_owner", .emit = emit_number},
	{.key = CCS "Services\\VSS\\Diag", .name = NULL,
	 .fact = "vss.diag", .emit = emit_vss_switch},
	{.key = CCS "Services\\VSS\\Diag", .name = "",
	 .fact = NULL, .emit = NULL},
	{.key = CCS "Services\\VSS\\Diag\\*", .name = "*",
	 .fact = "vss.diag.op", .emit = emit_vss_op},
	{.key = CCS "Services\\*\\Instances\\*", .name = "Altitude",
	 .fact = "filter", .emit = emit_altitude},
	{.key = CCS "Services\\*\\Parameters\\Instances\\*", .name = "Altitude",
	 .fact = "filter", .emit = emit_altitude},
	{.key = "HKLM\\SYSTEM\\Select", .name = NULL,
	 .fact = "boot.control_set", .emit = emit_select},
	{.key = "HKLM\\SOFTWARE\\**", .name = "KStackMinFree",
	 .fact = "av.kstack_min_free", .emit = emit_hex},
	{.key = CURRENT_VERSION, .name = "CurrentBuildNumber",
	 .fact = "os.build", .emit = emit_build},
	{.key = CURRENT_VERSION, .name = "CurrentBuild",
	 .fact = "os.build", .emit = emit_build},
	{.key = CURRENT_VERSION, .name = "UBR",
	 .fact = "os.ubr", .emit = emit_number},
	{.key = CURRENT_VERSION, .name = "ProductName",
	 .fact = "os.product", .emit = emit_string},
	{.key = CURRENT_VERSION, .name = "EditionID",
	 .fact = "os.edition", .emit = emit_string},
	BCD_RULE("16000009", "recoveryenabled", bcd_bool),
	BCD_RULE("16000010", "bootdebug", bcd_bool),
	BCD_RULE("16000020", "bootems", bcd_bool),
	BCD_RULE("16000048", "nointegritychecks", bcd_bool),
	BCD_RULE("16000049", "testsigning", bcd_bool),
	BCD_RULE("25000080", "safeboot", bcd_safeboot),
	BCD_RULE("26000081", "safebootalternateshell", bcd_bool),
	BCD_RULE("26000090", "bootlog", bcd_bool),
	BCD_RULE("260000a0", "debug", bcd_bool),
	BCD_RULE("260000b0", "ems", bcd_bool),
	BCD_RULE("250000e0", "bootstatuspolicy", bcd_bootstatus),
	{.key = CURRENT_VERSION, .name = NULL,
	 .fact = "os.version", .emit = emit_os_version},
};

static bool
name_match(const struct rule *r, const struct row *w)
{
	if (!r->name || !w->name)
		return !r->name && !w->name;
	return !strcmp(r->name, "*") || !strcasecmp(r->name, w->name);
}

static void
hex_text(const unsigned char *p, size_t len, struct wb_buf *out)
{
	buf_reset(out);
	for (size_t i = 0; i < len && i < FACT_HEX_MAX; i++)
		buf_printf(out, "%s%02x", i ? "," : "", p[i]);
	if (len > FACT_HEX_MAX)
		buf_printf(out, ",... (%zu bytes)", len);
	if (!out->data)
		buf_puts(out, "");
}

/* The generic fact: `registry` = value path, text = data. */
static int
emit_registry(struct scan *s, const struct row *w, struct wb_err *err)
{
	struct wb_fact f = {.key = w->deleted ? "registry.deleted" : "registry",
			    .value = w->path, .ref_table = "registry", .ref_id = w->id};

	if (!w->deleted) {
		if (w->data) {
			f.text = w->data;
		} else {
			hex_text(w->raw, w->raw_len, &s->tmp);
			f.text = s->tmp.data;
		}
	}
	return fact(s, &f, err);
}

static int
scan_row(struct scan *s, const struct row *in, struct wb_err *err)
{
	bool generic_done = false;
	struct row w = *in;

	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		const struct rule *r = &rules[i];

		if (!name_match(r, &w) || !key_match(r->key, w.key))
			continue;
		canonical_path(r, &w, &s->path);
		w.path = s->path.data;
		if (w.name && !generic_done) {
			if (emit_registry(s, &w, err) < 0)
				return -1;
			generic_done = true;
		}
		if (r->emit && !w.deleted && r->emit(s, r, &w, err) < 0)
			return -1;
	}
	return 0;
}

/* Rows with ControlSet00N where N is Select\Current become CurrentControlSet,
 * unless the file has CurrentControlSet keys of its own (a live export).
 * Without Select (a partial .reg export), a lone control set is taken as the
 * current one, with a warning. */
static int
map_current(regfacts *rf, unsigned *current, struct wb_err *err)
{
	static const char select_sql[] =
		"SELECT data FROM registry WHERE evidence_id = ? AND key = 'HKLM\\SYSTEM\\Select'"
		" AND name = 'Current' COLLATE NOCASE AND type = 'REG_DWORD' ORDER BY id DESC LIMIT 1";
	static const char sets_sql[] =
		"SELECT DISTINCT substr(key, 13, 13) FROM registry WHERE evidence_id = ?"
		" AND key LIKE 'HKLM\\SYSTEM\\ControlSet%'";
	static const char ccs_sql[] =
		"SELECT 1 FROM registry WHERE evidence_id = ?"
		" AND key LIKE 'HKLM\\SYSTEM\\CurrentControlSet%' LIMIT 1";
	static const char update_sql[] =
		"UPDATE registry SET key = 'HKLM\\SYSTEM\\CurrentControlSet' || substr(key, 26)"
		" WHERE evidence_id = ? AND substr(key, 1, 25) = ? COLLATE NOCASE"
		" AND (length(key) = 25 OR substr(key, 26, 1) = '\\')";
	sqlite3 *db = ingest_db(rf->ing);
	int64_t ev = ingest_evidence_id(rf->ing);
	sqlite3_stmt *st;
	unsigned cs = 0, sets = 0, lone = 0;
	char prefix[32];
	bool has_ccs;

	*current = rf->current;
	if (rf->current)
		return 0;
	if (sqlite3_prepare_v2(db, select_sql, -1, &st, NULL) != SQLITE_OK)
		goto sql_error;
	sqlite3_bind_int64(st, 1, ev);
	if (sqlite3_step(st) == SQLITE_ROW)
		cs = (unsigned)sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, ccs_sql, -1, &st, NULL) != SQLITE_OK)
		goto sql_error;
	sqlite3_bind_int64(st, 1, ev);
	has_ccs = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, sets_sql, -1, &st, NULL) != SQLITE_OK)
		goto sql_error;
	sqlite3_bind_int64(st, 1, ev);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		unsigned n = name ? control_set_number(name, strlen(name)) : 0;

		if (n) {
			sets++;
			lone = n;
		}
	}
	sqlite3_finalize(st);
	if (!cs && sets == 1 && !has_ccs) {
		cs = lone;
		ingest_warn(rf->ing, -1, -1,
			    "no HKLM\\SYSTEM\\Select\\Current in this file: took ControlSet%03u, "
			    "the only control set, as CurrentControlSet", cs);
	}
	if (!cs || cs > 999 || !sets)
		return 0;
	if (has_ccs) {
		/* A live export holds CurrentControlSet itself: mapping would
		 * store the same keys twice. */
		*current = cs;
		return 0;
	}
	snprintf(prefix, sizeof prefix, "HKLM\\SYSTEM\\ControlSet%03u", cs);
	if (sqlite3_prepare_v2(db, update_sql, -1, &st, NULL) != SQLITE_OK)
		goto sql_error;
	sqlite3_bind_int64(st, 1, ev);
	sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		goto sql_error;
	}
	sqlite3_finalize(st);
	rf->current = cs;
	*current = cs;
	return 0;
sql_error:
	return wb_errf(err, "registry: %s", sqlite3_errmsg(db));
}

int
regfacts_finish(regfacts *rf, unsigned *current, struct wb_err *err)
{
	static const char sql[] =
		"SELECT id, key, name, type, data, raw FROM registry WHERE evidence_id = ? ORDER BY id";
	sqlite3 *db = ingest_db(rf->ing);
	struct scan s = {.rf = rf};
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (map_current(rf, current, err) < 0)
		return -1;
	/* Its own statement: the scan stays open while facts are inserted. */
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return wb_errf(err, "registry: %s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, ingest_evidence_id(rf->ing));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 3);
		struct row w = {
			.id = sqlite3_column_int64(st, 0),
			.key = (const char *)sqlite3_column_text(st, 1),
			.name = (const char *)sqlite3_column_text(st, 2),
			.type = type,
			.data = (const char *)sqlite3_column_text(st, 4),
			.raw = sqlite3_column_blob(st, 5),
			.raw_len = (size_t)sqlite3_column_bytes(st, 5),
			.deleted = type && !strcmp(type, "delete"),
		};

		if (scan_row(&s, &w, err) < 0) {
			ret = -1;
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = wb_errf(err, "registry: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	buf_fini(&s.path);
	buf_fini(&s.found_data);
	buf_fini(&s.found_raw);
	buf_fini(&s.tmp);
	return ret;
}
