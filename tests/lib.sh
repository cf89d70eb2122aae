# lib.sh: TAP helpers for shell tests.  Source it, then call the helpers;
# finish with `done_testing`.  Every test gets a private case directory.
#
#   run_wb 0 new demo          # runs $WB, checks the exit status, keeps output
#   like "$OUT" 'created case' "new prints where"
#   is "$ERR" "wb: ..." "exact error"
set -u
: "${WB:?WB must point at the built wb binary}"
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/wbtest.XXXXXX")
trap 'rm -rf "$TEST_TMP"' EXIT
WB_CASES="$TEST_TMP/cases"; export WB_CASES
XDG_CONFIG_HOME="$TEST_TMP/config"; export XDG_CONFIG_HOME
XDG_DATA_HOME="$TEST_TMP/data"; export XDG_DATA_HOME
HOME="$TEST_TMP/home"; mkdir -p "$HOME"; export HOME
USER="${USER:-tester}"; export USER
_tap_n=0
_tap_failed=0

ok() {	# ok COND-STATUS NAME
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

is() {	# is GOT WANT NAME
	_tap_n=$((_tap_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $_tap_n - $3"
	else
		echo "not ok $_tap_n - $3"
		printf '#   got:      %s\n#   expected: %s\n' "$1" "$2" | sed '2,$s/^/#   /'
		_tap_failed=$((_tap_failed + 1))
	fi
}

like() {	# like TEXT EXTENDED-REGEX NAME
	_tap_n=$((_tap_n + 1))
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		echo "ok $_tap_n - $3"
	else
		echo "not ok $_tap_n - $3"
		printf '%s\n' "#   no match for /$2/ in:" "$(printf '%s\n' "$1" | head -20 | sed 's/^/#     /')"
		_tap_failed=$((_tap_failed + 1))
	fi
}

unlike() {	# unlike TEXT EXTENDED-REGEX NAME
	_tap_n=$((_tap_n + 1))
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		echo "not ok $_tap_n - $3"
		printf '%s\n' "#   unexpected match for /$2/"
		_tap_failed=$((_tap_failed + 1))
	else
		echo "ok $_tap_n - $3"
	fi
}

# run_wb STATUS ARGS...: run wb, set OUT, ERR and RC, and check the status.
run_wb() {
	_want=$1
	shift
	"$WB" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
	OUT=$(cat "$TEST_TMP/out")
	ERR=$(cat "$TEST_TMP/err")
	is "$RC" "$_want" "wb $* exits $_want"
	if [ "$RC" != "$_want" ] && [ -n "$ERR" ]; then
		printf '%s\n' "$ERR" | head -5 | sed 's/^/#   stderr: /'
	fi
}

# need_corpus [SUBDIR]: skip the whole test when ../shared/corpus is absent.
# Call it before the first test: a TAP plan of 1..0 after results is an error.
need_corpus() {
	if [ ! -d "$WB_CORPUS/${1:-}" ]; then
		echo "1..0 # SKIP shared corpus not found at $WB_CORPUS/${1:-} (a clone outside the project)"
		exit 0
	fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}
