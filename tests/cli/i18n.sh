#!/bin/sh
# i18n: the Japanese catalogue (po/ja.po) is well-formed and complete, and wb
# speaks Japanese under a ja_JP.UTF-8 locale and English under C.UTF-8.
#
# The locale and the catalogue are made here, without root: the compiled
# catalogue goes to $TEST_TMP/locale (WB_LOCALEDIR), and when `locale -a` has
# no Japanese locale one is built with localedef into $TEST_TMP/loc (LOCPATH).
. "$WB_SRCDIR/tests/lib.sh"

PO="$WB_SRCDIR/po/ja.po"
unset LANGUAGE LANG LC_MESSAGES

if [ -f "$WB_BUILDDIR/config.h" ] && ! grep -q '^#define ENABLE_NLS 1' "$WB_BUILDDIR/config.h"; then
	skip_all "wb is built without NLS (configure --disable-nls)"
fi

# The compiled catalogue: gettext's po/Makefile writes ja.gmo next to ja.po
# (the source tree); an in-tree build has it in $WB_BUILDDIR/po.  A stale one
# (older than ja.po) is rebuilt from ja.po when msgfmt is at hand.
have_msgfmt=false
command -v msgfmt >/dev/null 2>&1 && have_msgfmt=true
gmo=
for d in "$WB_BUILDDIR/po" "$WB_SRCDIR/po"; do
	if [ -f "$d/ja.gmo" ] && { ! $have_msgfmt || ! [ "$PO" -nt "$d/ja.gmo" ]; }; then
		gmo="$d/ja.gmo"
		break
	fi
done
if [ -z "$gmo" ] && $have_msgfmt; then
	msgfmt -o "$TEST_TMP/ja.gmo" "$PO" && gmo="$TEST_TMP/ja.gmo"
fi
[ -n "$gmo" ] || skip_all "no ja.gmo in $WB_BUILDDIR/po (make -C po update-gmo) and no msgfmt to build one"
mkdir -p "$TEST_TMP/locale/ja/LC_MESSAGES"
cp "$gmo" "$TEST_TMP/locale/ja/LC_MESSAGES/wb.mo"
WB_LOCALEDIR="$TEST_TMP/locale"; export WB_LOCALEDIR

# The catalogue itself: formats match their msgids, nothing fuzzy or missing.
if $have_msgfmt; then
	msgfmt -c -o /dev/null "$PO" 2>"$TEST_TMP/msgfmt.err"
	ok $? "msgfmt -c accepts po/ja.po (format strings match)"
	sed 's/^/#   /' "$TEST_TMP/msgfmt.err"
	stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$PO" 2>&1)
	like "$stats" '^[0-9]+ translated messages?\.$' "po/ja.po: every message translated, none fuzzy ($stats)"
else
	echo "# msgfmt not found: catalogue checks skipped"
fi

