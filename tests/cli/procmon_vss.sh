#!/bin/sh
# CLI: a generated capture of the "missing System Writer" case with noise
# from other processes (bench/procmon_gen): the writer's IDENTIFY, what it
# touched last, the folder it enumerated, a writer that never left; locale
# variants; malformed files refused with line numbers, or skipped with --lenient.
. "$WB_SRCDIR/tests/lib.sh"
GEN="$WB_BUILDDIR/bench/procmon_gen"
[ -x "$GEN" ] || skip_all "bench/procmon_gen not built"
command -v python3 >/dev/null 2>&1 || skip_all "python3 (the independent CSV reader) not found"

rows() {	# rows FILE: data rows as Python's csv module counts them
	python3 -c 'import csv, sys; print(sum(1 for r in csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")) if r) - 1)' "$1"
}
last() { printf '%s\n' "$OUT" | tail -1; }

cap="$TEST_TMP/writer.csv"
"$GEN" --rows 30000 --seed 7 --scenario system-writer --utc-offset 540 >"$cap"
run_wb 0 new c
run_wb 0 import c "$cap" --date 2024-05-14 --tz +09:00
like "$OUT" "evidence 1 \(procmon\), $(rows "$cap") records, 0 warnings" "every row imported, as many as Python counts"

run_wb 0 sql c "SELECT value || ' ' || num || ' ' || text FROM facts WHERE key = 'procmon.vss' AND text LIKE 'IDENTIFY%' ORDER BY id"
is "$(printf '%s\n' "$OUT" | sed 1d)" "System Writer 1508 IDENTIFY (Enter)
WMI Writer 3960 IDENTIFY (Enter)
Registry Writer 1032 IDENTIFY (Enter)
Registry Writer 1032 IDENTIFY (Leave)
System Writer 1508 IDENTIFY (Leave)" "writers, host pids and IDENTIFY Enter/Leave in order"
run_wb 0 sql c "SELECT value || ' ' || text FROM facts WHERE key = 'procmon.vss_writer' AND value = 'System Writer'"
is "$(last)" "System Writer svchost.exe" "the System Writer runs in svchost.exe"
run_wb 0 sql c "SELECT value || ' ' || num || ' ' || text FROM facts WHERE key = 'procmon.vss_unfinished'"
is "$(last)" "WMI Writer 3960 IDENTIFY" "the writer that never left IDENTIFY"
run_wb 0 sql c "SELECT value || ' | ' || text FROM facts WHERE key = 'procmon.last_before_leave' AND num = 1 AND text LIKE 'System Writer%'"
is "$(last)" 'C:\Windows\Microsoft.NET\assembly\GAC_MSIL | System Writer IDENTIFY (Leave) <- svchost.exe CloseFile SUCCESS' \
	"what the System Writer touched last before IDENTIFY (Leave)"
run_wb 0 sql c "SELECT count(*) FROM facts WHERE key = 'procmon.last_before_leave' AND text LIKE 'System Writer%' AND text LIKE '%svchost.exe%'"
is "$(last)" "10" "ten operations of the same process before the Leave"
run_wb 0 sql c "SELECT value || ' ' || num FROM facts WHERE key = 'procmon.dir_fanout' ORDER BY num DESC LIMIT 1"
is "$(last)" 'C:\Windows\Microsoft.NET\assembly\GAC_MSIL 12000' "the folder above the System Writer's 10,000-file limit"
run_wb 0 sql c "SELECT value || ' ' || text FROM facts WHERE key = 'procmon.denied' AND num = 1508"
is "$(last)" 'C:\Windows\WinSxS\FileMaps\$$.cdf-ms svchost.exe CreateFile' "the writer's ACCESS DENIED"
run_wb 0 timeline c
like "$OUT" 'procmon\.vss +System Writer: IDENTIFY \(Leave\) \(svchost\.exe pid 1508; Diag time 2024-05-14T[0-9:.]+Z\)' "Leave on the timeline, with the time VSS recorded"
like "$OUT" 'warning +procmon\.vss +WMI Writer: IDENTIFY entered and never left' "the unfinished IDENTIFY is a warning"
run_wb 0 sql c "SELECT count(*) FROM timeline WHERE kind = 'procmon.vss'"
is "$(last)" "7" "one timeline entry per Enter/Leave"
run_wb 0 facts c --json
like "$OUT" '"key": "procmon.vss"' "facts --json lists them"

