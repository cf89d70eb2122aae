/* VSS writer analysis of a Procmon capture, one pass over the rows. */
#include "procmon_vss.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "procmon_csv.h"

#define PID_SLOTS (1u << 15)	/* processes tracked (3/4 of it); more are not followed */
#define DIR_SLOTS (1u << 15)	/* directories counted (3/4 of it); more are not counted */
#define DENIED_SLOTS 4096
#define DENIED_FACTS 1000	/* distinct ACCESS DENIED facts kept */
#define EVENTS_MAX 100000	/* VSS\Diag writes kept for pairing */
#define LEAVES_EXPLAINED 1000	/* Leaves that get last_before_leave facts */
#define FANOUT_TOP 20		/* busiest directories of writer processes ... */
#define FANOUT_MIN 100		/* ... that listed at least this many entries */
#define FANOUT_LIMIT 1000	/* System Writer fails above 1,000 sub-folders */

/* 1601-01-01 to 1970-01-01 in 100 ns ticks. */
#define FILETIME_UNIX_EPOCH INT64_C(116444736000000000)

struct pid_slot {
	bool used, writer;
	int64_t pid;
	char *process;		/* first name seen for the pid */
	char *writer_name;	/* first VSS\Diag subkey it wrote */
	int64_t ring[PROCMON_VSS_LAST];	/* rowids of its last operations */
	unsigned head, count;
};

struct dir_slot {
	char *path;		/* NULL: free */
	int64_t pid;
	int64_t cur;		/* entries in the enumeration under way */
	int64_t best;		/* largest complete enumeration */
	int64_t ref;		/* last QueryDirectory row */
};

enum phase { PHASE_NONE, PHASE_ENTER, PHASE_LEAVE };

struct vss_event {
	char *writer, *op, *process;
	enum phase phase;
	int64_t pid, rowid, line;
	bool has_ts, has_ft, unfinished;
	int64_t ts, ft;		/* row time (local-derived) and FILETIME in the data (UTC) */
	ssize_t pair;		/* index of the matching Leave (for an Enter) or -1 */
};

struct procmon_vss {
	wb_ingest *ing;
	struct pid_slot *pids;
	size_t npids, pid_slots;	/* tables sized by the file, up to the bounds */
	struct dir_slot *dirs;
	size_t ndirs, dir_slots;
	uint64_t denied_seen[DENIED_SLOTS];
	size_t denied_facts;
	uint64_t denied_total;
	struct vss_event *ev;
	size_t nev, cap_ev;
	size_t leaves_explained;
	bool warned_pids, warned_dirs, warned_events;
};

procmon_vss *
procmon_vss_new(wb_ingest *ing)
{
	procmon_vss *v = xcalloc(1, sizeof *v);

	v->ing = ing;
	v->pid_slots = v->dir_slots = 256;
	while (v->pid_slots < PID_SLOTS && v->pid_slots < ingest_file_size(ing) / 512)
		v->pid_slots *= 2;
	v->dir_slots = v->pid_slots;
	v->pids = xcalloc(v->pid_slots, sizeof *v->pids);
	v->dirs = xcalloc(v->dir_slots, sizeof *v->dirs);
	return v;
}

void
procmon_vss_free(procmon_vss *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->pid_slots; i++) {
		free(v->pids[i].process);
		free(v->pids[i].writer_name);
	}
	for (size_t i = 0; i < v->dir_slots; i++)
		free(v->dirs[i].path);
	for (size_t i = 0; i < v->nev; i++) {
		free(v->ev[i].writer);
		free(v->ev[i].op);
		free(v->ev[i].process);
	}
	free(v->pids);
	free(v->dirs);
	free(v->ev);
	free(v);
}

uint64_t
procmon_vss_writes(const procmon_vss *v)
{
	return v->nev;
}

static uint64_t
hash_bytes(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
	return h;
}

static uint64_t
hash_str(uint64_t h, const char *s)
{
	return hash_bytes(h, s ? s : "", s ? strlen(s) : 0) * UINT64_C(1099511628211);
}

/* Windows paths and names compare without case. */
static uint64_t
hash_str_ci(uint64_t h, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32 : c)) * UINT64_C(1099511628211);
	}
	return h * UINT64_C(1099511628211);
}

static uint64_t
hash_int(uint64_t h, int64_t n)
{
	return hash_bytes(h, (const char *)&n, sizeof n);
}

