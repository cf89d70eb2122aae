#!/bin/sh
# Two engineers on one case: while wb open shows it, another process imports
# and adds a note; the TUI notices, refreshes and says so.
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/tui/tuilib.sh"

run_wb 0 new shared --title "Shared case"
printf 'first file\n' >"$TEST_TMP/a.txt"
run_wb 0 import shared "$TEST_TMP/a.txt"
tui_start 80 24 shared
shows 'evidence 1  findings' "the TUI shows one evidence file"
keys 2
shows '^#    Kind' "evidence list open"

printf 'second file from a colleague\n' >"$TEST_TMP/b.txt"
run_wb 0 import shared "$TEST_TMP/b.txt"
shows 'evidence 2  findings' "the header counts the colleague's import"
shows 'b\.txt' "the evidence list shows the new file"
shows 'the case changed .*views refreshed' "the status line says why the screen changed"
run_wb 0 note shared "a colleague's note"
keys 6
shows "a colleague's note" "the notes view shows the colleague's note"
keys q q
done_testing
