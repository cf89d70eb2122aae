#!/bin/sh
# Case files are private: 0600/0700 whatever the umask, no symlink following,
# and a case owned by another user is refused unless asked for.
. "$WB_SRCDIR/tests/lib.sh"

umask 000
run_wb 0 new private
is "$(stat -c %a "$WB_CASES/private.wb")" 600 "case file 0600 under umask 000"
is "$(stat -c %a "$WB_CASES")" 700 "case directory 0700 under umask 000"
echo "some notes" >"$TEST_TMP/n.txt"
run_wb 0 import private "$TEST_TMP/n.txt"
for f in "$WB_CASES"/private.wb*; do
	is "$(stat -c %a "$f")" 600 "$(basename "$f") is 0600"
done
umask 022

ln -s "$TEST_TMP/planted-target" "$WB_CASES/planted.wb"
run_wb 1 new planted
ok "$([ ! -e "$TEST_TMP/planted-target" ]; echo $?)" "a symlink planted where a case goes is not followed"
like "$ERR" "already exists" "and the refusal is explained"

if [ "$(id -u)" = 0 ]; then
	chown 65534 "$WB_CASES/private.wb"
	run_wb 1 evidence private
	like "$ERR" "belongs to another user \(uid 65534\): refusing to open it" "a colleague's case is refused"
	WB_ALLOW_FOREIGN=1 run_wb 0 evidence private
	like "$OUT" "n.txt" "WB_ALLOW_FOREIGN=1 opens it"
	chown 0 "$WB_CASES/private.wb"
else
	echo "# not root: cannot make a file owned by another user; ownership check not exercised"
fi
done_testing
