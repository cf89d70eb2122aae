/* Make untrusted text inert for terminals and text reports. */
#include "sanitize.h"

#include <stdio.h>
#include <string.h>

/* Decode one UTF-8 sequence at s (n bytes left).  Returns its length and the
 * code point in *cp, or 0 when the bytes are not valid UTF-8 (overlongs,
 * surrogates and values above U+10FFFF are invalid). */
static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], need, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		need = 1, min = 0x80, c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		need = 2, min = 0x800, c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		need = 3, min = 0x10000, c &= 0x07;
	} else
		return 0;
	if (n < need + 1)
		return 0;
	for (unsigned i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return need + 1;
}

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;

	for (size_t i = 0; i < len;) {
		size_t k = utf8_decode(p + i, len - i, &cp);

		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

static int
is_bidi_control(unsigned cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

void
sanitize_append(struct wb_buf *b, const char *s, size_t len, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[16];
	unsigned cp;

	buf_append(b, "", 0);
	for (size_t i = 0; i < len;) {
		size_t k = utf8_decode(p + i, len - i, &cp);

		if (!k) {
			snprintf(tmp, sizeof tmp, "\\x%02X", p[i]);
			buf_puts(b, tmp);
			i++;
			continue;
		}
		if (cp == '\n' && (flags & SANITIZE_KEEP_NEWLINES))
			buf_append(b, "\n", 1);
		else if (cp == '\t' && (flags & SANITIZE_TABS_AS_SPACE))
			buf_append(b, " ", 1);
		else if (cp < 0x20 || cp == 0x7F) {
			tmp[0] = '^';
			tmp[1] = cp == 0x7F ? '?' : (char)(cp + '@');
			buf_append(b, tmp, 2);
		} else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) {
			snprintf(tmp, sizeof tmp, "<U+%04X>", cp);
			buf_puts(b, tmp);
		} else
			buf_append(b, p + i, k);
		i += k;
	}
}

char *
sanitize_dup(const char *s, int flags)
{
	struct wb_buf b = {0};

	sanitize_append(&b, s, strlen(s), flags);
	return b.data;
}
