/* Bug check code lookups over the generated table (see bugcheck.h). */
#include "bugcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bugcheck_table.h"

#define BUGCHECK_M_FLAG 0x10000000u

static int
entry_cmp(const void *key, const void *elem)
{
	uint32_t code = *(const uint32_t *)key;
	const struct bugcheck_entry *e = elem;

	return code < e->code ? -1 : code > e->code;
}

static const struct bugcheck_entry *
lookup(uint32_t code)
{
	return bsearch(&code, bugcheck_table, bugcheck_table_len, sizeof bugcheck_table[0],
		       entry_cmp);
}

uint32_t
bugcheck_base(uint32_t code)
{
	/* Only the 0x1000xxxx pattern; 0xDEADDEAD and the like are real codes. */
	if ((code & 0xFFFF0000u) == BUGCHECK_M_FLAG && lookup(code & ~BUGCHECK_M_FLAG))
		return code & ~BUGCHECK_M_FLAG;
	return code;
}

int
bugcheck_name(uint32_t code, char *buf, size_t len)
{
	uint32_t base = bugcheck_base(code);
	const struct bugcheck_entry *e = lookup(code);

	if (len)
		buf[0] = '\0';
	if (e) {	/* some _M forms are documented under their own name */
		snprintf(buf, len, "%s", e->name);
		return 1;
	}
	if (!(e = lookup(base)))
		return 0;
	snprintf(buf, len, "%s%s", e->name, base != code ? "_M" : "");
	return 1;
}

uint32_t
bugcheck_from_name(const char *name)
{
	size_t n = strlen(name);
	int m = n > 2 && !strcmp(name + n - 2, "_M");

	for (size_t i = 0; i < bugcheck_table_len; i++) {
		const char *t = bugcheck_table[i].name;

		if (!strcmp(t, name))
			return bugcheck_table[i].code;
		if (m && strlen(t) == n - 2 && !strncmp(t, name, n - 2))
			return bugcheck_table[i].code | BUGCHECK_M_FLAG;
	}
	return 0;
}

int
bugcheck_address_param(uint32_t code, const char **meaning)
{
	const struct bugcheck_entry *e = lookup(bugcheck_base(code));

	if (meaning)
		*meaning = e ? e->address_meaning : "";
	return e ? e->address_param : 0;
}

void
bugcheck_format_code(uint32_t code, char *buf, size_t len)
{
	snprintf(buf, len, "0x%08X", code);
}
