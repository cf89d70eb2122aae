/*
 * fuzz_dump_overlay.h: a reader that serves a generated dump (tests/dumpgen.h)
 * with the fuzz input laid over it from a fixed offset, so the fuzzer mutates
 * the structures behind a valid header (triage lists, bitmap header and
 * bitmap) without copying megabytes per run.  Included by one target each.
 */
#ifndef WB_FUZZ_DUMP_OVERLAY_H
#define WB_FUZZ_DUMP_OVERLAY_H

#include <stdlib.h>
#include <string.h>

#include "../../importers/dumpfile.h"
#include "../dumpgen.h"

struct overlay {
	const unsigned char *base;
	size_t base_len;
	const unsigned char *data;
	size_t at, len;
};

static int
overlay_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	const struct overlay *o = ctx;
	unsigned char *p = buf;

	for (size_t i = 0; i < n; i++) {
		uint64_t x = off + i;

		p[i] = x >= o->at && x - o->at < o->len ? o->data[x - o->at] : o->base[x];
	}
	return 0;
}

/* Run the parser on template kind with data laid over it at `at`. */
static void
overlay_run(enum dumpgen_kind kind, size_t at, const uint8_t *data, size_t size)
{
	static unsigned char *templates[4];
	static size_t lens[4];
	struct overlay o;
	struct dump_reader r;
	struct dump *d = NULL;
	struct wb_err err;

	if (!templates[kind]) {
		struct dumpgen_opts opts = {.kind = kind, .ram_bytes = UINT64_C(8) << 20};

		templates[kind] = dumpgen_mem(&opts, &lens[kind]);
		if (!templates[kind])
			abort();
	}
	o = (struct overlay){.base = templates[kind], .base_len = lens[kind], .data = data, .at = at,
			     .len = size < lens[kind] - at ? size : lens[kind] - at};
	r = (struct dump_reader){.pread = overlay_pread, .ctx = &o, .size = lens[kind]};
	if (dump_open(&r, &d, &err) == 0)
		dump_free(d);
}

#endif
