#!/bin/sh
# TUI shell: header, view bar, views, help, command line, search, resize,
# colour and NO_COLOR, and the terminal given back on quit.
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/tui/tuilib.sh"

run_wb 0 new demo --title "Backup fails nightly" --symptom "VSS error 8193"
printf 'first line\nVSS writer failed: error 0x800423f4\nlast line\n' >"$TEST_TMP/notes.txt"
run_wb 0 import demo "$TEST_TMP/notes.txt"

tui_start 80 24 demo
shows 'Latest notes' "wb open shows the overview"
screen_is "overview at 80x24" <<'EOT'
 wb: demo - Backup fails nightly                         evidence 1  findings 0
 1 Overview  2 Evidence  3 Timeline  4 Findings  5 Checklist  6 Notes  7 KB
Overview
Case
Title          Backup fails nightly
Symptom        VSS error 8193
Status         open
Time zone      +00:00

Evidence: 1 files, 0 warnings
  text         1 (3 records)

Top findings
  none (no article of the knowledge base matches yet)

Checklist
  not started: press 5 to start one

Latest notes
  none: press A to add one



? help  q back  / search  : prompt  Enter enter
EOT

keys 2
shows '^#    Kind +Records' "2 shows the evidence list"
like "$(screen)" "1 text +3 +[0-9]+ B +0 - +<.*/notes\.txt\$" "evidence row: kind, records, size, warnings, tz, the end of a long path"
like "$(screen)" 'SHA-256: [0-9a-f]{64}' "the detail pane shows the hash"
keys Enter
shows 'Text #1: notes.txt' "Enter opens the text viewer"
like "$(screen)" '^ +2  VSS writer failed: error 0x800423f4' "the text viewer shows the lines"

keys / ; type_text 'error 0x[0-9a-f]+'; keys Enter
shows '^ Line 2$' "/ searches with PCRE2 and moves the cursor to the hit"
keys n
shows 'search hit BOTTOM, continuing at TOP' "n wraps around at the end, and says so"
keys / ; type_text 'no such thing'; keys Enter
shows 'pattern not found: no such thing' "a search without hits says so"
keys / ; type_text '(unclosed'; keys Enter
shows 'missing closing parenthesis' "a bad regex is reported"
keys q
shows '^#    Kind' "q goes back to the evidence list"

keys '?'
shows '^Help' "? opens the help"
like "$(screen)" 'j Down \^N +:move-down +Move down one line' "help lists keys from the key table"
like "$(screen)" '/ +:search +Search this view' "help lists search"
keys G
shows 'Keys can be changed in' "G goes to the end of the help"
keys / ; type_text ':cancel'; keys Enter
shows '\^C +:cancel +Cancel the running import' "every action is in the help, with its keys"
keys q

keys : ; type_text 'time'; keys Tab
shows '^:timeline *$' "Tab completes a command name"
keys Enter
shows '^Timeline \(UTC\)' ":timeline switches views"
keys : ; type_text 'frobnicate'; keys Enter
shows 'unknown command: frobnicate' "an unknown command is reported"
keys x
shows 'key x is not bound here' "an unbound key is reported"

keys : ; type_text 'note checked the writer state'; keys Enter
shows 'note 1 added' ":note adds a note"
keys 6
shows 'checked the writer state' "the notes view lists it"

# resize in the middle
tm resize-window -x 132 -y 43
shows 'evidence 1  findings 0 *$' "header right-aligned after resize to 132x43"
is "$(screen | wc -l)" "43" "43 rows after resize"
keys 1
shows '^ 1 Overview  2 Evidence' "view bar after resize"
is "$(screen | head -1 | sed 's/ *$//' | awk '{ print length($0) }')" "131" "the header's right part ends at column 131 of 132"
tm resize-window -x 80 -y 24
shows 'Latest notes' "back to 80x24"

# colour on by default, off with NO_COLOR
like "$(tm capture-pane -p -e | head -2)" "$(printf '\033')\\[[0-9;]*(3[0-7]|4[0-7])[;m]" "colours are used by default"
keys q
shows 'WB-EXIT=0' "q on a main view quits with status 0"
shows 'WB-EXIT=0.*' "shell is back"
like "$(screen)" 'icanon echo' "the tty is back in canonical mode with echo"
is "$(tm display-message -p '#{alternate_on}')" "0" "the alternate screen is left"

tui_start 80 24 demo NO_COLOR=1
shows 'Latest notes' "NO_COLOR: wb starts"
unlike "$(tm capture-pane -p -e)" "$(printf '\033')\\[[0-9;]*(3[0-7]|4[0-7])[;m]" "NO_COLOR: no colour sequences"
like "$(tm capture-pane -p -e | head -1)" "$(printf '\033')\\[[0-9;]*7[;m]" "NO_COLOR: reverse video marks the header"
keys Q
shows 'WB-EXIT=0' "Q quits"

# wb open on a missing case without a terminal to ask: clear error
run_wb 1 open nosuch </dev/null
is "$ERR" "wb: no case at $WB_CASES/nosuch.wb (create it with: wb new)" "missing case, no terminal: error"
run_wb 2 open
like "$ERR" "wb open: missing CASE" "usage error"
run_wb 1 open demo </dev/null
like "$ERR" "needs a terminal" "wb open without a terminal refuses"
tui_start 80 24 fresh
shows 'Create it\? \[y/N\]' "wb open offers to create a missing case"
keys y Enter
shows 'wb: fresh' "answering y creates and opens it"
keys q
shows 'WB-EXIT=0' "and quits"
ok "$([ -f "$WB_CASES/fresh.wb" ]; echo $?)" "the case file exists"

# keys remapped in $XDG_CONFIG_HOME/wb/config
mkdir -p "$XDG_CONFIG_HOME/wb"
printf '# my keys\nbind J last-line\nbind ^G first-line\nbind 2 none\nbind K frobnicate\n' >"$XDG_CONFIG_HOME/wb/config"
tui_start 80 24 demo
shows 'config:5: unknown action "frobnicate"' "a bad config line is reported"
keys '?'
shows '^Help' "help with the user's keys"
like "$(screen)" '^J G End +:last-line' "help shows the user's binding first"
keys J
shows 'Keys can be changed in' "J (bound by the user) goes to the last line"
keys C-g
shows '^Keys and commands' "^G (bound by the user) goes to the first line"
keys q 2
shows 'key 2 is not bound here' "a key bound to none does nothing"
keys Q
shows 'WB-EXIT=0' "quit"
done_testing
