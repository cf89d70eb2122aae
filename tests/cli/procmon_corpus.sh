#!/bin/sh
# CLI: the real Procmon exports of the shared corpus (read in place).  Row
# counts, distinct paths and the length of every Detail must equal what
# Python's csv module reads from the same files.
. "$WB_SRCDIR/tests/lib.sh"
need_corpus procmon
command -v python3 >/dev/null 2>&1 || skip_all "python3 (the independent CSV reader) not found"

# The zlib-compressed exports are inflated into the test's temporary directory.
for z in "$WB_CORPUS"/procmon/*/zlib/*CSV.zlib; do
	[ -f "$z" ] || continue
	python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.decompress(open(sys.argv[1], "rb").read()))' \
		"$z" >"$TEST_TMP/$(basename "$z" .zlib).csv"
done

# stats FILE: "rows distinct-paths detail-characters", by Python's csv module.
stats() {
	python3 - "$1" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")) if r]
print(len(rows), len({r["Path"] for r in rows if r["Path"]}), sum(len(r["Detail"]) for r in rows))
PY
}

run_wb 0 new c
n=0
for f in "$WB_CORPUS"/procmon/*/*.CSV "$TEST_TMP"/*.csv; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	run_wb 0 import --force c "$f" --tz +00:00
	like "$OUT" "evidence $n \(procmon\)" "$(basename "$f") imported as evidence $n"
	want=$(stats "$f")
	q="SELECT count(*) || ' ' || count(DISTINCT path) || ' ' || total(length(detail)) FROM procmon_rows"
	run_wb 0 sql c "$q WHERE evidence_id = $n"
	is "$(printf '%s\n' "$OUT" | tail -1 | sed 's/\.0$//')" "$want" "$(basename "$f"): rows, distinct paths and Detail length agree with Python ($want)"
	run_wb 0 sql c "SELECT records FROM evidence WHERE id = $n"
	is "$(printf '%s\n' "$OUT" | tail -1)" "${want%% *}" "$(basename "$f"): evidence records count the rows"
done

# The 27-column export: per-process columns once per process, times from Date & Time.
p="$WB_CORPUS/procmon/eronnen-procmon-parser/UTC64Process.CSV"
run_wb 0 new z
run_wb 0 import z "$p" --tz +03:00
run_wb 0 sql z "SELECT ts, tod FROM procmon ORDER BY id LIMIT 1"
is "$(printf '%s\n' "$OUT" | tail -1)" "1596170238209399	274382093997" "7:37:18.2093997 AM on 7/31/2020 at +03:00 is 04:37:18.2093997 UTC"
run_wb 0 sql z "SELECT count(*) > 0 AND count(*) < 3400 FROM procmon_process"
is "$(printf '%s\n' "$OUT" | tail -1)" "1" "process columns stored once per process, not per row"
run_wb 0 sql z "SELECT image_path FROM procmon_process WHERE name = 'Explorer.EXE' LIMIT 1"
is "$(printf '%s\n' "$OUT" | tail -1)" 'C:\WINDOWS\Explorer.EXE' "image path kept"
run_wb 0 evidence z
like "$OUT" 'local times at --tz \+03:00; date from the Date & Time column' "the assumption is shown with the evidence"
run_wb 0 retime z 1 --tz +00:00
run_wb 0 sql z "SELECT ts FROM procmon ORDER BY id LIMIT 1"
is "$(printf '%s\n' "$OUT" | tail -1)" "1596181038209399" "re-zoning shifts the rows without re-importing"

# Only Time of Day: no date unless --date; comma decimals (a 24-hour locale).
l="$WB_CORPUS/procmon/zingus/Logfile.CSV"
run_wb 0 import z "$l"
run_wb 0 sql z "SELECT count(ts), min(tod) FROM procmon WHERE evidence_id = 2"
is "$(printf '%s\n' "$OUT" | tail -1)" "0	654974666062" "without a date rows keep the time of day (18:11:37,4666062) and no timestamp"
run_wb 0 evidence z
like "$OUT" 'no date \(import with --date' "the summary says a date is needed"
run_wb 0 import --force z "$l" --date 2012-03-04 --tz +01:00
run_wb 0 sql z "SELECT min(ts) FROM procmon WHERE evidence_id = 3"
is "$(printf '%s\n' "$OUT" | tail -1)" "1330881097466606" "--date places the rows (2012-03-04 18:11:37.4666062 at +01:00)"

# The native log next to its CSV: detected, and the user is told to export CSV.
run_wb 1 import z "$WB_CORPUS/procmon/eronnen-procmon-parser/UTC64Process.PML"
like "$ERR" 'native Procmon log \(PML version 9, 3400 events\); wb reads CSV' "PML explained, with its version and event count (as many as the CSV has rows)"
like "$ERR" 'Comma-Separated Values' "the error says how to export"
done_testing
