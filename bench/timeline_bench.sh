#!/bin/sh
# Timeline benchmark: a case with 1,000,000 timeline rows, each tool in an
# 80x24 tmux pane.  Compared: wb's TUI (`wb open`, then `3` for the timeline)
# against the tools an engineer would otherwise use on the same timeline
# exported as text (`wb timeline`): less -S, and lnav if it is installed
# (skipped, and said so, if not).  Two times per tool, best of 5:
#   start: from starting the tool until its first screen shows the first rows
#          (wb queries the case; less reads one screen; lnav indexes the whole
#          file first),
#   G:     from pressing G until the last row ("event 1000000") is on screen.
# lnav opens at the end of a file by default (tail mode); `-c ':goto 0'` makes
# it open at the top like the others, so that G means the same for all three.
# lnav gets a private HOME and XDG dirs in the temp dir, warmed once (its
# first start writes its default formats there).
# Usage: timeline_bench.sh BUILDDIR [ROWS]
set -eu
build=$1
rows=${2:-1000000}
wb=$build/wb
tmp=$(mktemp -d /tmp/wbbench.XXXXXX)
sock=wbbench$$
# (|| true: under set -e a failing kill-server, the server being gone
# already, would end the trap before the rm.)
trap 'tmux -L $sock kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
export WB_CASES="$tmp/cases" HOME="$tmp" LC_ALL=C.UTF-8 TERM=xterm-256color
export XDG_CONFIG_HOME="$tmp/xdg/config" XDG_DATA_HOME="$tmp/xdg/data" \
	XDG_CACHE_HOME="$tmp/xdg/cache" XDG_STATE_HOME="$tmp/xdg/state"
"$wb" new big >/dev/null
sqlite3 "$WB_CASES/big.wb" "
INSERT INTO evidence(id, kind, importer, importer_version, path, size, imported_at, imported_by, records, status)
VALUES (1, 'eventlog', 'gen', '1', '/gen/System.evtx', 0, '2024-01-01T00:00:00Z', 'gen', $rows, 'ok');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO timeline(evidence_id, ts, local, level, kind, summary)
SELECT 1, 1714521600000000 + i * 1000000, 0, 'info', 'event', 'event ' || i FROM n;"
"$wb" timeline big >"$tmp/timeline.txt"

lnav=
if command -v lnav >/dev/null 2>&1; then
	lnav=lnav
	mkdir -p "$tmp/lnavtmp"
	TMPDIR="$tmp/lnavtmp" lnav -n -q -N </dev/null >/dev/null 2>&1 || true
else
	echo "timeline_bench: lnav is not installed, lnav skipped"
fi

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wait_for PATTERN: poll the pane until it shows PATTERN (gives up after
# 6000 polls, 30 s or more).
wait_for() {
	i=0
	while [ $i -lt 6000 ]; do
		tmux -L $sock capture-pane -p -t bench | grep -Eq -- "$1" && return 0
		sleep 0.005
		i=$((i + 1))
	done
	echo "timeline_bench: timed out waiting for /$1/" >&2
	return 1
}
# The first and the last row as wb, less -S and lnav show them (lnav pads
# rows with blanks up to its right border).
first='event 1( |$)'
last="event $rows( |\$)"
# measure CMD [READY KEY]: start CMD in an 80x24 pane (if READY is given,
# wait for it and press KEY first), wait for the first rows, press G, wait
# for the last row; print "START-MS G-MS".
measure() {
	t0=$(ms)
	tmux -L $sock -f /dev/null new-session -d -s bench -x 80 -y 24 "$1"
	if [ $# -gt 1 ]; then
		wait_for "$2"
		tmux -L $sock send-keys -t bench "$3"
	fi
	wait_for "$first"
	t1=$(ms)
	tmux -L $sock send-keys -t bench G
	wait_for "$last"
	t2=$(ms)
	tmux -L $sock kill-server 2>/dev/null || true
	echo "$((t1 - t0)) $((t2 - t1))"
}
# min VAR VALUE: set VAR to VALUE if VAR is empty or larger.
min() {
	eval "cur=\${$1}"
	if [ -z "$cur" ] || [ "$2" -lt "$cur" ]; then
		eval "$1=\$2"
	fi
}
# ratio A B: A / B to two places (B counted as at least 1).
ratio() {
	d=$2
	[ "$d" -gt 0 ] || d=1
	echo "scale=2; $1 / $d" | bc | sed 's/^\./0./'
}

# run_tool NAME LABEL CMD [READY KEY]: measure one tool in this run; keep
# its best times in open_NAME and best_NAME and add them to the run's line.
run_tool() {
	name=$1 label=$2
	shift 2
	sock=wbbench$$-$name$run
	r=$(measure "$@")
	min "open_$name" "${r% *}"
	min "best_$name" "${r#* }"
	start="$start${start:+, }$label ${r% *} ms"
	g="$g${g:+, }$label ${r#* } ms"
}

best_wb=; best_less=; best_lnav=; open_wb=; open_less=; open_lnav=
for run in 1 2 3 4 5; do
	start= g=
	# wb opens on the overview: switch to the timeline first, then G.
	run_tool wb "wb TUI" "$wb open big" 'Overview' 3
	run_tool less less "less -S $tmp/timeline.txt"
	[ -z "$lnav" ] || run_tool lnav lnav "TMPDIR=$tmp/lnavtmp lnav -c ':goto 0' $tmp/timeline.txt"
	echo "run $run: start to first rows: $start; G to last row: $g"
done
if [ "$lnav" ]; then
	g_lnav="; lnav G ${best_lnav} ms, ratio wb/lnav $(ratio "$best_wb" "$best_lnav")"
	start_lnav=", lnav ${open_lnav} ms (best of 5); ratio wb/less $(ratio "$open_wb" "$open_less"), wb/lnav $(ratio "$open_wb" "$open_lnav")"
else
	g_lnav="; lnav skipped (not installed)"
	start_lnav=" (best of 5); ratio wb/less $(ratio "$open_wb" "$open_less"); lnav skipped (not installed)"
fi
echo "timeline: $rows rows, end of the timeline on screen: wb TUI ${best_wb} ms, less +G ${best_less} ms (best of 5); ratio $(ratio "$best_wb" "$best_less")$g_lnav"
echo "timeline: $rows rows, start to first rows on screen: wb TUI (open, 3) ${open_wb} ms, less ${open_less} ms$start_lnav"
