#!/bin/sh
# wb retime: local times (Event Viewer text export) re-derived with another
# zone without re-importing: timeline, events and facts move together.
. "$WB_SRCDIR/tests/lib.sh"

run_wb 0 new rt --tz +09:00
cat >"$TEST_TMP/ev.txt" <<'EOT'
Log Name:      System
Source:        Microsoft-Windows-Kernel-Power
Date:          2026/11/24 2:14:55
Event ID:      41
Task Category: (63)
Level:         Critical
Keywords:      (70368744177664),(2)
User:          SYSTEM
Computer:      FS01.contoso.local
Description:
The system has rebooted without cleanly shutting down first. This error could be caused if the system stopped responding, crashed, or lost power unexpectedly.
EOT
run_wb 0 import rt "$TEST_TMP/ev.txt"
id=$(printf '%s\n' "$OUT" | sed -n 's/.*evidence \([0-9]*\) .*/\1/p')
run_wb 0 evidence rt
like "$OUT" "time zone: case zone \+09:00 \(assumed\)" "the case zone was assumed and recorded"
run_wb 0 timeline rt
like "$OUT" "^2026-11-23T17:14:55.000000Z ~" "local 02:14:55 at +09:00 is 17:14:55 UTC, marked ~ (local)"
run_wb 0 retime rt "$id" --tz +00:00
is "$OUT" "evidence $id now read as +00:00" "retime confirms"
run_wb 0 timeline rt
like "$OUT" "^2026-11-24T02:14:55.000000Z ~" "the timeline moved by nine hours"
unlike "$OUT" "2026-11-23T17:14:55" "and no entry stayed behind"
run_wb 0 sql rt "SELECT count(*) FROM events WHERE ts = 1795486495000000"
is "$OUT" "count(*)
1" "the event row moved too"
run_wb 0 sql rt "SELECT count(*) FROM facts WHERE ts_local AND ts IS NOT NULL AND ts != 1795486495000000"
is "$OUT" "count(*)
0" "dated facts moved too"
run_wb 0 evidence rt
like "$OUT" "time zone: set by .* with wb retime: \+00:00" "the evidence says who changed the assumption"
run_wb 0 sql rt "SELECT action FROM audit WHERE action LIKE '%time zone%'"
like "$OUT" "evidence $id: time zone set to \+0 minutes" "audit log records the change"
run_wb 2 retime rt "$id"
like "$ERR" "missing --tz" "retime needs --tz"
run_wb 2 retime rt x --tz +01:00
like "$ERR" "'x' is not an evidence id" "retime checks the id"
run_wb 1 retime rt 999 --tz +01:00
like "$ERR" "evidence 999 has no local times" "unknown evidence refused"
done_testing