# Completeness against the sources.  Strings are added all the time, so a gap
# is reported as TODO (it does not fail the suite): translate, then commit.
todo() {	# todo STATUS NAME DETAILS: ok, or not ok # TODO with the details
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2 # TODO $3"
	fi
}
listed=$(sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$WB_SRCDIR/po/POTFILES.in")
using=$(cd "$WB_SRCDIR" && grep -lE '(^|[^A-Za-z0-9_])N?_\("' core/*.[ch] importers/*.[ch] kb/*.[ch] cli/*.[ch] \
	tui/*.[ch] 2>/dev/null | LC_ALL=C sort)
unlisted=$(printf '%s\n' "$using" | while read -r f; do
	[ -n "$f" ] && ! printf '%s\n' "$listed" | grep -qxF "$f" && echo "$f"; done)
todo "$([ -z "$unlisted" ]; echo $?)" "po/POTFILES.in lists every source file with _() or N_()" \
	"add to po/POTFILES.in: $(echo $unlisted)"
if command -v xgettext >/dev/null 2>&1 && command -v msgcmp >/dev/null 2>&1; then
	(cd "$WB_SRCDIR" && xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -o "$TEST_TMP/wb.pot" \
		$(printf '%s\n' "$listed" | while read -r f; do [ -f "$f" ] && echo "$f"; done)) 2>"$TEST_TMP/xgettext.err"
	msgcmp --use-untranslated "$PO" "$TEST_TMP/wb.pot" >"$TEST_TMP/msgcmp.out" 2>&1
	todo $? "po/ja.po has every message of the sources" \
		"$(grep -c 'this message is used but not defined' "$TEST_TMP/msgcmp.out") new messages (make -C po update-po)"
fi

# A Japanese locale: from the system, else built here.
jalocale=$(locale -a 2>/dev/null | grep -iE '^ja_JP\.utf-?8$' | head -1)
if [ -z "$jalocale" ]; then
	mkdir -p "$TEST_TMP/loc"
	if command -v localedef >/dev/null 2>&1; then
		# warnings make localedef exit 1 with a usable locale
		localedef -i ja_JP -f UTF-8 "$TEST_TMP/loc/ja_JP.UTF-8" >"$TEST_TMP/localedef.out" 2>&1
		if [ -f "$TEST_TMP/loc/ja_JP.UTF-8/LC_CTYPE" ]; then
			LOCPATH="$TEST_TMP/loc"; export LOCPATH
			jalocale=ja_JP.UTF-8
		else
			head -5 "$TEST_TMP/localedef.out" | sed 's/^/# localedef: /'
		fi
	fi
fi
if [ -z "$jalocale" ] || [ "$(LC_ALL=$jalocale locale charmap 2>/dev/null)" != "UTF-8" ]; then
	echo "# no ja_JP.UTF-8 locale and none could be built (localedef missing?): Japanese output not checked"
	done_testing
fi

# Japanese.
LC_ALL=$jalocale; export LC_ALL
run_wb 0 --help
is "$(printf '%s\n' "$OUT" | head -1)" "使い方: wb COMMAND [ARGS]   (詳細は wb COMMAND --help)" "wb --help: Japanese usage line"
like "$OUT" '^  new +ケースを作成する$' "wb --help: new in Japanese"
like "$OUT" '^  import +エビデンスファイルをケースにインポートする$' "wb --help: import in Japanese"
like "$OUT" '^  findings +エビデンスに該当する既知の問題とその根拠$' "wb --help: findings in Japanese"
like "$OUT" '^  note +ケースにメモを追加する$' "wb --help: note in Japanese"
is "$(printf '%s\n' "$OUT" | grep -E '^  [a-z]+ ' | LC_ALL=C grep -c '^[ -~]*$')" "0" \
	"wb --help: every command summary is translated"
like "$OUT" '^ケースはファイルです: ' "wb --help: the note on cases in Japanese"
run_wb 0 new --help
like "$OUT" '^使い方: wb new CASE \[--title TEXT\]' "wb new --help: Japanese usage, options as they are"
like "$OUT" '^CASE を作成します' "wb new --help: Japanese description"

run_wb 2 new
is "$ERR" "wb new: CASE がありません
使い方: wb new CASE [--title TEXT] [--symptom TEXT] [--tz +HH:MM]" "usage error in Japanese"
run_wb 2 frobnicate
is "$(printf '%s\n' "$ERR" | head -1)" "wb: 不明なコマンド 'frobnicate' です" "unknown command in Japanese"
run_wb 0 new case1 --title "Backup fails" --tz +09:00
is "$OUT" "ケース case1 を $WB_CASES/case1.wb に作成しました" "wb new reports in Japanese"
run_wb 1 new case1
is "$ERR" "wb: ケース $WB_CASES/case1.wb は既に存在します" "failure message in Japanese"
run_wb 1 evidence nosuch
is "$ERR" "wb: $WB_CASES/nosuch.wb にケースがありません (作成するには: wb new)" "missing case in Japanese"
run_wb 2 new case2 --tz Tokyo
like "$ERR" "^wb new: タイムゾーン 'Tokyo' が不正です: \+HH:MM または -HH:MM の形式で指定してください$" \
	"time-zone error in Japanese"
run_wb 0 note case1 "顧客に MEMORY.DMP を依頼"
is "$OUT" "メモ 1 を追加しました" "wb note reports in Japanese"
run_wb 0 sql case1 "SELECT text FROM notes"
is "$OUT" "text
顧客に MEMORY.DMP を依頼" "a Japanese note is stored as typed"

# English is still the default.
LC_ALL=C.UTF-8; export LC_ALL
run_wb 0 --help
like "$OUT" '^Usage: wb COMMAND' "C.UTF-8: English usage line"
like "$OUT" '^  new +create a case$' "C.UTF-8: English command summary"
run_wb 2 new
is "$ERR" "wb new: missing CASE
Usage: wb new CASE [--title TEXT] [--symptom TEXT] [--tz +HH:MM]" "C.UTF-8: English usage error"
run_wb 1 evidence nosuch
is "$ERR" "wb: no case at $WB_CASES/nosuch.wb (create it with: wb new)" "C.UTF-8: English failure message"
done_testing
