# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154 # logs, stages_tap, limit: the caller's
# The stages of scripts/check.sh, sourced by it (and by
# scripts/test-check-stages.sh). A stage runs one command against a time
# budget and fails on the command's failure only: one over its budget is
# reported (its summary line, the "over budget" list and a TAP line with an
# "# over budget" note, which counts as a pass), since a busy machine is no
# error of the stage. Only the run's limit fails a run for its time.
#
# The caller sets: logs (directory for each stage's log), stages_tap (TAP
# file of the stages' results), limit (the run's limit in seconds, 0 for
# none); then calls stages_begin, stage ..., stages_end. pass and fail
# count the results, summary holds the table.

pass=${pass:-0} fail=${fail:-0}
summary=()
stages_n=0 stages_t0=0 stages_over=()

stage_now() {
	date +%s
}

# The run's clock starts here; the TAP file starts empty.
stages_begin() {
	stages_t0=$(stage_now)
	: > "$stages_tap"
}

# "1.9x": @1 seconds against a budget of @2, one decimal.
stage_ratio() {
	local r=$(($1 * 10 / $2))
	echo "$((r / 10)).$((r % 10))x"
}

# stage NAME BUDGET_SECONDS COMMAND...: one check that passes when COMMAND
# succeeds, however long it took.
stage() {
	local name=$1 budget=$2 t0 rc dt verdict tap over=
	shift 2
	echo "=== stage $name (budget ${budget}s)"
	t0=$(stage_now)
	"$@" 2>&1 | tee "$logs/$name.log"
	rc=${PIPESTATUS[0]}
	dt=$(($(stage_now) - t0))
	stages_n=$((stages_n + 1))
	if [ "$dt" -gt "$budget" ]; then
		over="over budget ($(stage_ratio "$dt" "$budget"))"
		stages_over+=("$name $(stage_ratio "$dt" "$budget")")
	fi
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		verdict=ok
		tap="ok $stages_n - stage $name: ${dt}s, budget ${budget}s"
		[ -n "$over" ] && verdict="ok, $over" tap="$tap # $over"
	else
		fail=$((fail + 1))
		verdict="FAILED (exit $rc)"
		[ -n "$over" ] && verdict="$verdict, $over"
		tap="not ok $stages_n - stage $name: exit $rc after ${dt}s, budget ${budget}s"
	fi
	echo "$tap" >> "$stages_tap"
	summary+=("$(printf '%-16s %5ss / budget %5ss  %s' "$name" "$dt" "$budget" "$verdict")")
	echo "=== stage $name: ${dt}s, $verdict"
}

# The run's own check, against its limit; prints the stage table, the
# stages over budget and the run's time. Return: 1 when over the limit.
stages_end() {
	local total=$(($(stage_now) - stages_t0)) rc=0 what
	stages_n=$((stages_n + 1))
	what="the run: ${total}s"
	if [ "$limit" -gt 0 ]; then
		what="$what, limit ${limit}s"
		if [ "$total" -gt "$limit" ]; then
			rc=1
			echo "not ok $stages_n - $what" >> "$stages_tap"
		else
			echo "ok $stages_n - $what" >> "$stages_tap"
		fi
	else
		echo "ok $stages_n - $what (no limit)" >> "$stages_tap"
	fi
	echo "1..$stages_n" >> "$stages_tap"
	if [ "$rc" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	echo "=== stages"
	printf '%s\n' "${summary[@]}"
	if [ "${#stages_over[@]}" -gt 0 ]; then
		echo "stages over budget (a report, not a failure): ${stages_over[*]}"
	fi
	if [ "$limit" -le 0 ]; then
		echo "total ${total}s (no limit)"
	elif [ "$rc" = 0 ]; then
		echo "total ${total}s, within the run's limit of ${limit}s"
	else
		echo "total ${total}s: FAILED, over the run's limit of ${limit}s"
	fi
	return $rc
}
