/*
 * textin.h: line reader for text evidence (tool outputs, event text/CSV/XML
 * exports, .reg files).  Reads through ingest_read() (so the file is hashed
 * as it is read), detects the encoding from the first bytes, converts to
 * UTF-8 with iconv and yields lines without their terminator (CRLF, LF or a
 * lone CR at end of line).
 *
 * Encodings: UTF-8 (BOM optional), UTF-16LE/BE with BOM, UTF-16LE without
 * BOM (detected from NUL bytes), CP932/Shift_JIS when the bytes are not valid
 * UTF-8 but are valid CP932, else Windows-1252.  Invalid sequences are
 * replaced by U+FFFD and counted, not fatal.
 *
 * textin_decode_head() does the same on a file's first bytes so detect()
 * functions can look at decoded text.
 */
#ifndef WB_TEXTIN_H
#define WB_TEXTIN_H

#include <stddef.h>
#include <stdint.h>

#include "ingest.h"

typedef struct wb_textin wb_textin;

#define TEXTIN_MAX_LINE (1 << 20)	/* longer lines are split; a warning is kept */

wb_textin *textin_new(wb_ingest *ing);
void textin_free(wb_textin *t);

/* Next line (NUL-terminated UTF-8, valid until the next call).  Returns 1 with
 * a line, 0 at end, -1 with err.  *len gets the length. */
int textin_next(wb_textin *t, const char **line, size_t *len, struct wb_err *err);
int64_t textin_lineno(wb_textin *t);		/* 1-based number of the last line */
const char *textin_encoding(wb_textin *t);	/* "UTF-8", "UTF-16LE", "CP932", ... */
uint64_t textin_replacements(wb_textin *t);	/* invalid sequences replaced */

/* Decode up to len bytes of a file head into malloc'd UTF-8 (for detect()).
 * Never fails: undecodable input gives replacement characters. */
char *textin_decode_head(const unsigned char *head, size_t len);

#endif
