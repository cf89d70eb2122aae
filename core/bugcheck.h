/*
 * bugcheck.h: bug check codes -> symbolic names, and which parameter of a
 * code holds the address of the faulting code (the culprit heuristic's first
 * rule).  The table is data/bugcheck_codes.tsv, compiled in at build time.
 *
 * Codes 0x1000xxxx are the "_M" variants Windows reports for some codes
 * (0x1000007E = SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M): bugcheck_base() maps
 * them back to the documented code, and names get the "_M" suffix.
 */
#ifndef WB_BUGCHECK_H
#define WB_BUGCHECK_H

#include <stddef.h>
#include <stdint.h>

/* 0x1000007E -> 0x7E when 0x7E is a known code; anything else unchanged. */
uint32_t bugcheck_base(uint32_t code);

/* Symbolic name into buf ("SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M").
 * Returns 1 when the code is known, 0 (buf = "") when not. */
int bugcheck_name(uint32_t code, char *buf, size_t len);

/* Code for a symbolic name (with or without "_M"); 0 when unknown. */
uint32_t bugcheck_from_name(const char *name);

/* Parameter (1..4) that holds the faulting code address for this code (or
 * its base), with what it is in words; 0 and "" when the code has none. */
int bugcheck_address_param(uint32_t code, const char **meaning);

/* "0x0000007E": the normalised form used in facts (buf >= 11 bytes). */
void bugcheck_format_code(uint32_t code, char *buf, size_t len);

#endif
