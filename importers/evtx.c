/*
 * Windows XML event logs (.evtx) through libevtx.
 *
 * Every record libevtx can read is stored, dirty files included; records
 * libevtx carves from free space are stored with recovered = 1 and counted
 * apart; a record it cannot read becomes a warning with its index.
 *
 * Parsing a record (libevtx builds and frees a tree of small allocations
 * for each one) costs more than storing it, so it runs in reader threads,
 * one per CPU up to EVTX_MAX_READERS (WB_EVTX_READERS overrides), each with
 * its own libevtx handle.  The records are cut into blocks of EVTX_BLOCK;
 * reader k parses blocks k, k + n, k + 2n, ... and hands them over in
 * batches through its own small queue.  The import thread takes the blocks
 * back in order, round robin over the readers, so records are stored in
 * file order whatever the number of readers; while it waits it hashes the
 * file (libevtx read it outside ingest_read(), so wb records the digest
 * itself).  Memory stays flat: each reader has at most EVTX_QUEUE batches,
 * and a batch is cut early when its strings pass EVTX_ARENA_MAX bytes.
 *
 * The 2018 libevtx in Debian has no channel getter: the channel comes from
 * the rendered XML of the first record (a log file holds one channel;
 * forwarded-event logs that mix channels show the first one).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <libevtx.h>
#pragma GCC diagnostic pop

#include "eventdecode.h"
#include "importer.h"

#define FILETIME_UNIX_EPOCH UINT64_C(116444736000000000)	/* 100 ns ticks 1601..1970 */

#define EVTX_BLOCK 512		/* records per block; several chunks, so few chunks are read twice */
#define EVTX_QUEUE 3		/* batches in flight per reader */
#define EVTX_ARENA_MAX (1u << 20)	/* cut a batch early past this many bytes of strings */
#define EVTX_MAX_READERS 4
#define NO_OFF SIZE_MAX

/* One record (or one warning) packed into a batch: strings are offsets
 * into the batch's arena until the import thread turns them into pointers. */
struct evtx_item {
	struct ev_record r;		/* scalar members only */
	size_t provider, computer;	/* arena offsets or NO_OFF */
	size_t first_string, nstrings;	/* into the batch's string offsets */
	size_t binary, binary_len;	/* arena offset and length */
	size_t warning;			/* arena offset of a warning, or NO_OFF */
	uint64_t file_offset;
};

struct evtx_batch {
	struct evtx_item items[EVTX_BLOCK];
	size_t n;
	bool ends_block;		/* the import thread moves to the next reader after it */
	struct wb_buf arena;
	size_t *soff, nsoff, capsoff;
};

struct evtx_job;

/* One reader thread and its queue (guarded by the job's mutex). */
struct evtx_reader {
	struct evtx_job *job;
	int first_block;		/* it parses blocks first_block + k * nreaders */
	libevtx_file_t *file;		/* its own handle; the thread closes it */
	pthread_t thread;
	bool started;
	pthread_cond_t can_fill, can_take;
	struct evtx_batch batch[EVTX_QUEUE];
	size_t head, count;		/* next batch to take, batches ready */
	bool done;
	char error[256];		/* why its handle could not be opened, or "" */
};

struct evtx_job {
	const char *path;
	int nrec, nrecovered;		/* live records, then recovered ones */
	int nreaders;
	char *channel;			/* from the first record, set before any reader starts */
	pthread_mutex_t mu;
	bool stop;			/* the import thread gave up: readers finish */
	struct evtx_reader reader[EVTX_MAX_READERS];
};

