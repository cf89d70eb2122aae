# tuilib.sh: drive the real wb in a private tmux server (source after
# tests/lib.sh).  No fixed sleeps: wait_for polls the screen.
#
#   tui_start 80 24 demo [ENV=VALUE ...]   # wb open demo in a new tmux server
#   keys j j Enter                        # tmux send-keys
#   wait_for 'Evidence'                   # until the screen matches (ERE), 10 s
#   screen                                # the screen as text
[ -n "${TMUX_BIN:-}" ] && [ -x "$TMUX_BIN" ] || skip_all "tmux not found (apt-get install tmux)"
TUI_N=0
TUI_SOCK="wbtest$$-0"
trap '"$TMUX_BIN" -L "$TUI_SOCK" kill-server 2>/dev/null; rm -rf "$TEST_TMP"' EXIT

tm() {
	"$TMUX_BIN" -L "$TUI_SOCK" -f /dev/null "$@"
}

# tui_start COLS ROWS CASE [VAR=VALUE...]: the shell prints WB-EXIT=status
# when wb ends and stays, so exit paths can be checked.
tui_start() {
	_c=$1 _r=$2 _case=$3
	shift 3
	# a fresh server each time: a killed one may still hold its socket
	tm kill-server 2>/dev/null
	TUI_N=$((TUI_N + 1))
	TUI_SOCK="wbtest$$-$TUI_N"
	tm new-session -d -x "$_c" -y "$_r" \
		"env $* '$WB' open '$_case'; echo WB-EXIT=\$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo; sleep 600"
	tm set-option -g window-size manual >/dev/null 2>&1 || true
}

keys() {
	tm send-keys "$@"
}

# type TEXT: literal keys (no key-name lookup)
type_text() {
	tm send-keys -l -- "$1"
}

screen() {
	tm capture-pane -p
}

# wait_for ERE [SECONDS]: poll the screen until it matches.
wait_for() {
	_t=$(( ${2:-10} * 10 ))
	while [ "$_t" -gt 0 ]; do
		if screen | grep -Eq -- "$1"; then
			return 0
		fi
		sleep 0.1
		_t=$((_t - 1))
	done
	return 1
}

# shows ERE NAME: a test that waits for the screen to match.
shows() {
	if wait_for "$1" "${3:-10}"; then
		ok 0 "$2"
	else
		ok 1 "$2"
		screen | sed 's/^/#   | /'
	fi
}

# screen_is NAME <<EOF: the whole screen, trailing blanks removed.
screen_is() {
	_want=$(cat)
	_got=$(screen | sed 's/ *$//')
	is "$_got" "$_want" "$1"
}

# The wb process: the child of the pane's shell.
wb_pid() {
	pgrep -P "$(tm display-message -p '#{pane_pid}')" -n
}

# checklist_answer_all: answer each question that is the current step of the
# checklist view with its first allowed answer ("a 1"); prints the ids answered.
checklist_answer_all() {
	while screen | grep -q '^-> \[ \] [^ ]* ask: '; do
		_id=$(screen | sed -n 's/^-> \[ \] \([^ ]*\) ask: .*/\1/p' | head -1)
		keys / ; type_text '^-> '; keys Enter a ; type_text 1; keys Enter
		wait_for "\\[=\\] $_id ask:" || return 1
		echo "$_id"
	done
}
