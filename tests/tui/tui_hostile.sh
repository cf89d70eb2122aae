#!/bin/sh
# Hostile evidence: escape sequences, C1 controls, bidi overrides and bad
# UTF-8 are shown inert, and never reach the terminal stream.
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/tui/tuilib.sh"

run_wb 0 new hostile
{
	printf 'title \033]0;pwned\007 end\n'
	printf 'clipboard \033]52;c;ZWNobyBwd25lZA==\007 end\n'
	printf 'dcs \033P1$qm\033\\ end\n'
	printf 'csi \033[2J\033[31mred\033[0m end\n'
	printf 'c1 \302\233 31m end\n'
	printf 'bidi \342\200\256gnp.exe end\n'
	printf 'bell \007 and backspace \010 end\n'
} >"$TEST_TMP/hostile.txt"
run_wb 0 import hostile "$TEST_TMP/hostile.txt"

tui_start 80 24 hostile
shows 'Overview' "wb starts"
tm pipe-pane -o "cat >>'$TEST_TMP/stream'"
keys 2
shows '1 text' "evidence listed"
keys Enter
shows 'Text #1: hostile.txt' "the text viewer opens"
S=$(screen)
like "$S" 'title \^\[\]0;pwned\^G end' "OSC title shown inert"
like "$S" 'clipboard \^\[\]52;c;ZWNobyBwd25lZA==\^G end' "OSC 52 shown inert"
like "$S" 'dcs \^\[P1\$qm\^\[\\ end' "DCS shown inert"
like "$S" 'csi \^\[\[2J\^\[\[31mred\^\[\[0m end' "CSI shown inert"
like "$S" 'c1 <U\+009B> 31m end' "C1 CSI shown as a code point"
like "$S" 'bidi <U\+202E>gnp.exe end' "bidi override shown as a code point"
like "$S" 'bell \^G and backspace \^H end' "C0 controls in caret form"
keys j
shows ' Line 2$' "detail pane follows the cursor"
like "$(screen)" 'clipboard \^\[\]52;c;' "the detail pane is sanitised too"
keys / ; type_text 'pwned'; keys Enter
shows '^ Line 1$' "search finds text in hostile lines"
keys q q
shows 'WB-EXIT=0' "quit"
tm pipe-pane
ok "$([ -s "$TEST_TMP/stream" ]; echo $?)" "the terminal stream was captured"
ESC=$(printf '\033')
if grep -q "${ESC}\]" "$TEST_TMP/stream"; then ok 1 "no OSC (ESC ]) in the stream"; else ok 0 "no OSC (ESC ]) in the stream"; fi
if grep -q "${ESC}P" "$TEST_TMP/stream"; then ok 1 "no DCS (ESC P) in the stream"; else ok 0 "no DCS (ESC P) in the stream"; fi
if grep -q "$(printf '\302\233')" "$TEST_TMP/stream"; then ok 1 "no C1 CSI in the stream"; else ok 0 "no C1 CSI in the stream"; fi
if grep -q "$(printf '\342\200\256')" "$TEST_TMP/stream"; then ok 1 "no bidi override in the stream"; else ok 0 "no bidi override in the stream"; fi
if grep -q "${ESC}\[2J${ESC}\[31mred" "$TEST_TMP/stream"; then ok 1 "the evidence's CSI is not replayed"; else ok 0 "the evidence's CSI is not replayed"; fi
done_testing