static int
evtx_detect(struct wb_probe *probe)
{
	const char *dot = strrchr(probe->path, '.');

	if (probe->len >= 8 && !memcmp(probe->head, "ElfFile\0", 8))
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
	buf_reserve(text, size);
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
	buf_reserve(text, size);
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

/* Pack one record into the batch.  An unreadable record becomes a warning
 * item with its index. */
static void
evtx_pack(libevtx_record_t *rec, int index, bool recovered, struct evtx_batch *b)
{
	struct evtx_item *it = &b->items[b->n++];
	struct wb_buf *a = &b->arena;
	libevtx_error_t *e = NULL;
	uint64_t id = 0, filetime = 0;
	uint32_t event_id = 0, qual = 0;
	uint8_t level = 0;
	int nstrings = 0;
	size_t data_size = 0;
	off64_t off = 0;
	char msg[256];

	*it = (struct evtx_item){
		.r = {.record = -1, .qualifiers = -1, .recovered = recovered, .line = -1},
		.provider = NO_OFF,
		.computer = NO_OFF,
		.warning = NO_OFF,
		.first_string = b->nsoff,
	};
	if (libevtx_record_get_event_identifier(rec, &event_id, &e) != 1) {
		evtx_errmsg(&e, msg, sizeof msg);
		it->warning = a->len;
		buf_printf(a, _("%s record at index %d unreadable: %s"),
			   recovered ? _("recovered") : _("live"), index, msg);
		buf_append(a, "", 1);
		return;
	}
	if (libevtx_record_get_identifier(rec, &id, &e) == 1)
		it->r.record = (int64_t)id;
	libevtx_error_free(&e);
	if (libevtx_record_get_written_time(rec, &filetime, &e) == 1 && filetime) {
		it->r.has_ts = true;
		it->r.ts = ((int64_t)filetime - (int64_t)FILETIME_UNIX_EPOCH) / 10;
	}
	libevtx_error_free(&e);
	if (libevtx_record_get_event_identifier_qualifiers(rec, &qual, &e) == 1)
		it->r.qualifiers = qual;
	libevtx_error_free(&e);
	if (libevtx_record_get_event_level(rec, &level, &e) == 1)
		it->r.level = level <= EV_LEVEL_VERBOSE ? level : EV_LEVEL_UNKNOWN;
	libevtx_error_free(&e);
	it->r.event_id = event_id & 0xffff;
	if (libevtx_record_get_offset(rec, &off, &e) == 1)
		it->file_offset = (uint64_t)off;
	libevtx_error_free(&e);

	{
		long at = evtx_text(rec, libevtx_record_get_utf8_source_name_size,
				    libevtx_record_get_utf8_source_name, a);

		if (at < 0)	/* manifest providers without a name: use the GUID */
			at = evtx_text(rec, libevtx_record_get_utf8_provider_identifier_size,
				       libevtx_record_get_utf8_provider_identifier, a);
		it->provider = at < 0 ? NO_OFF : (size_t)at;
		at = evtx_text(rec, libevtx_record_get_utf8_computer_name_size,
			       libevtx_record_get_utf8_computer_name, a);
		it->computer = at < 0 ? NO_OFF : (size_t)at;
	}
	if (libevtx_record_get_number_of_strings(rec, &nstrings, &e) != 1 || nstrings < 0)
		nstrings = 0;
	libevtx_error_free(&e);
	if (b->nsoff + (size_t)nstrings > b->capsoff) {
		b->capsoff = (b->nsoff + (size_t)nstrings) * 2;
		b->soff = xrealloc(b->soff, b->capsoff * sizeof *b->soff);
	}
	for (int i = 0; i < nstrings; i++)
		b->soff[b->nsoff++] = (size_t)evtx_string(rec, i, a);
	it->nstrings = (size_t)nstrings;

	/* Binary EventData.  The 2018 libevtx rarely has it through the data
	 * getter but lists it as the last string, in hex: use that. */
	it->binary = a->len;
	if (libevtx_record_get_data_size(rec, &data_size, &e) == 1 && data_size > 0) {
		buf_reserve(a, data_size);
		if (libevtx_record_get_data(rec, (uint8_t *)a->data + a->len, data_size, &e) == 1) {
			a->len += data_size;
			it->binary_len = data_size;
		}
	}
	libevtx_error_free(&e);
	if (!it->binary_len && nstrings > 0) {
		const char *hex = a->data + b->soff[b->nsoff - 1];
		size_t n = strlen(hex);

		if (n >= 16 && n % 2 == 0 && strspn(hex, "0123456789abcdefABCDEF") == n) {
			buf_reserve(a, n / 2);
			hex = a->data + b->soff[b->nsoff - 1];	/* reserve may move the arena */
			for (size_t i = 0; i < n; i += 2)
				a->data[a->len++] = (char)(hexval(hex[i]) << 4 | hexval(hex[i + 1]));
			it->binary_len = n / 2;
		}
	}
}

/* Wait for a free batch; NULL when the import thread asked to stop. */
static struct evtx_batch *
reader_get_batch(struct evtx_reader *rd)
{
	struct evtx_job *job = rd->job;
	struct evtx_batch *b = NULL;

	pthread_mutex_lock(&job->mu);
	while (rd->count == EVTX_QUEUE && !job->stop)
		pthread_cond_wait(&rd->can_fill, &job->mu);
	if (!job->stop)
		b = &rd->batch[(rd->head + rd->count) % EVTX_QUEUE];
	pthread_mutex_unlock(&job->mu);
	if (b) {
		b->n = 0;
		b->nsoff = 0;
		buf_reset(&b->arena);
	}
	return b;
}

static void
reader_put_batch(struct evtx_reader *rd, struct evtx_batch *b, bool ends_block)
{
	pthread_mutex_lock(&rd->job->mu);
	b->ends_block = ends_block;
	rd->count++;
	pthread_cond_signal(&rd->can_take);
	pthread_mutex_unlock(&rd->job->mu);
}

/* Read record number i of the whole file (live ones first, then the
 * recovered ones) into b. */
static void
reader_read(struct evtx_reader *rd, int i, struct evtx_batch *b)
{
	struct evtx_job *job = rd->job;
	bool recovered = i >= job->nrec;
	int index = recovered ? i - job->nrec : i;
	libevtx_record_t *rec = NULL;
	libevtx_error_t *e = NULL;
	char msg[256];
	int got = recovered ? libevtx_file_get_recovered_record_by_index(rd->file, index, &rec, &e)
			    : libevtx_file_get_record_by_index(rd->file, index, &rec, &e);

	if (got != 1) {
		struct evtx_item *it = &b->items[b->n++];

		evtx_errmsg(&e, msg, sizeof msg);
		*it = (struct evtx_item){.warning = b->arena.len};
		buf_printf(&b->arena, _("%s record at index %d unreadable: %s"),
			   recovered ? _("recovered") : _("live"), index, msg);
		buf_append(&b->arena, "", 1);
		return;
	}
	evtx_pack(rec, index, recovered, b);
	libevtx_record_free(&rec, NULL);
}

static void *
reader_main(void *arg)
{
	struct evtx_reader *rd = arg;
	struct evtx_job *job = rd->job;
	int total = job->nrec + job->nrecovered;
	int64_t stride = (int64_t)job->nreaders * EVTX_BLOCK;
	struct evtx_batch *b = NULL;
	libevtx_error_t *e = NULL;

	/* The first reader has the import thread's handle; the others open
	 * their own, here, in parallel. */
	if (!rd->file && (libevtx_file_initialize(&rd->file, &e) != 1 ||
			  libevtx_file_open(rd->file, job->path, LIBEVTX_OPEN_READ, &e) != 1)) {
		evtx_errmsg(&e, rd->error, sizeof rd->error);
		if (!rd->error[0])
			snprintf(rd->error, sizeof rd->error, "libevtx_file_open failed");
		libevtx_file_free(&rd->file, NULL);
		goto out;
	}
	for (int64_t start = (int64_t)rd->first_block * EVTX_BLOCK; start < total; start += stride) {
		int end = start + EVTX_BLOCK < total ? (int)start + EVTX_BLOCK : total;

		for (int i = (int)start; i < end; i++) {
			if (!b && !(b = reader_get_batch(rd)))
				goto out;
			reader_read(rd, i, b);
			if (i == end - 1 || b->arena.len > EVTX_ARENA_MAX) {
				reader_put_batch(rd, b, i == end - 1);
				b = NULL;
			}
		}
	}
out:
	/* Closing frees libevtx's record cache: worth doing here, in parallel. */
	if (rd->file) {
		libevtx_file_close(rd->file, NULL);
		libevtx_file_free(&rd->file, NULL);
	}
	pthread_mutex_lock(&job->mu);
	rd->done = true;
	pthread_cond_signal(&rd->can_take);
	pthread_mutex_unlock(&job->mu);
	return NULL;
}

/* Store one batch.  Returns 0 or -1 with err. */
static int
store_batch(wb_ingest *ing, struct evtx_job *job, struct evtx_batch *b, const char ***strings,
	    size_t *cap, int counts[2], struct wb_err *err)
{
	const char *arena = b->arena.data;

	for (size_t k = 0; k < b->n; k++) {
		struct evtx_item *it = &b->items[k];
		struct ev_record r = it->r;

		if (it->warning != NO_OFF) {
			ingest_warn(ing, -1, -1, "%s", arena + it->warning);
			continue;
		}
		if (it->nstrings > *cap) {
			*cap = it->nstrings * 2;
			*strings = xrealloc(*strings, *cap * sizeof **strings);
		}
		for (size_t i = 0; i < it->nstrings; i++)
			(*strings)[i] = arena + b->soff[it->first_string + i];
		r.strings = *strings;
		r.nstrings = it->nstrings;
		r.provider = it->provider == NO_OFF ? NULL : arena + it->provider;
		r.computer = it->computer == NO_OFF ? NULL : arena + it->computer;
		r.binary = (const unsigned char *)arena + it->binary;
		r.binary_len = it->binary_len;
		r.channel = job->channel;
		if (eventdecode_store(ing, &r, err) < 0)
			return -1;
		counts[r.recovered]++;
		ingest_add_records(ing, 1);
		ingest_bytes_done(ing, it->file_offset);
	}
	return ingest_progress(ing, err);
}

/* The file's SHA-256, computed a slice at a time while the import thread
 * would otherwise wait for the reader. */
struct evtx_hash {
	int fd;				/* -1 when finished or failed */
	struct sha256_ctx ctx;
	bool ok;
};

/* Hash the next slice; false when there is nothing left to do. */
static bool
hash_step(struct evtx_hash *h)
{
	char buf[1 << 16];
	ssize_t n;

	if (h->fd < 0)
		return false;
	do
		n = read(h->fd, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		sha256_update(&h->ctx, (size_t)n, (const uint8_t *)buf);
		return true;
	}
	h->ok = n == 0;
	close(h->fd);
	h->fd = -1;
	return false;
}

/* How many reader threads: one per online CPU (the import thread needs
 * less than a CPU of its own), at most EVTX_MAX_READERS, and no more than
 * there are blocks.  WB_EVTX_READERS=N overrides, to spare the CPUs of a
 * shared host or to test the ordering. */
static int
evtx_nreaders(int total)
{
	const char *env = getenv("WB_EVTX_READERS");
	long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
	long blocks = ((long)total + EVTX_BLOCK - 1) / EVTX_BLOCK;

	if (n > EVTX_MAX_READERS)
		n = EVTX_MAX_READERS;
	if (n > blocks)
		n = blocks;
	return n < 1 ? 1 : (int)n;
}

/* Open the file on the import thread, count its records and note what its
 * header says.  Returns the handle, or NULL with err. */
static libevtx_file_t *
evtx_open(wb_ingest *ing, struct evtx_job *job, uint32_t *flags, struct wb_err *err)
{
	libevtx_file_t *file = NULL;
	libevtx_record_t *first = NULL;
	libevtx_error_t *e = NULL;
	char msg[256];
	int corrupted;

	if (libevtx_file_initialize(&file, &e) != 1) {
		evtx_errmsg(&e, msg, sizeof msg);
		wb_errf(err, "libevtx: %s", msg);
		return NULL;
	}
	if (libevtx_file_open(file, job->path, LIBEVTX_OPEN_READ, &e) != 1) {
		evtx_errmsg(&e, msg, sizeof msg);
		wb_errf(err, _("%s: not a readable EVTX event log (expected the \"ElfFile\" header): %s"),
			job->path, msg);
		libevtx_file_free(&file, NULL);
		return NULL;
	}
	if (libevtx_file_get_number_of_records(file, &job->nrec, &e) != 1 ||
	    libevtx_file_get_number_of_recovered_records(file, &job->nrecovered, &e) != 1 ||
	    job->nrec < 0 || job->nrecovered < 0 || job->nrec > INT_MAX - job->nrecovered) {
		evtx_errmsg(&e, msg, sizeof msg);
		wb_errf(err, _("%s: cannot count the records: %s"), job->path, msg);
		libevtx_file_close(file, NULL);
		libevtx_file_free(&file, NULL);
		return NULL;
	}
	libevtx_file_get_flags(file, flags, &e);
	libevtx_error_free(&e);
	corrupted = libevtx_file_is_corrupted(file, &e);
	libevtx_error_free(&e);
	if (*flags & LIBEVTX_FILE_FLAG_IS_DIRTY)
		ingest_warn(ing, -1, -1, _("the log was not closed cleanly (dirty flag set); "
					   "all readable records were imported"));
	if (corrupted == 1)
		ingest_warn(ing, -1, -1, _("libevtx reports the file as corrupted; readable records "
					   "were imported"));
	for (int i = 0; i < job->nrec && !job->channel; i++) {
		if (libevtx_file_get_record_by_index(file, i, &first, &e) == 1) {
			job->channel = evtx_channel(first);
			libevtx_record_free(&first, NULL);
			break;
		}
		libevtx_error_free(&e);
		if (i >= 16)
			break;	/* a damaged head: no channel rather than a slow scan */
	}
	return file;
}

/* Take the next batch in file order: blocks go round robin over the
 * readers.  Hashes the file while it waits.  NULL when every block has
 * been taken (or a reader could not open the file: see its error). */
static struct evtx_batch *
take_batch(struct evtx_job *job, int cur, struct evtx_hash *hash)
{
	struct evtx_reader *rd = &job->reader[cur];
	struct evtx_batch *b;

	pthread_mutex_lock(&job->mu);
	while (rd->count == 0 && !rd->done) {
		bool hashed;

		pthread_mutex_unlock(&job->mu);
		hashed = hash_step(hash);
		pthread_mutex_lock(&job->mu);
		if (!hashed && rd->count == 0 && !rd->done)
			pthread_cond_wait(&rd->can_take, &job->mu);
	}
	/* A finished reader with an empty queue owns the next block: there
	 * is none, so every block before it has been stored. */
	b = rd->count ? &rd->batch[rd->head] : NULL;
	pthread_mutex_unlock(&job->mu);
	return b;
}

static void
release_batch(struct evtx_job *job, int cur)
{
	struct evtx_reader *rd = &job->reader[cur];

	pthread_mutex_lock(&job->mu);
	rd->head = (rd->head + 1) % EVTX_QUEUE;
	rd->count--;
	pthread_cond_signal(&rd->can_fill);
	pthread_mutex_unlock(&job->mu);
}

/* A database error, a cancel or a reader that failed: let every reader go. */
static void
stop_readers(struct evtx_job *job)
{
	pthread_mutex_lock(&job->mu);
	job->stop = true;
	for (int k = 0; k < job->nreaders; k++)
		pthread_cond_signal(&job->reader[k].can_fill);
	pthread_mutex_unlock(&job->mu);
}

static int
evtx_import(wb_ingest *ing, struct wb_err *err)
{
	struct evtx_job job = {.path = ingest_path(ing)};
	int counts[2] = {0, 0}, rc = 0, cur = 0;
	uint32_t flags = 0;
	const char **strings = NULL;
	size_t cap = 0;
	char summary[256];
	struct evtx_hash hash = {.fd = -1};
	libevtx_file_t *file = evtx_open(ing, &job, &flags, err);

	if (!file)
		return -1;
	job.nreaders = evtx_nreaders(job.nrec + job.nrecovered);
	pthread_mutex_init(&job.mu, NULL);
	for (int k = 0; k < job.nreaders; k++) {
		struct evtx_reader *rd = &job.reader[k];

		rd->job = &job;
		rd->first_block = k;
		pthread_cond_init(&rd->can_fill, NULL);
		pthread_cond_init(&rd->can_take, NULL);
	}
	job.reader[0].file = file;
	hash.fd = open(job.path, O_RDONLY | O_CLOEXEC);
	sha256_init(&hash.ctx);
	for (int k = 0; k < job.nreaders && rc == 0; k++) {
		struct evtx_reader *rd = &job.reader[k];

		rd->started = pthread_create(&rd->thread, NULL, reader_main, rd) == 0;
		if (!rd->started)
			rc = wb_errf(err, _("cannot start the EVTX reader threads"));
	}
	while (rc == 0) {
		struct evtx_batch *b = take_batch(&job, cur, &hash);
		bool ends_block;

		if (!b) {
			if (job.reader[cur].error[0])
				rc = wb_errf(err, _("%s: cannot open the file again for a reader thread: %s"),
					     job.path, job.reader[cur].error);
			break;
		}
		ends_block = b->ends_block;
		rc = store_batch(ing, &job, b, &strings, &cap, counts, err);
		release_batch(&job, cur);
		if (ends_block)
			cur = (cur + 1) % job.nreaders;
	}
	if (rc < 0)
		stop_readers(&job);
	for (int k = 0; k < job.nreaders; k++) {
		struct evtx_reader *rd = &job.reader[k];

		if (rd->started)
			pthread_join(rd->thread, NULL);
		else if (rd->file) {
			libevtx_file_close(rd->file, NULL);
			libevtx_file_free(&rd->file, NULL);
		}
		pthread_cond_destroy(&rd->can_fill);
		pthread_cond_destroy(&rd->can_take);
		for (int i = 0; i < EVTX_QUEUE; i++) {
			buf_fini(&rd->batch[i].arena);
			free(rd->batch[i].soff);
		}
	}
	pthread_mutex_destroy(&job.mu);
	while (rc == 0 && hash_step(&hash))
		;
	if (hash.fd >= 0)
		close(hash.fd);
	if (rc == 0 && hash.ok) {
		uint8_t digest[SHA256_DIGEST_SIZE];
		char hex[65];

		sha256_digest(&hash.ctx, sizeof digest, digest);
		for (size_t i = 0; i < sizeof digest; i++)
			snprintf(hex + 2 * i, 3, "%02x", digest[i]);
		ingest_set_sha256(ing, hex, "full");
	}
	if (rc == 0) {
		snprintf(summary, sizeof summary, "EVTX%s%s, %d records, %d recovered%s%s",
			 job.channel ? " " : "", job.channel ? job.channel : "", counts[0], counts[1],
			 counts[0] + counts[1] < job.nrec + job.nrecovered ? ", some unreadable" : "",
			 flags & LIBEVTX_FILE_FLAG_IS_DIRTY ? ", dirty" : "");
		ingest_set_summary(ing, summary);
	}
	free(strings);
	free(job.channel);
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
