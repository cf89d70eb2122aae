/*
 * regfacts.h: what the two registry importers share (.reg text in regtext.c,
 * hives in hive.c): one normal form for key paths, storing keys and values in
 * the `registry` table, and ONE table of the values that matter, turned into
 * facts after the last row is stored (docs/REGISTRY.md, docs/FACTS.md).
 *
 * Normal form of a key path: the root abbreviated (HKLM, HKCU, HKCR, HKU,
 * HKCC), the hives under HKLM upper-case (HKLM\SYSTEM, HKLM\SOFTWARE, ...),
 * and the control set that Select\Current names written CurrentControlSet:
 * HKLM\SYSTEM\CurrentControlSet\Services\VSS\Diag.  A value's path is its key
 * path, a backslash and its name, "(Default)" for the unnamed value.
 *
 * Call order: regfacts_new(); regfacts_key() and regfacts_value() for every
 * key and value in file order; regfacts_finish() once (names the current
 * control set if the importer could not, emits the facts); regfacts_free().
 * The sink only borrows the strings and bytes it is given.
 */
#ifndef WB_REGFACTS_H
#define WB_REGFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/ingest.h"
#include "../core/util.h"

/* Value types as Windows numbers them (winnt.h); .reg writes hex(N). */
enum reg_type {
	REG_NONE = 0,
	REG_SZ = 1,
	REG_EXPAND_SZ = 2,
	REG_BINARY = 3,
	REG_DWORD = 4,
	REG_DWORD_BIG_ENDIAN = 5,
	REG_LINK = 6,
	REG_MULTI_SZ = 7,
	REG_RESOURCE_LIST = 8,
	REG_FULL_RESOURCE_DESCRIPTOR = 9,
	REG_RESOURCE_REQUIREMENTS_LIST = 10,
	REG_QWORD = 11,
};

/* Binary data longer than this is stored as its size only. */
#define REGFACTS_RAW_MAX (64 * 1024)

/* One value as an importer read it.  Either text (a .reg "string") or the
 * data bytes as Windows stores them (strings UTF-16LE), never both. */
struct reg_value {
	const char *name;		/* "" is the (Default) value */
	uint32_t type;			/* enum reg_type, or any other number */
	const char *text;		/* already-decoded REG_SZ text, or NULL */
	const unsigned char *data;	/* raw data bytes (may be NULL if len 0) */
	size_t len;
	bool ansi;			/* REGEDIT4: string bytes in hex(2)/hex(7) are 8-bit, not UTF-16 */
	bool deleted;			/* .reg "name"=- */
	int64_t line;			/* .reg line, 0 for hives */
};

typedef struct regfacts regfacts;

regfacts *regfacts_new(wb_ingest *ing);
void regfacts_free(regfacts *rf);

/* The current control set number (Select\Current), when the importer knows
 * it before storing keys: HKLM\SYSTEM\ControlSet00N is then stored as
 * HKLM\SYSTEM\CurrentControlSet as it goes. */
void regfacts_set_current(regfacts *rf, unsigned control_set);

/* Store a key row (name NULL): written is the key's last-written time in
 * microseconds UTC (has_written false when unknown); deleted for [-key]. */
int regfacts_key(regfacts *rf, const char *key, bool has_written, int64_t written,
		 bool deleted, int64_t line, struct wb_err *err);
/* Store one value of key. */
int regfacts_value(regfacts *rf, const char *key, const struct reg_value *v,
		   struct wb_err *err);

/* After the last row: map ControlSet00N to CurrentControlSet from the stored
 * Select\Current if not done yet, then emit the facts and timeline entries.
 * *current gets the control set number used (0 when none). */
int regfacts_finish(regfacts *rf, unsigned *current, struct wb_err *err);

uint64_t regfacts_keys(const regfacts *rf);	/* key rows stored */
uint64_t regfacts_values(const regfacts *rf);	/* value rows stored */
uint64_t regfacts_facts(const regfacts *rf);	/* facts emitted by regfacts_finish() */

/* Normalise a key path as written in a .reg file ("HKEY_LOCAL_MACHINE\..."),
 * into out (reset first).  Returns 0, or -1 with err naming the root expected. */
int regfacts_normalise_key(const char *path, size_t len, struct wb_buf *out,
			   struct wb_err *err);

/* "REG_SZ", ..., or NULL for a number Windows does not name. */
const char *reg_type_name(uint32_t type);

/* Append UTF-16LE bytes (up to the first NUL unit) to out as UTF-8; unpaired
 * surrogates become U+FFFD. */
void reg_utf16_to_utf8(const unsigned char *p, size_t len, struct wb_buf *out);

#endif
