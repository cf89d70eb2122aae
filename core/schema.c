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
	"CREATE TABLE findings ("	/* kb/match.c replaces it on every run */
	"  article TEXT PRIMARY KEY,"
	"  rank INTEGER NOT NULL,"	/* 1 = best */
	"  score REAL NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'open',"	/* open | partial | ruled-out (by an exclude) */
	"  detail TEXT,"		/* JSON: hits, missing, failed, excluded_by, why_rank */
	"  updated_at TEXT NOT NULL);"
	"CREATE TABLE decisions ("	/* confirm / dismiss, kept across re-runs */
	"  id INTEGER PRIMARY KEY, article TEXT NOT NULL,"
	"  state TEXT NOT NULL,"	/* confirmed | dismissed | reopened */
	"  reason TEXT, user TEXT NOT NULL, at TEXT NOT NULL);"
	"CREATE INDEX decisions_article ON decisions(article, id);"
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

	/* ---- Process Monitor: importers/procmon.c (docs/PROCMON.md) ---- */
	/* Compact rows: process, operation, result, class and category are
	 * strings.id (ingest_intern); path and detail are procmon_text.id,
	 * each distinct text stored once per evidence (a capture repeats them
	 * 4 to 10 times).  The view procmon_rows shows rows with their text.
	 * One import is one transaction, so the rows and the texts of one
	 * evidence are contiguous id ranges, recorded in procmon_capture:
	 * deleting the evidence deletes the capture, whose trigger deletes the
	 * ranges.  Row tables carry no REFERENCES clause and no index: a
	 * foreign-key probe per row cost a tenth of the import time of large
	 * captures, an (evidence_id, id) index a fifth. */
	"CREATE TABLE procmon_capture ("
	"  evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id) ON DELETE CASCADE,"
	"  first_id INTEGER, last_id INTEGER,"	/* procmon.id range */
	"  text_first INTEGER, text_last INTEGER,"	/* procmon_text.id range */
	"  columns TEXT NOT NULL,"	/* the header, as a JSON array */
	"  date_order TEXT);"		/* "M/D/Y", "D/M/Y", "Y/M/D" of the Date & Time column */
	"CREATE TABLE procmon_text ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL,"
	"  s TEXT NOT NULL);"
	"CREATE TABLE procmon ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  seq INTEGER,"		/* Sequence column, when numeric */
	"  tod INTEGER,"		/* local time of day in 100 ns ticks, as in the file */
	"  ts INTEGER,"			/* UTC microseconds, derived (see evidence.tz_minutes); NULL without a date */
	"  process INTEGER, pid INTEGER, tid INTEGER,"	/* process: strings.id */
	"  operation INTEGER,"		/* strings.id */
	"  path INTEGER,"		/* procmon_text.id */
	"  result INTEGER,"		/* strings.id */
	"  detail INTEGER,"		/* procmon_text.id */
	"  duration INTEGER,"		/* 100 ns ticks; NULL when it never completed */
	"  class INTEGER, category INTEGER,"	/* Event Class, Category: strings.id */
	"  proc INTEGER,"		/* procmon_process.id when per-process columns were exported */
	"  extra TEXT);"		/* JSON object of columns wb does not know */
	"CREATE TRIGGER procmon_capture_delete AFTER DELETE ON procmon_capture BEGIN"
	"  DELETE FROM procmon WHERE id BETWEEN OLD.first_id AND OLD.last_id"
	"    AND evidence_id = OLD.evidence_id;"
	"  DELETE FROM procmon_text WHERE id BETWEEN OLD.text_first AND OLD.text_last"
	"    AND evidence_id = OLD.evidence_id;"
	"END;"
	/* Per-process columns (Image Path, Command Line, User, ...) once per process. */
	"CREATE TABLE procmon_process ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,"
	"  pid INTEGER, name TEXT, parent_pid INTEGER, session INTEGER,"
	"  image_path TEXT, command_line TEXT, user TEXT, auth_id TEXT,"
	"  company TEXT, description TEXT, version TEXT,"
	"  integrity TEXT, virtualized TEXT, architecture TEXT);"
	"CREATE INDEX procmon_process_ev ON procmon_process(evidence_id, pid);"
	/* The rows with their strings, for wb sql and the views. */
	"CREATE VIEW procmon_rows AS SELECT p.id, p.evidence_id, p.line, p.seq, p.tod, p.ts,"
	"  sp.s AS process, p.pid, p.tid, so.s AS operation, tp.s AS path, sr.s AS result,"
	"  td.s AS detail, p.duration, sc.s AS class, sg.s AS category, p.proc, p.extra"
	"  FROM procmon p"
	"  LEFT JOIN strings sp ON sp.id = p.process LEFT JOIN strings so ON so.id = p.operation"
	"  LEFT JOIN procmon_text tp ON tp.id = p.path LEFT JOIN strings sr ON sr.id = p.result"
	"  LEFT JOIN procmon_text td ON td.id = p.detail LEFT JOIN strings sc ON sc.id = p.class"
	"  LEFT JOIN strings sg ON sg.id = p.category;"

	/* ---- event logs: importers/evtx.c, evt.c, eventtext.c, eventxml.c (docs/EVENTLOG.md) ---- */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,"
	"  record INTEGER,"		/* record number in the log (record header) */
	"  ts INTEGER,"			/* UTC microseconds */
	"  local INTEGER NOT NULL DEFAULT 0,"	/* ts from a local time + the evidence's zone */
	"  provider INTEGER REFERENCES strings(id),"	/* as the source named it */
	"  event_id INTEGER, qualifiers INTEGER,"	/* displayed 16-bit ID; high bits */
	"  level INTEGER,"		/* 1 critical .. 5 verbose, 0 info/unknown */
	"  channel INTEGER REFERENCES strings(id),"
	"  computer INTEGER REFERENCES strings(id),"
	"  message TEXT,"		/* as exported, or rendered by wb's templates, or NULL */
	"  data TEXT,"			/* JSON array of the insertion strings */
	"  binary BLOB,"		/* the event's binary data */
	"  recovered INTEGER NOT NULL DEFAULT 0,"	/* carved from the log's free space */
	"  line INTEGER);"		/* first line in a text export */
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
	"  idx INTEGER NOT NULL,"		/* 0 = context PC, then the stack scan upward */
	"  address INTEGER,"		/* return address / instruction pointer */
	"  module TEXT, offset INTEGER,"	/* module file name and offset from its base */
	"  symbol TEXT,"		/* "amdppm+0x334c" or "nt!KeBugCheckEx+0x0", as in the fact */
	"  source TEXT,"		/* "context", "stack scan", "stack scan, call verified" */
	"  stack_at INTEGER);"		/* stack address the value was read from */
	"CREATE INDEX dump_frame_dump ON dump_frame(dump_id, idx);"

	/* ---- registry: importers/regtext.c, hive.c ---- */
	"CREATE TABLE registry ("	/* docs/REGISTRY.md */
	"  id INTEGER PRIMARY KEY,"
	"  evidence_id INTEGER NOT NULL REFERENCES evidence(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"		/* normal form: HKLM\SYSTEM\CurrentControlSet\... */
	"  name TEXT,"			/* value name, '' (Default), NULL: the key's own row */
	"  type TEXT,"			/* REG_SZ, REG_DWORD, ..., REG_0x..; 'delete' (.reg removal) */
	"  data TEXT,"			/* strings and numbers decoded; REG_MULTI_SZ one per line */
	"  raw BLOB,"			/* other types' bytes, up to 64 KiB */
	"  size INTEGER,"		/* data size in bytes as stored */
	"  written INTEGER,"		/* key rows: last-written time, UTC microseconds */
	"  line INTEGER);"		/* line in a .reg file */
	"CREATE INDEX registry_ev ON registry(evidence_id, key);";

const char *const schema_migrations[] = {
	v1,
	NULL,
};
