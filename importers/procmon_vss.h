/*
 * procmon_vss.h: VSS writer analysis of a Procmon capture, done while the
 * rows stream past (one pass, bounded memory).
 *
 * It reads the VSS\Diag registry writes (value names "OP (Enter)",
 * "OP (Leave)" or bare "OP" under VSS\Diag\<writer or component>), remembers
 * the last operations of every process, counts directory entries processes
 * enumerate and notes ACCESS DENIED results.  procmon_vss_finish() turns that
 * into facts (procmon.vss, procmon.vss_op, procmon.vss_unfinished,
 * procmon.vss_writer, procmon.last_before_leave, procmon.dir_fanout,
 * procmon.denied, procmon.denied_total; see docs/FACTS.md) and timeline
 * entries for every writer Enter/Leave.
 */
#ifndef WB_PROCMON_VSS_H
#define WB_PROCMON_VSS_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/ingest.h"

#define PROCMON_VSS_LAST 10	/* operations kept per process before a Leave */

/* One stored row as the analysis sees it; strings may be NULL. */
struct procmon_row {
	int64_t id;		/* rowid in procmon */
	int64_t line;
	bool has_ts;
	int64_t ts;		/* UTC microseconds, derived from local time */
	int64_t pid;		/* -1 when absent */
	const char *process, *operation, *path, *result, *detail;
};

typedef struct procmon_vss procmon_vss;

procmon_vss *procmon_vss_new(wb_ingest *ing);
void procmon_vss_free(procmon_vss *v);
/* Feed one row after it was inserted.  Returns 0 or -1 with err. */
int procmon_vss_row(procmon_vss *v, const struct procmon_row *row, struct wb_err *err);
/* Emit facts and timeline entries.  Returns 0 or -1 with err. */
int procmon_vss_finish(procmon_vss *v, struct wb_err *err);
/* Number of VSS\Diag writes seen (for the evidence summary). */
uint64_t procmon_vss_writes(const procmon_vss *v);

#endif
