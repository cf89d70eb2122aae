/* Text evidence: encoding detection, conversion to UTF-8, lines. */
#include "textin.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

#define RAW_CHUNK 65536

struct wb_textin {
	wb_ingest *ing;
	iconv_t cd;		/* (iconv_t)-1 for UTF-8 pass-through */
	const char *encoding;
	unsigned char raw[RAW_CHUNK + 8];
	size_t raw_len;		/* unconverted bytes carried over */
	struct wb_buf dec;	/* decoded UTF-8 not yet returned */
	size_t pos;		/* start of the next line in dec */
	struct wb_buf line;	/* the line returned last */
	int64_t lineno;
	uint64_t replacements;
	bool started, eof;
};

/* Looks at the head of a file; returns the encoding name and BOM length. */
static const char *
detect_encoding(const unsigned char *p, size_t n, size_t *bom)
{
	size_t odd_nul = 0, even_nul = 0, check;
	iconv_t cd;

	*bom = 0;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		*bom = 3;
		return "UTF-8";
	}
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		*bom = 2;
		return "UTF-16LE";
	}
	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		*bom = 2;
		return "UTF-16BE";
	}
	for (size_t i = 0; i < n && i < 4096; i++) {
		if (p[i])
			continue;
		if (i & 1)
			odd_nul++;
		else
			even_nul++;
	}
	if (odd_nul > 8 && odd_nul > 4 * even_nul)
		return "UTF-16LE";
	if (even_nul > 8 && even_nul > 4 * odd_nul)
		return "UTF-16BE";
	/* The head may end inside a multi-byte sequence: ignore the last 3. */
	check = n > 3 ? n - 3 : n;
	while (check > 0 && (p[check] & 0xC0) == 0x80 && check > n - 6)
		check--;
	if (utf8_valid((const char *)p, check))
		return "UTF-8";
	cd = iconv_open("UTF-8", "CP932");
	if (cd != (iconv_t)-1) {
		char out[4096];
		char *in = (char *)p, *o = out;
		size_t il = n < 2048 ? n : 2048, ol = sizeof out;
		size_t r = iconv(cd, &in, &il, &o, &ol);

		iconv_close(cd);
		if (r != (size_t)-1 || errno == EINVAL || errno == E2BIG)
			return "CP932";
	}
	return "WINDOWS-1252";
}

wb_textin *
textin_new(wb_ingest *ing)
{
	wb_textin *t = xcalloc(1, sizeof *t);

	t->ing = ing;
	t->cd = (iconv_t)-1;
	t->encoding = "UTF-8";
	return t;
}

void
textin_free(wb_textin *t)
{
	if (!t)
		return;
	if (t->cd != (iconv_t)-1)
		iconv_close(t->cd);
	buf_fini(&t->dec);
	buf_fini(&t->line);
	free(t);
}

/* Convert raw[0..raw_len) into dec; keeps an incomplete tail in raw. */
static void
convert(wb_textin *t, bool final)
{
	char out[RAW_CHUNK * 3];
	char *in = (char *)t->raw;
	size_t il = t->raw_len;
	int unit = strncmp(t->encoding, "UTF-16", 6) ? 1 : 2;

	if (t->cd == (iconv_t)-1) {	/* UTF-8: pass through */
		buf_append(&t->dec, t->raw, t->raw_len);
		t->raw_len = 0;
		return;
	}
	while (il > 0) {
		char *o = out;
		size_t ol = sizeof out;
		size_t r = iconv(t->cd, &in, &il, &o, &ol);

		buf_append(&t->dec, out, (size_t)(o - out));
		if (r != (size_t)-1)
			continue;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !final)
			break;	/* incomplete sequence: wait for more bytes */
		/* EILSEQ, or EINVAL at end of file: replace and go on. */
		buf_puts(&t->dec, "\xEF\xBF\xBD");
		t->replacements++;
		if (il < (size_t)unit) {
			il = 0;
			break;
		}
		in += unit;
		il -= unit;
	}
	memmove(t->raw, in, il);
	t->raw_len = il;
}