#define HASH_SEED UINT64_C(14695981039346656037)

/* ASCII case-insensitive search for a needle starting with a backslash
 * (registry paths differ in case). */
static const char *
find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	while ((hay = strchr(hay, '\\'))) {
		if (!strncasecmp(hay, needle, n))
			return hay;
		hay++;
	}
	return NULL;
}

static bool
starts_with(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

static struct pid_slot *
pid_get(procmon_vss *v, int64_t pid, const char *process, bool create)
{
	size_t mask = v->pid_slots - 1, i = (size_t)hash_int(HASH_SEED, pid) & mask;

	for (;; i = (i + 1) & mask) {
		struct pid_slot *s = &v->pids[i];

		if (s->used && s->pid == pid)
			return s;
		if (!s->used)
			break;
	}
	if (!create)
		return NULL;
	if (v->npids >= v->pid_slots * 3 / 4) {
		if (!v->warned_pids)
			ingest_warn(v->ing, -1, -1, _("more than %zu processes: the last operations of later ones are not followed"),
				    v->pid_slots * 3 / 4);
		v->warned_pids = true;
		return NULL;
	}
	v->pids[i] = (struct pid_slot){.used = true, .pid = pid,
				       .process = xstrdup(process ? process : "")};
	v->npids++;
	return &v->pids[i];
}

static struct dir_slot *
dir_get(procmon_vss *v, int64_t pid, const char *path, size_t len, bool create)
{
	size_t mask = v->dir_slots - 1;
	size_t i = (size_t)hash_int(hash_bytes(HASH_SEED, path, len), pid) & mask;

	for (;; i = (i + 1) & mask) {
		struct dir_slot *d = &v->dirs[i];

		if (!d->path)
			break;
		if (d->pid == pid && !strncmp(d->path, path, len) && !d->path[len])
			return d;
	}
	if (!create)
		return NULL;
	if (v->ndirs >= v->dir_slots * 3 / 4) {
		if (!v->warned_dirs)
			ingest_warn(v->ing, -1, -1, _("more than %zu enumerated directories: later ones are not counted"),
				    v->dir_slots * 3 / 4);
		v->warned_dirs = true;
		return NULL;
	}
	v->dirs[i] = (struct dir_slot){.path = xstrndup(path, len), .pid = pid};
	v->ndirs++;
	return &v->dirs[i];
}

/* Entries listed by one QueryDirectory: "0: ., 1: .., ..., 143: x.dll".
 * Each call numbers its own batch, so the count is last - first + 1. */
static int64_t
listed_entries(const char *detail)
{
	int64_t lo = -1, hi = -1;
	const char *p = detail;

	while (p) {
		int64_t n = 0;
		const char *q = p;

		while (*q >= '0' && *q <= '9' && n < INT64_C(1) << 40)
			n = n * 10 + (*q++ - '0');
		if (q > p && q[0] == ':' && q[1] == ' ') {
			if (lo < 0 || n < lo)
				lo = n;
			if (n > hi)
				hi = n;
		}
		if ((p = strstr(p, ", ")))
			p += 2;
	}
	return lo < 0 ? 0 : hi - lo + 1;
}

static void
dir_pass_end(struct dir_slot *d)
{
	if (d->cur > d->best)
		d->best = d->cur;
	d->cur = 0;
}

static void
count_fanout(procmon_vss *v, const struct procmon_row *row)
{
	const char *detail = row->detail ? row->detail : "";
	size_t len = strlen(row->path);
	struct dir_slot *d;
	int64_t n;

	if (!strcmp(row->result, "NO MORE FILES") || !strcmp(row->result, "NO SUCH FILE")) {
		if ((d = dir_get(v, row->pid, row->path, len, false)))
			dir_pass_end(d);
		return;
	}
	if (strcmp(row->result, "SUCCESS"))
		return;
	/* A Filter other than "*" looks one name up; it is not a listing. */
	if (starts_with(detail, "Filter: ")) {
		if (strncmp(detail, "Filter: *,", 10) || len < 2 || strcmp(row->path + len - 2, "\\*"))
			return;
		len -= 2;
	}
	if (!(n = listed_entries(detail)) || !(d = dir_get(v, row->pid, row->path, len, true)))
		return;
	if (d->cur && starts_with(detail, "0: ., "))	/* listing restarted */
		dir_pass_end(d);
	d->cur += n;
	d->ref = row->id;
}

static int
note_denied(procmon_vss *v, const struct procmon_row *row, struct wb_err *err)
{
	uint64_t h = hash_str_ci(hash_str(hash_int(HASH_SEED, row->pid), row->operation), row->path);
	size_t i = (size_t)h & (DENIED_SLOTS - 1);
	char *text;
	int rc;

	v->denied_total++;
	if (v->denied_facts >= DENIED_FACTS)
		return 0;
	h |= 1;		/* 0 marks a free slot */
	for (; v->denied_seen[i]; i = (i + 1) & (DENIED_SLOTS - 1))
		if (v->denied_seen[i] == h)
			return 0;
	v->denied_seen[i] = h;
	v->denied_facts++;
	text = xasprintf("%s %s", row->process ? row->process : "", row->operation ? row->operation : "");
	rc = ingest_fact(v->ing, &(struct wb_fact){
		.key = "procmon.denied", .value = row->path ? row->path : "",
		.has_num = row->pid >= 0, .num = row->pid, .text = text,
		.has_ts = row->has_ts, .ts = row->ts, .ts_local = row->has_ts,
		.ref_table = "procmon", .ref_id = row->id}, err);
	free(text);
	return rc;
}

/* The last operations of the writer's process before it wrote "(Leave)":
 * what it was working on when the operation ended (or failed). */
static int
explain_leave(procmon_vss *v, const struct pid_slot *p, const struct vss_event *e,
	      struct wb_err *err)
{
	static const char sql[] =
		"SELECT pt.s, p.ts, pr.s, op.s, rs.s FROM procmon p"
		" LEFT JOIN procmon_text pt ON pt.id = p.path"
		" LEFT JOIN strings pr ON pr.id = p.process"
		" LEFT JOIN strings op ON op.id = p.operation"
		" LEFT JOIN strings rs ON rs.id = p.result WHERE p.id = ?";
	sqlite3_stmt *st = ingest_prepare(v->ing, sql, err);

	if (!st)
		return -1;
	for (unsigned k = 0; k < p->count; k++) {
		int64_t id = p->ring[(p->head + PROCMON_VSS_LAST - 1 - k) % PROCMON_VSS_LAST];
		char *text;
		int rc = 0;

		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *col[5];

			for (int c = 0; c < 5; c++)
				col[c] = (const char *)sqlite3_column_text(st, c);
			text = xasprintf("%s %s (Leave) <- %s %s %s", e->writer, e->op,
					 col[2] ? col[2] : "", col[3] ? col[3] : "", col[4] ? col[4] : "");
			rc = ingest_fact(v->ing, &(struct wb_fact){
				.key = "procmon.last_before_leave", .value = col[0] ? col[0] : "",
				.has_num = true, .num = k + 1, .text = text,
				.has_ts = sqlite3_column_type(st, 1) != SQLITE_NULL,
				.ts = sqlite3_column_int64(st, 1),
				.ts_local = sqlite3_column_type(st, 1) != SQLITE_NULL,
				.ref_table = "procmon", .ref_id = id}, err);
			free(text);
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
diag_write(procmon_vss *v, const struct procmon_row *row, const char *under, struct wb_err *err)
{
	static const struct {
		const char *suffix;
		enum phase phase;
	} phases[] = {{" (Enter)", PHASE_ENTER}, {" (Leave)", PHASE_LEAVE}};
	const char *value = strrchr(under, '\\');
	struct vss_event e = {.phase = PHASE_NONE, .pid = row->pid, .rowid = row->id,
			      .line = row->line, .has_ts = row->has_ts, .ts = row->ts, .pair = -1};
	size_t oplen;
	unsigned char data[16];
	struct pid_slot *p;

	if (!value || value == under || !value[1])	/* a value of Diag itself */
		return 0;
	value++;
	oplen = strlen(value);
	for (size_t i = 0; i < sizeof phases / sizeof *phases; i++) {
		size_t n = strlen(phases[i].suffix);

		if (oplen > n && !strcmp(value + oplen - n, phases[i].suffix)) {
			e.phase = phases[i].phase;
			oplen -= n;
		}
	}
	/* Bytes 8..15 of the record are the FILETIME of the Enter/Leave (UTC). */
	if (row->detail && procmon_detail_binary(row->detail, data, sizeof data) == sizeof data) {
		int64_t ft = 0;

		for (int i = 15; i >= 8; i--)
			ft = ft << 8 | data[i];
		if (ft > FILETIME_UNIX_EPOCH && ft < INT64_C(0x7000000000000000)) {
			e.has_ft = true;
			e.ft = (ft - FILETIME_UNIX_EPOCH) / 10;
		}
	}
	if (v->nev == EVENTS_MAX) {
		if (!v->warned_events)
			ingest_warn(v->ing, row->line, -1, _("more than %d VSS\\Diag writes: later ones are not analysed"),
				    EVENTS_MAX);
		v->warned_events = true;
		return 0;
	}
	e.writer = xstrndup(under, (size_t)(value - 1 - under));
	e.op = xstrndup(value, oplen);
	e.process = xstrdup(row->process ? row->process : "");
	if (v->nev == v->cap_ev) {
		v->cap_ev = v->cap_ev ? v->cap_ev * 2 : 64;
		v->ev = xrealloc(v->ev, v->cap_ev * sizeof *v->ev);
	}
	v->ev[v->nev++] = e;
	if (row->pid < 0 || !(p = pid_get(v, row->pid, row->process, true)))
		return 0;
	if (!p->writer) {
		p->writer = true;
		p->writer_name = xstrdup(e.writer);
	}
	if (e.phase == PHASE_LEAVE && v->leaves_explained < LEAVES_EXPLAINED) {
		v->leaves_explained++;
		return explain_leave(v, p, &v->ev[v->nev - 1], err);
	}
	return 0;
}

int
procmon_vss_row(procmon_vss *v, const struct procmon_row *row, struct wb_err *err)
{
	const char *diag = NULL;
	struct pid_slot *p;

	if (row->path && (row->path[0] == 'H' || row->path[0] == 'h'))
		diag = find_ci(row->path, "\\VSS\\Diag\\");
	if (diag && row->operation && !strcmp(row->operation, "RegSetValue") &&
	    diag_write(v, row, diag + 10, err) < 0)
		return -1;
	if (row->result && !strcmp(row->result, "ACCESS DENIED") && note_denied(v, row, err) < 0)
		return -1;
	if (row->pid < 0 || !row->path || !row->path[0])
		return 0;
	if (row->operation && row->result && !strcmp(row->operation, "QueryDirectory"))
		count_fanout(v, row);
	/* The writer's own Diag writes are not what it was working on. */
	if (!diag && (p = pid_get(v, row->pid, row->process, true))) {
		p->ring[p->head] = row->id;
		p->head = (p->head + 1) % PROCMON_VSS_LAST;
		if (p->count < PROCMON_VSS_LAST)
			p->count++;
	}
	return 0;
}

/* ---- finish: pair Enter/Leave, emit facts and timeline ---- */

static uint64_t
event_key(const struct vss_event *e, bool with_op)
{
	uint64_t h = hash_int(hash_str(HASH_SEED, e->writer), e->pid);

	return with_op ? hash_str(h, e->op) : h;
}

static bool
event_same(const struct vss_event *a, const struct vss_event *b, bool with_op)
{
	return a->pid == b->pid && !strcmp(a->writer, b->writer) && (!with_op || !strcmp(a->op, b->op));
}

/* An index of events by (writer, pid[, op]): slots hold event index + 1. */
struct event_index {
	size_t *slot;
	size_t mask;
};

static void
index_init(struct event_index *x, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	x->slot = xcalloc(size, sizeof *x->slot);
	x->mask = size - 1;
}

/* The slot for e's key: empty (0) or holding an event with the same key. */
static size_t *
index_find(struct event_index *x, const struct vss_event *ev, size_t e, bool with_op)
{
	size_t i = (size_t)event_key(&ev[e], with_op) & x->mask;

	while (x->slot[i] && !event_same(&ev[x->slot[i] - 1], &ev[e], with_op))
		i = (i + 1) & x->mask;
	return &x->slot[i];
}

static void
pair_events(procmon_vss *v)
{
	struct event_index open;

	index_init(&open, v->nev);
	for (size_t i = 0; i < v->nev; i++) {
		struct vss_event *e = &v->ev[i];
		size_t *s = index_find(&open, v->ev, i, true);

		bool open_enter = *s && v->ev[*s - 1].phase == PHASE_ENTER;

		if (e->phase == PHASE_ENTER) {
			if (open_enter)
				v->ev[*s - 1].unfinished = true;	/* entered again */
			*s = i + 1;
		} else if (e->phase == PHASE_LEAVE && open_enter) {
			/* Removing from linear probing would break chains: mark the
			 * slot consumed by pointing it at the Leave. */
			v->ev[*s - 1].pair = (ssize_t)i;
			*s = i + 1;
		}
	}
	for (size_t i = 0; i <= open.mask; i++)
		if (open.slot[i] && v->ev[open.slot[i] - 1].phase == PHASE_ENTER)
			v->ev[open.slot[i] - 1].unfinished = true;
	free(open.slot);
}

static const char *
phase_suffix(enum phase p)
{
	return p == PHASE_ENTER ? " (Enter)" : p == PHASE_LEAVE ? " (Leave)" : "";
}

static int
emit_event(procmon_vss *v, const struct vss_event *e, struct wb_err *err)
{
	char *text = xasprintf("%s%s", e->op, phase_suffix(e->phase));
	char *summary;
	const struct vss_event *leave = e->pair >= 0 ? &v->ev[e->pair] : NULL;
	bool has_time = e->has_ts || e->has_ft;
	int rc;

	rc = ingest_fact(v->ing, &(struct wb_fact){
		.key = "procmon.vss", .value = e->writer, .has_num = e->pid >= 0, .num = e->pid,
		.text = text, .has_ts = has_time, .ts = e->has_ts ? e->ts : e->ft, .ts_local = e->has_ts,
		.ref_table = "procmon", .ref_id = e->rowid}, err);
	if (rc == 0 && e->unfinished) {
		rc = ingest_fact(v->ing, &(struct wb_fact){
			.key = "procmon.vss_unfinished", .value = e->writer, .has_num = e->pid >= 0,
			.num = e->pid, .text = e->op, .has_ts = has_time,
			.ts = e->has_ts ? e->ts : e->ft, .ts_local = e->has_ts,
			.ref_table = "procmon", .ref_id = e->rowid}, err);
	}
	if (rc == 0 && leave && ((e->has_ts && leave->has_ts) || (e->has_ft && leave->has_ft))) {
		int64_t us = e->has_ts && leave->has_ts ? leave->ts - e->ts : leave->ft - e->ft;
		char *value = xasprintf("%s: %s", e->writer, e->op);
		char *desc = xasprintf("%s pid %lld, %.3f s", e->process, (long long)e->pid, us / 1e6);

		rc = ingest_fact(v->ing, &(struct wb_fact){
			.key = "procmon.vss_op", .value = value, .has_num = true, .num = us, .text = desc,
			.has_ts = has_time, .ts = e->has_ts ? e->ts : e->ft, .ts_local = e->has_ts,
			.ref_table = "procmon", .ref_id = e->rowid}, err);
		free(value);
		free(desc);
	}
	if (rc == 0 && has_time) {
		char ft[40] = "";

		/* The time VSS itself recorded, in UTC, when Procmon showed it. */
		if (e->has_ft) {
			memcpy(ft, "; Diag time ", 12);
			wb_format_iso(e->ft, 0, true, ft + 12, sizeof ft - 12);
		}
		if (e->unfinished)
			summary = xasprintf("%s: %s entered and never left (%s pid %lld%s)",
					    e->writer, e->op, e->process, (long long)e->pid, ft);
		else
			summary = xasprintf("%s: %s (%s pid %lld%s)", e->writer, text, e->process,
					    (long long)e->pid, ft);
		rc = ingest_timeline(v->ing, &(struct wb_tl){
			.ts = e->has_ts ? e->ts : e->ft, .local = e->has_ts,
			.level = e->unfinished ? "warning" : "info", .kind = "procmon.vss",
			.summary = summary, .ref_table = "procmon", .ref_id = e->rowid}, err);
		free(summary);
	}
	free(text);
	return rc;
}

static int
emit_writers(procmon_vss *v, struct wb_err *err)
{
	struct event_index seen;
	int rc = 0;

	index_init(&seen, v->nev);
	for (size_t i = 0; i < v->nev && rc == 0; i++) {
		size_t *s = index_find(&seen, v->ev, i, false);

		if (*s)
			continue;
		*s = i + 1;
		rc = ingest_fact(v->ing, &(struct wb_fact){
			.key = "procmon.vss_writer", .value = v->ev[i].writer,
			.has_num = v->ev[i].pid >= 0, .num = v->ev[i].pid, .text = v->ev[i].process,
			.ref_table = "procmon", .ref_id = v->ev[i].rowid}, err);
	}
	free(seen.slot);
	return rc;
}

static int
by_entries(const void *a, const void *b)
{
	const struct dir_slot *x = *(const struct dir_slot *const *)a;
	const struct dir_slot *y = *(const struct dir_slot *const *)b;

	return (x->best < y->best) - (x->best > y->best);
}

static int
emit_fanout(procmon_vss *v, struct wb_err *err)
{
	struct dir_slot **list = xcalloc(v->ndirs + 1, sizeof *list);
	size_t n = 0, writer_dirs = 0;
	int rc = 0;

	for (size_t i = 0; i < v->dir_slots; i++)
		if (v->dirs[i].path) {
			dir_pass_end(&v->dirs[i]);
			list[n++] = &v->dirs[i];
		}
	qsort(list, n, sizeof *list, by_entries);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct dir_slot *d = list[i];
		struct pid_slot *p = pid_get(v, d->pid, NULL, false);
		bool writer = p && p->writer;
		char *text;

		if (d->best < FANOUT_LIMIT && !(writer && writer_dirs < FANOUT_TOP && d->best >= FANOUT_MIN))
			continue;
		writer_dirs += writer;
		if (writer)
			text = xasprintf("%s pid %lld (VSS writer %s)", p->process, (long long)d->pid, p->writer_name);
		else
			text = xasprintf("%s pid %lld", p ? p->process : "", (long long)d->pid);
		rc = ingest_fact_num(v->ing, "procmon.dir_fanout", d->path, d->best, text, "procmon", d->ref, err);
		free(text);
	}
	free(list);
	return rc;
}

/* Diag data carries UTC; the row carries the capture's local clock.  If they
 * disagree the zone assumption is wrong: say so with the zone they imply. */
static void
check_zone(procmon_vss *v)
{
	for (size_t i = 0; i < v->nev; i++) {
		const struct vss_event *e = &v->ev[i];
		int assumed = ingest_tz_minutes(v->ing);
		char a[16], b[16], day[40];

		if (e->has_ts && e->has_ft) {
			int64_t local_minus_utc = e->ts - e->ft + (int64_t)assumed * 60 * WB_US_PER_SEC;
			int64_t quarter = 15 * 60 * WB_US_PER_SEC;
			int implied = (int)((local_minus_utc + (local_minus_utc >= 0 ? quarter / 2 : -quarter / 2)) /
					    quarter * 15);

			if (implied != assumed && implied >= -14 * 60 && implied <= 14 * 60) {
				wb_format_tz(implied, a, sizeof a);
				wb_format_tz(assumed, b, sizeof b);
				ingest_warn(v->ing, e->line, -1,
					    _("the VSS\\Diag data (UTC) says this capture's clock was at %s, not %s as assumed; re-zone the evidence"),
					    a, b);
			} else if (implied != assumed) {	/* more than a zone apart: the date is wrong */
				wb_format_iso(e->ft, 0, true, day, sizeof day);
				ingest_warn(v->ing, e->line, -1,
					    _("the VSS\\Diag data says this capture ran on %.10s (UTC), not on the date assumed; import again with the right --date"),
					    day);
			}
			return;
		}
		if (!e->has_ts && e->has_ft) {
			wb_format_iso(e->ft, 0, true, day, sizeof day);
			ingest_warn(v->ing, e->line, -1,
				    _("the export has no date; the VSS\\Diag data says the capture ran on %.10s (UTC): import with --date"),
				    day);
			return;
		}
	}
}

int
procmon_vss_finish(procmon_vss *v, struct wb_err *err)
{
	pair_events(v);
	for (size_t i = 0; i < v->nev; i++)
		if (emit_event(v, &v->ev[i], err) < 0)
			return -1;
	if (emit_writers(v, err) < 0 || emit_fanout(v, err) < 0)
		return -1;
	if (v->denied_total &&
	    ingest_fact_num(v->ing, "procmon.denied_total", "ACCESS DENIED", (int64_t)v->denied_total,
			    NULL, NULL, 0, err) < 0)
		return -1;
	check_zone(v);
	return 0;
}
