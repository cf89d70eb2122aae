/* bugcheck_table.h: the generated code table (private to core/bugcheck.c). */
#ifndef WB_BUGCHECK_TABLE_H
#define WB_BUGCHECK_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct bugcheck_entry {
	uint32_t code;
	const char *name;
	int address_param;		/* 1..4: parameter holding a code address; 0 none */
	const char *address_meaning;	/* what that parameter is, in words */
};

/* Sorted by code (the data file is). */
extern const struct bugcheck_entry bugcheck_table[];
extern const size_t bugcheck_table_len;

#endif