static int
fill(wb_textin *t, struct wb_err *err)
{
	ssize_t n = ingest_read(t->ing, t->raw + t->raw_len, RAW_CHUNK - t->raw_len, err);

	if (n < 0)
		return -1;
	if (!t->started) {
		size_t bom;

		t->started = true;
		t->encoding = detect_encoding(t->raw, (size_t)n, &bom);
		memmove(t->raw, t->raw + bom, (size_t)n - bom);
		n -= (ssize_t)bom;
		if (strcmp(t->encoding, "UTF-8") != 0) {
			t->cd = iconv_open("UTF-8", t->encoding);
			if (t->cd == (iconv_t)-1)
				return wb_errf(err, _("%s: cannot convert from %s: %s"),
					       ingest_path(t->ing), t->encoding, strerror(errno));
		}
	}
	t->raw_len += (size_t)n;
	if (n == 0)
		t->eof = true;
	convert(t, t->eof);
	return 0;
}

int
textin_next(wb_textin *t, const char **line, size_t *len, struct wb_err *err)
{
	for (;;) {
		char *start = t->dec.data ? t->dec.data + t->pos : NULL;
		size_t avail = t->dec.len - t->pos;
		char *nl = avail ? memchr(start, '\n', avail) : NULL;
		size_t n;

		if (!nl && avail < TEXTIN_MAX_LINE && !t->eof) {
			/* Compact, then read more. */
			if (t->pos) {
				memmove(t->dec.data, t->dec.data + t->pos, avail);
				t->dec.len = avail;
				t->pos = 0;
			}
			if (fill(t, err) < 0)
				return -1;
			continue;
		}
		if (!nl && avail == 0)
			return 0;
		n = nl ? (size_t)(nl - start) : (avail < TEXTIN_MAX_LINE ? avail : TEXTIN_MAX_LINE);
		t->pos += nl ? n + 1 : n;
		if (n && start[n - 1] == '\r')
			n--;
		buf_reset(&t->line);
		if (utf8_valid(start, n))
			buf_append(&t->line, start, n);
		else {
			/* Keep the line; mark each bad byte with U+FFFD. */
			for (size_t i = 0; i < n;) {
				size_t k = 1;

				while (k <= 4 && i + k <= n && !utf8_valid(start + i, k))
					k++;
				if (k <= 4 && i + k <= n)
					buf_append(&t->line, start + i, k), i += k;
				else
					buf_puts(&t->line, "\xEF\xBF\xBD"), i++, t->replacements++;
			}
		}
		t->lineno++;
		*line = t->line.data ? t->line.data : "";
		*len = t->line.len;
		return 1;
	}
}

int64_t
textin_lineno(wb_textin *t)
{
	return t->lineno;
}

const char *
textin_encoding(wb_textin *t)
{
	return t->encoding;
}

uint64_t
textin_replacements(wb_textin *t)
{
	return t->replacements;
}

char *
textin_decode_head(const unsigned char *head, size_t len)
{
	struct wb_buf b = {0};
	size_t bom;
	const char *enc = detect_encoding(head, len, &bom);
	iconv_t cd;

	head += bom;
	len -= bom;
	if (!strcmp(enc, "UTF-8") || (cd = iconv_open("UTF-8", enc)) == (iconv_t)-1) {
		buf_append(&b, head, len);
		return b.data;
	}
	{
		char out[8192];
		char *in = (char *)head;
		size_t il = len;

		while (il > 0) {
			char *o = out;
			size_t ol = sizeof out;
			size_t r = iconv(cd, &in, &il, &o, &ol);

			buf_append(&b, out, (size_t)(o - out));
			if (r == (size_t)-1 && errno != E2BIG) {
				if (errno == EINVAL)
					break;
				buf_puts(&b, "\xEF\xBF\xBD");
				in++;
				il--;
			}
		}
	}
	iconv_close(cd);
	buf_append(&b, "", 0);
	return b.data;
}
