#!/bin/sh
# :import from inside the UI: path completion, progress, the UI stays
# responsive, cancel leaves the case as it was.
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/tui/tuilib.sh"

run_wb 0 new imp
mkdir -p "$TEST_TMP/ev"
printf 'VSS writer failed\nsecond line\n' >"$TEST_TMP/ev/customer-notes.txt"
seq 1 1500000 | sed 's/^/log line number /' >"$TEST_TMP/ev/huge.txt"

tui_start 80 24 imp
shows 'none yet: press i' "an empty case says how to import"
keys i
shows '^import: *$' "i opens the import prompt"
type_text "$TEST_TMP/ev/cus"; keys Tab
shows "^import: .*/ev/customer-notes\\.txt *\$" "Tab completes the path"
keys Enter
shows 'imported .*customer-notes\.txt as evidence #1 \(notes\)' "the import finishes with a message"
shows 'Evidence: 1 files' "the overview is refreshed"

keys : ; type_text "import $TEST_TMP/ev/h"; keys Tab
shows "^:import .*/ev/huge\\.txt *\$" ":import completes paths too"
keys Enter
shows 'importing huge\.txt [0-9]+% [0-9]+ rows \(\^C cancels\)' "progress is shown in the status line"
keys 6
shows '^Notes' "the UI stays responsive during the import"
keys C-c
shows 'import cancelled' "^C cancels the import" 30
run_wb 0 sql imp "SELECT count(*) FROM evidence"
is "$OUT" "count(*)
1" "the cancelled import left no evidence"
run_wb 0 sql imp "SELECT count(*) FROM text_lines"
is "$OUT" "count(*)
2" "and no rows"
keys i ; type_text "$TEST_TMP/ev/nosuch.txt"; keys Enter
shows 'nosuch\.txt: No such file or directory' "a missing file is reported"
keys i ; type_text "$TEST_TMP/ev/customer-notes.txt"; keys Enter
shows 'already imported|same (file|content|sha)|duplicate' "importing the same file again is refused"
keys Q
shows 'WB-EXIT=0' "quit"
done_testing