# The Diag data is UTC: a wrong zone assumption is pointed out.
run_wb 0 new z
run_wb 0 import z "$cap" --date 2024-05-14
like "$OUT" "1 warnings" "a zone warning"
run_wb 0 evidence z --json
like "$OUT" "clock was at \+09:00, not \+00:00 as assumed" "the warning names the zone the data implies"

run_wb 0 new d
run_wb 0 import d "$cap" --date 2024-05-17 --tz +09:00
run_wb 0 evidence d --json
like "$OUT" "capture ran on 2024-05-14 \(UTC\), not on the date assumed" "a wrong --date is pointed out"

# Locale variants and the full column set give the same analysis.
for clock in 12h 24h ja; do
	f="$TEST_TMP/full-$clock.csv"
	"$GEN" --rows 5000 --seed 3 --scenario system-writer --columns full --clock "$clock" >"$f"
	run_wb 0 import c "$f" --tz +00:00
	like "$OUT" "$(rows "$f") records, 0 warnings" "$clock clock with Date & Time: every row"
	id=$(printf '%s\n' "$OUT" | sed -n 's/.*evidence \([0-9]*\) .*/\1/p')
	run_wb 0 sql c "SELECT min(ts) / 1000000 FROM procmon WHERE evidence_id = $id"
	is "$(last)" "1715681700" "$clock clock: 2024-05-14 10:15 UTC read from the row times"
	run_wb 0 sql c "SELECT count(*) FROM facts WHERE evidence_id = $id AND key = 'procmon.vss_unfinished'"
	is "$(last)" "1" "$clock clock: analysis done"
done

# Malformed input: an error with the line, nothing imported; --lenient skips.
head -c 200000 "$cap" >"$TEST_TMP/cut.csv"
printf '"10:15:00.0 AM","x.exe","1","RegOpenKey","HKLM\\x","SUCCESS",""\r\n' >>"$TEST_TMP/cut.csv"
run_wb 0 sql c "SELECT count(*) FROM evidence"
before=$(last)
run_wb 1 import c "$TEST_TMP/cut.csv" --date 2024-05-14
like "$ERR" 'cut\.csv: line [0-9]+: ' "the error names the file and line"
run_wb 0 sql c "SELECT count(*) FROM evidence"
is "$(last)" "$before" "a failed import leaves the case unchanged"
run_wb 0 import c "$TEST_TMP/cut.csv" --date 2024-05-14 --lenient
like "$OUT" "[1-9][0-9]* records, 1 warnings" "--lenient imports the rest with a warning"

printf '\357\273\277"Time of Day","Process Name","PID","Operation","Path","Result","Detail"\r\n"1:00:00.0 AM","a.exe","1","RegOpenKey","HKLM\\\377","SUCCESS",""\r\n' >"$TEST_TMP/latin.csv"
run_wb 1 import c "$TEST_TMP/latin.csv"
like "$ERR" 'latin\.csv: line 2: invalid UTF-8 at offset [0-9]+' "invalid UTF-8 refused with line and offset"
printf '"Time of Day","Process Name","PID","Operation","Path","Result","Detail"\r\n' | iconv -f UTF-8 -t UTF-16 >"$TEST_TMP/utf16.csv"
run_wb 1 import c "$TEST_TMP/utf16.csv" --as procmon
like "$ERR" 'utf16\.csv: UTF-16 text; a Procmon CSV export is UTF-8' "UTF-16 explained"
printf '"Time of Day","Process Name","PID","Operation","Path","Result","Detail"\r\n"soon","a.exe","1","RegOpenKey","HKLM\\x","SUCCESS",""\r\n' >"$TEST_TMP/time.csv"
run_wb 1 import c "$TEST_TMP/time.csv" --date 2024-05-14
like "$ERR" 'time\.csv: line 2: Time of Day "soon": expected a time such as' "a bad time names column, value and form"
printf '"Time of Day","Process Name","PID","Operation","Path","Result","Detail"\r\n' >"$TEST_TMP/header.csv"
run_wb 1 import c "$TEST_TMP/header.csv"
like "$ERR" 'no rows after the header' "a header without rows is refused"
printf '"1:00:00.0 AM","\033]0;pwned\007","1","RegOpenKey","HKLM\\x","SUCCESS",""\r\n' >"$TEST_TMP/noheader.csv"
run_wb 1 import c "$TEST_TMP/noheader.csv" --as procmon
like "$ERR" 'not a Process Monitor CSV header' "a file without the header is refused"
unlike "$(printf '%s' "$ERR" | od -c)" '033' "evidence text in errors is made inert"
done_testing
