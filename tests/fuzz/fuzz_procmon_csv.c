/* Fuzz target: the Procmon CSV reader and its value parsers
 * (importers/procmon_csv.c), reading on after every error as --lenient does. */
#include <stdint.h>
#include <string.h>

#include "../../importers/procmon_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *data;
	size_t size, pos;
};

/* Odd-sized reads so records straddle buffer refills. */
static ssize_t
read_input(void *ctx, void *buf, size_t n, struct wb_err *err)
{
	struct input *in = ctx;
	size_t k = in->size - in->pos;

	(void)err;
	if (k > n)
		k = n;
	if (k > 4093)
		k = 4093;
	memcpy(buf, in->data + in->pos, k);
	in->pos += k;
	return (ssize_t)k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {.data = data, .size = size};
	procmon_csv *r = procmon_csv_new(read_input, &in, "fuzz.csv");
	enum procmon_date_order order = PROCMON_DATE_UNKNOWN;
	struct procmon_csv_field *f;
	struct wb_err err;
	size_t n;
	int rc;

	while ((rc = procmon_csv_next(r, &f, &n, &err)) != 0) {
		if (rc < 0) {
			if (procmon_csv_skip(r, &err) < 0)
				break;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			int64_t v;
			bool twelve;
			unsigned char bytes[16];

			if (strlen(f[i].s) != f[i].len)
				__builtin_trap();	/* fields are NUL-terminated at their length */
			procmon_parse_tod(f[i].s, &v, &twelve);
			procmon_parse_date(f[i].s, &order, PROCMON_DATE_MDY, &v);
			procmon_parse_duration(f[i].s, &v);
			procmon_parse_int(f[i].s, &v);
			procmon_detail_binary(f[i].s, bytes, sizeof bytes);
		}
	}
	procmon_csv_free(r);
	return 0;
}
