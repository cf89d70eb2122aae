/* Case database schema, version by version. */
#include <stddef.h>

#include "schema.h"

static const char v1[] =
	/* ---- case-wide ---- */
	"CREATE TABLE case_info (field TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE strings (id INTEGER PRIMARY KEY, s TEXT NOT NULL UNIQUE);"
	"CREATE TABLE evidence ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  importer TEXT NOT NULL,"
	"  importer_version TEXT NOT NULL,"
	"  path TEXT NOT NULL,"		/* as given on the command line, absolute */
	"  size INTEGER NOT NULL,"
	"  sha256 TEXT,"
	"  hash_scope TEXT NOT NULL DEFAULT 'full',"
	"  imported_at TEXT NOT NULL,"
	"  imported_by TEXT NOT NULL,"
	"  records INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL DEFAULT 'importing',"	/* importing | ok | partial */
	"  tz_minutes INTEGER,"		/* zone applied to local times, NULL if none */
	"  tz_assumption TEXT,"		/* what was assumed, in words */
	"  summary TEXT);"
	"CREATE INDEX evidence_sha ON evidence(sha256);"
	"CREATE TABLE evidence_warning ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,"
	"  line INTEGER, offset INTEGER, message TEXT NOT NULL);"
	"CREATE INDEX evidence_warning_ev ON evidence_warning(evidence_id);"
	"CREATE TABLE timeline ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,"
	"  ts INTEGER NOT NULL,"	/* microseconds since epoch, UTC */
	"  local INTEGER NOT NULL DEFAULT 0,"	/* derived from local time + tz assumption */
	"  level TEXT, kind TEXT NOT NULL, summary TEXT NOT NULL,"
	"  ref_table TEXT, ref_id INTEGER);"
	"CREATE INDEX timeline_ts ON timeline(ts, id);"
	"CREATE INDEX timeline_ev ON timeline(evidence_id);"
	"CREATE TABLE facts ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL, value TEXT, num INTEGER, text TEXT,"
	"  ts INTEGER, ts_local INTEGER NOT NULL DEFAULT 0,"
	"  ref_table TEXT, ref_id INTEGER);"
	"CREATE INDEX facts_key ON facts(key, value);"
	"CREATE INDEX facts_ev ON facts(evidence_id);"
	"CREATE TABLE findings ("
	"  article TEXT PRIMARY KEY,"
	"  score REAL NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'open',"	/* open | ruled-out (by an exclude) */
	"  detail TEXT,"		/* JSON: hits, missing, excluded-by */
	"  updated_at TEXT NOT NULL);"
	"CREATE TABLE decisions ("	/* confirm / dismiss, kept across re-runs */
	"  id INTEGER PRIMARY KEY, article TEXT NOT NULL,"
	"  state TEXT NOT NULL,"	/* confirmed | dismissed | reopened */
	"  reason TEXT, user TEXT NOT NULL, at TEXT NOT NULL);"
	"CREATE TABLE checklist ("
	"  id INTEGER PRIMARY KEY,"
	"  list TEXT NOT NULL,"		/* playbook or article id */
	"  step TEXT NOT NULL,"
	"  state TEXT NOT NULL,"	/* done | skipped | failed | answered | started */
	"  answer TEXT, note TEXT, user TEXT NOT NULL, at TEXT NOT NULL);"
	"CREATE INDEX checklist_list ON checklist(list, step);"
	"CREATE TABLE notes (id INTEGER PRIMARY KEY, user TEXT NOT NULL, at TEXT NOT NULL,"
	"  text TEXT NOT NULL, list TEXT, step TEXT);"
	"CREATE TABLE audit (id INTEGER PRIMARY KEY, user TEXT NOT NULL, at TEXT NOT NULL,"
	"  action TEXT NOT NULL);"

	/* ---- text evidence (notes, tool outputs): importers/notes.c, windbg.c, ... ---- */
	"CREATE TABLE text_lines ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,"
	"  line INTEGER NOT NULL, text TEXT NOT NULL,"
	"  section TEXT,"		/* command whose output this is, e.g. "!analyze -v" */
	"  parsed TEXT);"		/* what wb understood from the line, for highlighting */
	"CREATE INDEX text_lines_ev ON text_lines(evidence_id, line);"

	/* ---- Process Monitor: importers/procmon.c ---- */
	"CREATE TABLE procmon ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,"
	"  line INTEGER NOT NULL,"
	"  seq INTEGER,"
	"  tod INTEGER,"		/* time of day, 100 ns units, as in the file */
	"  ts INTEGER,"			/* UTC microseconds, derived (see evidence.tz_minutes) */
	"  process INTEGER REFERENCES strings(id), pid INTEGER, tid INTEGER,"
	"  operation INTEGER REFERENCES strings(id), path TEXT,"
	"  result INTEGER REFERENCES strings(id), detail TEXT,"
	"  duration REAL, extra TEXT);"	/* extra: JSON of other columns */
	"CREATE INDEX procmon_ev ON procmon(evidence_id, id);"

	/* ---- event logs: importers/evtx.c, evt.c, eventtext.c ---- */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,"
	"  record INTEGER,"		/* record number in the log */
	"  ts INTEGER,"			/* UTC microseconds */
	"  provider INTEGER REFERENCES strings(id),"
	"  event_id INTEGER, qualifiers INTEGER,"
	"  level INTEGER,"		/* 1 critical .. 5 verbose, 0 info/unknown */
	"  channel INTEGER REFERENCES strings(id),"
	"  computer INTEGER REFERENCES strings(id),"
	"  message TEXT,"		/* rendered by wb's templates, or NULL */
	"  data TEXT,"			/* JSON array of data strings */
	"  binary BLOB,"
	"  recovered INTEGER NOT NULL DEFAULT 0,"
	"  line INTEGER);"		/* line in a text export */
	"CREATE INDEX events_ev ON events(evidence_id, id);"
	"CREATE INDEX events_pid ON events(provider, event_id);"

	/* ---- crash dumps: importers/dump*.c ---- */
	"CREATE TABLE dump ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,"
	"  format TEXT NOT NULL,"	/* "PAGEDU64 full", "PAGEDU64 bitmap", "MDMP user", ... */
	"  bugcheck INTEGER, arg1 INTEGER, arg2 INTEGER, arg3 INTEGER, arg4 INTEGER,"
	"  build INTEGER, version TEXT, machine TEXT, processors INTEGER,"
	"  crash_time INTEGER,"		/* UTC microseconds */
	"  culprit TEXT, culprit_reason TEXT, detail TEXT);"
	"CREATE TABLE dump_module ("
	"  id INTEGER PRIMARY KEY,"
	"  dump_id INTEGER NOT NULL REFERENCES dump(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, base INTEGER, size INTEGER, timestamp INTEGER,"
	"  checksum INTEGER, path TEXT, unloaded INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX dump_module_dump ON dump_module(dump_id);"
	"CREATE TABLE dump_frame ("
	"  id INTEGER PRIMARY KEY,"
	"  dump_id INTEGER NOT NULL REFERENCES dump(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL, address INTEGER, symbol TEXT, source TEXT);"
	"CREATE INDEX dump_frame_dump ON dump_frame(dump_id, idx);"

	/* ---- registry: importers/regtext.c, hive.c ---- */
	"CREATE TABLE registry ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL, name TEXT NOT NULL,"	/* name '' is (Default) */
	"  type TEXT, data TEXT, raw BLOB, line INTEGER);"
	"CREATE INDEX registry_ev ON registry(evidence_id, key);";

const char *const schema_migrations[] = {
	v1,
	NULL,
};
