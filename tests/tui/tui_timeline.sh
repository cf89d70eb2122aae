#!/bin/sh
# Timeline on a generated case of 1,000,000 rows: the end is reached at once
# (keyset pagination), filters, zone toggle, jump to a time.
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/tui/tuilib.sh"
[ -n "${SQLITE3_BIN:-}" ] && [ -x "$SQLITE3_BIN" ] || skip_all "sqlite3 not found (apt-get install sqlite3)"

run_wb 0 new big
# 2024-05-01T00:00:00Z + i seconds; every 1000th row an error; odd rows local
"$SQLITE3_BIN" "$WB_CASES/big.wb" "
INSERT INTO evidence(id, kind, importer, importer_version, path, size, imported_at, imported_by,
  records, status, tz_minutes, tz_assumption)
VALUES (1, 'eventlog', 'gen', '1', '/gen/System.evtx', 0, '2024-01-01T00:00:00Z', 'gen', 1000000, 'ok', 540, '--tz +09:00'),
       (2, 'text', 'gen', '1', '/gen/notes.txt', 0, '2024-01-01T00:00:00Z', 'gen', 1, 'ok', NULL, NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
INSERT INTO timeline(evidence_id, ts, local, level, kind, summary)
SELECT 1, 1714521600000000 + i * 1000000, i % 2, CASE WHEN i % 1000 = 0 THEN 'error' ELSE 'info' END,
       'event', 'event ' || i FROM n;
INSERT INTO timeline(evidence_id, ts, local, level, kind, summary)
VALUES (2, 1714521600000000 + 500000500000, 0, 'warning', 'note', 'the customer rebooted');" || exit 1

ms() { echo $(( $(date +%s%N) / 1000000 )); }

tui_start 80 24 big
shows 'Overview' "wb opens a case with a million timeline rows"
like "$(screen)" 'timeline: 1000001 entries, 2024-05-01 00:00:01 \.\. 2024-05-12 13:46:40' "overview counts the timeline"
keys 3
shows '1/1000001' "the timeline opens at the first row"
like "$(screen)" '^2024-05-01 00:00:01\.000 info +#1~ +event +event 1$' "first row: time, level, source (~ local clock), kind, summary"
t0=$(ms); keys G
shows '1000001/1000001' "G goes to the last row"
t1=$(ms)
like "$(screen)" 'error +#1 +event +event 1000000' "the last row is shown"
# Timing is reported, never asserted (bench/timeline_bench.sh measures it).
echo "# G on a million rows: $((t1 - t0)) ms"
keys g
shows '^2024-05-01 00:00:01\.000 info' "g goes back to the top"
keys PageDown PageDown
shows '25/1000001' "two pages down (12 rows each at 80x24)"
keys : ; type_text 'goto 2024-05-06 12:00'; keys Enter
shows '475200/1000001' "jump to a time"
like "$(screen)" '2024-05-06 12:00:00\.000 info +#1 +event +event 475200' "the row at that time is shown"
like "$(screen)" 'time zone: --tz \+09:00' "the detail shows the source's zone assumption"
keys : ; type_text 'tz +09:00'; keys Enter
shows '^Timeline \(\+09:00\)' ":tz shows times in another zone"
like "$(screen)" '2024-05-06 21:00:00\.000 info +#1 +event +event 475200' "times shifted by nine hours"
keys z
shows '^Timeline \(UTC\)' "z toggles back to UTC"
keys : ; type_text 'level error'; keys Enter
shows '/1000 *$' "level filter: 1000 error rows"
like "$(screen)" 'level>=error' "the filter is shown"
keys : ; type_text 'level warning'; keys Enter
shows '/1001 *$' "warning and above: 1001 rows"
keys : ; type_text 'source 2'; keys Enter
shows '1/1 *$' "source filter on top: one row"
like "$(screen)" 'warning +#2 +note +the customer rebooted' "the note's row"
keys : ; type_text 'source'; keys Enter
keys : ; type_text 'level all'; keys Enter
shows '/1000001 *$' "filters cleared"
keys '|' ; type_text 'event 99999[0-9]$'; keys Enter
shows '/10 *$' "regex filter"
keys '|' ; keys Enter
keys g e
shows '^2024-05-01 00:16:40\.000 error' "e jumps to the next error"
keys e
shows '^2024-05-01 00:33:20\.000 error' "e again"
keys E
shows '^2024-05-01 00:16:40\.000 error' "E goes back"
tm resize-window -x 132 -y 43
shows '1000/1000001' "resize keeps the cursor row"
keys G
shows '1000001/1000001' "G at 132x43"
is "$(screen | grep -c "^2024-05")" "25" "25 rows (and a detail pane) at 132x43"
keys Q
shows 'WB-EXIT=0' "quit"
done_testing
