#!/bin/sh
# The terminal is restored on every way out: quit, SIGTERM, SIGINT, SIGHUP,
# and crashes (SIGSEGV, SIGABRT).
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/tui/tuilib.sh"

run_wb 0 new sig
for sig in TERM INT HUP SEGV ABRT; do
	tui_start 80 24 sig
	shows 'Latest notes' "$sig: wb is up"
	pid=$(wb_pid)
	ok "$([ -n "$pid" ]; echo $?)" "$sig: found wb's process"
	kill -"$sig" "$pid"
	case $sig in
	TERM) want=143 ;; INT) want=130 ;; HUP) want=129 ;; SEGV) want=139 ;; ABRT) want=134 ;;
	esac
	shows "WB-EXIT=$want" "$sig: wb dies of the signal ($want)"
	shows 'icanon echo' "$sig: the tty modes are restored"
	is "$(tm display-message -p '#{alternate_on}')" "0" "$sig: the alternate screen is left"
done
tui_start 80 24 sig
shows 'Latest notes' "^C: wb is up"
keys C-c
shows 'WB-EXIT=0' "^C with no import running quits cleanly"
shows 'icanon echo' "^C: the tty modes are restored"
done_testing
