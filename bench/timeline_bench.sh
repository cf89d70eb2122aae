#!/bin/sh
# Timeline benchmark: a case with 1,000,000 timeline rows.  Time until the
# last row is on screen after `G` in wb's TUI, against the tool an engineer
# would otherwise use on the same timeline exported as text: less +G.
# Usage: timeline_bench.sh BUILDDIR [ROWS]
set -eu
build=$1
rows=${2:-1000000}
wb=$build/wb
tmp=$(mktemp -d /tmp/wbbench.XXXXXX)
sock=wbbench$$
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
export WB_CASES="$tmp/cases" HOME="$tmp" LC_ALL=C.UTF-8 TERM=xterm-256color
"$wb" new big >/dev/null
sqlite3 "$WB_CASES/big.wb" "
INSERT INTO evidence(id, kind, importer, importer_version, path, size, imported_at, imported_by, records, status)
VALUES (1, 'eventlog', 'gen', '1', '/gen/System.evtx', 0, '2024-01-01T00:00:00Z', 'gen', $rows, 'ok');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO timeline(evidence_id, ts, local, level, kind, summary)
SELECT 1, 1714521600000000 + i * 1000000, 0, 'info', 'event', 'event ' || i FROM n;"
"$wb" timeline big >"$tmp/timeline.txt"

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wait_for PATTERN: poll the pane until it shows PATTERN (10 s at most).
wait_for() {
	i=0
	while [ $i -lt 2000 ]; do
		tmux -L $sock capture-pane -p -t bench | grep -Eq -- "$1" && return 0
		sleep 0.005
		i=$((i + 1))
	done
	echo "timeline_bench: timed out waiting for /$1/" >&2
	return 1
}
# time_end CMD PATTERN-READY PATTERN-END KEY: start CMD in an 80x24 pane,
# wait until it is ready, press KEY, print the ms until PATTERN-END shows.
time_end() {
	tmux -L $sock -f /dev/null new-session -d -s bench -x 80 -y 24 "$1"
	wait_for "$2"
	t0=$(ms)
	tmux -L $sock send-keys -t bench "$4"
	wait_for "$3"
	t1=$(ms)
	tmux -L $sock kill-server 2>/dev/null || true
	echo $((t1 - t0))
}
best_wb=; best_less=
for run in 1 2 3 4 5; do
	sock=wbbench$$-$run
	# wb opens on the overview: switch to the timeline first, then G.
	tmux -L $sock -f /dev/null new-session -d -s bench -x 80 -y 24 "$wb open big"
	wait_for 'Overview'
	tmux -L $sock send-keys -t bench 3
	wait_for "1/$rows"
	t0=$(ms); tmux -L $sock send-keys -t bench G; wait_for "$rows/$rows"; t1=$(ms)
	tmux -L $sock kill-server 2>/dev/null || true
	w=$((t1 - t0))
	sock=wbbench$$-less$run
	l=$(time_end "less -S $tmp/timeline.txt" 'event 1$' "event $rows\$" 'G')
	echo "run $run: wb TUI G ${w} ms, less G ${l} ms"
	[ -z "$best_wb" ] || [ "$w" -lt "$best_wb" ] && best_wb=$w
	[ -z "$best_less" ] || [ "$l" -lt "$best_less" ] && best_less=$l
done
[ "$best_less" -gt 0 ] || best_less=1
echo "timeline: $rows rows, end of the timeline on screen: wb TUI ${best_wb} ms, less +G ${best_less} ms (best of 5); ratio $(echo "scale=2; $best_wb / $best_less" | bc)"
