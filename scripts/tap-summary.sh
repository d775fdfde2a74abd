#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Count the results of TAP/KTAP files: every top-level "ok"/"not ok" line of a
# kselftest (KTAP nests subtests by indentation; KUnit's suite results are
# counted at the level of its test cases). A suite whose plan promised more
# results than it printed, or whose .rc file says it exited non-zero without a
# "not ok", counts one failure more. Prints "PASS FAIL SKIP" on the last line.
#
# usage: tap-summary.sh FILE.tap...
set -euo pipefail
tp=0 tf=0 ts=0
for f in "$@"; do
	name=$(basename "$f" .tap)
	# KUnit debugfs results nest the cases one level under the suite.
	if grep -q '^    # Subtest:' "$f" && grep -q '^KTAP version' "$f"; then
		ind='    '
	else
		ind=''
	fi
	read -r p fl s planned < <(awk -v ind="$ind" '
		BEGIN { re = "^" ind "(not )?ok [0-9]+" }
		$0 ~ "^" ind "1\\.\\.[0-9]+" && !plan { sub("^" ind "1\\.\\.", ""); plan = $0 + 0; next }
		$0 ~ re {
			if ($0 ~ /# (SKIP|skip)/) s++
			else if ($0 ~ "^" ind "not ok") f++
			else p++
		}
		END { printf "%d %d %d %d\n", p, f, s, plan }' "$f")
	if [ "$((p + fl + s))" -lt "$planned" ]; then
		echo "$name: planned $planned results, got $((p + fl + s))" >&2
		fl=$((fl + 1))
	fi
	rcf=${f%.tap}.rc
	if [ -f "$rcf" ] && [ "$(cat "$rcf")" != 0 ] && [ "$fl" = 0 ]; then
		echo "$name: exited $(cat "$rcf") without a failed result" >&2
		fl=$((fl + 1))
	fi
	printf '%-28s %3d passed, %3d failed, %3d skipped\n' "$name" "$p" "$fl" "$s" >&2
	tp=$((tp + p)) tf=$((tf + fl)) ts=$((ts + s))
done
echo "$tp $tf $ts"
