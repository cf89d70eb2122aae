#!/bin/sh
# Japanese: a ja_JP.UTF-8 locale, wide characters clipped by display width
# (two columns each), at 80x24 and 132x43, with and without colour; and the
# ASCII fallback when the locale is not UTF-8.
. "$WB_SRCDIR/tests/lib.sh"
. "$WB_SRCDIR/tests/tui/tuilib.sh"

# The locale: the system's, else generated into the test directory.
JA_ENV=""
if locale -a 2>/dev/null | grep -qix 'ja_JP.utf-\{0,1\}8'; then
	JA_ENV="-u LC_ALL LANG=ja_JP.UTF-8"
elif command -v localedef >/dev/null 2>&1 && mkdir -p "$TEST_TMP/locale" &&
	localedef -i ja_JP -f UTF-8 "$TEST_TMP/locale/ja_JP.UTF-8" >/dev/null 2>&1; then
	JA_ENV="-u LC_ALL LANG=ja_JP.UTF-8 LOCPATH=$TEST_TMP/locale"
fi

A60=$(printf 'あ%.0s' $(seq 100))
run_wb 0 new ja --title "夜間バックアップが失敗する"
printf '日本語のメモ: VSSライターがエラー\n%s\nx%s\n' "$A60" "$A60" >"$TEST_TMP/memo.txt"
run_wb 0 import ja "$TEST_TMP/memo.txt"

# width CMD: the widest screen line in display columns
widest() {
	screen | LC_ALL=C.UTF-8 wc -L
}

if [ -z "$JA_ENV" ]; then
	echo "# SKIP Japanese locale: ja_JP.UTF-8 is not installed and localedef could not make it (apt-get install locales)"
else
	for size in 80x24 132x43; do
		for nc in "" NO_COLOR=1; do
			w=${size%x*} h=${size#*x}
			tag="ja $size${nc:+ $nc}"
			# shellcheck disable=SC2086
			tui_start "$w" "$h" ja $JA_ENV $nc
			shows '夜間バックアップが失敗する' "$tag: the title in the header"
			is "$(screen | head -1 | sed 's/ *$//' | LC_ALL=C.UTF-8 wc -L)" "$((w - 1))" \
				"$tag: the header's right part ends at column $((w - 1))"
			keys 2 Enter
			shows 'Text #1: memo.txt' "$tag: the text viewer opens"
			n=$(( (w - 8) / 2 ))
			like "$(screen)" "^ +2  (あ){$n}\$" "$tag: a line of wide characters is clipped at $n characters ($((n * 2)) columns)"
			like "$(screen)" "^ +3  x(あ){$((n - 1))} *\$" "$tag: an odd start leaves the last column blank, not half a character"
			like "$(screen)" '^ +1  日本語のメモ: VSSライターがエラー$' "$tag: mixed text"
			ok "$([ "$(widest)" -le "$w" ]; echo $?)" "$tag: no line is wider than the screen"
			keys l
			shows "^ +2  (あ){$n}\$" "$tag: scrolled right, still clipped"
			keys j j
			shows "^ x(あ){$(( (w - 2) / 2 ))} *\$" "$tag: the detail pane clips too"
			keys Q
			shows 'WB-EXIT=0' "$tag: quit"
		done
	done
fi

# The UI in Japanese: the catalogue as tests/cli/i18n.sh finds or builds it.
msgstr_of() {	# the translation of a msgid in po/ja.po (empty when none)
	awk -v id="msgid \"$1\"" '$0 == id { getline; print; exit }' "$WB_SRCDIR/po/ja.po" |
		sed 's/^msgstr "//; s/"$//'
}
gmo=
for d in "$WB_BUILDDIR/po" "$WB_SRCDIR/po"; do
	[ -f "$d/ja.gmo" ] && ! [ "$WB_SRCDIR/po/ja.po" -nt "$d/ja.gmo" ] && { gmo="$d/ja.gmo"; break; }
done
if [ -z "$gmo" ] && command -v msgfmt >/dev/null 2>&1; then
	msgfmt -o "$TEST_TMP/ja.gmo" "$WB_SRCDIR/po/ja.po" 2>/dev/null && gmo="$TEST_TMP/ja.gmo"
fi
t_overview=$(msgstr_of Overview)
t_top=$(msgstr_of "Top findings")
if [ -z "$JA_ENV" ] || [ -z "$gmo" ] || [ -z "$t_overview" ] || [ -z "$t_top" ] ||
	grep -q '^#define ENABLE_NLS 0' "$WB_BUILDDIR/config.h" 2>/dev/null; then
	echo "# SKIP Japanese UI: no Japanese locale, no compiled catalogue or no translation of the view names"
else
	mkdir -p "$TEST_TMP/msgs/ja/LC_MESSAGES"
	cp "$gmo" "$TEST_TMP/msgs/ja/LC_MESSAGES/wb.mo"
	# shellcheck disable=SC2086
	tui_start 80 24 ja $JA_ENV LANGUAGE= WB_LOCALEDIR="$TEST_TMP/msgs"
	shows " 1 $t_overview " "ja UI: the view bar is in Japanese"
	like "$(screen)" "^$t_top\$" "ja UI: the overview's headings are in Japanese"
	ok "$([ "$(widest)" -le 80 ]; echo $?)" "ja UI: no line is wider than the screen"
	keys A ; type_text '顧客に再起動を依頼した'; keys BSpace BSpace ; type_text 'する'; keys Enter
	shows '最近のメモ' "ja UI: back on the overview after the note"
	run_wb 0 sql ja "SELECT text FROM notes"
	is "$OUT" "text
顧客に再起動を依頼する" "ja UI: a note typed in Japanese (Backspace removes whole characters)"
	keys '?'
	shows ':move-down' "ja UI: help"
	ok "$([ "$(widest)" -le 80 ]; echo $?)" "ja UI: the help fits the screen"
	# The headings are padded by display width: ":command" heads its column.
	cols=$(screen | LC_ALL=C.UTF-8 python3 -c '
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = sys.stdin.read().splitlines()
head = next(l for l in lines if ":command" in l)
row = next(l for l in lines if ":move-down" in l)
print(width(head[:head.index(":command")]), width(row[:row.index(":move-down")]))')
	is "${cols% *}" "${cols#* }" "ja UI: help headings line up with their columns"
	keys Q
	shows 'WB-EXIT=0' "ja UI: quit"
fi

# Not UTF-8: ASCII only
tui_start 80 24 ja LC_ALL=C
shows 'wb: ja' "C locale: wb starts"
like "$(screen | head -1)" '^ wb: ja - \?{13} ' "C locale: the title as question marks"
keys 2 Enter
shows 'Text #1: memo.txt' "C locale: the text viewer opens"
like "$(screen)" '^ +2  \?{72}$' "C locale: one ? per character, one column each"
if screen | grep -q 'あ'; then ok 1 "C locale: no UTF-8 reaches the screen"; else ok 0 "C locale: no UTF-8 reaches the screen"; fi
keys Q
shows 'WB-EXIT=0' "C locale: quit"
done_testing
