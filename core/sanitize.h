/*
 * sanitize.h: evidence text is untrusted.  Every string that came from an
 * evidence file passes through here before it reaches a terminal or a text
 * report.  Output is valid UTF-8 with no control characters:
 *   C0 controls and DEL  -> "^X" caret form (tab -> one space when asked)
 *   ESC                  -> "^["   (so CSI/OSC/DCS sequences are inert)
 *   C1 controls U+0080-9F -> "<U+009B>"
 *   bidi overrides/isolates (U+202A-202E, U+2066-2069), U+200E/F -> "<U+202E>"
 *   invalid UTF-8 bytes  -> "\xNN"
 */
#ifndef WB_SANITIZE_H
#define WB_SANITIZE_H

#include <stddef.h>

#include "util.h"

#define SANITIZE_KEEP_NEWLINES 1	/* keep '\n' (multi-line text); else "^J" */
#define SANITIZE_TABS_AS_SPACE 2

/* Append the sanitised form of s[0..len) to b. */
void sanitize_append(struct wb_buf *b, const char *s, size_t len, int flags);
/* Return a new malloc'd sanitised copy of a NUL-terminated string. */
char *sanitize_dup(const char *s, int flags);
/* True when s[0..len) is valid UTF-8. */
int utf8_valid(const char *s, size_t len);

#endif
